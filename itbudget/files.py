"""Opening untrusted workbooks: the safety checks, python-calamine, and a read ahead.

The light half of :mod:`itbudget.reading`: nothing here imports NumPy or
pandas, so a command can start reading its input on a background thread
(:func:`read_ahead`) before the heavy imports run. python-calamine releases
the GIL while it parses a sheet, so those imports then cost next to nothing.

Files are untrusted: sizes are capped and a zip part that would inflate beyond
a sane limit is refused before anything is decompressed.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
import re
import threading
import zipfile
from pathlib import Path

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


@functools.lru_cache(maxsize=4096, typed=True)  # headers repeat in every file of a folder
def norm_header(text: object) -> str:
    """Header text compared loosely: case, spacing and a trailing colon ignored."""
    return re.sub(r"\s+", " ", str(text or "")).strip().rstrip(":").strip().casefold()


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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
    would act on ESC sequences) are shown as ``\\xNN``; the rest is unchanged.
    """
    if undecodable_name(name):
        name = name.encode("utf-8", "surrogateescape" if _only_escapes(name) else "surrogatepass") \
            .decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", name)


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


@contextlib.contextmanager
def bulk_reading():
    """Pause the cyclic garbage collector while a sheet's cells become Python objects.

    A 200,000-row sheet becomes millions of objects; the collector would scan the
    growing heap again and again although rows and frames form no cycles. For
    commands that run once and exit, not for the long-running server.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def usable_cores() -> int:
    """The cores this process may run on (``taskset``, containers), not all the machine has."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not on Linux
        return os.cpu_count() or 1


@contextlib.contextmanager
def gc_frozen():
    """Keep the objects that exist now out of garbage collection; new garbage is still collected.

    For writing outputs after a large read: each collection would otherwise
    walk every booking again (about 15 % of writing the consolidation
    workbook), and writing workbooks makes much cyclic garbage, so the collector
    cannot simply stay paused. Left alone if the caller has frozen objects.
    """
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class ReadAhead:
    """One workbook opened and one sheet read on a background thread.

    :meth:`result` waits for it and returns ``(book, {sheet: (rows, first_row)})``;
    the sheet is absent when the workbook has none by that name. An error in the
    thread (a refused or unreadable file) is raised again by :meth:`result`, in
    the caller's thread, as if the caller had opened the file itself.
    """

    def __init__(self, path: Path | str, sheet: str):
        self.path = Path(path)
        self.sheet = sheet
        self._out: tuple | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="itbudget-read-ahead", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            book = open_workbook(self.path)
            name = find_sheet(book, self.sheet)
            self._out = (book, {name: sheet_rows(book, name, self.path.name)} if name else {})
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            self._error = exc

    def result(self) -> tuple[object, dict[str, tuple[list[list], int]]]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._out


def read_ahead(path: Path | str, sheet: str) -> ReadAhead | None:
    """Start reading ``sheet`` of the workbook at ``path``; None for a file that is not a workbook."""
    return ReadAhead(path, sheet) if Path(path).suffix.lower() in WORKBOOK_SUFFIXES else None
