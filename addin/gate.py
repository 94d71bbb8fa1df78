"""The server's front door: payload cap, authentication, request checks and the request log.

:class:`Gate` is an ASGI middleware around xlwings Server's app. Every request
that is not a plain read (GET/HEAD/OPTIONS: the manifest, task pane, static
files and function metadata, which carry no data) passes through it:

1. **Payload cap.** A body over ``max_body`` bytes is refused with 413 before it
   is parsed: first by its ``Content-Length``, then by counting while it streams.
2. **Authentication.** ``dev`` (loopback only, no login; the serve command says
   so loudly), ``tokens`` (a token file, :func:`itbudget.access.load_tokens`)
   or ``entraid`` (xlwings Server's Microsoft Entra ID provider; the user's app
   roles ``finance`` / ``holder.H03`` give the principal). 401 otherwise.
3. **Request shape.** The JSON must be what Office.js sends (a known function
   or script name, a list of arguments, a workbook snapshot); otherwise 400
   with a Danish message instead of a 500 deep inside xlwings.
4. **Acting as.** The principal is put in :func:`itbudget.access.current` for
   the request; the adapters refuse another holder's data with 403.
5. **Turns.** A process works on :data:`CALLS_AT_ONCE` function or script calls at
   once, each in a worker thread (:func:`off_the_loop`); the rest wait their turn
   with the body read but not parsed, while the event loop keeps reading and answering.
6. **Log.** One structured line per request (who, function or script, rows,
   status, time) via :func:`itbudget.access.log_record`; never a cell value.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from dataclasses import dataclass, field, replace

from itbudget import access
from itbudget.access import Principal
from itbudget.errors import ItbudgetError
from itbudget.presentation import thousands
from itbudget.settings import Settings

from .function_calls import PARSED_BODY

logger = logging.getLogger("itbudget.server")

DEV, TOKENS, ENTRAID = "dev", "tokens", "entraid"
#: Default payload cap: a 50,000-row bookings table is about 8 MB of JSON.
DEFAULT_MAX_BODY_MB = 20
_DEFAULT_MAX_BODY = DEFAULT_MAX_BODY_MB * 1024 * 1024
_FUNCTIONS_PATH = "/xlwings/custom-functions-call"
_SCRIPTS_PREFIX = "/xlwings/custom-scripts-call/"
_READ_METHODS = {"GET", "HEAD", "OPTIONS"}
#: Every GET route xlwings Server exposes that the add-in needs (reviewed for issue 12 point 1):
#: health check, icon, manifest, task pane, function and script metadata, the functions'
#: JavaScript and the alert dialog (book.app.alert). None reads a file named by the request;
#: /static/ is served by :mod:`addin.static_files`. Anything else is 404 before xlwings sees it.
PUBLIC_PATHS = frozenset({
    "/", "/favicon.ico", "/manifest", "/manifest.xml", "/manifest/download", "/taskpane",
    "/taskpane.html", "/xlwings/alert", "/xlwings/custom-functions-meta",
    "/xlwings/custom-functions-meta.json", "/xlwings/custom-functions-code",
    "/xlwings/custom-functions-code.js", "/xlwings/custom-scripts-meta",
    "/xlwings/custom-scripts-meta.json"})
STATIC_PREFIX = "/static/"
#: Rows per call: bookings (a 2-D argument or the Bogføringer sheet) and any master-data range.
MAX_BOOKING_ROWS, MAX_MASTER_ROWS = 100_000, 50_000
#: Deepest JSON nesting Office.js sends is about 7 (a cell in a range in a repeating argument).
MAX_JSON_DEPTH = 32
#: Seconds a client may take to send its whole body once the headers are in.
DEFAULT_BODY_TIMEOUT = 60.0
#: Function and script calls one server process works on at once. The others wait their
#: turn with the body read but not parsed (a parsed 10,000-row body is about 6 MB of Python
#: objects, seven times its JSON). A process runs Python in one thread at a time, so more
#: calls at once only take turns with the interpreter lock and hold more bodies in memory;
#: two, so that a small call is not queued behind one large call (issue 12 point 6).
#: Measured in docs/performance.md ("Server").
CALLS_AT_ONCE = 2
DEV_PRINCIPAL = Principal(name="udvikling (ingen login)", role=access.FINANCE)


@dataclass(frozen=True)
class AccessSettings:
    """How the server authenticates, and the payload cap. One object, passed to the gate."""

    mode: str
    tokens: dict[str, Principal] = field(default_factory=dict, repr=False)
    max_body: int = _DEFAULT_MAX_BODY
    body_timeout: float = DEFAULT_BODY_TIMEOUT

    @classmethod
    def dev(cls, max_body: int | None = None) -> "AccessSettings":
        return cls(DEV, max_body=max_body or _DEFAULT_MAX_BODY)

    @classmethod
    def from_tokens(cls, path, max_body: int | None = None) -> "AccessSettings":
        return cls(TOKENS, access.load_tokens(path), max_body or _DEFAULT_MAX_BODY)

    @classmethod
    def from_settings(cls, settings: Settings) -> "AccessSettings":
        """``dev``, ``tokens`` or Entra ID (``XLWINGS_AUTH_PROVIDERS``): exactly one of them.

        The payload cap is ``settings.max_body_mb``, the body deadline ``settings.body_timeout``.
        """
        modes = []
        if settings.dev:
            modes.append(DEV)
        if settings.tokens:
            modes.append(TOKENS)
        if settings.entraid:
            modes.append(ENTRAID)
        if len(modes) != 1:
            raise ItbudgetError(
                "Serveren kræver netop én adgangsform: --tokens FIL, Microsoft Entra ID "
                "(XLWINGS_AUTH_PROVIDERS='[\"entraid\"]' med tenant- og klient-id) eller --dev "
                f"(kun 127.0.0.1). Fundet: {', '.join(modes) or 'ingen'}. Se docs/addin.md.")
        if modes[0] == TOKENS:
            return replace(cls.from_tokens(settings.tokens, settings.max_body),
                           body_timeout=settings.body_timeout)
        return cls(modes[0], max_body=settings.max_body, body_timeout=settings.body_timeout)


def count_rows(kind: str, body: dict) -> int:
    """Rows in a request, for the log: the tallest 2-D argument, or the Bogføringer sheet."""
    if kind == "function":
        tall = [len(a) for a in body.get("args") or []
                if isinstance(a, list) and a and isinstance(a[0], list)
                and not (a[0] and isinstance(a[0][0], list))]
        return max(tall, default=0)
    for sheet in body.get("sheets") or []:
        if isinstance(sheet, dict) and str(sheet.get("name", "")).strip().casefold() == "bogføringer":
            values = sheet.get("values")
            return len(values) if isinstance(values, list) else 0
    return 0


def arity(fn) -> tuple[int, int]:
    """How many arguments Office.js sends for ``fn``: (required, at most).

    A repeating (``*args``) parameter arrives as one list, so it counts once.
    """
    import inspect

    params = list(inspect.signature(fn).parameters.values())
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    required = sum(1 for p in positional if p.default is p.empty)
    varargs = any(p.kind == p.VAR_POSITIONAL for p in params)
    return required, len(positional) + (1 if varargs else 0)


def repeating_index(fn) -> int | None:
    """The position of ``fn``'s repeating (``*args``) argument as Office.js sends it, or None."""
    import inspect

    params = list(inspect.signature(fn).parameters.values())
    if not any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    return sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def too_deep(value: object, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when parsed JSON ``value`` nests lists/dicts deeper than ``limit`` (no recursion).

    Level by level, keeping only the containers. A 10,000-row range is 10,000 lists of
    scalars: each list's types are looked at in C (``map(type, ...)``), and only a list
    that holds a container is looked at again in Python (7.1 ms before, 2.8 ms now).
    ``json.loads`` makes exactly ``list`` and ``dict``, so the types are compared exactly.
    """
    level = [value] if type(value) in _CONTAINERS else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        inner = []
        for item in level:
            values = item.values() if type(item) is dict else item
            if not _CONTAINERS.isdisjoint(map(type, values)):
                inner += [v for v in values if type(v) in _CONTAINERS]
        level = inner
    return False


_CONTAINERS = frozenset({list, dict})


def check_shape(kind: str, name: str, body: object, functions: dict[str, tuple[int, int]],
                scripts: set[str], repeating: dict[str, int] | None = None) -> str | None:
    """A Danish reason the body is not what Office.js sends, or None."""
    if not isinstance(body, dict):
        return "Forespørgslen skal være et JSON-objekt."
    if kind == "function":
        if name not in functions:
            return f"Funktionen '{name[:60]}' findes ikke i IT-budget."
        if not isinstance(body.get("args"), list):
            return "Forespørgslen mangler argumenterne (args skal være en liste)."
        low, high = functions[name]
        if not low <= len(body["args"]) <= high:
            return (f"Funktionen {name[:60]} skal have {low}" + (f"-{high}" if high != low else "")
                    + f" argumenter, ikke {len(body['args'])}.")
        if "version" not in body:
            return "Forespørgslen mangler feltet 'version'."
        if not isinstance(body.get("runtime"), str):
            return "Forespørgslen mangler feltet 'runtime' (Excel-versionens API)."
        at = (repeating or {}).get(name)
        if at is not None and len(body["args"]) > at and not isinstance(body["args"][at], list):
            return (f"Det gentagne argument (stamdata) til {name[:60]} skal være en liste af områder; "
                    "udelad det, eller send [].")
        return None
    if name not in scripts:
        return f"Makroen '{name[:60]}' findes ikke i IT-budget."
    if not isinstance(body.get("book"), dict) or not isinstance(body.get("sheets"), list):
        return "Forespørgslen skal indeholde projektmappen (book og sheets)."
    for s in body["sheets"]:
        if not isinstance(s, dict) or not isinstance(s.get("values"), list) or not isinstance(s.get("name"), str):
            return "Et ark i projektmappen mangler navn eller værdier."
        if any(not isinstance(r, list) for r in s["values"]):
            return f"Arket '{s['name'][:60]}' har værdier, der ikke er rækker."
    if "args" in body and not isinstance(body["args"], list):
        return "Makroens argumenter (args) skal være en liste."
    return None


def _is_range(value: object) -> bool:
    """A 2-D range as Office.js sends it: a list of rows whose first row holds cells, not ranges."""
    return (isinstance(value, list) and bool(value) and isinstance(value[0], list)
            and not (value[0] and isinstance(value[0][0], list)))


def check_rows(kind: str, body: dict) -> str | None:
    """A Danish reason the call holds more rows than one call may (413), or None.

    A function's range arguments are bookings (at most :data:`MAX_BOOKING_ROWS`); the
    ranges inside its repeating argument are master data (:data:`MAX_MASTER_ROWS` each).
    A script's Bogføringer sheet is bookings; every other sheet is capped like master data.
    """
    found = []
    if kind == "function":
        for arg in body.get("args") or []:
            if _is_range(arg):
                found.append(("bogføringer", len(arg), MAX_BOOKING_ROWS))
            elif isinstance(arg, list):
                found += [("rækker i ét stamdataområde", len(r), MAX_MASTER_ROWS) for r in arg if _is_range(r)]
    else:
        for sheet in body.get("sheets") or []:
            if str(sheet.get("name", "")).strip().casefold() == "bogføringer":
                found.append(("bogføringer", len(sheet["values"]), MAX_BOOKING_ROWS))
            else:
                found.append(("rækker i ét ark", len(sheet["values"]), MAX_MASTER_ROWS))
    for what, rows, cap in found:
        if rows - 1 > cap:  # the header row is not a booking
            return (f"Forespørgslen har {thousands(rows - 1)} {what}; ét kald må højst have {thousands(cap)}. "
                    + "Del bogføringerne op, eller brug 'itbudget validate' på kommandolinjen.")
    return None


class _Refusal(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


class Gate:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app, settings: AccessSettings, functions: dict[str, tuple[int, int]],
                 scripts: set[str], repeating: dict[str, int] | None = None, offload: bool = True):
        self.app, self.settings = app, settings
        self.functions, self.scripts = dict(functions), set(scripts)
        self.repeating = dict(repeating or {})
        self.offload = offload
        self._slot_loop, self._slot = None, None

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":  # socket.io is off; nothing may bypass the gate
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exposed = exposure_refusal(self.settings.mode, scope)
        if exposed:
            logger.warning("Forespørgsel afvist: %s", exposed[0])
            await _plain(send, 403, exposed[1])
            return
        if scope["method"] in _READ_METHODS:
            path = scope.get("path", "")
            if scope["method"] != "OPTIONS" and path not in PUBLIC_PATHS and not path.startswith(STATIC_PREFIX):
                logger.info(access.log_record(None, "other", "ukendt side", 0, 404, 0.0))
                await _plain(send, 404, "Siden findes ikke.")
                return
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        path = scope.get("path", "")
        if path == _FUNCTIONS_PATH:
            kind, name = "function", ""
        elif path.startswith(_SCRIPTS_PREFIX):
            kind, name = "script", path[len(_SCRIPTS_PREFIX):]
        else:
            kind, name = "other", path
        principal, rows, status = None, 0, 500
        async with contextlib.AsyncExitStack() as held:
            try:
                headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
                self._check_length(headers)
                principal = await self._authenticate(headers)  # before buffering a stranger's body
                if kind != "other":
                    _check_content_type(headers)
                body = await self._read_body(receive)
                if kind != "other":
                    if self.offload:  # held until the answer is sent
                        await held.enter_async_context(self._slots())
                    parsed = _parse_json(body)
                    if kind == "function" and isinstance(parsed, dict):
                        name = str(parsed.get("func_name", ""))
                    reason = check_shape(kind, name, parsed, self.functions, self.scripts, self.repeating)
                    if reason:
                        raise _Refusal(400, reason)
                    rows = count_rows(kind, parsed)
                    reason = check_rows(kind, parsed)
                    if reason:
                        raise _Refusal(413, reason)
            except _Refusal as refusal:
                status = refusal.status
                await _plain(send, refusal.status, refusal.message)
                logger.info(access.log_record(principal, kind, name, rows, status,
                                              (time.perf_counter() - started) * 1000))
                return

            sent = False

            async def replay():
                # xlwings gets exactly the bytes the gate checked (and, by the content type,
                # parses them as JSON: a form field such as bookData= is never read).
                nonlocal sent
                if not sent:
                    sent = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            async def watch(message):
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                await send(message)

            if kind == "function":
                # The worksheet-function route takes the body checked here, not a second parse.
                scope = {**scope, PARSED_BODY: parsed}
            try:
                with access.acting_as(principal):
                    if self.offload and kind != "other":
                        await off_the_loop(self.app, scope, replay, watch)
                    else:
                        await self.app(scope, replay, watch)
            finally:
                logger.info(access.log_record(principal, kind, name, rows, status,
                                              (time.perf_counter() - started) * 1000))

    def _slots(self) -> asyncio.Semaphore:
        """The :data:`CALLS_AT_ONCE` slots of the event loop this gate answers on."""
        loop = asyncio.get_running_loop()
        if self._slot_loop is not loop:
            self._slot_loop, self._slot = loop, asyncio.Semaphore(CALLS_AT_ONCE)
        return self._slot

    def _too_big(self) -> _Refusal:
        return _Refusal(413, f"Forespørgslen er for stor (over {self.settings.max_body / 1024 / 1024:g} MB). "
                             "Del bogføringerne op, eller kontakt IT-staben.")

    def _check_length(self, headers: dict) -> None:
        length = headers.get("content-length")
        if length is None:
            return
        try:
            declared = int(length)
        except ValueError:
            raise _Refusal(400, "Ugyldig Content-Length.") from None
        if declared > self.settings.max_body:
            raise self._too_big()

    async def _read_body(self, receive) -> bytes:
        cap = self.settings.max_body
        chunks, size = [], 0
        deadline = time.monotonic() + self.settings.body_timeout
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(deadline - time.monotonic(), 0.001))
            except asyncio.TimeoutError:
                raise _Refusal(408, "Forespørgslen blev ikke sendt færdig i tide. Prøv igen.") from None
            if message["type"] == "http.disconnect":
                raise _Refusal(400, "Forbindelsen blev afbrudt.")
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                raise self._too_big()
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _authenticate(self, headers: dict) -> Principal:
        mode = self.settings.mode
        if mode == DEV:
            return DEV_PRINCIPAL
        header = headers.get("authorization", "")
        if mode == TOKENS:
            principal = access.principal_for_token(self.settings.tokens, header)
            if principal is None:
                raise _Refusal(401, "Ikke logget ind: indsæt din adgangsnøgle (token) i "
                                    "IT-budget-panelet. Kontakt Økonomistaben for at få en.")
            return principal
        return await _entraid_principal(header)


async def _entraid_principal(header: str) -> Principal:
    from fastapi import HTTPException
    from xlwings_server.auth.entraid import validate_token

    if not header:
        raise _Refusal(401, "Ikke logget ind: IT-budget kræver login med din Microsoft 365-konto.")
    try:
        user = await validate_token(header)
    except HTTPException:
        raise _Refusal(401, "Login med Microsoft 365 kunne ikke bekræftes. Log ind igen, "
                            "eller kontakt IT-staben.") from None
    name = user.name or user.email or user.id or "ukendt"
    principal = access.principal_from_roles(user.roles, name)
    if principal is None:
        raise _Refusal(403, f"Adgang nægtet: {name} har ingen rolle i IT-budget (finance eller "
                            "holder.<aftaleholder>). Kontakt IT-staben.")
    return principal


def _check_content_type(headers: dict) -> None:
    media = headers.get("content-type", "").split(";", 1)[0].strip().casefold()
    if media != "application/json":
        raise _Refusal(415, "Forespørgslen skal sendes som JSON (Content-Type: application/json).")


def _parse_json(body: bytes) -> object:
    try:
        parsed = json.loads(body) if body else None
    except RecursionError:
        parsed = _TOO_DEEP
    except (ValueError, UnicodeDecodeError):
        raise _Refusal(400, "Forespørgslen er ikke gyldig JSON.") from None
    if parsed is _TOO_DEEP or too_deep(parsed):
        raise _Refusal(400, f"Forespørgslen er indlejret dybere end {MAX_JSON_DEPTH} niveauer.")
    return parsed


_TOO_DEEP = object()


def exposure_refusal(mode: str, scope) -> tuple[str, str] | None:
    """(log reason, Danish message) when this connection must not be served, else None.

    However the app was built (``itbudget serve`` or ``uvicorn --factory ... --host 0.0.0.0``),
    the ASGI scope says on which local address the request arrived: development mode (no
    login) answers only requests that arrive on and come from loopback, and login tokens are
    never accepted in clear text off loopback (plain HTTP on a non-loopback address).
    """
    server, client = scope.get("server"), scope.get("client")
    local = server is None or access.is_loopback(str(server[0]))
    if mode == DEV and not (local and (client is None or access.is_loopback(str(client[0])))):
        return ("udviklingstilstand uden for loopback",
                "Udviklingstilstand (intet login) svarer kun på 127.0.0.1. Start serveren med login.")
    if mode != DEV and not local and scope.get("scheme") != "https":
        return ("login uden HTTPS uden for loopback",
                "IT-budget svarer kun over HTTPS uden for denne maskine: adgangsnøgler og "
                "bogføringer må ikke sendes ukrypteret. Start serveren med --cert og --key.")
    return None


async def off_the_loop(app, scope, receive, send) -> None:
    """Run one request through ``app`` on its own event loop in a worker thread.

    xlwings runs a function or script in the server's event loop, so one large call
    stalled every other user's request until it was done (issue 12 point 6). Here the
    call (conversion, validation, answer) runs in a thread while the server's loop keeps
    reading and answering other requests; the ASGI messages hop back to the loop.
    """
    loop = asyncio.get_running_loop()

    def on_loop(coro_fn):
        async def hop(*args):
            return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(coro_fn(*args), loop))
        return hop

    await asyncio.to_thread(asyncio.run, app(scope, on_loop(receive), on_loop(send)))


async def _plain(send, status: int, message: str) -> None:
    data = message.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


__all__ = ["AccessSettings", "DEFAULT_MAX_BODY_MB", "DEV", "DEV_PRINCIPAL", "ENTRAID", "Gate", "TOKENS",
           "arity", "check_rows", "check_shape", "count_rows", "exposure_refusal",
           "off_the_loop", "repeating_index", "too_deep"]
