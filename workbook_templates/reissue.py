"""Re-issuing a holder workbook: what the holder typed is carried into the new one.

Re-issuing mid-year (a project approved, a budget changed) is routine, and the
folder it goes to may hold the workbooks the holders have been filling. The new
workbook gets the new master data; every cell the holder could type into (the
unlocked input columns of ``Bogføringer``) is copied from the old workbook to
the same row under the same header, with its value, type and number format.
The add-in's Status and Besked columns are not carried: they judged the old
master data, and the next Valider writes them again.

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
    return copied
