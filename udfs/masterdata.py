"""Where the worksheet functions get their master data from, cached.

A function is pure when the workbook passes its master data ranges as
arguments (each range with its header row; the contract sheet is recognised
by its headers). Without them, the functions use the master data the server
was started with (``itbudget serve --master``, exported as ``ITBUDGET_STAMDATA``;
on classic desktop Excel the same variable may point at a stamdata file).
Both are cached by a hash of their content, so a recalculation does not
re-read or re-check unchanged master data.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Sequence

from itbudget.errors import MasterDataError, UnusableInput
from itbudget.master import SHEETS, MasterData, load_master, master_from_rows
from itbudget.reading import norm_header

from .cells import master_rows

#: Environment variable naming the server's master data file.
ENV_MASTER = "ITBUDGET_STAMDATA"
_MAX_CACHED = 8

_lock = threading.Lock()
_by_hash: "OrderedDict[str, MasterData]" = OrderedDict()
_file_sig: dict[str, tuple[tuple[int, int], str]] = {}


def _remember(key: str, master: MasterData) -> MasterData:
    with _lock:
        _by_hash[key] = master
        _by_hash.move_to_end(key)
        while len(_by_hash) > _MAX_CACHED:
            _by_hash.popitem(last=False)
    return master


def _cached(key: str) -> MasterData | None:
    with _lock:
        m = _by_hash.get(key)
        if m is not None:
            _by_hash.move_to_end(key)
        return m


def sheet_of_range(rows: Sequence[Sequence[object]]) -> str:
    """The contract sheet a master data range belongs to, told by its header row."""
    if not rows or not isinstance(rows[0], (list, tuple)):
        raise UnusableInput("Et stamdataområde skal have en overskriftsrække og mindst én kolonne.")
    header = {norm_header(v) for v in rows[0] if isinstance(v, str)}
    best, size, tie = None, 0, False
    for sheet, (required, _) in SHEETS.items():
        need = {norm_header(h) for h in required}
        if need <= header:
            if len(need) > size:
                best, size, tie = sheet, len(need), False
            elif len(need) == size:
                tie = True
    if best is None or tie:
        found = ", ".join(str(v) for v in rows[0] if str(v or "").strip())
        raise UnusableInput(
            "Et stamdataområde kan ikke genkendes på overskrifterne "
            f"({found or 'ingen'}). Markér hele området inkl. overskriftsrækken, "
            "fx Stamdata_Kontoplan.")
    return best


def master_from_ranges(ranges: Sequence[Sequence[Sequence[object]]]) -> MasterData:
    """Master data from ranges passed to a worksheet function, cached by content."""
    sheets: dict[str, list[list]] = {}
    for rows in ranges:
        if rows and all(isinstance(r, (list, tuple)) for r in rows):
            # Excel's cells as the core reads them; whole-column references and
            # unused table rows bring empty rows ("", None or 0): they are no records.
            rows = master_rows(rows)
        sheet = sheet_of_range(rows)
        if sheet in sheets:
            raise UnusableInput(f"Stamdataarket '{sheet}' er angivet to gange.")
        sheets[sheet] = rows
    key = "rows:" + hashlib.sha256(
        json.dumps(sheets, default=str, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
    hit = _cached(key)
    if hit is not None:
        return hit
    return _remember(key, master_from_rows(sheets, file="stamdataområderne"))


def master_from_file(path: Path | str) -> MasterData:
    """Master data from a file, re-read only when its content hash changes."""
    path = Path(path)
    try:
        st = path.stat()
    except OSError:
        raise UnusableInput(f"{path.name}: stamdatafilen findes ikke.") from None
    sig = (st.st_mtime_ns, st.st_size)
    known = _file_sig.get(str(path))
    if known is not None and known[0] == sig:
        hit = _cached(known[1])
        if hit is not None:
            return hit
    digest = "file:" + hashlib.sha256(path.read_bytes()).hexdigest()
    _file_sig[str(path)] = (sig, digest)
    hit = _cached(digest)
    if hit is not None:
        return hit
    return _remember(digest, load_master(path))


def resolve(ranges: Sequence | None) -> MasterData:
    """The master data a function call uses: its ranges, else the server's file."""
    ranges = [r for r in (ranges or ()) if r is not None and r != [] and r != [[]]]
    if ranges:
        return master_from_ranges(ranges)
    path = os.environ.get(ENV_MASTER)
    if path:
        return master_from_file(path)
    raise UnusableInput(
        "Ingen stamdata: angiv stamdataområderne som ekstra argumenter (fx Stamdata_Indstillinger; "
        "Stamdata_Kontoplan; ...), eller start serveren med 'itbudget serve --master STAMDATA'.")


def clear_cache() -> None:
    """Forget every cached master (tests)."""
    with _lock:
        _by_hash.clear()
        _file_sig.clear()


__all__ = ["ENV_MASTER", "MasterData", "MasterDataError", "clear_cache", "master_from_file",
           "master_from_ranges", "resolve", "sheet_of_range"]
