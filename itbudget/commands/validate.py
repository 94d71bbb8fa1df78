"""``itbudget validate BOOKINGS [--master STAMDATA] [--format text|json]``."""

from __future__ import annotations

import sys

from ..report import exit_code, validation_json, validation_text
from ..validation import validate_file


def register(sub) -> None:
    p = sub.add_parser("validate", help="valider bogføringer mod stamdata",
                       description="Validerer bogføringerne i en aftaleholders projektmappe eller "
                                   "en CSV/Excel-eksport mod alle regler ITB001-ITB011.")
    p.add_argument("bookings", metavar="BOGFØRINGER",
                   help="aftaleholderens projektmappe (.xlsx) eller en CSV/Excel-fil med bogføringer")
    p.add_argument("--master", metavar="STAMDATA",
                   help="stamdata-projektmappen (kræves for en fil med kun bogføringer)")
    p.add_argument("--format", choices=["text", "json"], default="text", help="uddataformat")
    p.set_defaults(run=run)


def run(args) -> int:
    result = validate_file(args.bookings, args.master)
    if args.format == "json":
        sys.stdout.write(validation_json(result))
    else:
        sys.stdout.write(validation_text(result))
    return exit_code(result)
