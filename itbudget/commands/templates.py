"""``itbudget templates OUTDIR [--overwrite]``: write the blank workbook templates."""

from __future__ import annotations

from . import command

ORDER = 30


def register(sub) -> None:
    p = command(sub, "templates", run, help="skriv de tomme skabeloner", description="""
        Skriver de tomme skabeloner: Stamdata.xlsx, 'Aftaleholder (skabelon).xlsx', Projektskema.xlsx og
        konsolideringsprojektmappen. En fil, der allerede findes, erstattes aldrig, hvis der kan være
        skrevet i den.""")
    p.add_argument("outdir", metavar="MAPPE", help="mappen skabelonerne skrives til (oprettes)")
    p.add_argument("--overwrite", action="store_true",
                   help="erstat skabeloner, der findes i mappen og stadig er tomme")


def run(args) -> int:
    from ..operations import write_blank_templates

    for path in write_blank_templates(args.outdir, overwrite=args.overwrite):
        print(f"Skrevet: {path}")
    return 0
