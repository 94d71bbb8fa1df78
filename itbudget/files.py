"""Opening untrusted workbooks: the safety checks, python-calamine, and a read ahead.

The light half of :mod:`itbudget.reading`: nothing here imports NumPy or
pandas, so a command can start reading its input on a background thread
(:func:`itbudget.runtime.read_ahead`, handed over through :func:`opened`)
before the heavy imports run. python-calamine releases the GIL while it parses
a sheet, so those imports then cost next to nothing.

Files are untrusted: sizes are capped and a zip part that would inflate beyond
a sane limit is refused before anything is decompressed.

:func:`arrow_sheet` reads a bookings sheet with fastexcel into Arrow instead (it
imports fastexcel, and pyarrow with it, when called: on the read-ahead thread,
where calamine's parse again releases the GIL); :mod:`itbudget.reading` turns
those columns into the objects python-calamine would have given, or declines.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, NoReturn, TypeVar

from .errors import UnusableInput
from .presentation import shown_text

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

T = TypeVar("T")


@functools.lru_cache(maxsize=4096, typed=True)  # headers repeat in every file of a folder
def norm_header(text: object) -> str:
    """Header text compared loosely: case, spacing and a trailing colon ignored."""
    return re.sub(r"\s+", " ", str(text or "")).strip().rstrip(":").strip().casefold()


def undecodable_name(name: str) -> bool:
    """Whether a file name holds bytes that are not UTF-8 (surrogate-escaped by Python)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def shown_name(name: str) -> str:
    """A file name safe to print and to write into a workbook.

    Bytes that are not UTF-8 and control characters (C0, DEL, C1; a terminal
    would act on ESC sequences) are shown as ``\\xNN``
    (:func:`itbudget.presentation.shown_text`); the rest is unchanged.
    """
    if undecodable_name(name):
        name = name.encode("utf-8", "surrogateescape" if _only_escapes(name) else "surrogatepass") \
            .decode("utf-8", "backslashreplace")
    return shown_text(name)


def _only_escapes(name: str) -> bool:
    return all(not 0xD800 <= ord(ch) <= 0xDFFF or 0xDC80 <= ord(ch) <= 0xDCFF for ch in name)


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


def reader_failed(exc: BaseException) -> bool:
    """Whether ``exc`` from python-calamine or fastexcel is the file's fault: an error or a Rust panic.

    A cell the Rust reader cannot convert (a duration of minus 10^15 days) makes
    it panic, and pyo3 raises the panic as ``PanicException``, which derives from
    BaseException, not Exception. Each extension has its own such class, so it
    is known by name. KeyboardInterrupt and SystemExit are never the file's fault.
    """
    return isinstance(exc, Exception) or type(exc).__name__ == "PanicException"


def call_reader(read: Callable[..., T], *args, refused: Callable[[BaseException], T]) -> T:
    """``read(*args)``, or ``refused(exc)`` when python-calamine or fastexcel fails on the file.

    ``refused`` gets what :func:`reader_failed` calls the file's fault (an error or a
    Rust panic) and raises the caller's message or returns its answer instead;
    anything else (Ctrl-C, SystemExit) passes through untouched.
    """
    try:
        return read(*args)
    except BaseException as exc:  # noqa: BLE001 - a panic is a BaseException; the rest is raised again
        if not reader_failed(exc):
            raise
        return refused(exc)


def open_workbook(path: Path):
    """Open a workbook with python-calamine after the safety checks."""
    import python_calamine as pc

    check_file(path)

    def refused(exc: BaseException) -> NoReturn:  # calamine raises several types for corrupt files
        if isinstance(exc, pc.PasswordError):
            raise UnusableInput(f"{path.name}: projektmappen er beskyttet med adgangskode.") from None
        raise UnusableInput(
            f"{path.name}: projektmappen kan ikke læses; den er beskadiget eller ikke en "
            f"Excel-fil ({type(exc).__name__}: {str(exc)[:200]}).") from None

    return call_reader(pc.load_workbook, str(path), refused=refused)


def sheet_rows(book, sheet: str, file: str) -> tuple[list[list], int]:
    """All values of a sheet and the Excel row number of its first row."""
    def read() -> tuple[list[list], int]:
        ws = book.get_sheet_by_name(sheet)
        data = ws.to_python(skip_empty_area=True)
        return data, (ws.start or (0, 0))[0] + 1

    def refused(exc: BaseException) -> NoReturn:
        raise UnusableInput(
            f"{file}, ark '{sheet}': arket kan ikke læses ({type(exc).__name__}: "
            f"{str(exc)[:200]}).") from None

    return call_reader(read, refused=refused)


#: Number formats calamine reads as durations (built-in 46, elapsed ``[h]``, ``[mm]``, ``[ss]``).
_DURATION_FORMAT = re.compile(rb'numFmtId="46"|formatCode="[^"]*\[[hHmMsS]')
#: Cell types fastexcel reads a column as (its ``dtype``) that :func:`itbudget.reading.arrow_table` can take.
ARROW_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass
class ArrowSheet:
    """A sheet read by fastexcel into Arrow: the columns ``wanted`` picked, under the names row 1 gives them.

    ``names`` are every column's header (fastexcel's, ``__UNNAMED__n`` for an empty one),
    ``columns`` the picked ones by header, ``error_columns`` the picked columns with a
    cell that fastexcel could not express in the column's type (an error cell, or text
    in a column of numbers that it takes for a missing value).
    """

    names: list[str]
    columns: dict[str, object]
    error_columns: set[str]
    height: int
    #: The picked columns read as text whatever their cells' types (``text_headers``).
    as_text: set[str] = frozenset()


def _has_duration_formats(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            styles = next((n for n in zf.namelist() if n.lower() == "xl/styles.xml"), None)
            return styles is not None and _DURATION_FORMAT.search(zf.read(styles)) is not None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        return True


def arrow_sheet(path: Path, sheet: str, wanted: Callable[[str], bool],
                text_headers: set[str]) -> ArrowSheet | None:
    """``sheet`` of an .xlsx read by fastexcel (calamine into Arrow, no Python object per cell).

    Row 1 holds the headers; the columns whose header ``wanted`` accepts are read, each
    as the one type all its cells have (fastexcel's strict inference over every row), or
    as text when its header is one of ``text_headers`` (dates and amounts, where typed
    cells and text mix). None where this path cannot promise what python-calamine reads:
    not an .xlsx, fastexcel missing, a picked column of mixed types, duration formats in
    the workbook (a duration read as text looks like a date), or anything fastexcel
    refuses. The caller then reads the sheet with python-calamine.
    """
    if path.suffix.lower() not in ARROW_SUFFIXES or _has_duration_formats(path):
        return None
    try:
        import fastexcel
    except ImportError:
        return None
    # Its warnings (a column of blanks read as text) are no news to a person: not on stderr.
    logging.getLogger("fastexcel").setLevel(logging.ERROR)
    names: dict[int, str] = {}

    def pick(column) -> bool:
        names[column.absolute_index] = column.name
        return wanted(column.name)

    def read():
        loaded = fastexcel.read_excel(str(path)).load_sheet(
            sheet, header_row=0, schema_sample_rows=None, dtype_coercion="strict", use_columns=pick,
            dtypes={h: "string" for h in text_headers} or None)
        batch, errors = loaded.to_arrow_with_errors()
        return batch, errors

    read_out = call_reader(read, refused=lambda exc: None)  # any refusal (a panic too): read it the other way
    if read_out is None:
        return None
    batch, errors = read_out
    bad = {names.get(e.position[1]) for e in errors.errors} if errors is not None else set()
    return ArrowSheet(names=[names[k] for k in sorted(names)],
                      columns={n: batch.column(i) for i, n in enumerate(batch.schema.names)},
                      error_columns=bad, height=batch.num_rows,
                      as_text={n for n in batch.schema.names if n in text_headers})


def bookings_arrow(path: Path | str, sheet: str, names: tuple = ()) -> ArrowSheet | None:
    """:func:`arrow_sheet` of a bookings sheet: the columns some field's header names.

    ``names``: the master data's Kolonnenavne (:class:`itbudget.column_names.ColumnName`).
    """
    from .column_names import header_key, header_map, typed_as_text

    hmap = header_map(names)
    return arrow_sheet(Path(path), sheet, lambda h: header_key(h) in hmap, typed_as_text(names))


def find_sheet(book, wanted: str) -> str | None:
    """The sheet named ``wanted``, compared loosely, or None."""
    key = norm_header(wanted)
    for name in book.sheet_names:
        if norm_header(name) == key:
            return name
    return None


def usable_cores() -> int:
    """The cores this process may run on (``taskset``, containers), not all the machine has."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


#: Workbooks already being read elsewhere (:func:`itbudget.runtime.read_ahead`), by path.
_handed_over: dict[Path, Callable[[], tuple[object, dict]]] = {}


def hand_over(path: Path | str, result: Callable[[], tuple[object, dict]]) -> None:
    """Let the next :func:`opened` of ``path`` take ``result()`` instead of opening the file."""
    _handed_over[Path(path).absolute()] = result


def opened(path: Path) -> tuple[object, dict[str, tuple[list[list], int]]]:
    """An open workbook and the sheets already read from it, ``(book, {sheet: (rows, first_row)})``.

    Usually the file is opened here and nothing is read yet; a workbook handed
    over by a read-ahead is taken from it (once), with its errors raised here.
    """
    result = _handed_over.pop(Path(path).absolute(), None)
    return result() if result is not None else (open_workbook(path), {})
