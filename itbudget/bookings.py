"""Bookings ("Bogføringer"): the contract's columns and the typed frame the rules use.

A :class:`Table` read from a workbook sheet or a CSV export becomes one pandas
frame with one row per booking: parsed dates and integer øre, and the raw
cell where it could not be read (kept for the message; None where it parsed), and the file, sheet and row each booking came from.
Nothing here raises on a bad value; the rules turn bad values into findings.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .column_names import ColumnName, header_key, header_map
from .errors import UnusableInput
from .exports import arrow_bookings_table, bookings_table, debit_credit, find_header
from .files import ArrowSheet, bookings_arrow, opened
from .master import column_names_from_book
from .parsing import clean_ids, is_blank, parse_amounts, parse_dates
from .reading import (CSV_SUFFIXES, WORKBOOK_SUFFIXES, Table, csv_rows, filled, find_sheet,
                      open_workbook, sheet_rows)

#: The contract's headers, in order, and the frame's column for each.
BOOKING_HEADERS = {
    "Bilag": "voucher",
    "Dato": "date",
    "Omkostningssted": "cost_centre",
    "Konto": "account",
    "Beløb": "amount",
    "Tekst": "text",
    "Leverandør": "supplier",
    "Fakturanr": "invoice_no",
    "EAN": "ean",
    "Projektnr": "project",
}
REQUIRED_HEADERS = ["Dato", "Omkostningssted", "Konto", "Beløb"]
OPTIONAL_HEADERS = [h for h in BOOKING_HEADERS if h not in REQUIRED_HEADERS]
BOOKINGS_SHEET = "Bogføringer"

#: Columns of the bookings frame, always present, in this order.
FRAME_COLUMNS = [
    "file", "sheet", "row", "voucher", "date", "date_ok", "date_raw", "date_blank",
    "cost_centre", "account", "amount", "amount_ok", "amount_raw", "amount_blank", "text", "supplier", "invoice_no",
    "ean", "project",
]


def _blank_where(values: np.ndarray, candidates: np.ndarray) -> np.ndarray:
    """:func:`is_blank` of ``values``, looking only where ``candidates`` is True (False elsewhere)."""
    out = np.zeros(len(values), dtype=bool)
    at = np.flatnonzero(candidates)
    out[at] = is_blank(values[at])
    return out


def _ids(table: Table, name: str) -> np.ndarray:
    """A column of identifiers, cleaned (by the reader, or here)."""
    ids = table.ids.get(name)
    return ids if ids is not None else clean_ids(table.get(name))


def bookings_frame(table: Table, *, source_columns: bool = True) -> pd.DataFrame:
    """The typed bookings frame of one table; every record becomes one row.

    Without ``source_columns`` the frame has no ``file`` and ``sheet`` columns
    (:func:`bookings_frames`, whose tables come from several files).
    """
    n = len(table)
    date_raw = table.get("Dato")
    amount_raw = table.get("Beløb")
    dates, date_ok = parse_dates(date_raw)
    if _debit_credit(table):
        amount_raw, ore, amount_ok = debit_credit(table.get("Debet"), table.get("Kredit"))
    else:
        ore, amount_ok = parse_amounts(amount_raw)
    # A value that parsed is not blank: only the others are looked at.
    date_blank, amount_blank = _blank_where(date_raw, ~date_ok), _blank_where(amount_raw, ~amount_ok)
    # The raw cell is kept only where it could not be read (for the message);
    # a parsed value needs no copy, and frames travel lighter between processes.
    date_raw = np.where(date_ok, None, date_raw)
    amount_raw = np.where(amount_ok, None, amount_raw)
    data = {
        "row": table.rows.astype(np.int64),
        # Vouchers, texts and invoice numbers are mostly unique: no factorising.
        "voucher": clean_ids(table.get("Bilag"), distinct=False),
        "date": dates.astype("datetime64[s]"),
        "date_ok": date_ok,
        "date_raw": date_raw,
        "date_blank": date_blank,
        "cost_centre": _ids(table, "Omkostningssted"),
        "account": _ids(table, "Konto"),
        "amount": ore,
        "amount_ok": amount_ok,
        "amount_raw": amount_raw,
        "amount_blank": amount_blank,
        "text": clean_ids(table.get("Tekst"), distinct=False),
        "supplier": _ids(table, "Leverandør"),
        "invoice_no": clean_ids(table.get("Fakturanr"), distinct=False),
        "ean": _ids(table, "EAN"),
        "project": _ids(table, "Projektnr"),
    }
    # Explicit object dtype: pandas 3 would otherwise infer (and copy into) a string dtype.
    index = pd.RangeIndex(n)  # one shared index: pandas then need not align the columns
    if source_columns:
        data = {"file": filled(n, table.file), "sheet": filled(n, table.sheet), **data}
    columns = {k: pd.Series(v, dtype=object, copy=False, index=index) if v.dtype == object else v
               for k, v in data.items()}
    return pd.DataFrame(columns, columns=FRAME_COLUMNS if source_columns else FRAME_COLUMNS[2:],
                        index=index, copy=False)


def _debit_credit(table: Table) -> bool:
    """Whether the table's amounts are its Debet and Kredit columns (it has no Beløb)."""
    return "Beløb" not in table.columns and ("Debet" in table.columns or "Kredit" in table.columns)


def _column_types(table: Table) -> dict[str, np.dtype]:
    return {**{f"c:{k}": v.dtype for k, v in table.columns.items()},
            **{f"i:{k}": v.dtype for k, v in table.ids.items()}}


def _mergeable(a: dict[str, np.dtype], b: dict[str, np.dtype]) -> bool:
    """Whether two tables' columns can be joined end to end unchanged (a missing column is text)."""
    text = np.dtype(object)
    return all(a.get(k, text) == b.get(k, text) for k in a.keys() | b.keys())


def _joined(tables: list[Table]) -> Table:
    """One table holding the records of ``tables`` end to end (no file or sheet of its own)."""
    if len(tables) == 1:
        return tables[0]
    names = list(dict.fromkeys(k for t in tables for k in t.columns))
    ids = list(dict.fromkeys(k for t in tables for k in t.ids))
    return Table(file="", sheet="", columns={k: np.concatenate([t.get(k) for t in tables]) for k in names},
                 rows=np.concatenate([t.rows.astype(np.int64) for t in tables]),
                 ids={k: np.concatenate([_ids(t, k) for t in tables]) for k in ids})


def bookings_frames(tables: list[Table]) -> pd.DataFrame:
    """The bookings of ``tables`` end to end, without ``file`` and ``sheet``, index 0..n-1.

    The same rows as :func:`bookings_frame` of each table, concatenated: every
    step of that function works value by value. Tables are joined first wherever
    their columns allow (the same way of giving amounts, the same column types),
    so a folder of small workbooks is typed in a few passes instead of one per file.
    """
    groups: list[list[Table]] = []
    kinds: list[tuple[bool, dict]] = []
    for t in tables:
        kind = (_debit_credit(t), _column_types(t))
        if groups and kinds[-1][0] == kind[0] and _mergeable(kinds[-1][1], kind[1]):
            groups[-1].append(t)
            kinds[-1] = (kind[0], {**kinds[-1][1], **kind[1]})
        else:
            groups.append([t])
            kinds.append(kind)
    frames = [bookings_frame(_joined(g), source_columns=False) for g in groups]
    if not frames:
        return bookings_frame(Table(file="", sheet="", columns={}, rows=np.zeros(0, dtype=np.int64)),
                              source_columns=False)
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def empty_frame() -> pd.DataFrame:
    """A bookings frame with no rows and every column."""
    return bookings_frame(Table(file="", sheet="", columns={}, rows=np.zeros(0, dtype=np.int64)))


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Bookings of several sources, in source order, with a fresh 0..n-1 index."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return empty_frame()
    return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class BookingsSource:
    """Bookings read from one file, with what the file said about itself."""

    path: Path
    frame: pd.DataFrame
    blank_rows: int
    is_issued_workbook: bool
    book: object = None  # the open calamine workbook, for embedded master data


def read_bookings(path: Path | str, names: tuple[ColumnName, ...] | None = None) -> BookingsSource:
    """Read the bookings of a budget-holder workbook, a bare workbook or a CSV export.

    ``names``: the master data's Kolonnenavne; None takes a workbook's own
    Kolonnenavne sheet if it has one (an issued workbook), else the built-in names.
    """
    table, issued, book = read_bookings_table(path, names)
    return BookingsSource(Path(path), bookings_frame(table), table.blank_rows, issued, book)


def read_bookings_table(path: Path | str, names: tuple[ColumnName, ...] | None = None
                        ) -> tuple[Table, bool, object]:
    """:func:`read_bookings` up to the untyped table: ``(table, is_issued_workbook, book)``.

    ``book`` is the open workbook (None for a CSV file); :func:`bookings_frame`
    or :func:`bookings_frames` types the table.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        hmap = header_map(names or ())
        data, lines = csv_rows(path, lambda h: header_key(h) in hmap)
        return bookings_table(path.name, "", data, 1, hmap, row_numbers=lines), False, None
    if suffix not in WORKBOOK_SUFFIXES:
        raise UnusableInput(
            f"{path.name}: filtypen '{path.suffix}' kendes ikke; brug en Excel-projektmappe "
            "(.xlsx, .xlsm) eller en CSV-fil.")
    book, read = opened(path)
    if names is None:
        names = column_names_from_book(book, path.name)
    hmap = header_map(names)
    sheet = find_sheet(book, BOOKINGS_SHEET)
    if sheet is None:
        sheet = _bookings_sheet(book, read, path.name, hmap)
    # Rows read ahead are taken out of the read-ahead, so they are freed once tabled.
    ahead = read.pop(sheet, None)
    table = None
    if ahead is None or isinstance(ahead, ArrowSheet):
        # fastexcel's Arrow columns where they give the same frame; else python-calamine.
        arrow = ahead if ahead is not None else bookings_arrow(path, sheet, names)
        table = arrow_bookings_table(path.name, sheet, arrow, hmap)
        ahead = None
    if table is None:
        data, first = ahead if ahead is not None else sheet_rows(book, sheet, path.name)
        table = bookings_table(path.name, sheet, data, first, hmap)
        del data
    return table, find_sheet(book, "Indstillinger") is not None, book


def _bookings_sheet(book, read: dict, file: str, hmap: dict[str, str]) -> str:
    """The sheet of a workbook without a Bogføringer sheet that holds its bookings.

    One sheet: that one, whatever its name. Several: the one sheet with a
    recognised header row; with none, the first (whose header is then reported).
    An issued workbook (it has Indstillinger) must have its Bogføringer sheet.
    """
    names = list(book.sheet_names)
    if not names or (len(names) > 1 and find_sheet(book, "Indstillinger") is not None):
        raise UnusableInput(f"{file}: arket '{BOOKINGS_SHEET}' mangler.")
    if len(names) == 1:
        return names[0]
    with_header = []
    for name in names:
        data, first = read[name] if name in read else sheet_rows(book, name, file)
        read[name] = (data, first)
        if find_header(data, hmap) is not None:
            with_header.append(name)
    if len(with_header) > 1:
        raise UnusableInput(
            f"{file}: flere ark har bogføringer ({', '.join(repr(n) for n in with_header)}); "
            f"omdøb det rigtige til '{BOOKINGS_SHEET}', eller gem hvert ark som sin egen fil.")
    return with_header[0] if with_header else names[0]
