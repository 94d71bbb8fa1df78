"""``itbudget templates OUTDIR``: write the blank workbook templates."""

from __future__ import annotations

from pathlib import Path

from ..errors import UnusableInput


def register(sub) -> None:
    p = sub.add_parser("templates", help="skriv de tomme skabeloner",
                       description="Skriver de tomme skabeloner: Stamdata.xlsx, "
                                   "'Aftaleholder (skabelon).xlsx', Projektskema.xlsx og "
                                   "konsolideringsprojektmappen.")
    p.add_argument("outdir", metavar="MAPPE", help="mappen skabelonerne skrives til (oprettes)")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbook_templates.consolidation import write_blank_consolidation
    from workbook_templates.holder_workbook import write_blank_holder
    from workbook_templates.project_form import write_project_form
    from workbook_templates.stamdata import write_blank_master

    outdir = Path(args.outdir)
    if outdir.exists() and not outdir.is_dir():
        raise UnusableInput(f"{outdir}: findes og er ikke en mappe.")
    outdir.mkdir(parents=True, exist_ok=True)
    written = [write_blank_master(outdir / "Stamdata.xlsx"),
               write_blank_holder(outdir / "Aftaleholder (skabelon).xlsx"),
               write_project_form(outdir / "Projektskema.xlsx"),
               write_blank_consolidation(outdir / "Konsolidering (skabelon).xlsx")]
    for path in written:
        print(f"Skrevet: {path}")
    return 0
