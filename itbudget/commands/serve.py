"""``itbudget serve --master STAMDATA (--tokens FILE | --dev | Entra ID) [--returns DIR] ...``.

Starts the Office.js add-in (xlwings Server, see :mod:`addin.server`). Plain
HTTP is for development on this machine only: a host other than loopback
needs a certificate and key, since Excel loads add-ins only over HTTPS and
bookings must not cross a network in clear text. Every request must be
authenticated (a token file, or Microsoft Entra ID configured through xlwings
Server's ``XLWINGS_AUTH_*`` settings), except in development mode (``--dev``),
which only listens on loopback and says so loudly. ``--returns`` names the
folder of returned workbooks that finance's ``Konsolider`` script consolidates.
``--new-token ROLE --name NAME`` prints a fresh token and its token-file entry.
The command checks its arguments, builds one :class:`itbudget.settings.Settings`
and hands it to the adapter's one entry point, :func:`addin.server.serve`
(imported when the command runs, so the command line never loads the adapter,
xlwings Server or uvicorn, an optional extra, before it is needed).
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from ..errors import ItbudgetError, UnusableInput
from . import add_master, command

ORDER = 80


def register(sub) -> None:
    p = command(sub, "serve", run, help="start Excel-tilføjelsesprogrammet (xlwings Server)", description="""
        Starter Office.js-tilføjelsesprogrammet med funktionerne ITB.* og makroerne Valider og Opdater.
        Uden certifikat kun på 127.0.0.1.""")
    add_master(p, "stamdata-projektmappen, som funktionerne bruger, når projektmappen ikke selv har stamdata")
    p.add_argument("--tokens", metavar="FIL",
                   help="tokenfil (TOML, JSON eller CSV: name, role, sha256) til login uden Microsoft 365")
    p.add_argument("--dev", action="store_true",
                   help="udviklingstilstand: intet login, kun på 127.0.0.1")
    p.add_argument("--returns", metavar="MAPPE", help="mappen med returnerede projektmapper (Konsolider)")
    p.add_argument("--output", metavar="OUT.xlsx",
                   help="konsolideringsprojektmappen, som Konsolider skriver (standard: MAPPE/IT-konsolidering.xlsx)")
    p.add_argument("--lists", metavar="MAPPE", help="mappe til forbrugslister fra Konsolider")
    p.add_argument("--max-body-mb", type=float, default=20,
                   help="største forespørgsel i MB (standard 20); større afvises med 413")
    p.add_argument("--new-token", metavar="ROLLE",
                   help="udskriv et nyt token og linjen til tokenfilen (rolle: finance eller holder:H03)")
    p.add_argument("--name", default="", help="navn til --new-token (vises i loggen)")
    p.add_argument("--host", default="127.0.0.1", help="adresse at lytte på (standard 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (standard 8000)")
    p.add_argument("--workers", type=int, default=None,
                   help="antal serverprocesser (standard: de kerner, processen må bruge)")
    p.add_argument("--header-timeout", type=float, default=10, metavar="SEK",
                   help="sekunder en klient har til at sende forespørgslens hoved (standard 10)")
    p.add_argument("--body-timeout", type=float, default=60, metavar="SEK",
                   help="sekunder en klient har til at sende forespørgslens indhold (standard 60)")
    p.add_argument("--cert", metavar="CERT", help="TLS-certifikat (PEM) til HTTPS")
    p.add_argument("--key", metavar="KEY", help="privat nøgle (PEM) til certifikatet")


def check_args(args, settings=None) -> None:
    """Refuse unsafe or incomplete combinations with a Danish message (exit 2).

    ``settings``: the environment's :class:`~itbudget.settings.Settings` (default: read
    now), for Microsoft Entra ID.
    """
    from ..access import is_loopback
    from ..settings import Settings  # here: the CLI parser stays free of pydantic

    settings = settings if settings is not None else Settings.from_environment()
    entraid = settings.entraid

    if not args.master:
        raise UnusableInput("Angiv stamdata med --master STAMDATA.")
    modes = [m for m, on in (("--dev", args.dev), ("--tokens", bool(args.tokens)),
                             ("Entra ID", entraid)) if on]
    if len(modes) > 1:
        raise UnusableInput(f"Vælg én adgangsform, ikke {' og '.join(modes)}.")
    if not modes:
        raise UnusableInput(
            "Serveren kræver login: angiv --tokens FIL, eller sæt Microsoft Entra ID op "
            "(XLWINGS_AUTH_PROVIDERS='[\"entraid\"]', XLWINGS_AUTH_ENTRAID_TENANT_ID, "
            "XLWINGS_AUTH_ENTRAID_CLIENT_ID). Kun til udvikling på denne maskine: --dev. Se docs/addin.md.")
    if args.dev and not is_loopback(args.host):
        raise UnusableInput(f"--dev (intet login) er kun tilladt på 127.0.0.1, ikke på {args.host}.")
    if entraid and not (settings.entraid_tenant_id and settings.entraid_client_id):
        raise UnusableInput("Microsoft Entra ID kræver XLWINGS_AUTH_ENTRAID_TENANT_ID og "
                            "XLWINGS_AUTH_ENTRAID_CLIENT_ID (se docs/addin.md).")
    if args.tokens and not Path(args.tokens).is_file():
        raise UnusableInput(f"--tokens: filen {args.tokens} findes ikke.")
    if args.returns and not Path(args.returns).is_dir():
        raise UnusableInput(f"--returns: mappen {args.returns} findes ikke.")
    if (args.output or args.lists) and not args.returns:
        raise UnusableInput("--output og --lists kræver --returns MAPPE.")
    if not 0 < args.max_body_mb <= 1024:
        raise UnusableInput(f"--max-body-mb {args.max_body_mb:g} skal være mellem 0 og 1024.")
    if bool(args.cert) != bool(args.key):
        raise UnusableInput("Angiv både --cert og --key for at bruge HTTPS.")
    if not args.cert and not is_loopback(args.host):
        raise UnusableInput(
            f"Serveren vil ikke lytte på {args.host} uden HTTPS: bogføringer må ikke sendes "
            "ukrypteret over netværket. Angiv --cert og --key, eller brug --host 127.0.0.1.")
    for label, value in (("--cert", args.cert), ("--key", args.key)):
        if value and not Path(value).is_file():
            raise UnusableInput(f"{label}: filen {value} findes ikke.")
    if not 0 < args.port < 65536:
        raise UnusableInput(f"--port {args.port} er ikke en gyldig port (1-65535).")
    workers = getattr(args, "workers", None)
    if workers is not None and not 1 <= workers <= 64:
        raise UnusableInput(f"--workers {workers} skal være mellem 1 og 64.")
    for flag, value in (("--header-timeout", getattr(args, "header_timeout", 10)),
                        ("--body-timeout", getattr(args, "body_timeout", 60))):
        if not 0 < value <= 3600:
            raise UnusableInput(f"{flag} {value:g} skal være mellem 0 og 3600 sekunder.")


def _new_token(args) -> int:
    from ..access import hash_token, new_token, parse_role

    principal = parse_role(args.new_token, args.name or args.new_token)
    token = new_token()
    print(f"Token (giv det til brugeren, gem det ikke): {token}")
    print("Linje til tokenfilen (TOML):")
    print(f"[[token]]\nname = {json.dumps(principal.name, ensure_ascii=False)}\nrole = \"{principal.label}\"\n"
          f'sha256 = "{hash_token(token)}"')
    return 0


def server_settings(args):
    """The :class:`~itbudget.settings.Settings` of every server process: arguments, else environment."""
    from ..settings import Settings

    def path(value):
        return Path(value).resolve() if value else None

    return Settings.from_environment(
        stamdata=path(args.master), dev=bool(args.dev), tokens=path(args.tokens),
        returns=path(args.returns), output=path(args.output), lists=path(args.lists),
        max_body_mb=float(args.max_body_mb), body_timeout=float(getattr(args, "body_timeout", 60)),
        header_timeout=float(getattr(args, "header_timeout", 10)))


def run(args) -> int:
    if args.new_token:
        return _new_token(args)
    check_args(args)
    from ..master import load_master

    master = load_master(args.master)  # fail now, in Danish, not on the first call
    try:
        import uvicorn  # noqa: F401
    except ModuleNotFoundError:
        raise ItbudgetError("Serveren er ikke installeret. Installér den med: "
                            "pip install 'itbudget[server]'") from None
    from ..access import load_tokens
    from ..files import usable_cores

    settings = server_settings(args)
    tokens = load_tokens(settings.tokens) if settings.tokens else {}  # a bad token file fails here, in Danish
    workers = args.workers or usable_cores()
    log = logging.getLogger("itbudget.server")
    log.setLevel(logging.INFO)
    if settings.dev:
        banner = ("UDVIKLINGSTILSTAND (--dev): INTET LOGIN. Alle forespørgsler får Økonomistabens "
                  "adgang til alle aftaleholderes data. Kun til udvikling på denne maskine.")
        log.warning(banner)
        print("!" * 78 + "\n" + banner + "\n" + "!" * 78, file=sys.stderr)
    else:
        print(f"Login: tokenfil {Path(args.tokens).name} ({len(tokens)} tokens)."
              if args.tokens else "Login: Microsoft Entra ID.", file=sys.stderr)
    scheme = "https" if args.cert else "http"
    print(f"IT-budget kører på {scheme}://{args.host}:{args.port} med stamdata "
          f"{Path(args.master).name} ({master.settings.municipality or 'kommune'}, "
          f"budgetår {master.year}) i {workers} {'proces' if workers == 1 else 'processer'}. "
          f"Manifest: {scheme}://{args.host}:{args.port}/manifest.xml", file=sys.stderr)
    # The adapter's one entry point, imported only now (see the module's docstring).
    from addin.server import serve

    serve(settings, host=args.host, port=args.port, workers=workers, cert=args.cert, key=args.key)
    return 0
