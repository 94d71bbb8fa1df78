"""Re-issuing a holder workbook: what the holder typed is carried into the new one.

Re-issuing mid-year (a project approved, a budget changed) is routine, and the
folder it goes to may hold the workbooks the holders have been filling. The new
workbook gets the new master data; every cell the holder could type into (the
unlocked input columns of ``Bogføringer``) is copied from the old workbook to
the same row under the same header, with its value, type and number format.
The add-in's Status and Besked columns are not carried: they judged the old
master data, and the next Valider writes them again.

The holder's estimates (``Forventet regnskab`` on the ``Budget`` sheet) are
carried by budget line (cost centre, account), not by row: the new master data
may add or reorder lines.

A value found anywhere the new workbook has no input column for refuses the
re-issue (the caller keeps the old file), so nothing typed is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from itbudget.bookings import BOOKINGS_SHEET
from itbudget.errors import UnusableInput
from itbudget.files import check_file, norm_header

#: Sheets whose unlocked columns hold what the holder types.
CARRIED_SHEETS = (BOOKINGS_SHEET,)


@dataclass(frozen=True)
class TypedCell:
    """One filled cell of an input column, as the old workbook stores it."""

    row: int
    header: str
    value: object
    data_type: str
    number_format: str


def input_columns(wb, sheet: str, outputs: tuple[str, ...]) -> dict[str, int]:
    """Normalised header -> column number of ``sheet``'s unlocked columns, less the ``outputs``."""
    ws = wb[sheet]
    out = {}
    for cell in ws[1]:
        if cell.value is None or norm_header(cell.value) in {norm_header(h) for h in outputs}:
            continue
        if ws.column_dimensions[get_column_letter(cell.column)].protection.locked is False:
            out[norm_header(cell.value)] = cell.column
    return out


def typed_cells(old: Path, sheet: str, wanted: set[str], outputs: tuple[str, ...]) -> list[TypedCell]:
    """Every filled cell below the header of ``sheet`` in the workbook at ``old``.

    Raises :class:`UnusableInput` naming the file when it is not a workbook
    with that sheet, or when a cell is filled in a column not in ``wanted``
    (normalised headers) nor in ``outputs``.
    """
    refused = "den er ikke ændret, og intet er udsendt til aftaleholderen. Flyt eller omdøb filen og udsend igen."
    try:
        check_file(old)
        book = openpyxl.load_workbook(old, read_only=True)
    except UnusableInput as exc:
        raise UnusableInput(f"{old}: findes allerede, men kan ikke bruges ({exc}); {refused}") from None
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types for foreign files
        raise UnusableInput(f"{old}: findes allerede, men kan ikke læses som en projektmappe "
                            f"({type(exc).__name__}); {refused}") from None
    try:
        if sheet not in book.sheetnames:
            raise UnusableInput(
                f"{old}: findes allerede, men har intet ark '{sheet}' og er ikke en udsendt "
                f"projektmappe; {refused}")
        skip = {norm_header(h) for h in outputs}
        headers: dict[int, str] = {}
        cells = []
        for r, row in enumerate(book[sheet].iter_rows(), start=1):
            for cell in row:
                if getattr(cell, "value", None) is None:
                    continue
                if r == 1:
                    headers[cell.column] = norm_header(cell.value)
                    continue
                header = headers.get(cell.column, "")
                if header in skip:
                    continue
                if header not in wanted:
                    raise UnusableInput(
                        f"{old}, ark '{sheet}', celle {cell.coordinate}: der er skrevet i en kolonne, "
                        "som den nye projektmappe ikke har; intet er udsendt til aftaleholderen. "
                        "Flyt værdien til en af tabellens kolonner og udsend igen.")
                cells.append(TypedCell(r, header, cell.value, cell.data_type, cell.number_format))
        return cells
    finally:
        book.close()


#: The Budget sheet's input column, carried by budget line.
ESTIMATE_SHEET, ESTIMATE_HEADER = "Budget", "Forventet regnskab"


def _estimate_cells(book, sheet: str) -> dict[tuple[str, str], TypedCell]:
    """(cost centre, account) -> the typed estimate cell of ``sheet``; empty without the column."""
    from itbudget.parsing import clean_id

    rows = book[sheet].iter_rows()
    header = {norm_header(c.value): c.column for c in next(rows, ()) if getattr(c, "value", None) is not None}
    need = [norm_header(h) for h in ("Omkostningssted", "Konto", ESTIMATE_HEADER)]
    if not all(h in header for h in need):
        return {}
    cc, acc, est = (header[h] - 1 for h in need)
    out = {}
    for r, row in enumerate(rows, start=2):
        cells = {c.column - 1: c for c in row if getattr(c, "value", None) is not None}
        if est in cells:
            c = cells[est]
            key = (clean_id(cells[cc].value) if cc in cells else "", clean_id(cells[acc].value) if acc in cells else "")
            out[key] = TypedCell(r, ESTIMATE_HEADER, c.value, c.data_type, c.number_format)
    return out


def carry_estimates(wb, old: Path) -> int:
    """Copy the holder's Forventet regnskab from the workbook at ``old`` to the same lines of ``wb``.

    Raises :class:`UnusableInput` when an estimate's line is not in the new workbook.
    """
    book = openpyxl.load_workbook(old, read_only=True)
    try:
        typed = _estimate_cells(book, ESTIMATE_SHEET) if ESTIMATE_SHEET in book.sheetnames else {}
    finally:
        book.close()
    if not typed:
        return 0
    from itbudget.parsing import clean_id

    ws = wb[ESTIMATE_SHEET]
    header = {norm_header(c.value): c.column for c in ws[1] if c.value is not None}
    col = header[norm_header(ESTIMATE_HEADER)]
    cc, acc = header[norm_header("Omkostningssted")], header[norm_header("Konto")]
    rows = {(clean_id(ws.cell(row=r, column=cc).value), clean_id(ws.cell(row=r, column=acc).value)): r
            for r in range(2, ws.max_row + 1)}
    for key, cell in typed.items():
        if key not in rows:
            raise UnusableInput(
                f"{old}, ark '{ESTIMATE_SHEET}', celle {get_column_letter(col)}{cell.row}: der står et "
                f"forventet regnskab for budgetlinjen {key[0]}/{key[1]}, som den nye projektmappe ikke har; "
                "intet er udsendt til aftaleholderen. Flyt skønnet, eller bed Økonomistaben om at bevare linjen.")
        target = ws.cell(row=rows[key], column=col)
        target.value = cell.value
        if cell.data_type in {"s", "e", "b"}:
            target.data_type = cell.data_type
        if cell.number_format != "General":
            target.number_format = cell.number_format
    return len(typed)


def carry_over(wb, old: Path, outputs: tuple[str, ...]) -> int:
    """Copy what the holder typed in the workbook at ``old`` into ``wb``; the cells copied."""
    copied = 0
    for sheet in CARRIED_SHEETS:
        columns = input_columns(wb, sheet, outputs)
        ws = wb[sheet]
        for typed in typed_cells(old, sheet, set(columns), outputs):
            cell = ws.cell(row=typed.row, column=columns[typed.header])
            cell.value = typed.value
            if typed.data_type in {"s", "e", "b"}:
                cell.data_type = typed.data_type  # typed text stays text, never a formula
            if typed.number_format != "General":
                cell.number_format = typed.number_format
            copied += 1
    if ESTIMATE_SHEET in wb.sheetnames:
        copied += carry_estimates(wb, old)
    return copied
