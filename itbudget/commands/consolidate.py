"""``itbudget consolidate DIR --master STAMDATA -o OUT.xlsx [--lists LISTDIR] [--format text|json] [--workers N]``.

A thin layer over :mod:`itbudget.operations.consolidating`: a progress
bar on a terminal only, the workbook and the consumption lists written
atomically, a Danish summary or the stable JSON on stdout. Exit codes: 0 no
errors, 1 errors in bookings or files that could not be used, 2 unusable
input (master data, missing folder).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ..runtime import arrow_on_system_allocator, bulk_reading, gc_frozen, keep_until_exit
from ..presentation import plural
from . import add_as_of, add_format, add_master, command

ORDER = 60

if TYPE_CHECKING:
    from ..consolidation import Consolidation


def register(sub) -> None:
    p = command(sub, "consolidate", run, help="konsolidér aftaleholdernes projektmapper", description="""
        Læser alle projektmapper og CSV-filer i MAPPE, validerer alle bogføringer samlet (også de
        centrale budgetlinjer), fordeler forbruget på de centrale linjer, beregner prisen pr.
        IT-arbejdsplads og status for besparelserne, og skriver konsolideringsprojektmappen og eventuelt
        forbrugslisterne.""")
    p.add_argument("directory", metavar="MAPPE", help="mappen med de indsamlede projektmapper og CSV-filer")
    add_master(p, required=True)
    p.add_argument("-o", "--output", metavar="UD.xlsx",
                   help="konsolideringsprojektmappen, der skal skrives")
    p.add_argument("--lists", metavar="LISTEMAPPE",
                   help="skriv én forbrugsliste pr. aftaleholder i denne mappe")
    add_format(p)
    p.add_argument("--all", action="store_true", dest="all_findings",
                   help="vis alle fund i teksten (standard: de første fem pr. aftaleholder)")
    add_as_of(p)
    p.add_argument("--workers", type=int, metavar="N",
                   help="antal processer, der læser filer samtidig (standard: alle kerner)")


def _read_with_progress(args) -> Consolidation:
    from ..followup import parse_as_of
    from ..operations import consolidate_folder

    as_of = parse_as_of(args.as_of) if args.as_of else None
    if not sys.stderr.isatty():
        return consolidate_folder(args.directory, args.master, output=args.output, lists=args.lists,
                                  workers=args.workers, as_of=as_of)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # No refresh thread (auto_refresh=False): worker processes are forked while
    # the bar is shown, and forking a process with a running thread risks a deadlock.
    with Progress(TextColumn("Læser projektmapper"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), TextColumn("{task.description}"),
                  transient=True, auto_refresh=False) as bar:
        task = bar.add_task("", total=None)

        def progress(done: int, total: int, file: str) -> None:
            bar.update(task, completed=done, total=total, description=file, refresh=True)

        return consolidate_folder(args.directory, args.master, output=args.output, lists=args.lists,
                                  workers=args.workers, progress=progress, as_of=as_of)


def run(args) -> int:
    from ..consolidation import consolidation_json
    from ..consolidation_text import DEFAULT_LIMIT, summary_text
    from ..operations import write_outputs

    arrow_on_system_allocator()
    with bulk_reading():
        c = _read_with_progress(args)
    written = []
    with gc_frozen():  # the collector need not walk the bookings again while outputs are written
        paths = write_outputs(c, args.output, args.lists, workers=args.workers)
        if args.output:
            written.append(f"Skrevet: {args.output}")
        if args.lists:
            written.append(f"{plural(len(paths), 'forbrugsliste')} skrevet i {args.lists}")
        if args.format == "json":
            out = consolidation_json(c)
        else:
            out = summary_text(c, str(Path(args.directory)), written, workbook=bool(args.output),
                               limit=None if args.all_findings else DEFAULT_LIMIT)
    sys.stdout.write(out)
    keep_until_exit(c)
    return c.exit_code
