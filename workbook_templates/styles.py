"""The shared look of every workbook: fonts, fills, Danish number formats, helpers.

Formats are stored in Excel's invariant notation (``#,##0.00``); Excel and
LibreOffice show them with the user's locale, so a Danish user sees
``1.234,50``. Styling is applied per column (column styles) and per header
cell, never cell by cell over empty input rows, so issuing hundreds of
workbooks stays fast.
"""

from __future__ import annotations

import weakref
from copy import copy

from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

KR = "#,##0.00"
DATE = "dd-mm-yyyy"
TEXT = "@"
WHOLE = "0"
PERCENT = "0%"

HEADER_FONT = Font(name="Calibri", bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
STATUS_FILL = PatternFill("solid", fgColor="7F7F7F")
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
TITLE_FONT = Font(name="Calibri", bold=True, size=14, color="1F4E78")
BOLD = Font(name="Calibri", bold=True)
NOTE_FONT = Font(name="Calibri", italic=True, color="595959")
RED_FILL = PatternFill("solid", fgColor="F4B6B6", bgColor="F4B6B6")
AMBER_FILL = PatternFill("solid", fgColor="FFD966", bgColor="FFD966")
THIN = Side(style="thin", color="A6A6A6")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="top")
UNLOCKED = Protection(locked=False)
HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)
LOCKED = Protection(locked=True)

#: Column formats by contract header; anything not listed stays General.
COLUMN_FORMATS = {
    "Dato": DATE, "Beløb": KR, "Budget": KR, "Disponeret": KR, "Bogført": KR, "Rest": KR,
    "Godkendt beløb": KR, "Bloktilskud": KR, "Godkendt IT": DATE, "Godkendt EPO": DATE,
    "Godkendt Økonomi": DATE, "Arbejdspladser": WHOLE, "Hjemmearbejdspladser": WHOLE,
    # Codes are text: keeps leading zeros and shows a 13-digit EAN in full.
    "Bilag": TEXT, "Omkostningssted": TEXT, "Konto": TEXT, "EAN": TEXT, "Projektnr": TEXT,
    "Fakturanr": TEXT, "Aftaleholder": TEXT, "Budgetlinje": TEXT, "Central budgetlinje": TEXT,
}

#: Column widths (characters) by header; others get a width from the header's length.
COLUMN_WIDTHS = {
    "Bilag": 10, "Dato": 12, "Omkostningssted": 17, "Konto": 9, "Beløb": 15, "Tekst": 32,
    "Leverandør": 22, "Fakturanr": 13, "EAN": 16, "Projektnr": 11, "Status": 30, "Besked": 50,
    "Navn": 28, "Kontaktperson": 18, "Kategori": 14, "Finansiering": 13, "Budget": 15,
    "Disponeret": 14, "Bogført": 15, "Rest": 15, "Titel": 30, "Godkendt beløb": 16,
    "Tiltag": 32, "Nøgle": 20, "Værdi": 28, "Kontonavn": 24, "Ved overskridelse": 18,
    "Kræver projektskema": 20, "Central budgetlinje": 19, "Fordeles pr. arbejdsplads": 24,
}


def width_for(header: str) -> float:
    return COLUMN_WIDTHS.get(header, max(10, len(header) + 3))


def fit_widths(ws: Worksheet, rows: list[list], *, first_col: int = 1, cap: int = 45) -> None:
    """Widen columns to their longest text (capped), never narrower than the header's width."""
    for j in range(len(rows[0]) if rows else 0):
        longest = max((len(str(r[j])) for r in rows[1:] if j < len(r) and isinstance(r[j], str)),
                      default=0)
        dim = ws.column_dimensions[get_column_letter(first_col + j)]
        dim.width = max(dim.width or 0, width_for(str(rows[0][j])), min(cap, longest + 2))


#: Per workbook: {fill: style ids of a header cell with that fill}; see write_header.
_header_styles: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def write_header(ws: Worksheet, headers: list[str], *, row: int = 1, fill=HEADER_FILL) -> None:
    """Write a styled header row and set column widths and column formats."""
    # A header cell's look as style ids (they index the workbook's style lists),
    # found once per workbook and fill: openpyxl hashes every style object on
    # each assignment, which dominated building workbooks. Only cells without a
    # style of their own take the copy.
    known = _header_styles.setdefault(ws.parent, {})
    for j, h in enumerate(headers, start=1):
        c = ws.cell(row=row, column=j, value=h)
        fresh = not c.has_style
        if fresh and fill in known:
            c._style = copy(known[fill])
        else:
            c.font, c.fill, c.border = HEADER_FONT, fill, BOX
            c.alignment = HEADER_ALIGNMENT
            c.protection = LOCKED
            if fresh:
                known[fill] = copy(c._style)
        dim = ws.column_dimensions[get_column_letter(j)]
        dim.width = width_for(h)
        fmt = COLUMN_FORMATS.get(h)
        if fmt:
            dim.number_format = fmt
    ws.row_dimensions[row].height = 30


def set_text(cell, value: object) -> None:
    """Put user text in a cell as a string cell, never as a formula."""
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"


def list_validation(values_or_ref: list[str] | str, *, stop: bool = True, title: str = "",
                    message: str = "") -> DataValidation:
    """A drop-down list from literal values or a range reference/formula."""
    if isinstance(values_or_ref, str):
        formula = values_or_ref
    else:
        formula = '"' + ",".join(values_or_ref) + '"'
    dv = DataValidation(type="list", formula1=formula, allow_blank=True,
                        errorStyle="stop" if stop else "warning", showErrorMessage=True)
    dv.errorTitle = title or "Ugyldig værdi"
    dv.error = message or "Vælg en værdi fra listen."
    return dv


def amount_validation(error: str, *, minimum: str = "-10000000000") -> DataValidation:
    """An amount in kr.: any number within ±10 billion (or from ``minimum``)."""
    return DataValidation(type="decimal", operator="between", formula1=minimum,
                          formula2="10000000000", allow_blank=True, showErrorMessage=True,
                          errorTitle="Beløb", error=error)


def date_validation(error: str, *, first: str = "DATE(2000,1,1)", last: str = "DATE(2100,12,31)",
                    warning: bool = False) -> DataValidation:
    """A date between two date formulas; ``warning`` lets the user keep another value."""
    return DataValidation(type="date", operator="between", formula1=first, formula2=last,
                          allow_blank=True, showErrorMessage=True,
                          errorStyle="warning" if warning else None, errorTitle="Dato", error=error)


def ean_validation() -> DataValidation:
    """A warning unless the text is 13 characters long (an EAN/GLN number)."""
    return DataValidation(type="textLength", operator="equal", formula1="13", allow_blank=True,
                          showErrorMessage=True, errorStyle="warning", errorTitle="EAN",
                          error="Et EAN-nummer har 13 cifre.")


def print_setup(ws: Worksheet, *, landscape: bool = True, title_rows: str | None = "1:1") -> None:
    """Landscape, fit to one page wide, the header row (``title_rows``) repeated on each page."""
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    if title_rows:  # openpyxl ignores None: a sheet without title rows must not set them
        ws.print_title_rows = title_rows


def protect(ws: Worksheet, *, allow_sort_filter: bool = True, allow_rows: bool = False) -> None:
    """Protect a sheet without a password (guidance, not secrecy: finance re-validates all)."""
    p = ws.protection
    p.sheet = True
    p.formatColumns = False  # False = allowed: users may widen columns
    p.selectLockedCells = False
    p.selectUnlockedCells = False
    if allow_sort_filter:
        p.sort = False
        p.autoFilter = False
    if allow_rows:
        p.insertRows = False
        p.deleteRows = False


def make_table(name: str, ref: str, headers: list[str], style: str = "TableStyleLight9",
               stripes: bool = True):
    """An Excel table with its column names set up front.

    openpyxl otherwise reads the names from the sheet at save time by
    materialising every cell of the table's range, which for a 20,000-row
    input table costs seconds per workbook.
    """
    from openpyxl.worksheet.table import Table, TableStyleInfo

    table = Table(displayName=name, ref=ref)
    table._initialise_columns()
    for col, header in zip(table.tableColumns, headers):
        col.name = header
    table.tableStyleInfo = TableStyleInfo(name=style, showRowStripes=stripes)
    return table
