"""The add-in's macros as xlwings scripts: Valider and Opdater.

xlwings Server runs them on a snapshot of the workbook that the Office.js
add-in sends (task pane buttons) and returns the changes as actions. On
classic desktop Excel the decorators register them with the xlwings add-in;
:mod:`addin.desktop` offers the same entry points for ``RunPython`` buttons.
The work itself is in :mod:`addin.workbook`.
"""

from __future__ import annotations

import xlwings as xw
from xlwings import XlwingsError, script

from itbudget.errors import ItbudgetError

from .workbook import summary_text, validate_book


def _run(book: xw.Book, *, report: bool) -> None:
    try:
        outcome = validate_book(book, report=report)
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


# TODO(lead): a finance-side Konsolider script is not wired yet. itbudget.consolidation
# exists, but the script needs the finance access rule (issue 8: only a finance token may
# read every holder's files) and a decision on where the folder lives (server disk vs.
# upload). Until then finance runs `itbudget consolidate`.

SCRIPTS = [Valider, Opdater]
