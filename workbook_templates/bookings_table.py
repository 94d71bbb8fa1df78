"""Appending bookings to an issued workbook's Bogføringer table, keeping what makes it work.

The rows come ready-made (:mod:`itbudget.importing` decides which); this module
only writes them: below the last filled row, never over a typed cell, as
unlocked cells with the column's format, text stored as text. When they do not
fit, the table grows and with it every range that was laid out for it: the
table and its filter, the ``Bogfoeringer`` name, conditional formats, data
validations and formulas that end on the table's last row. Sheet protection
is left as it is. The table is found on the sheet, not by its name.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
from openpyxl.formatting.formatting import ConditionalFormattingList
from openpyxl.utils import quote_sheetname, range_boundaries
from openpyxl.worksheet.cell_range import MultiCellRange

from itbudget.bookings import BOOKINGS_SHEET
from itbudget.errors import UnusableInput
from itbudget.writing import atomic_path

from . import styles


def _last_filled(ws, ncol: int) -> int:
    last = 1
    for r, row in enumerate(ws.iter_rows(min_row=2, max_col=ncol, values_only=True), start=2):
        if any(v is not None and v != "" for v in row):
            last = r
    return last


def _grown(ref: str, old_last: int, new_last: int) -> str:
    """A space-separated range list with every range ending on ``old_last`` ending on ``new_last``."""
    out = []
    for part in ref.split():
        m = re.fullmatch(r"(\$?[A-Z]+\$?\d+:\$?[A-Z]+\$?)(\d+)", part)
        out.append(f"{m.group(1)}{new_last}" if m and int(m.group(2)) == old_last else part)
    return " ".join(out)


def _grow(wb, ws, table, old_last: int, new_last: int) -> None:
    table.ref = _grown(table.ref, old_last, new_last)
    if table.autoFilter is not None and table.autoFilter.ref:
        table.autoFilter.ref = _grown(table.autoFilter.ref, old_last, new_last)
    grown_cf = ConditionalFormattingList()
    for cf in ws.conditional_formatting:
        for rule in cf.rules:
            grown_cf.add(_grown(str(cf.sqref), old_last, new_last), rule)
    ws.conditional_formatting = grown_cf
    for dv in ws.data_validations.dataValidation:
        dv.sqref = MultiCellRange(_grown(str(dv.sqref), old_last, new_last))
    # References to the table's rows from anywhere: 'Bogføringer'!$C$2:$C$20001 and the like.
    sheet = re.escape(quote_sheetname(ws.title))
    pattern = re.compile(rf"((?:{sheet}|{re.escape(ws.title)})!\$?[A-Z]+\$?\d+:\$?[A-Z]+\$?){old_last}(?!\d)")
    for name in list(wb.defined_names.values()):
        if name.attr_text:
            name.attr_text = pattern.sub(rf"\g<1>{new_last}", name.attr_text)
    local = re.compile(rf"(\$?[A-Z]+\$?\d+:\$?[A-Z]+\$?){old_last}(?!\d)")
    for other in wb.worksheets:
        for row in other.iter_rows():
            for cell in row:
                if cell.data_type == "f" and isinstance(cell.value, str):
                    fix = local if other is ws else pattern
                    cell.value = fix.sub(rf"\g<1>{new_last}", cell.value)


def append_bookings(path: Path | str, rows: list[list], headers: list[str]) -> Path:
    """Append ``rows`` (cells in ``headers`` order) to ``path``'s Bogføringer table, atomically."""
    path = Path(path)
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix.lower() == ".xlsm")
    if BOOKINGS_SHEET not in wb.sheetnames:
        raise UnusableInput(f"{path.name}: arket '{BOOKINGS_SHEET}' mangler.")
    ws = wb[BOOKINGS_SHEET]
    col = {}
    for cell in ws[1]:
        if isinstance(cell.value, str) and cell.value.strip() in headers:
            col.setdefault(cell.value.strip(), cell.column)
    missing = [h for h in headers if h not in col]
    if missing:
        raise UnusableInput(f"{path.name}, ark '{BOOKINGS_SHEET}': mangler kolonnen "
                            f"{', '.join(repr(m) for m in missing)} i række 1.")
    tables = list(ws.tables.values())
    table = next((t for t in tables if range_boundaries(t.ref)[1] == 1), None)
    first = _last_filled(ws, max(col.values())) + 1
    new_last = first + len(rows) - 1
    if table is not None:
        old_last = range_boundaries(table.ref)[3]
        if new_last > old_last:
            _grow(wb, ws, table, old_last, new_last)
    formats = {h: styles.COLUMN_FORMATS.get(h) for h in headers}
    for i, values in enumerate(rows, start=first):
        for h, value in zip(headers, values):
            if value is None or value == "":
                continue
            cell = ws.cell(row=i, column=col[h], value=value)
            cell.protection = styles.UNLOCKED  # a written cell no longer takes its column's style
            if isinstance(value, str):
                cell.data_type = "s"  # text stays text, never a formula
            elif isinstance(value, (dt.date, dt.datetime)):
                cell.number_format = styles.DATE
            elif formats[h]:
                cell.number_format = formats[h]
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path

