"""Reading workbooks and CSV files into columnar tables that remember their rows.

This is the one module that opens user files for reading. Workbooks are read
with python-calamine (fast, values only); CSV exports from the finance system
are sniffed for encoding and separator. Every record keeps the Excel row number
or CSV line it came from, so each finding can point back to it.

Files are untrusted: sizes are capped and a zip part that would inflate beyond
a sane limit is refused before anything is decompressed.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .errors import UnusableInput

#: Largest input file accepted (bytes on disk).
MAX_FILE_BYTES = 256 * 1024 * 1024
#: Largest uncompressed size of all parts of one .xlsx, and of one part.
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_PART_RATIO = 250
#: How far down a sheet the header row is looked for.
HEADER_SCAN_ROWS = 30

WORKBOOK_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_SUFFIXES = {".csv", ".txt"}

_ENCRYPTED_MARK = "EncryptedPackage".encode("utf-16-le")


def norm_header(text: object) -> str:
    """Header text compared loosely: case, spacing and a trailing colon ignored."""
    return re.sub(r"\s+", " ", str(text or "")).strip().rstrip(":").strip().casefold()


@dataclass
class Table:
    """Records of one sheet or CSV file, column-wise, with their source rows."""

    file: str
    sheet: str
    columns: dict[str, np.ndarray]
    rows: np.ndarray
    headers: list[str] = field(default_factory=list)
    blank_rows: int = 0

    def __len__(self) -> int:
        return len(self.rows)

    def get(self, name: str) -> np.ndarray:
        """A column by its contract name; all blanks when the sheet lacks it."""
        col = self.columns.get(name)
        if col is None:
            return np.full(len(self.rows), "", dtype=object)
        return col

    def records(self):
        """Rows as ``(row_number, {column: value})``; for small master sheets only."""
        names = list(self.columns)
        for i, row in enumerate(self.rows):
            yield int(row), {n: self.columns[n][i] for n in names}


def check_file(path: Path) -> None:
    """Refuse files that are missing, oversized, encrypted or zip bombs."""
    name = path.name
    if not path.exists():
        raise UnusableInput(f"{name}: filen findes ikke.")
    if path.is_dir():
        raise UnusableInput(f"{name}: er en mappe, ikke en fil.")
    size = path.stat().st_size
    if size == 0:
        raise UnusableInput(f"{name}: filen er tom.")
    if size > MAX_FILE_BYTES:
        raise UnusableInput(
            f"{name}: filen er for stor ({size // (1024 * 1024)} MB; højst "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB).")
    with path.open("rb") as fh:
        head = fh.read(8)
        if head.startswith(b"\xd0\xcf\x11\xe0"):
            fh.seek(0)
            if _ENCRYPTED_MARK in fh.read(min(size, 8 * 1024 * 1024)):
                raise UnusableInput(
                    f"{name}: projektmappen er krypteret eller beskyttet med adgangskode. "
                    "Fjern adgangskoden i Excel (Filer > Oplysninger > Beskyt projektmappe) "
                    "og send den igen.")
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"} and not head.startswith(b"PK"):
        raise UnusableInput(
            f"{name}: er ikke en gyldig Excel-projektmappe (.xlsx); "
            "filen er beskadiget eller har en forkert filtype.")
    if head.startswith(b"PK") and suffix not in CSV_SUFFIXES:
        # Every zip package (.xlsx, .xlsm, .ods, .xlsb, a renamed .xls) is
        # checked for parts that would inflate beyond the limits.
        check_zip(path)


def check_zip(path: Path) -> None:
    """Refuse an .xlsx whose parts would inflate beyond the limits (zip bomb)."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnusableInput(
            f"{path.name}: projektmappen er beskadiget (kan ikke åbnes som .xlsx: {exc}).") from None
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > 64 * 1024 * 1024 and ratio > MAX_PART_RATIO:
            raise UnusableInput(
                f"{path.name}: delen '{info.filename}' ville fylde "
                f"{info.file_size // (1024 * 1024)} MB udpakket (pakket {ratio:.0f} gange); "
                "filen afvises som mistænkelig.")
    if total > MAX_UNZIPPED_BYTES:
        raise UnusableInput(
            f"{path.name}: projektmappen ville fylde {total // (1024 * 1024)} MB udpakket; "
            "filen afvises som for stor.")


def open_workbook(path: Path):
    """Open a workbook with python-calamine after the safety checks."""
    import python_calamine as pc

    check_file(path)
    try:
        return pc.load_workbook(str(path))
    except pc.PasswordError:
        raise UnusableInput(f"{path.name}: projektmappen er beskyttet med adgangskode.") from None
    except Exception as exc:  # calamine raises several types for corrupt files
        raise UnusableInput(
            f"{path.name}: projektmappen kan ikke læses; den er beskadiget eller ikke en "
            f"Excel-fil ({type(exc).__name__}: {str(exc)[:200]}).") from None


def sheet_rows(book, sheet: str, file: str) -> tuple[list[list], int]:
    """All values of a sheet and the Excel row number of its first row."""
    try:
        ws = book.get_sheet_by_name(sheet)
        data = ws.to_python(skip_empty_area=True)
        first = (ws.start or (0, 0))[0] + 1
    except Exception as exc:
        raise UnusableInput(
            f"{file}, ark '{sheet}': arket kan ikke læses ({type(exc).__name__}: "
            f"{str(exc)[:200]}).") from None
    return data, first


def find_sheet(book, wanted: str) -> str | None:
    """The sheet named ``wanted``, compared loosely, or None."""
    key = norm_header(wanted)
    for name in book.sheet_names:
        if norm_header(name) == key:
            return name
    return None


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
        found = [str(v) for v in (data[0] if data else []) if str(v).strip()]
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
        found = [str(v) for v in header if str(v).strip()]
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
    if body and any(len(r) != width for r in body):
        # Pad short rows (CSV) so every record has every column.
        body = [(list(r) + [""] * width)[:width] for r in body]
    grid = np.empty((len(body), width), dtype=object)
    if body:
        grid[:] = body  # one C-level copy; columns are then cheap views
    columns = {name: grid[:, j] for name, j in positions.items()}
    # A record needs at least one filled contract cell; blank rows are skipped.
    # Columns narrow the candidates in turn, so with a filled first column the
    # cost is one pass over one column, not over every cell.
    cand = np.arange(len(body))
    for col in columns.values():
        if cand.size == 0:
            break
        sub = col[cand]
        # Element-wise comparison runs in C; only text that is not empty is
        # then checked for being nothing but whitespace.
        empty = (sub == "") | (sub == None)  # noqa: E711
        text = np.flatnonzero(~empty)
        if text.size:
            empty[text] = np.fromiter(
                (type(v) is str and v.isspace() for v in sub[text]), dtype=bool, count=text.size)
        cand = cand[empty]
    filled = np.ones(len(body), dtype=bool)
    filled[cand] = False
    blank = int(cand.size)
    if blank:
        columns = {k: v[filled] for k, v in columns.items()}
        rows = rows[filled]
    return Table(file=file, sheet=sheet, columns=columns, rows=rows,
                 headers=[str(h) for h in header], blank_rows=blank)


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
    check_file(path)
    text = decode_text(path.read_bytes(), path.name)
    first_line = text.split("\n", 1)[0]
    wanted = {norm_header(h) for h in list(required) + list(optional)}
    best, best_hits = ";", -1
    for sep in (";", ",", "\t", "|"):
        hits = sum(1 for h in first_line.split(sep) if norm_header(h.strip('"')) in wanted)
        if hits > best_hits:
            best, best_hits = sep, hits
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
    return build_table(path.name, "", data, 1, required, optional, row_numbers=lines)
