"""``itbudget import EXPORT WORKBOOK``: an export's bookings into a holder's workbook."""

from __future__ import annotations

import sys

from ..runtime import arrow_on_system_allocator
from . import command

ORDER = 20


def register(sub) -> None:
    p = command(sub, "import", run, help="indlæs en eksport fra økonomisystemet i en projektmappe",
                description="""
        Føjer bogføringerne i en eksport fra økonomisystemet (CSV eller Excel, med egne overskrifter,
        titellinjer og Debet/Kredit) til arket 'Bogføringer' i en aftaleholders projektmappe. Rækker,
        der allerede står der, springes over; eksisterende rækker røres ikke.""")
    p.add_argument("export", metavar="EKSPORT", help="eksporten fra økonomisystemet (.csv, .xlsx, ...)")
    p.add_argument("workbook", metavar="PROJEKTMAPPE",
                   help="aftaleholderens udsendte projektmappe (.xlsx), som bogføringerne føjes til")


def run(args) -> int:
    # pandas: not while the parser is built
    from ..findings import exit_code
    from ..operations.importing import import_export
    from ..report import import_text

    arrow_on_system_allocator()
    result = import_export(args.export, args.workbook)
    sys.stdout.write(import_text(result))
    return exit_code(result.findings)
