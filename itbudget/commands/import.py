"""``itbudget import EXPORT WORKBOOK``: an export's bookings into a holder's workbook."""

from __future__ import annotations

from . import command


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
    from ..operations.importing import import_export  # pandas: not while the parser is built
    from ..presentation import plural

    result = import_export(args.export, args.workbook)
    print(f"Indlæst {plural(result.added, 'bogføring')} fra {result.export.name} i {result.workbook.name}; "
          f"{result.skipped} fandtes allerede og er sprunget over.")
    for f in result.findings.itertuples(index=False):
        where = f"{f.file}, ark '{f.sheet}'" if f.sheet else f.file
        print(f"  {where}, række {f.row}: {f.rule} {f.message}")
    if len(result.findings):
        print(f"{len(result.findings)} rækker står på omkostningssteder, der ikke er "
              f"aftaleholder {result.holder or 'projektmappens'}s; kør 'itbudget validate "
              f"{result.workbook.name}' for alle regler.")
    return 1 if result.errors else 0
