"""The add-in's macros as xlwings scripts: Valider, Opdater and (for finance) Konsolider.

xlwings Server runs them on a snapshot of the workbook that the Office.js
add-in sends (task pane buttons) and returns the changes as actions. On
classic desktop Excel the decorators register them with the xlwings add-in;
:mod:`addin.desktop` offers the same entry points for ``RunPython`` buttons.
The work itself is in :mod:`addin.workbook`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import xlwings as xw
from xlwings import XlwingsError, script

from itbudget import access
from itbudget.errors import AccessDenied, ItbudgetError
from itbudget.settings import Settings, process_settings

from .workbook import consolidation_rows, summary_text, validate_book, write_consolidation_summary


def _run(book: xw.Book, *, report: bool) -> None:
    try:
        outcome = validate_book(book, report=report, settings=process_settings())
    except AccessDenied:
        raise  # the server answers 403 with its Danish message
    except ItbudgetError as exc:
        raise XlwingsError(str(exc)[:1000]) from None
    book.app.alert(summary_text(outcome), title="IT-budget", buttons="ok", mode="info")


@script(name="Valider")
def Valider(book: xw.Book):
    """Validér alle bogføringer: skriver Status/Besked og arket Valideringsrapport."""
    _run(book, report=True)


@script(name="Opdater")
def Opdater(book: xw.Book):
    """Opdatér budgetstatus: genberegner og skriver Status/Besked uden at lave rapporten."""
    _run(book, report=False)
    book.app.calculate()


def consolidation_folders(settings: Settings) -> tuple[Path, Path, Path, Path | None]:
    """Master data, the returns folder, the output workbook and the lists folder of the server.

    Set by ``itbudget serve --master STAMDATA --returns DIR [--output OUT.xlsx] [--lists DIR]``;
    the folder lives on the server, so nobody uploads other holders' workbooks through Excel.
    """
    if not settings.stamdata or not settings.returns:
        raise XlwingsError("Serveren er ikke sat op til konsolidering: IT-staben skal starte den med "
                           "'itbudget serve --master STAMDATA --returns MAPPE'.")
    output = settings.output or settings.returns / "IT-konsolidering.xlsx"
    return settings.stamdata, settings.returns, output, settings.lists


@script(name="Konsolider")
async def Konsolider(book: xw.Book):
    """Konsolidér alle returnerede projektmapper (kun Økonomistaben) og skriv et resumé i arket Konsolidering."""
    from itbudget.operations import consolidate_to_files

    access.require_finance(access.current(), "Konsolider")
    settings = process_settings()
    master, returns, output, lists = consolidation_folders(settings)
    workers = settings.workers
    try:
        # Off the event loop: reading 40 workbooks must not stall other users' functions.
        result = await asyncio.to_thread(consolidate_to_files, returns, master, output,
                                         lists=lists, workers=workers)
    except ItbudgetError as exc:
        raise XlwingsError(str(exc)[:1000]) from None
    write_consolidation_summary(book, consolidation_rows(result, output, lists))
    n_files = sum(1 for s in result.sources if s.status == "ok")
    book.app.alert(f"Konsolideret {n_files} filer med {result.validation.rows} bogføringer: "
                   f"{result.errors} fejl og {result.warnings} advarsler. Projektmappen er skrevet til "
                   f"{output.name}; se arket Konsolidering.", title="IT-budget", buttons="ok", mode="info")


SCRIPTS = [Valider, Opdater, Konsolider]
