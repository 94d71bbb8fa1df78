"""``itbudget projects MAPPE --master STAMDATA [-o UD]``: read filled project forms into stamdata."""

from __future__ import annotations

from pathlib import Path

from ..presentation import plural
from . import add_master, command

ORDER = 50


def register(sub) -> None:
    p = command(sub, "projects", run, help="indlæs udfyldte projektskemaer i stamdata", description="""
        Læser udfyldte projektskemaer fra en mappe og skriver en kopi af stamdata, hvor arket
        Projektskemaer er opdateret: nye projekter tilføjes uden godkendelser (dem registrerer
        Økonomistaben i stamdata), titler opdateres. Konflikter (samme projektnr med andet beløb eller
        aftaleholder) indlæses ikke, men meldes (afslutningskode 1). Stamdata-filen ændres aldrig.""")
    p.add_argument("folder", metavar="MAPPE", help="mappen med udfyldte projektskemaer (.xlsx)")
    add_master(p, "stamdata-projektmappen", required=True)
    p.add_argument("-o", "--output", metavar="UD",
                   help="den opdaterede kopi (standard: '<stamdata> (opdateret).xlsx' ved siden af)")


def run(args) -> int:
    from ..findings import exit_code
    from ..operations import read_project_forms  # pandas: not while the parser is built

    stamdata = Path(args.master)
    done = read_project_forms(args.folder, stamdata, args.output)
    plan = done.plan
    print(f"Projektskemaer læst: {len(done.forms)} af {plural(len(done.files), 'fil')}.")
    for f in plan.added:
        print(f"Tilføjet: projekt {f.project.id} fra {f.file}")
    for f, _, changes in plan.updated:
        print(f"Opdateret: projekt {f.project.id} fra {f.file}: {', '.join(changes)}")
    for f in plan.unchanged:
        print(f"Uændret: projekt {f.project.id} ({f.file})")
    ignored = [f.file for f in done.forms if f.ignored_approvals]
    if ignored:
        print(f"Godkendelser og godkendt beløb i {', '.join(ignored)} er ikke indlæst: de "
              "registreres af Økonomistaben i stamdata (arket Projektskemaer).")
    problems = done.problems
    if problems:
        print(f"\n{plural(len(problems), 'problem')}; "
              f"{'dette skema' if len(problems) == 1 else 'disse skemaer'} er IKKE indlæst:")
        for m in problems:
            print(f"  - {m}")
    print(f"\nSkrevet: {done.output} ({len(plan.added)} tilføjet, {len(plan.updated)} opdateret). "
          f"{stamdata.name} er uændret.")
    return exit_code(done.findings)
