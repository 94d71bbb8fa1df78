"""``itbudget projects MAPPE --master STAMDATA [-o UD]``: read filled project forms into stamdata."""

from __future__ import annotations

from pathlib import Path

from ..errors import UnusableInput
from ..presentation import plural

_SUFFIXES = {".xlsx", ".xlsm"}


def register(sub) -> None:
    p = sub.add_parser("projects", help="indlæs udfyldte projektskemaer i stamdata",
                       description="Læser udfyldte projektskemaer fra en mappe og skriver en kopi af "
                                   "stamdata, hvor arket Projektskemaer er opdateret: nye projekter "
                                   "tilføjes uden godkendelser (dem registrerer Økonomistaben i "
                                   "stamdata), titler opdateres. Konflikter (samme projektnr med "
                                   "andet beløb eller aftaleholder) "
                                   "indlæses ikke, men meldes (afslutningskode 1). Stamdata-filen "
                                   "ændres aldrig.")
    p.add_argument("folder", metavar="MAPPE", help="mappen med udfyldte projektskemaer (.xlsx)")
    p.add_argument("--master", required=True, metavar="STAMDATA", help="stamdata-projektmappen")
    p.add_argument("-o", "--output", metavar="UD",
                   help="den opdaterede kopi (standard: '<stamdata> (opdateret).xlsx' ved siden af)")
    p.set_defaults(run=run)


def run(args) -> int:
    from workbook_templates.project_form import load_project_forms, merge_forms, write_updated_master

    from ..findings import exit_code
    from ..master import load_master

    folder, stamdata = Path(args.folder), Path(args.master)
    if not folder.is_dir():
        raise UnusableInput(f"{folder}: er ikke en mappe.")
    out = Path(args.output) if args.output else stamdata.with_name(f"{stamdata.stem} (opdateret).xlsx")
    if stamdata.suffix.lower() == ".xlsm" and not args.output:
        out = out.with_suffix(".xlsm")
    if out.resolve() == stamdata.resolve():
        raise UnusableInput(f"{out.name}: uddata må ikke være selve stamdata-filen; vælg et andet navn med -o.")
    master = load_master(stamdata)
    skip = {stamdata.resolve(), out.resolve()}
    files = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix.lower() in _SUFFIXES and not p.name.startswith("~$")
                   and p.resolve() not in skip)
    if not files:
        raise UnusableInput(f"{folder}: mappen indeholder ingen projektskemaer (.xlsx).")
    forms, unreadable = load_project_forms(files)
    plan = merge_forms(master, forms)
    print(f"Projektskemaer læst: {len(forms)} af {plural(len(files), 'fil')}.")
    for f in plan.added:
        print(f"Tilføjet: projekt {f.project.id} fra {f.file}")
    for f, _, changes in plan.updated:
        print(f"Opdateret: projekt {f.project.id} fra {f.file}: {', '.join(changes)}")
    for f in plan.unchanged:
        print(f"Uændret: projekt {f.project.id} ({f.file})")
    ignored = [f.file for f in forms if f.ignored_approvals]
    if ignored:
        print(f"Godkendelser og godkendt beløb i {', '.join(ignored)} er ikke indlæst: de "
              "registreres af Økonomistaben i stamdata (arket Projektskemaer).")
    conflicts = plan.findings
    problems = [str(f) for f in conflicts] + [f"Kan ikke bruges: {f}" for f in unreadable]
    if problems:
        print(f"\n{plural(len(problems), 'problem')}; "
              f"{'dette skema' if len(problems) == 1 else 'disse skemaer'} er IKKE indlæst:")
        for m in problems:
            print(f"  - {m}")
    write_updated_master(stamdata, out, plan.changes)
    print(f"\nSkrevet: {out} ({len(plan.added)} tilføjet, {len(plan.updated)} opdateret). "
          f"{stamdata.name} er uændret.")
    return exit_code(conflicts, unreadable)
