"""Importing an export into a holder's workbook: the use case behind ``itbudget import``.

An export from the finance system (:mod:`itbudget.exports`: its own headers,
title lines, Debet/Kredit) is appended to the ``Bogføringer`` table of an
issued budget-holder workbook:

- rows already in the workbook are never touched; new rows go below the last filled one;
- a row already present (same Bilag, Dato, Omkostningssted, Konto and Beløb) is
  skipped and counted, so importing one export twice adds its bookings once;
- rows on cost centres that are not the holder's are imported and reported as
  findings (ITB003), never dropped;
- the table grows when needed, with its formulas, validation and protection;
- the workbook is written atomically (:mod:`itbudget.writing`); a workbook open
  in Excel (its lock file lies beside it) is refused before anything is read.

The export file is only read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..bookings import BOOKING_HEADERS, read_bookings
from ..errors import UnusableInput
from ..master import MasterData, load_master_from_book
from ..parsing import clean_id
from ..presentation import kr_cell
from ..findings import conform
from ..validation import check_template_version

WRITABLE_SUFFIXES = {".xlsx", ".xlsm"}


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows added and skipped, and findings about the export's rows."""

    export: Path
    workbook: Path
    holder: str
    added: int
    skipped: int
    #: Rows on other holders' cost centres, as findings with fixed columns, pointing at the export.
    findings: pd.DataFrame

    @property
    def errors(self) -> int:
        return int((self.findings["severity"] == "error").sum())


def lock_files(workbook: Path) -> list[Path]:
    """Excel's lock files for ``workbook`` that exist (``~$NAME``; long names lose two characters)."""
    names = {f"~${workbook.name}", f"~${workbook.name[2:]}"}
    return [workbook.with_name(n) for n in sorted(names) if workbook.with_name(n).exists()]


def _refuse_unwritable(export: Path, workbook: Path) -> None:
    if workbook.suffix.lower() not in WRITABLE_SUFFIXES:
        raise UnusableInput(f"{workbook.name}: kan kun indlæse i en aftaleholders projektmappe "
                            "(.xlsx eller .xlsm).")
    if not workbook.is_file():
        raise UnusableInput(f"{workbook.name}: filen findes ikke.")
    if export.exists() and export.resolve() == workbook.resolve():
        raise UnusableInput(f"{workbook.name}: eksporten og projektmappen er den samme fil.")
    locks = lock_files(workbook)
    if locks:
        raise UnusableInput(
            f"{workbook.name}: projektmappen er åben i Excel (låsefilen {locks[0].name} ligger ved "
            "siden af); luk den i Excel og prøv igen. Intet er skrevet.")


def _keys(frame: pd.DataFrame) -> list[tuple]:
    """Each booking's identity for skipping: Bilag, Dato, Omkostningssted, Konto, Beløb.

    Parsed values where they parsed (``1.234,50`` and 1234.5 are one amount),
    else the raw text, so an unreadable row is still recognised when it comes again.
    """
    date = np.where(frame["date_ok"], frame["date"].astype(str), "?" + frame["date_raw"].astype(str))
    amount = np.where(frame["amount_ok"], frame["amount"].astype(str),
                      "?" + frame["amount_raw"].map(clean_id).astype(str))
    return list(zip(frame["voucher"], date, frame["cost_centre"], frame["account"], amount))


def _new_rows(existing: pd.DataFrame, incoming: pd.DataFrame) -> tuple[np.ndarray, int]:
    """Positions in ``incoming`` not yet in ``existing`` (counted: two equal rows are two)."""
    present = Counter(_keys(existing))
    keep = []
    for i, key in enumerate(_keys(incoming)):
        if present[key] > 0:
            present[key] -= 1
        else:
            keep.append(i)
    return np.asarray(keep, dtype=np.int64), len(incoming) - len(keep)


def _cells(row) -> list[object]:
    """One booking as the contract's cells: a date, kr., text; unreadable cells as they were."""
    if row.date_ok:
        date = pd.Timestamp(row.date).to_pydatetime()
    else:
        date = "" if row.date_blank else clean_id(row.date_raw)
    if row.amount_ok:
        amount = kr_cell(int(row.amount))
    else:
        amount = "" if row.amount_blank else clean_id(row.amount_raw)
    return [row.voucher, date, row.cost_centre, row.account, amount, row.text, row.supplier,
            row.invoice_no, row.ean, row.project]


def _foreign(frame: pd.DataFrame, master: MasterData) -> pd.DataFrame:
    """ITB003 findings for rows on cost centres that are not the workbook holder's."""
    own = master.holder_of_cost_centre
    cc = frame["cost_centre"].to_numpy(dtype=object)
    pos = np.flatnonzero([c != "" and c not in own for c in cc])
    who = master.scope or "projektmappens aftaleholder"
    messages = [f"Omkostningssted {cc[i]} hører ikke til aftaleholder {who}; rækken er indlæst, "
                "men skal bogføres hos den aftaleholder, der ejer stedet. Kontakt Økonomistaben."
                for i in pos]
    sub = frame.iloc[pos]
    return conform(pd.DataFrame({
        "file": sub["file"].to_numpy(), "sheet": sub["sheet"].to_numpy(),
        "row": sub["row"].to_numpy(dtype=np.int64), "voucher": sub["voucher"].to_numpy(),
        "rule": "ITB003", "severity": "error", "message": messages,
        "position": pos.astype(np.int64)}))


def import_export(export: Path | str, workbook: Path | str) -> ImportResult:
    """Append ``export``'s bookings to the issued holder ``workbook`` (see the module's docstring).

    Raises :class:`UnusableInput` (or :class:`~itbudget.errors.MasterDataError`)
    with a Danish message, writing nothing, when either file cannot be used.
    """
    export, workbook = Path(export), Path(workbook)
    _refuse_unwritable(export, workbook)
    current = read_bookings(workbook)
    if not current.is_issued_workbook:
        raise UnusableInput(f"{workbook.name}: er ikke en aftaleholders projektmappe (arket "
                            "'Indstillinger' mangler); indlæs i den projektmappe, Økonomistaben har udsendt.")
    master = load_master_from_book(current.book, workbook.name)
    check_template_version(master, workbook.name)
    incoming = read_bookings(export, names=master.column_names).frame
    keep, skipped = _new_rows(current.frame, incoming)
    added = incoming.iloc[keep]
    if len(added):
        from workbook_templates.bookings_table import append_bookings

        rows = [_cells(r) for r in added.itertuples(index=False)]
        append_bookings(workbook, rows, list(BOOKING_HEADERS))
    return ImportResult(export=export, workbook=workbook, holder=master.scope, added=len(added),
                        skipped=skipped, findings=_foreign(added.reset_index(drop=True), master))
