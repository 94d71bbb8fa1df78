"""``itbudget issue STAMDATA OUTDIR``: one budget-holder workbook per aftaleholder."""

from __future__ import annotations

from ..presentation import plural
from . import command

ORDER = 40


def register(sub) -> None:
    p = command(sub, "issue", run, help="udsend én projektmappe pr. aftaleholder", description="""
        Laver én projektmappe pr. aftaleholder ud fra stamdata, med aftaleholderens egne stamdata,
        budgetlinjer og et ark til bogføringer. Filnavnet begynder med aftaleholderens id. Ligger
        aftaleholderens projektmappe allerede i mappen, flyttes det, aftaleholderen har skrevet, over i
        den nye, og den gamle gemmes som '… (før genudsendelse ÅÅÅÅ-MM-DD).xlsx'.""")
    p.add_argument("stamdata", metavar="STAMDATA", help="stamdata-projektmappen (.xlsx)")
    p.add_argument("outdir", metavar="MAPPE", help="mappen projektmapperne skrives til (oprettes)")
    p.add_argument("--aftaleholder", action="append", dest="holders", metavar="ID",
                   help="udsend kun til denne aftaleholder (kan gentages)")
    p.add_argument("--xlsm", action="store_true",
                   help="udsend makroaktiverede projektmapper (.xlsm) med knapperne Valider og Opdater "
                        "til klassisk Excel på Windows i stedet for .xlsx")


def run(args) -> int:
    from ..operations import issue  # pandas: not while the parser is built

    done = issue(args.stamdata, args.outdir, args.holders, macros=args.xlsm)
    for path in done.paths:
        if path in done.kept:
            print(f"Genudsendt: {path} (med aftaleholderens bogføringer; den tidligere udgave er "
                  f"gemt som {done.kept[path].name})")
        else:
            print(f"Skrevet: {path}")
    print(f"{plural(len(done.paths), 'projektmappe')} udsendt til {done.outdir} "
          f"(stamdata af {done.master_date}).")
    return 0
