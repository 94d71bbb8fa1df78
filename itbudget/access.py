"""Who may see what on the add-in's server: principals, tokens, and scoping.

A request to ``itbudget serve`` acts for one :class:`Principal`: finance
(Økonomistaben, sees every holder) or one budget holder (sees only its own
master data and bookings). Everything here is pure: the server's gate
(:mod:`addin.gate`) turns a token or a Microsoft Entra ID user into a
principal and puts it in :data:`current principal <current>` for the request;
the Excel adapters (``udfs``, ``addin``) call the checks below before they
compute anything. A refused request raises :class:`~itbudget.errors.AccessDenied`
with a Danish message (the server answers 403).

Tokens for a small setup live in a file (TOML, JSON or CSV) that maps a token,
stored as its SHA-256 hash, to a role (``finance`` or ``holder:H03``) and a
name for the log. The token itself is never stored or logged.
"""

from __future__ import annotations

import contextvars
import csv
import hashlib
import io
import ipaddress
import json
import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

from .errors import AccessDenied, UnusableInput
from .master import MasterData
from .parsing import clean_id, clean_ids

FINANCE = "finance"
HOLDER = "holder"
#: Shortest plain token accepted in a token file (a guessable token is no lock).
MIN_TOKEN_LENGTH = 20
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_ROLE = re.compile(r"^(?:holder|aftaleholder)[:.](?P<holder>[A-Za-z0-9_-]{1,40})$", re.IGNORECASE)
_FINANCE_NAMES = {"finance", "økonomi", "okonomi", "oekonomi", "økonomistaben"}


@dataclass(frozen=True)
class Principal:
    """Whom a request acts for: finance (every holder) or one budget holder."""

    name: str
    role: str  # FINANCE or HOLDER
    holder: str = ""

    @property
    def is_finance(self) -> bool:
        return self.role == FINANCE

    @property
    def label(self) -> str:
        """``finance`` or ``holder:H03``, as written in a token file."""
        return FINANCE if self.is_finance else f"{HOLDER}:{self.holder}"


def parse_role(text: object, name: str = "") -> Principal:
    """A role as written in a token file or an Entra ID app role.

    ``finance`` (or ``økonomi``) and ``holder:H03`` / ``holder.H03`` (Entra app
    role values cannot hold a colon). Raises :class:`UnusableInput` otherwise.
    """
    raw = str(text or "").strip()
    if raw.casefold() in _FINANCE_NAMES:
        return Principal(name=name or raw, role=FINANCE)
    m = _ROLE.match(raw)
    if m:
        return Principal(name=name or raw, role=HOLDER, holder=m.group("holder"))
    raise UnusableInput(
        f"Rollen '{raw[:60]}' kendes ikke: brug 'finance' (Økonomistaben) eller "
        "'holder:H03' (én aftaleholder).")


def principal_from_roles(roles: Iterable[str], name: str) -> Principal | None:
    """The principal an Entra ID user's app roles give; finance wins; None if no role fits."""
    found = []
    for role in roles or ():
        try:
            found.append(parse_role(role, name))
        except UnusableInput:
            continue
    if any(p.is_finance for p in found):
        return Principal(name=name, role=FINANCE)
    holders = {p.holder for p in found}
    if len(holders) == 1:
        return Principal(name=name, role=HOLDER, holder=holders.pop())
    return None  # no role, or several holders: refuse rather than guess


def hash_token(token: str) -> str:
    """The SHA-256 of a token, as stored in a token file (lower-case hex)."""
    return hashlib.sha256(token.strip().encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh random token (43 URL-safe characters, 256 bits)."""
    return secrets.token_urlsafe(32)


def _entries(path: Path, text: str) -> list[dict]:
    suffix = path.suffix.lower()
    if suffix == ".toml":
        import tomllib

        data = tomllib.loads(text)
        return list(data.get("token", data.get("tokens", [])))
    if suffix == ".json":
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("tokens", [])
        return list(data)
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return [{(k or "").strip().casefold(): (v or "").strip() for k, v in r.items()} for r in rows]


def load_tokens(path: Path | str) -> dict[str, Principal]:
    """The token file as ``{sha256 hex: Principal}``.

    Each entry has ``name``, ``role`` and either ``sha256`` (preferred: the
    file then holds no secret) or ``token`` (plain, at least 20 characters).
    Raises :class:`UnusableInput` with a Danish message naming the entry.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnusableInput(f"{path.name}: tokenfilen kan ikke læses ({type(exc).__name__}).") from None
    try:
        entries = _entries(path, text)
    except (ValueError, TypeError, AttributeError) as exc:
        raise UnusableInput(f"{path.name}: tokenfilen kan ikke læses: {str(exc)[:200]}") from None
    out: dict[str, Principal] = {}
    for i, e in enumerate(entries, 1):
        if not isinstance(e, dict):
            raise UnusableInput(f"{path.name}, post {i}: forventede name, role og sha256 (eller token).")
        name = str(e.get("name") or e.get("navn") or "").strip()
        if not name:
            raise UnusableInput(f"{path.name}, post {i}: 'name' mangler (bruges i loggen).")
        try:
            principal = parse_role(e.get("role") or e.get("rolle"), name)
        except UnusableInput as exc:
            raise UnusableInput(f"{path.name}, post {i} ({name}): {exc}") from None
        digest = str(e.get("sha256") or "").strip().lower()
        plain = str(e.get("token") or "").strip()
        if digest:
            if not _HEX64.match(digest):
                raise UnusableInput(f"{path.name}, post {i} ({name}): sha256 skal være 64 hex-tegn.")
        elif len(plain) >= MIN_TOKEN_LENGTH:
            digest = hash_token(plain)
        else:
            raise UnusableInput(
                f"{path.name}, post {i} ({name}): angiv sha256 (anbefalet) eller et token på mindst "
                f"{MIN_TOKEN_LENGTH} tegn.")
        if digest in out:
            raise UnusableInput(f"{path.name}, post {i} ({name}): samme token er angivet to gange.")
        out[digest] = principal
    if not out:
        raise UnusableInput(f"{path.name}: tokenfilen indeholder ingen tokens.")
    return out


def principal_for_token(tokens: dict[str, Principal], header: str | None) -> Principal | None:
    """The principal an ``Authorization`` header (``Bearer <token>`` or the bare token) names."""
    text = (header or "").strip()
    if text[:7].casefold() == "bearer ":
        text = text[7:].strip()
    if not text or len(text) > 512:
        return None
    return tokens.get(hash_token(text))


# --------------------------------------------------------------------------- the request's principal

_current: contextvars.ContextVar[Principal | None] = contextvars.ContextVar("itbudget_principal",
                                                                             default=None)


def current() -> Principal | None:
    """The principal of the request being served; None outside the server (desktop Excel)."""
    return _current.get()


@contextmanager
def acting_as(principal: Principal | None) -> Iterator[None]:
    """Run a block on behalf of ``principal`` (the gate and tests)."""
    token = _current.set(principal)
    try:
        yield
    finally:
        _current.reset(token)


# --------------------------------------------------------------------------- scoping

def _refuse(principal: Principal, what: str) -> AccessDenied:
    return AccessDenied(
        f"Adgang nægtet: {what}. Du er logget ind som {principal.name} og har kun adgang til "
        f"aftaleholder {principal.holder}s data. Kontakt Økonomistaben, hvis det er forkert.")


def require_finance(principal: Principal | None, what: str) -> None:
    """Refuse a holder (finance-only entry points such as Konsolider)."""
    if principal is not None and not principal.is_finance:
        raise AccessDenied(f"Adgang nægtet: {what} er forbeholdt Økonomistaben "
                           f"(du er logget ind som {principal.name}).")


def check_holder(holder: object, principal: Principal | None) -> None:
    """Refuse a question about another budget holder."""
    if principal is None or principal.is_finance:
        return
    hid = clean_id(holder)
    if hid != principal.holder:
        raise _refuse(principal, f"aftaleholder '{hid[:40]}' er en anden aftaleholder")


def check_cost_centres(values: Iterable[object], master: MasterData,
                       principal: Principal | None) -> None:
    """Refuse cost centres that ``master`` gives to another holder.

    Unknown cost centres pass: they are a finding (ITB003), not another
    holder's data. ``master`` must be the full master data the request uses.
    """
    if principal is None or principal.is_finance:
        return
    vals = list(values)
    if not vals:
        return
    owners = master.cost_centre_by_id
    foreign = sorted({cc for cc in set(clean_ids(vals)) if cc in owners
                      and owners[cc].holder != principal.holder})
    if foreign:
        shown = ", ".join(foreign[:5]) + (" ..." if len(foreign) > 5 else "")
        word = "omkostningssted" if len(foreign) == 1 else "omkostningssteder"
        raise _refuse(principal, f"{word} {shown} hører til en anden aftaleholder")


def master_for(master: MasterData, principal: Principal | None) -> MasterData:
    """The part of ``master`` the principal may see: all for finance, one holder's for a holder."""
    if principal is None or principal.is_finance:
        return master
    if master.scope:
        if master.scope != principal.holder:
            raise _refuse(principal, f"projektmappen er udstedt til aftaleholder {master.scope}")
        return master
    if principal.holder not in master.holder_by_id:
        raise _refuse(principal, f"aftaleholder {principal.holder} findes ikke i serverens stamdata")
    return master.for_holder(principal.holder)


def is_loopback(host: str) -> bool:
    """True for localhost and any address in 127.0.0.0/8 or ::1 (also ::ffff:127.x)."""
    if host.casefold() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or bool(mapped and mapped.is_loopback)


def log_record(principal: Principal | None, kind: str, name: str, rows: int, status: int,
               millis: float) -> str:
    """The structured log line of one request: who, what, how many rows, never cell values."""
    who = principal.name if principal else "anonym"
    return json.dumps({"event": "itbudget.request", "who": who[:80],
                       "role": principal.label if principal else "", "kind": kind,
                       "name": name[:80], "rows": int(rows), "status": int(status),
                       "ms": round(millis, 1)}, ensure_ascii=False)


__all__ = ["FINANCE", "HOLDER", "MIN_TOKEN_LENGTH", "Principal", "acting_as", "check_cost_centres", "check_holder", "current", "hash_token", "is_loopback", "load_tokens",
           "log_record", "master_for", "new_token", "parse_role", "principal_for_token",
           "principal_from_roles", "require_finance"]
