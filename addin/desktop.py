"""Entry points for classic desktop Excel buttons (``RunPython``).

A button in an issued workbook runs, through the xlwings add-in:
``RunPython "import addin.desktop; addin.desktop.valider()"``. The calling
workbook is a live COM workbook with the same ``xw.Book`` API, so the work is
the same as the Office.js scripts do. The process is xlwings', not ours, so its
settings (``ITBUDGET_STAMDATA`` for a workbook without master data) come from
the environment, read once by :func:`itbudget.settings.process_settings`.
"""

from __future__ import annotations

import xlwings as xw

from itbudget.settings import process_settings

from .workbook import summary_text, validate_book


def valider() -> None:
    """Validate the calling workbook and write the report."""
    book = xw.Book.caller()
    outcome = validate_book(book, report=True, settings=process_settings())
    book.app.alert(summary_text(outcome), title="IT-budget")


def opdater() -> None:
    """Refresh statuses of the calling workbook and recalculate."""
    book = xw.Book.caller()
    outcome = validate_book(book, report=False, settings=process_settings())
    book.app.calculate()
    book.app.status_bar = summary_text(outcome)
