"""Entry points for classic desktop Excel buttons (``RunPython``).

A button in an issued workbook runs, through the xlwings add-in:
``RunPython "import addin.desktop; addin.desktop.valider()"``. The calling
workbook is a live COM workbook with the same ``xw.Book`` API, so the work is
the same as the Office.js scripts do.
"""

from __future__ import annotations

import xlwings as xw

from .workbook import summary_text, validate_book


def valider() -> None:
    """Validate the calling workbook and write the report."""
    book = xw.Book.caller()
    outcome = validate_book(book, report=True)
    book.app.alert(summary_text(outcome), title="IT-budget")


def opdater() -> None:
    """Refresh statuses of the calling workbook and recalculate."""
    book = xw.Book.caller()
    outcome = validate_book(book, report=False)
    book.app.calculate()
    book.app.status_bar = summary_text(outcome)
