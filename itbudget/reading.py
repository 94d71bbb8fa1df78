"""Reading workbooks and CSV files into columnar tables that remember their rows.

This is the one module that opens user files for reading. Workbooks are read
with python-calamine (fast, values only); CSV exports from the finance system
are sniffed for encoding and separator. Every record keeps the Excel row number
or CSV line it came from, so each finding can point back to it.

The safety checks and the opening of workbooks live in :mod:`itbudget.files`
(no NumPy there, so reading can start before the heavy imports).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pandas.api.types import infer_dtype

from .errors import UnusableInput
from .files import (  # noqa: F401 - the reading API in one place
    CSV_SUFFIXES, HEADER_SCAN_ROWS, MAX_FILE_BYTES, MAX_PART_RATIO, MAX_UNZIPPED_BYTES,
    WORKBOOK_SUFFIXES, check_file, check_zip, find_sheet, norm_header, open_workbook, sheet_rows,
    shown_name)


def filled(n: int, value: object) -> np.ndarray:
    """An object array of ``n`` references to ``value`` (``np.full`` takes ten times as long for objects)."""
    out = np.empty(n, dtype=object)
    out.fill(value)
    return out


@dataclass
class Table:
    """Records of one sheet or CSV file, column-wise, with their source rows."""

    file: str
    sheet: str
    columns: dict[str, np.ndarray]
    rows: np.ndarray
    headers: list[str] = field(default_factory=list)
    blank_rows: int = 0
    #: Columns already cleaned as identifiers (:func:`itbudget.parsing.clean_ids`), by name.
    ids: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, name: str) -> np.ndarray:
        """A column by its contract name; all blanks when the sheet lacks it."""
        col = self.columns.get(name)
        if col is None:
            return filled(len(self.rows), "")
        return col

    def records(self):
        """Rows as ``(row_number, {column: value})``; for small master sheets only."""
        names = list(self.columns)
        for i, row in enumerate(self.rows):
            yield int(row), {n: self.columns[n][i] for n in names}


def _quoted(cells: list) -> list[str]:
    """A row's filled cells as a message may quote them: short, no control characters."""
    return [shown_name(s if len(s) <= 40 else s[:39] + "…") for s in map(str, cells) if s.strip()]


def _locate_header(data: list[list], required: list[str], optional: list[str]) -> int | None:
    wanted = {norm_header(h) for h in required + optional}
    best, best_hits = None, 0
    for i, row in enumerate(data[:HEADER_SCAN_ROWS]):
        hits = sum(1 for v in row if isinstance(v, str) and norm_header(v) in wanted)
        if hits > best_hits:
            best, best_hits = i, hits
    if best is None or best_hits < max(1, (len(required) + 1) // 2):
        return None
    return best


def without_blank_rows(columns: dict[str, np.ndarray], rows: np.ndarray
                        ) -> tuple[dict[str, np.ndarray], np.ndarray, int]:
    """The columns and row numbers without the records whose every contract cell is blank, and how many those were."""
    # A record needs at least one filled contract cell; blank rows are skipped.
    # Columns narrow the candidates in turn, so with a filled first column the
    # cost is one pass over one column, not over every cell.
    n = len(rows)
    cand = np.arange(n)
    for col in columns.values():
        if cand.size == 0:
            break
        sub = col[cand]
        # Element-wise comparison runs in C; only text that is not empty is
        # then checked for being nothing but whitespace.
        empty = (sub == "") | (sub == None)  # noqa: E711
        text = np.flatnonzero(~empty)
        if text.size:
            values = sub[text]
            kind = infer_dtype(values, skipna=False)  # one C pass: is there text at all?
            if kind == "string":
                empty[text] = np.fromiter(map(str.isspace, values), dtype=bool, count=text.size)
            elif "mixed" in kind or kind == "unknown-array":
                empty[text] = np.fromiter(
                    (type(v) is str and v.isspace() for v in values), dtype=bool, count=text.size)
            # Any other kind (numbers, dates, booleans) holds no text, so nothing blank.
        cand = cand[empty]
    blank = int(cand.size)
    if blank:
        filled = np.ones(n, dtype=bool)
        filled[cand] = False
        columns = {k: v[filled] for k, v in columns.items()}
        rows = rows[filled]
    return columns, rows, blank


def build_table(file: str, sheet: str, data: list[list], first_row: int,
                required: list[str], optional: list[str] = (), *,
                row_numbers: list[int] | None = None) -> Table:
    """Turn raw rows into a :class:`Table` of the contract's columns.

    Raises :class:`UnusableInput` when required headers are missing or doubled,
    naming the file, the sheet and what was found instead.
    """
    required, optional = list(required), list(optional)
    where = f"{file}, ark '{sheet}'" if sheet else file
    hi = _locate_header(data, required, optional)
    if hi is None:
        found = _quoted(data[0] if data else [])
        raise UnusableInput(
            f"{where}: kolonneoverskrifterne mangler. Forventede: {', '.join(required)}"
            + (f"; fandt: {', '.join(found[:15])}" if found else "; arket er tomt") + ".")
    header = data[hi]
    header_row = row_numbers[hi] if row_numbers else first_row + hi
    positions: dict[str, int] = {}
    doubled = []
    canon = {norm_header(h): h for h in required + optional}
    for j, v in enumerate(header):
        key = norm_header(v)
        if key in canon:
            name = canon[key]
            if name in positions:
                doubled.append(name)
            else:
                positions[name] = j
    if doubled:
        raise UnusableInput(
            f"{where}, række {header_row}: kolonnen {', '.join(repr(d) for d in doubled)} "
            "står der flere gange; slet eller omdøb den ekstra.")
    missing = [h for h in required if h not in positions]
    if missing:
        found = _quoted(header)
        raise UnusableInput(
            f"{where}, række {header_row}: mangler kolonnen "
            f"{', '.join(repr(m) for m in missing)}; fandt: {', '.join(found[:20])}. "
            "Tjek stavningen af overskriften.")
    body = data[hi + 1:]
    width = len(header)
    if row_numbers:
        rows = np.asarray(row_numbers[hi + 1:], dtype=np.int64)
    else:
        rows = np.arange(header_row + 1, header_row + 1 + len(body), dtype=np.int64)
    if body and set(map(len, body)) != {width}:
        # Pad short rows (CSV) so every record has every column.
        body = [(list(r) + [""] * width)[:width] for r in body]
    grid = np.empty((len(body), width), dtype=object)
    if body:
        grid[:] = body  # one C-level copy; columns are then cheap views
    columns = {name: grid[:, j] for name, j in positions.items()}
    columns, rows, blank = without_blank_rows(columns, rows)
    return Table(file=file, sheet=sheet, columns=columns, rows=rows,
                 headers=[str(h) for h in header], blank_rows=blank)


# --- The Arrow read path (fastexcel) -------------------------------------------------------
# A column fastexcel reads as text holds, besides text cells, numbers, dates and booleans
# rendered as text ("1234.5", "2026-03-01 00:00:00", "true"). Where such a rendering stands,
# the cell may have been either; the path is taken only where both would give the same
# bookings frame, and otherwise the sheet is read with python-calamine.
_RENDERED_NUMBER = r"-?\d+(?:\.\d+)?|-?inf|NaN"
_RENDERED_OTHER = r"true|false|\d{4}-\d\d-\d\d(?: \d\d:\d\d:\d\d(?:\.\d+)?|T.*)"
_RENDERED = re.compile(f"(?:{_RENDERED_NUMBER}|{_RENDERED_OTHER})", re.DOTALL)
#: A date cell as fastexcel renders it: it reads as the same date as text. (Before 1900,
#: that is serial numbers below 1, python-calamine gives a time of day, which is no date.)
_RENDERED_DATETIME = r"(?:19|[2-9]\d)\d\d-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?"
_FIRST_DATE = dt.datetime(1900, 1, 1)
#: An amount in a form that reads the same as text and as the number it renders:
#: at most two decimals and ten digits before them (|amount| <= MAX_AMOUNT_ORE).
_PLAIN_AMOUNT = r"-?\d{1,10}(?:\.\d{1,2})?"


def rendered(text: str) -> bool:
    """Whether fastexcel renders some cell that is not text like this."""
    return _RENDERED.fullmatch(text) is not None


def _spread(encoded, uniques: np.ndarray) -> np.ndarray:
    """The values of a dictionary-encoded column from its decoded dictionary; '' for a missing one."""
    out = np.empty(len(uniques) + 1, dtype=object)
    out[:-1] = uniques
    out[-1] = ""
    return out[encoded.indices.fill_null(-1).to_numpy()]


def arrow_ids(column) -> np.ndarray | None:
    """A text column as :func:`itbudget.parsing.clean_ids` cleans it, each distinct text cleaned once
    (Arrow's hash of the column, not Python's); None for a column that is not text."""
    import pyarrow as pa

    from .parsing import clean_ids

    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return None
    encoded = column.dictionary_encode()
    return _spread(encoded, clean_ids(encoded.dictionary.to_numpy(zero_copy_only=False)))


def arrow_objects(column, kind: str) -> np.ndarray | None:
    """An Arrow column as the objects python-calamine gives for its cells ('' for an empty one).

    ``kind``: "date", "amount" or "plain" (any other column). None where the path does
    not apply (a type it does not take, or a rendering that could stand for another cell).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    n = len(column)
    if pa.types.is_null(column.type):
        return filled(n, "")
    if pa.types.is_floating(column.type) and kind != "date":  # serial dates: the usual way
        out = column.to_numpy(zero_copy_only=False).astype(object)
        if column.null_count:
            out[np.asarray(column.is_null())] = ""
        return out
    if pa.types.is_timestamp(column.type) and kind == "date":
        earliest = pc.min(column).as_py()
        if earliest is not None and earliest < _FIRST_DATE:
            return None
        encoded = column.dictionary_encode()
        return _spread(encoded, np.array(encoded.dictionary.to_pylist() + [None], dtype=object)[:-1])
    if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
        return None
    if kind == "plain":  # read with strict types: every filled cell is text
        encoded = column.dictionary_encode()
        return _spread(encoded, encoded.dictionary.to_numpy(zero_copy_only=False))
    if kind == "amount":
        # Mostly numbers rendered as text, few of them alike: taken whole, not by distinct value.
        plain = pc.match_substring_regex(column, f"^(?:{_PLAIN_AMOUNT})$").fill_null(False)
        other = pc.invert(plain)
        rest = column.filter(other)
        if pc.any(pc.match_substring_regex(rest, f"^(?s:{_RENDERED.pattern})$")).as_py():
            return None
        out = np.empty(n, dtype=object)
        # Text or number: a plain amount reads as these øre either way.
        out[plain.to_numpy(zero_copy_only=False)] = pc.cast(column.filter(plain), pa.float64()).to_numpy()
        rest_values = rest.to_numpy(zero_copy_only=False)
        rest_values[np.asarray(rest.is_null())] = ""
        out[other.to_numpy(zero_copy_only=False)] = rest_values
        return out
    encoded = column.dictionary_encode()
    texts = encoded.dictionary
    uniques = texts.to_numpy(zero_copy_only=False)
    rendered = pc.match_substring_regex(texts, f"^(?s:{_RENDERED.pattern})$").to_numpy(zero_copy_only=False)
    dated = pc.match_substring_regex(texts, f"^(?:{_RENDERED_DATETIME})$").to_numpy(zero_copy_only=False)
    if (rendered & ~dated).any():
        return None  # a number or a boolean, or text that looks like one: read the usual way
    return _spread(encoded, uniques)


def read_sheet(book, file: str, sheet: str, required: list[str],
               optional: list[str] = ()) -> Table:
    """One sheet of an open workbook as a :class:`Table`."""
    data, first = sheet_rows(book, sheet, file)
    return build_table(file, sheet, data, first, required, optional)


def decode_text(raw: bytes, name: str) -> str:
    """CSV bytes to text: UTF-8 with or without BOM, UTF-16 with BOM, else cp1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    if b"\x00" in raw[:4096]:
        raise UnusableInput(f"{name}: er ikke en tekstfil (CSV); den indeholder binære data.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_csv(path: Path, required: list[str], optional: list[str] = ()) -> Table:
    """A CSV export as a :class:`Table`; ``;``, ``,`` or tab separated."""
    wanted = {norm_header(h) for h in list(required) + list(optional)}
    data, lines = csv_rows(path, lambda h: norm_header(h) in wanted)
    return build_table(path.name, "", data, 1, required, optional, row_numbers=lines)


def csv_rows(path: Path, known) -> tuple[list[list], list[int]]:
    """A CSV file's records and the line each starts on.

    The separator is the one that splits the most headers ``known`` recognises
    (a predicate on header text) out of the first line; when title lines come
    first, out of the first of the first lines that yields two or more.
    """
    check_file(path)
    text = decode_text(path.read_bytes(), path.name)
    head = text.split("\n", HEADER_SCAN_ROWS)[:HEADER_SCAN_ROWS]

    def split(line: str) -> tuple[str, int]:
        best, best_hits = ";", -1
        for sep in (";", ",", "\t", "|"):
            hits = sum(1 for h in line.split(sep) if known(h.strip('"')))
            if hits > best_hits:
                best, best_hits = sep, hits
        return best, best_hits

    best, hits = split(head[0])
    if hits < 2:
        best = next((sep for sep, n in map(split, head[1:]) if n >= 2), best)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=best)
    data, lines = [], []
    start = 1
    try:
        for rec in reader:
            data.append(rec)
            lines.append(start)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise UnusableInput(f"{path.name}, linje {start}: CSV-filen kan ikke læses ({exc}).") from None
    return data, lines
