"""Cells as Excel hands them to the adapters, turned into what the core reads.

The one conversion point for every way Excel reaches the core: the worksheet
functions (:mod:`udfs`) and the macros (:mod:`addin.workbook`). Worksheet
function arguments come from two runtimes:

* Office.js (xlwings Server) sends JSON: an error cell or a data type as a dict
  with a ``basicValue``; dates as serial numbers; empty cells as ``""``, as
  ``null`` (Excel on the web) or as ``0`` (reported for desktop Excel).
* Classic desktop Excel passes a ``raw`` argument pywin32's values: dates as
  timezone-aware datetimes (the cell's wall-clock value labelled UTC), every
  number as a float, an error cell as its negative COM error code, ``None`` for
  empty.

So that all of them give the same answers, in the bookings' contract columns:

* a ``0`` in an id or text field is empty, and a date serial ``0`` is an empty date;
* a ``0`` Beløb is empty only when every other field of its row is empty (the row
  is then blank). With other fields filled it stays a booking of 0 kr.: the
  desktop encoding cannot tell a typed 0 kr. from an empty cell, and a 0-kr.
  booking is legitimate (a reversal, a free licence), whereas refusing it would
  flag every real one.

A COM error code becomes its text (``#N/A``), an unreadable value, hence a finding.

The macros read a whole sheet through xlwings' Book API, which already says
``None`` for an empty cell: a ``0`` there is a typed 0, so they convert with
``zero_is_empty=False`` (every other rule above applies alike).
"""

from __future__ import annotations

import datetime as dt
from itertools import chain
from typing import Sequence

import numpy as np
from pandas.api.types import infer_dtype

from .bookings import BOOKING_HEADERS
from .errors import UnusableInput
from .master import SHEETS
from .reading import HEADER_SCAN_ROWS, norm_header
from .statuses import header_index

#: COM error codes (HRESULTs) pywin32 returns for error cells; xlwings' own table
#: (``xlwings._xlwindows.cell_errors``) plus #GETTING_DATA.
COM_ERRORS = {
    -2146826288: "#NULL!",
    -2146826281: "#DIV/0!",
    -2146826273: "#VALUE!",
    -2146826265: "#REF!",
    -2146826259: "#NAME?",
    -2146826252: "#NUM!",
    -2146826246: "#N/A",
    -2146826245: "#GETTING_DATA",
}

_NONE = type(None)
#: ``infer_dtype`` kinds (None skipped) that hold only text: no cell to convert.
_NOTHING_TO_DO = {"string", "empty"}
_PLAIN = {str, int, float, bool, _NONE}
_AMOUNT = norm_header("Beløb")
_BOOKING_FIELDS = {norm_header(h) for h in BOOKING_HEADERS}
#: Master data columns whose 0 is a number, not an empty cell.
_MASTER_NUMBERS = {norm_header(h) for h in (
    "Værdi", "Arbejdspladser", "Hjemmearbejdspladser", "Budget", "Disponeret",
    "Godkendt beløb", "Beløb", "Bloktilskud")}
_MASTER_FIELDS = {norm_header(h) for req, opt in SHEETS.values() for h in req + opt}


def cell(value):
    """One cell as the core reads it (plain values pass unchanged)."""
    t = type(value)
    if t in _PLAIN:
        return COM_ERRORS.get(value, value) if t is int else value
    if isinstance(value, dict):  # Office.js: {"type": "Error", "basicValue": "#N/A"}, data types
        value = value.get("basicValue", "")
        return value if type(value) in _PLAIN else str(value)[:100]
    if isinstance(value, dt.datetime):  # pywin32: aware, the wall-clock time labelled UTC
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, dt.date):
        return value
    return str(value)[:100]


def _checked(value, what: str) -> list:
    """A range argument as a list of rows; refuses a single value or a ragged list."""
    if not isinstance(value, (list, tuple)) or not value:
        raise UnusableInput(f"{what} skal være et område med en overskriftsrække, ikke én værdi.")
    if not isinstance(value[0], (list, tuple)):
        value = [value]
    if not all(isinstance(r, (list, tuple)) for r in value):
        raise UnusableInput(f"{what} skal være et rektangulært område (rækker af celler).")
    return list(value)


def _as_array(rows: list, width: int) -> np.ndarray:
    """The rows as an object grid, short rows padded with None, in one C pass.

    ``np.fromiter`` takes each cell as one object, so a cell that is itself a list
    stays one cell (assigning nested lists to an array would broadcast them).
    """
    padded = [r if len(r) == width else list(r) + [None] * (width - len(r)) for r in rows]
    flat = np.fromiter(chain.from_iterable(padded), dtype=object, count=len(rows) * width)
    return flat.reshape(len(rows), width)


def _resolve(column: np.ndarray, zero_is_empty: bool) -> np.ndarray:
    """Convert one contract column in place; True where a cell changed.

    A column of text or floats (the common case) needs at most the zero check;
    other cells (ints that may be COM error codes, datetimes, Office.js dicts) go
    through :func:`cell`. ``infer_dtype`` tells the cases apart in one C pass.
    """
    changed = np.zeros(len(column), dtype=bool)
    kind = infer_dtype(column, skipna=True)
    if kind in _NOTHING_TO_DO:
        return changed
    if zero_is_empty:
        hits = np.flatnonzero(column == 0)  # 0, 0.0 and False; FALSE is a value
        if hits.size:
            hits = hits[_types(column[hits]) != bool]
        if hits.size:
            column[hits] = ""
            changed[hits] = True
            kind = infer_dtype(column, skipna=True)
    if kind in _NOTHING_TO_DO or kind == "floating":
        return changed
    types = _types(column)
    other = np.flatnonzero(~((types == str) | (types == float) | (types == _NONE)))
    if other.size:
        before = column[other]
        after = np.fromiter(map(cell, before), dtype=object, count=other.size)
        moved = other[np.fromiter(map(_differs, before, after), dtype=bool, count=other.size)]
        column[moved] = after[np.isin(other, moved)]
        changed[moved] = True
    return changed


def _types(column: np.ndarray) -> np.ndarray:
    """Each cell's type, as an object array (one C pass over the column)."""
    return np.fromiter(map(type, column), dtype=object, count=len(column))


def _differs(a, b) -> bool:
    return a is not b and (type(a) is not type(b) or a != b)


def bookings_rows(value, *, zero_is_empty: bool = True) -> list:
    """The bookings range as the core reads it, whatever encoding Excel used for empty cells.

    Only the contract's columns below the header row are looked at (the core reads
    nothing else); the rows where the header is searched for are converted whole.
    Rows nothing changed in are passed on as they came, not copied.
    ``zero_is_empty``: a ``0`` may stand for an empty cell (worksheet function
    arguments); False where empty cells arrive as ``None`` (the Book API).
    """
    rows = _checked(value, "Bogføringer")
    scan = min(len(rows), HEADER_SCAN_ROWS)
    rows[:scan] = [[cell(v) for v in r] for r in rows[:scan]]
    hi = header_index(rows)
    header = [norm_header(v) if isinstance(v, str) else "" for v in rows[hi]]
    fields = [j for j, h in enumerate(header) if h in _BOOKING_FIELDS]
    body = rows[hi + 1:]
    if not body or not fields:
        return rows
    width = max(len(header), max(map(len, body)))
    grid = _as_array(body, width)
    amount = next((j for j in fields if header[j] == _AMOUNT), None)
    others = [j for j in fields if j != amount]
    changed = np.zeros(len(body), dtype=bool)
    for j in others:
        changed |= _resolve(grid[:, j], zero_is_empty=zero_is_empty)
    if amount is not None:
        column = grid[:, amount]
        changed |= _resolve(column, zero_is_empty=False)
        # Beløb 0 is empty only on a row with nothing else: then the row is blank.
        zero = np.flatnonzero(_zeros(column)) if zero_is_empty else np.zeros(0, dtype=np.int64)
        for j in others:  # each filled column narrows the candidates
            if not zero.size:
                break
            zero = zero[_empty(grid[zero, j])]
        column[zero] = ""
        changed[zero] = True
    at = np.flatnonzero(changed)
    if at.size > len(body) // 8 and all(len(r) == width for r in body):
        body = grid.tolist()  # most rows changed: one C pass
    else:
        for i in at.tolist():
            body[i] = grid[i, :len(body[i])].tolist()
    return rows[:hi + 1] + body


def _zeros(column: np.ndarray) -> np.ndarray:
    """Where a column holds a numeric 0 (not False)."""
    types = _types(column)
    return ((types == int) | (types == float)) & (column == 0)


def _empty(column: np.ndarray) -> np.ndarray:
    """Where a column is empty as the core sees it: None, "", whitespace."""
    blank = (column == "") | (column == None)  # noqa: E711
    rest = np.flatnonzero(~blank)
    if rest.size:
        blank[rest] = [type(v) is str and v.isspace() for v in column[rest]]
    return blank


def master_rows(rows: Sequence[Sequence[object]], *, zero_is_empty: bool = True) -> list[list]:
    """One master data range (a 2-D list, header row first) with empty encodings resolved.

    A row whose every cell is empty (``""``, ``None``, ``0``) is no record; a ``0``
    in a text, id or date column is empty; numeric columns keep their 0. With
    ``zero_is_empty=False`` (the Book API: empty is ``None``) only the cells are
    converted and every row is kept, as the core's master reader reads a sheet.
    """
    grid = [[cell(v) for v in r] for r in rows]
    if not zero_is_empty:
        return grid
    header = [norm_header(v) if isinstance(v, str) else "" for v in grid[0]] if grid else []
    text = {j for j, h in enumerate(header) if h in _MASTER_FIELDS and h not in _MASTER_NUMBERS}
    out = grid[:1]
    for r in grid[1:]:
        if all(_is_empty(v) or _is_zero(v) for v in r):
            continue
        out.append(["" if j in text and _is_zero(v) else v for j, v in enumerate(r)])
    return out


def _is_zero(v) -> bool:
    return (type(v) is int or type(v) is float) and v == 0


def _is_empty(v) -> bool:
    return v is None or (type(v) is str and not v.strip())
