"""Where the worksheet functions get their master data from, cached.

A function is pure when the workbook passes its master data ranges as
arguments (each range with its header row; the contract sheet is recognised
by its headers). Without them, the functions use the master data the server
was started with (``itbudget serve --master``, the process's
:class:`~itbudget.settings.Settings`; on classic desktop Excel the variable
``ITBUDGET_STAMDATA`` may name a stamdata file). Both are cached by a hash of
their content (:mod:`itbudget.master_cache`), so a recalculation does not
re-read or re-check unchanged master data.
"""

from __future__ import annotations

import hashlib
import json
from typing import Sequence

from itbudget.errors import MasterDataError, UnusableInput
from itbudget.master import SHEETS, MasterData, master_from_rows
from itbudget.master_cache import cached, clear_cache, master_from_file, server_master
from itbudget.reading import norm_header
from itbudget.settings import process_settings

from itbudget.cells import master_rows


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
    return cached(key, lambda: master_from_rows(sheets, file="stamdataområderne"))


def resolve(ranges: Sequence | None) -> MasterData:
    """The master data a function call uses: its ranges, else the server's file."""
    ranges = [r for r in (ranges or ()) if r is not None and r != [] and r != [[]]]
    if ranges:
        return master_from_ranges(ranges)
    return server_master(process_settings())


__all__ = ["MasterData", "MasterDataError", "clear_cache", "master_from_file",
           "master_from_ranges", "resolve", "sheet_of_range"]
