"""Cells as Excel hands them to a worksheet function, turned into what the core reads.

The one conversion point for both runtimes that call :mod:`udfs.functions`:

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
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import numpy as np
from pandas._libs import lib

from itbudget.bookings import BOOKING_HEADERS
from itbudget.errors import UnusableInput
from itbudget.master import SHEETS
from itbudget.parsing import _as_float
from itbudget.reading import HEADER_SCAN_ROWS, norm_header
from itbudget.statuses import header_index

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
_COM_LOW, _COM_HIGH = min(COM_ERRORS), max(COM_ERRORS)

_PLAIN = {str, int, float, bool, type(None)}
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
        return cell(value.get("basicValue", ""))
    if isinstance(value, dt.datetime):  # pywin32: aware, the wall-clock time labelled UTC
        return value.replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, dt.date):
        return value
    return str(value)[:100]


def _grid(value, what: str) -> list[list]:
    """A range argument as a 2-D list of converted cells; refuses a single value."""
    if not isinstance(value, (list, tuple)) or not value:
        raise UnusableInput(f"{what} skal være et område med en overskriftsrække, ikke én værdi.")
    if not isinstance(value[0], (list, tuple)):
        value = [value]
    if not all(isinstance(r, (list, tuple)) for r in value):
        raise UnusableInput(f"{what} skal være et rektangulært område (rækker af celler).")
    return [list(r) if _PLAIN.issuperset(map(type, r)) else [cell(c) for c in r] for r in value]


def _as_array(rows: list[list], width: int) -> np.ndarray:
    grid = np.empty((len(rows), width), dtype=object)
    grid[:] = [r if len(r) == width else (r + [None] * width)[:width] for r in rows]
    return grid


def _com_errors(grid: np.ndarray) -> np.ndarray:
    """Replace COM error codes in place; the rows touched.

    Ints only: pywin32 gives every number as a float, so an int in the codes'
    range is an error cell. Office.js sends whole numbers as ints, but never one
    near -2.1 billion that a person meant.
    """
    flat = grid.reshape(-1)
    at = np.flatnonzero(lib.map_infer(flat, type, convert=False) == int)
    if at.size:
        x = _as_float(flat[at])
        at = at[(x >= _COM_LOW) & (x <= _COM_HIGH)]
        at = at[[flat[i] in COM_ERRORS for i in at.tolist()]] if at.size else at
        flat[at] = [COM_ERRORS[v] for v in flat[at].tolist()]
    return np.unique(at // grid.shape[1]) if grid.shape[1] else at


def _zeros(column: np.ndarray) -> np.ndarray:
    """Where a column holds a numeric 0 (not False), in C loops."""
    types = lib.map_infer(column, type, convert=False)
    return ((types == int) | (types == float)) & (column == 0)


def _empty(column: np.ndarray) -> np.ndarray:
    types = lib.map_infer(column, type, convert=False)
    blank = (column == "") | (column == None)  # noqa: E711
    text = np.flatnonzero((types == str) & ~blank)
    if text.size:
        blank[text] = [v.isspace() for v in column[text]]
    return blank


def bookings_rows(value) -> list[list]:
    """The bookings range as the core reads it, whatever encoding Excel used for empty cells.

    Rows above the header row (found as the reader finds it) are left alone, and
    so are columns outside the contract.
    """
    rows = _grid(value, "Bogføringer")
    width = max(map(len, rows))
    grid = _as_array(rows, width)
    touched = [_com_errors(grid)]
    hi = header_index(grid[:HEADER_SCAN_ROWS].tolist())
    header = [norm_header(v) if isinstance(v, str) else "" for v in grid[hi]]
    fields = {j: h for j, h in enumerate(header) if h in _BOOKING_FIELDS}
    body = grid[hi + 1:]
    amount = next((j for j, h in fields.items() if h == _AMOUNT), None)
    others = [j for j in fields if j != amount]
    zero = {j: _zeros(body[:, j]) for j in fields}
    for j in others:
        body[zero[j], j] = ""
    if amount is not None and zero[amount].any():
        rest_empty = np.logical_and.reduce([_empty(body[:, j]) for j in others]) if others \
            else np.ones(len(body), dtype=bool)
        body[zero[amount] & rest_empty, amount] = ""
    if zero:
        touched.append(hi + 1 + np.flatnonzero(np.logical_or.reduce(list(zero.values()))))
    for i in np.unique(np.concatenate(touched)).tolist():
        rows[i] = grid[i, :len(rows[i])].tolist()
    return rows


def master_rows(rows: Sequence[Sequence[object]]) -> list[list]:
    """One master data range (a 2-D list, header row first) with empty encodings resolved.

    A row whose every cell is empty (``""``, ``None``, ``0``) is no record; a ``0``
    in a text, id or date column is empty; numeric columns keep their 0.
    """
    grid = [[cell(v) for v in r] for r in rows]
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
