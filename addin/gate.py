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
5. **Log.** One structured line per request (who, function or script, rows,
   status, time) via :func:`itbudget.access.log_record`; never a cell value.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field

from itbudget import access
from itbudget.access import Principal
from itbudget.errors import ItbudgetError

logger = logging.getLogger("itbudget.server")

DEV, TOKENS, ENTRAID = "dev", "tokens", "entraid"
#: Default payload cap: a 50,000-row bookings table is about 8 MB of JSON.
DEFAULT_MAX_BODY_MB = 20
_DEFAULT_MAX_BODY = DEFAULT_MAX_BODY_MB * 1024 * 1024
_FUNCTIONS_PATH = "/xlwings/custom-functions-call"
_SCRIPTS_PREFIX = "/xlwings/custom-scripts-call/"
_READ_METHODS = {"GET", "HEAD", "OPTIONS"}
DEV_PRINCIPAL = Principal(name="udvikling (ingen login)", role=access.FINANCE)


@dataclass(frozen=True)
class AccessSettings:
    """How the server authenticates, and the payload cap. One object, passed to the gate."""

    mode: str
    tokens: dict[str, Principal] = field(default_factory=dict, repr=False)
    max_body: int = _DEFAULT_MAX_BODY

    @classmethod
    def dev(cls, max_body: int | None = None) -> "AccessSettings":
        return cls(DEV, max_body=max_body or _DEFAULT_MAX_BODY)

    @classmethod
    def from_tokens(cls, path, max_body: int | None = None) -> "AccessSettings":
        return cls(TOKENS, access.load_tokens(path), max_body or _DEFAULT_MAX_BODY)

    @classmethod
    def from_environment(cls, max_body: int | None = None) -> "AccessSettings":
        """``ITBUDGET_DEV=1``, ``ITBUDGET_TOKENS=FILE`` or Entra ID in ``XLWINGS_AUTH_PROVIDERS``.

        The payload cap is ``max_body`` bytes, else ``ITBUDGET_MAX_BODY_MB``.
        """
        if max_body is None:
            max_body = int(float(os.environ.get("ITBUDGET_MAX_BODY_MB") or DEFAULT_MAX_BODY_MB) * 1024 * 1024)
        modes = []
        if os.environ.get("ITBUDGET_DEV") == "1":
            modes.append(DEV)
        if os.environ.get("ITBUDGET_TOKENS"):
            modes.append(TOKENS)
        if entraid_configured():
            modes.append(ENTRAID)
        if len(modes) != 1:
            raise ItbudgetError(
                "Serveren kræver netop én adgangsform: --tokens FIL, Microsoft Entra ID "
                "(XLWINGS_AUTH_PROVIDERS='[\"entraid\"]' med tenant- og klient-id) eller --dev "
                f"(kun 127.0.0.1). Fundet: {', '.join(modes) or 'ingen'}. Se docs/addin.md.")
        if modes[0] == TOKENS:
            return cls.from_tokens(os.environ["ITBUDGET_TOKENS"], max_body)
        return cls(modes[0], max_body=max_body)


def entraid_configured() -> bool:
    """True when xlwings Server's settings name the Entra ID provider."""
    return "entraid" in (os.environ.get("XLWINGS_AUTH_PROVIDERS") or "").casefold()


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


def check_shape(kind: str, name: str, body: object, functions: dict[str, tuple[int, int]],
                scripts: set[str]) -> str | None:
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


class _Refusal(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


class Gate:
    """ASGI middleware; see the module docstring."""

    def __init__(self, app, settings: AccessSettings, functions: dict[str, tuple[int, int]],
                 scripts: set[str]):
        self.app, self.settings = app, settings
        self.functions, self.scripts = dict(functions), set(scripts)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket":  # socket.io is off; nothing may bypass the gate
            await send({"type": "websocket.close", "code": 1008})
            return
        if scope["type"] != "http" or scope["method"] in _READ_METHODS:
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
        try:
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            self._check_length(headers)
            principal = await self._authenticate(headers)  # before buffering a stranger's body
            body = await self._read_body(receive)
            parsed = None
            if kind != "other":
                try:
                    parsed = json.loads(body) if body else None
                except (ValueError, UnicodeDecodeError):
                    raise _Refusal(400, "Forespørgslen er ikke gyldig JSON.") from None
                if kind == "function" and isinstance(parsed, dict):
                    name = str(parsed.get("func_name", ""))
                reason = check_shape(kind, name, parsed, self.functions, self.scripts)
                if reason:
                    raise _Refusal(400, reason)
                rows = count_rows(kind, parsed)
        except _Refusal as refusal:
            status = refusal.status
            await _plain(send, refusal.status, refusal.message)
            logger.info(access.log_record(principal, kind, name, rows, status,
                                          (time.perf_counter() - started) * 1000))
            return

        sent = False

        async def replay():
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

        try:
            with access.acting_as(principal):
                await self.app(scope, replay, watch)
        finally:
            logger.info(access.log_record(principal, kind, name, rows, status,
                                          (time.perf_counter() - started) * 1000))

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
        while True:
            message = await receive()
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


async def _plain(send, status: int, message: str) -> None:
    data = message.encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(data)).encode())]})
    await send({"type": "http.response.body", "body": data})


__all__ = ["AccessSettings", "DEFAULT_MAX_BODY_MB", "DEV", "DEV_PRINCIPAL", "ENTRAID", "Gate", "TOKENS",
           "arity", "check_shape", "count_rows", "entraid_configured"]
