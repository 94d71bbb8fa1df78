"""``itbudget consolidate DIR --master STAMDATA -o OUT.xlsx [--lists LISTDIR] [--format text|json] [--workers N]``.

A thin layer over :func:`itbudget.consolidation.consolidate_dir`: a progress
bar on a terminal only, the workbook and the consumption lists written
atomically, a Danish summary or the stable JSON on stdout. Exit codes: 0 no
errors, 1 errors in bookings or files that could not be used, 2 unusable
input (master data, missing folder).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UnusableInput
from ..runtime import bulk_reading, gc_frozen, keep_until_exit

if TYPE_CHECKING:
    from ..consolidation import Consolidation


def register(sub) -> None:
    p = sub.add_parser(
        "consolidate", help="konsolidér aftaleholdernes projektmapper",
        description="Læser alle projektmapper og CSV-filer i MAPPE, validerer alle bogføringer "
                    "samlet (også de centrale budgetlinjer), fordeler forbruget på de centrale "
                    "linjer, beregner prisen pr. IT-arbejdsplads og status for besparelserne, og "
                    "skriver konsolideringsprojektmappen og eventuelt forbrugslisterne.")
    p.add_argument("directory", metavar="MAPPE", help="mappen med de indsamlede projektmapper og CSV-filer")
    p.add_argument("--master", metavar="STAMDATA", required=True, help="stamdata-projektmappen")
    p.add_argument("-o", "--output", metavar="UD.xlsx",
                   help="konsolideringsprojektmappen, der skal skrives")
    p.add_argument("--lists", metavar="LISTEMAPPE",
                   help="skriv én forbrugsliste pr. aftaleholder i denne mappe")
    p.add_argument("--format", choices=["text", "json"], default="text", help="uddataformat")
    p.add_argument("--as-of", metavar="ÅÅÅÅ-MM-DD", dest="as_of",
                   help="budgetopfølgningens dato (standard: seneste bogføringsdato i budgetåret)")
    p.add_argument("--workers", type=int, metavar="N",
                   help="antal processer, der læser filer samtidig (standard: alle kerner)")
    p.set_defaults(run=run)


def _read_with_progress(args, exclude) -> Consolidation:
    from ..consolidation import consolidate_dir
    from ..followup import parse_as_of

    as_of = parse_as_of(args.as_of) if args.as_of else None
    if not sys.stderr.isatty():
        return consolidate_dir(args.directory, args.master, workers=args.workers, exclude=exclude,
                               as_of=as_of)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # No refresh thread (auto_refresh=False): worker processes are forked while
    # the bar is shown, and forking a process with a running thread risks a deadlock.
    with Progress(TextColumn("Læser projektmapper"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.description}"),
                  transient=True, auto_refresh=False) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, file: str) -> None:
            bar.update(task, completed=done, total=total, description=file, refresh=True)

        return consolidate_dir(args.directory, args.master, workers=args.workers,
                               exclude=exclude, progress=progress, as_of=as_of)


def summary_text(c: Consolidation, directory: str, written: list[str]) -> str:
    """The Danish summary finance reads in the terminal."""
    from ..consolidation import OK, SKIPPED, UNREADABLE
    from ..parsing import format_kr

    ok = [s for s in c.sources if s.status == OK and s.kind != "faktura"]
    bad = [s for s in c.sources if s.status == UNREADABLE]
    skipped = [s for s in c.sources if s.status == SKIPPED]
    out = [f"Konsolidering af {directory} (stamdata: {c.master.source}, budgetår {c.master.year})",
           f"{len(c.sources)} filer: {len(ok)} læst, {len(bad)} kan ikke bruges, "
           f"{len(skipped)} sprunget over."]
    for s in bad:
        out.append(f"  Kan ikke bruges: {s.message}")
    out.append(f"{c.validation.rows} bogføringer; {c.errors} fejl og {c.warnings} advarsler"
               + (" (se arket 'Fund')." if c.validation.rows else "."))
    out.append(f"Bogført på IT-konti i alt: {format_kr(c.total_booked)}")
    out.append("")
    if len(c.central):
        out.append("Centrale budgetlinjer:")
        out.append(f"  {'Linje':<10} {'Budget':>18} {'Forbrug':>18} {'Rest':>18}")
        for r in c.central.itertuples(index=False):
            flag = "  OVERSKREDET" if r.remaining < 0 else ""
            out.append(f"  {r.line:<10} {format_kr(r.budget):>18} {format_kr(r.used):>18} "
                       f"{format_kr(r.remaining):>18}{flag}")
        out.append("")
    out.append("Pris pr. IT-arbejdsplads:")
    for r in c.workstations.itertuples(index=False):
        per = format_kr(r.per_workstation) if r.per_workstation is not None else "(ingen pladser)"
        out.append(f"  {r.holder:<8} {r.name[:28]:<28} {r.seats:>6} pladser {format_kr(r.total):>18}"
                   f"  {per:>16} pr. plads")
    s = c.savings
    out.append("")
    out.append(f"Sparemål {format_kr(s['target'])}; registreret {format_kr(s['registered'])}; "
               f"holdt ifølge bogføringerne {format_kr(s['secured'])}")
    if len(c.county):
        uncovered = int(c.county["difference"].clip(lower=0).sum())
        out.append(f"Amtssystemer: {format_kr(uncovered)} ud over bloktilskuddet.")
    for w in written:
        out.append(w)
    return "\n".join(out) + "\n"


def run(args) -> int:
    from workbook_templates.consolidation import write_outputs

    from ..consolidation import consolidation_dict

    directory = Path(args.directory)
    if not directory.is_dir():
        raise UnusableInput(f"{directory}: mappen findes ikke.")
    if args.workers is not None and args.workers < 1:
        raise UnusableInput("--workers skal være 1 eller større.")
    if args.lists and Path(args.lists).resolve() == directory.resolve():
        raise UnusableInput(f"{args.lists}: forbrugslisterne kan ikke skrives i mappen med "
                            "projektmapperne; vælg en anden mappe.")
    exclude = tuple(p for p in (args.output,) if p)
    with bulk_reading():
        c = _read_with_progress(args, exclude)
    written = []
    with gc_frozen():  # the collector need not walk the bookings again while outputs are written
        paths = write_outputs(c, args.output, args.lists, workers=args.workers)
        if args.output:
            written.append(f"Skrevet: {args.output}")
        if args.lists:
            written.append(f"{len(paths)} forbrugslister skrevet i {args.lists}")
        if args.format == "json":
            out = json.dumps(consolidation_dict(c), ensure_ascii=False, indent=1) + "\n"
        else:
            out = summary_text(c, str(directory), written)
    sys.stdout.write(out)
    keep_until_exit(c)
    return c.exit_code
