"""``itbudget serve --master STAMDATA [--host 127.0.0.1] [--port 8000] [--cert C --key K]``.

Starts the Office.js add-in (xlwings Server, see :mod:`addin.server`). Plain
HTTP is for development on this machine only: a host other than loopback
needs a certificate and key, since Excel loads add-ins only over HTTPS and
bookings must not cross a network in clear text. xlwings Server and uvicorn
are an optional extra and are imported only here, after the environment that
switches xlwings into server mode has been set.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

from ..errors import ItbudgetError, UnusableInput


def register(sub) -> None:
    p = sub.add_parser("serve", help="start Excel-tilføjelsesprogrammet (xlwings Server)",
                       description="Starter Office.js-tilføjelsesprogrammet med funktionerne ITB.* og "
                                   "makroerne Valider og Opdater. Uden certifikat kun på 127.0.0.1.")
    p.add_argument("--master", metavar="STAMDATA", required=True,
                   help="stamdata-projektmappen, som funktionerne bruger, når projektmappen ikke selv har stamdata")
    p.add_argument("--host", default="127.0.0.1", help="adresse at lytte på (standard 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (standard 8000)")
    p.add_argument("--cert", metavar="CERT", help="TLS-certifikat (PEM) til HTTPS")
    p.add_argument("--key", metavar="KEY", help="privat nøgle (PEM) til certifikatet")
    p.set_defaults(run=run)


def is_loopback(host: str) -> bool:
    """True for localhost and any address in 127.0.0.0/8 or ::1."""
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_args(args) -> None:
    """Refuse unsafe or incomplete combinations with a Danish message (exit 2)."""
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


def run(args) -> int:
    check_args(args)
    from ..master import load_master

    master = load_master(args.master)  # fail now, in Danish, not on the first call
    try:
        import uvicorn
    except ModuleNotFoundError:
        raise ItbudgetError("Serveren er ikke installeret. Installér den med: "
                            "pip install 'itbudget[server]'") from None
    from addin.server import build_app

    app = build_app(args.master)
    scheme = "https" if args.cert else "http"
    print(f"IT-budget kører på {scheme}://{args.host}:{args.port} med stamdata "
          f"{Path(args.master).name} ({master.settings.municipality or 'kommune'}, "
          f"budgetår {master.year}). Manifest: {scheme}://{args.host}:{args.port}/manifest.xml",
          file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, ssl_certfile=args.cert,
                ssl_keyfile=args.key, log_level=os.environ.get("ITBUDGET_LOG_LEVEL", "warning"))
    return 0
