"""``itbudget validate BOOKINGS [--master STAMDATA] [--format text|json]``."""

from __future__ import annotations

import sys

from ..files import bookings_arrow
from ..runtime import arrow_on_system_allocator, bulk_reading, keep_until_exit, read_ahead
from . import add_as_of, add_format, add_master, command

ORDER = 10


def register(sub) -> None:
    p = command(sub, "validate", run, help="valider bogføringer mod stamdata", description="""
        Validerer bogføringerne i en aftaleholders projektmappe eller en CSV/Excel-eksport mod alle
        regler ITB001-ITB011.""")
    p.add_argument("bookings", metavar="BOGFØRINGER",
                   help="aftaleholderens projektmappe (.xlsx) eller en CSV/Excel-fil med bogføringer")
    add_master(p, "stamdata-projektmappen (kræves for en fil med kun bogføringer)")
    add_format(p)
    add_as_of(p)


def run(args) -> int:
    with bulk_reading():
        # The workbook is parsed on a second core while pandas and the rules are imported.
        # (The sheet's name is bookings.BOOKINGS_SHEET; that module would import pandas first.)
        read_ahead(args.bookings, "Bogføringer", lambda sheet: bookings_arrow(args.bookings, sheet))
        arrow_on_system_allocator()
        from ..findings import exit_code
        from ..report import validation_json_parts, validation_text, write_parts
        from ..followup import parse_as_of
        from ..operations import validate_file

        as_of = parse_as_of(args.as_of) if args.as_of else None
        result = validate_file(args.bookings, args.master, as_of=as_of)
        # Rendered with the collector still paused: the report is many small
        # objects, and each collection would walk the bookings again.
        out = validation_json_parts(result) if args.format == "json" else [validation_text(result)]
    write_parts(out, sys.stdout)
    keep_until_exit(result)
    return exit_code(result.findings)
