"""``itbudget issue STAMDATA OUTDIR``: one budget-holder workbook per aftaleholder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import UnusableInput
from ..presentation import plural


def register(sub) -> None:
    p = sub.add_parser("issue", help="udsend én projektmappe pr. aftaleholder",
                       description="Laver én projektmappe pr. aftaleholder ud fra stamdata, med "
                                   "aftaleholderens egne stamdata, budgetlinjer og et ark til "
                                   "bogføringer. Filnavnet begynder med aftaleholderens id. Ligger "
                                   "aftaleholderens projektmappe allerede i mappen, flyttes det, "
                                   "aftaleholderen har skrevet, over i den nye, og den gamle gemmes "
                                   "som '… (før genudsendelse ÅÅÅÅ-MM-DD).xlsx'.")
    p.add_argument("stamdata", metavar="STAMDATA", help="stamdata-projektmappen (.xlsx)")
    p.add_argument("outdir", metavar="MAPPE", help="mappen projektmapperne skrives til (oprettes)")
    p.add_argument("--aftaleholder", action="append", dest="holders", metavar="ID",
                   help="udsend kun til denne aftaleholder (kan gentages)")
    p.add_argument("--xlsm", action="store_true",
                   help="udsend makroaktiverede projektmapper (.xlsm) med knapperne Valider og Opdater "
                        "til klassisk Excel på Windows i stedet for .xlsx")
    p.set_defaults(run=run)


def run(args) -> int:
    # Imported here: building the CLI's parser must not import pandas (via the master data).
    from workbook_templates.holder_workbook import issue_workbooks

    from ..master import load_master

    stamdata = Path(args.stamdata)
    outdir = Path(args.outdir)
    if outdir.exists() and not outdir.is_dir():
        raise UnusableInput(f"{outdir}: findes og er ikke en mappe.")
    master = load_master(stamdata)
    # The master data's own date if it has one, else when the file was last saved.
    stamp = master.settings.master_date or dt.date.fromtimestamp(
        stamdata.stat().st_mtime).strftime("%d-%m-%Y")
    kept: dict[Path, Path] = {}
    paths = issue_workbooks(master, outdir, args.holders, master_date=stamp, kept=kept,
                            macros=args.xlsm)
    for path in paths:
        if path in kept:
            print(f"Genudsendt: {path} (med aftaleholderens bogføringer; den tidligere udgave er "
                  f"gemt som {kept[path].name})")
        else:
            print(f"Skrevet: {path}")
    print(f"{plural(len(paths), 'projektmappe')} udsendt til {outdir} (stamdata af {stamp}).")
    return 0
