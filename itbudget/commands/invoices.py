"""``itbudget invoices PATH... --master STAMDATA [--bookings FIL_ELLER_MAPPE] [--format text|json]``."""

from __future__ import annotations

import json
import sys

from ..runtime import arrow_on_system_allocator
from . import add_format, add_master, command

ORDER = 70


def register(sub) -> None:
    p = command(sub, "invoices", run, help="kontrollér e-fakturaer (OIOUBL): EAN, aftaleholder og bogføring",
                description="""
        Læser OIOUBL-fakturaer og -kreditnotaer (XML) og viser, hvilke der har et forkert eller fremmed
        EAN-nummer, og (med --bookings) hvilke der ikke kan matches med en bogføring. Regler: ITB009,
        ITB010, ITB012-ITB017.""")
    p.add_argument("paths", nargs="+", metavar="STI",
                   help="XML-filer eller mapper med XML-filer")
    add_master(p, "stamdata-projektmappen (EAN-numre og omkostningssteder)", required=True)
    p.add_argument("--bookings", metavar="FIL_ELLER_MAPPE",
                   help="bogføringer (.xlsx eller .csv), eller en mappe med sådanne filer")
    add_format(p)


def run(args) -> int:
    from ..findings import exit_code
    from ..invoices import report_dict, report_text
    from ..operations import check_invoice_files

    arrow_on_system_allocator()
    report = check_invoice_files(args.paths, args.master, args.bookings)
    if args.format == "json":
        sys.stdout.write(json.dumps(report_dict(report), ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write(report_text(report))
    return exit_code(report.findings)
