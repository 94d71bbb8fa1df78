"""Finance-system exports as bookings tables: their own headers, title lines, Debet/Kredit.

An export may start with title lines ("Posteringsliste", "Periode: ..."); its
header row is the first row, among the first :data:`HEADER_SCAN_ROWS`, where
Dato, Omkostningssted, Konto and an amount field (Beløb, Debet or Kredit) are
recognised (:mod:`itbudget.column_names`). That row is renamed to the
contract's names and handed to :func:`itbudget.reading.build_table` with its
true Excel row or CSV line, so findings point at the row the user sees.

Nothing is guessed: a header row that cannot be found, or two columns that
mean the same field, is refused with one Danish line naming what was found,
what is missing, and the ``Kolonnenavne`` sheet as the place to map it.
"""

from __future__ import annotations

import re

import numpy as np

from .column_names import AMOUNT_FIELDS, FIELDS, HEADER_FIELDS, SHEET, header_key
from .errors import UnusableInput
from .parsing import is_blank, parse_amounts
from .presentation import shown_text
from .reading import (HEADER_SCAN_ROWS, Table, arrow_ids, arrow_objects, build_table, rendered,
                      without_blank_rows)


def _recognised(row: list, names: dict[str, str]) -> dict[str, list[int]]:
    """The fields a row's cells name, each with the columns that name it."""
    out: dict[str, list[int]] = {}
    for j, v in enumerate(row):
        if isinstance(v, str):
            field = names.get(header_key(v))
            if field is not None:
                out.setdefault(field, []).append(j)
    return out


def is_header(fields: dict[str, list[int]]) -> bool:
    """Whether the recognised fields make a bookings header row."""
    return all(f in fields for f in HEADER_FIELDS) and any(f in fields for f in AMOUNT_FIELDS)


def find_header(data: list[list], names: dict[str, str]) -> tuple[int, dict[str, list[int]]] | None:
    """The first header row among the first rows and its recognised fields; None if there is none."""
    for i, row in enumerate(data[:HEADER_SCAN_ROWS]):
        fields = _recognised(row, names)
        if is_header(fields):
            return i, fields
    return None


def _quoted(items: list[str]) -> str:
    return ", ".join(f"'{shown_text(s)}'" for s in items)


def _not_found(where: str, data: list[list], names: dict[str, str], row_of) -> UnusableInput:
    # Report the row that came closest: the most fields recognised, the first such.
    best, best_fields = None, {}
    for i, row in enumerate(data[:HEADER_SCAN_ROWS]):
        fields = _recognised(row, names)
        if len(fields) > len(best_fields):
            best, best_fields = i, fields
    if best is None:
        best = next((i for i, r in enumerate(data[:HEADER_SCAN_ROWS])
                     if any(str(v).strip() for v in r if v is not None)), None)
    if best is None:
        return UnusableInput(f"{where}: kolonneoverskrifterne mangler; arket er tomt.")
    missing = [f for f in HEADER_FIELDS if f not in best_fields]
    if not any(f in best_fields for f in AMOUNT_FIELDS):
        missing.append("Beløb")
    found = [shown_text(str(v).strip()) for v in data[best] if v is not None and str(v).strip()]
    word = "kolonnen" if len(missing) == 1 else "kolonnerne"
    amount = " (eller Debet og Kredit)" if "Beløb" in missing else ""
    return UnusableInput(
        f"{where}, række {row_of(best)}: kolonneoverskrifterne kan ikke genkendes: mangler {word} "
        f"{_quoted(missing)}{amount}; fandt: {', '.join(found[:20]) or 'ingen overskrifter'}. "
        f"Skriv eksportens overskrift for hvert manglende felt på arket '{SHEET}' i stamdata "
        "(kolonnerne Felt og Overskrift).")


def bookings_table(file: str, sheet: str, data: list[list], first_row: int, names: dict[str, str],
                   *, row_numbers: list[int] | None = None) -> Table:
    """An export's rows as a :class:`Table` of contract columns (plus Debet and Kredit).

    ``names`` is :func:`itbudget.column_names.header_map`. Raises
    :class:`UnusableInput` when no header row is found or a field is named twice.
    """
    where = f"{file}, ark '{sheet}'" if sheet else file

    def row_of(i: int) -> int:
        return row_numbers[i] if row_numbers else first_row + i

    found = find_header(data, names)
    if found is None:
        raise _not_found(where, data, names, row_of)
    hi, fields = found
    if "Beløb" in fields:  # Debet and Kredit only stand in for a missing Beløb
        fields = {f: cols for f, cols in fields.items() if f not in ("Debet", "Kredit")}
    header = data[hi]
    doubled = {f: cols for f, cols in fields.items() if len(cols) > 1}
    if doubled:
        f, cols = next(iter(doubled.items()))
        raise UnusableInput(
            f"{where}, række {row_of(hi)}: kolonnerne {_quoted([str(header[j]).strip() for j in cols])} "
            f"betyder alle {f}; slet eller omdøb de ekstra, eller ret arket '{SHEET}' i stamdata, "
            "så hver overskrift kun betyder ét felt.")
    renamed = [""] * len(header)
    for f, (j,) in fields.items():
        renamed[j] = f
    required = [f for f in ("Dato", "Omkostningssted", "Konto", "Beløb") if f in fields]
    optional = [f for f in FIELDS if f in fields and f not in required]
    rows = [renamed]
    rows += data[hi + 1:]
    return build_table(file, sheet, rows, row_of(hi), required, optional,
                       row_numbers=row_numbers[hi:] if row_numbers else None)


def debit_credit(debit: np.ndarray, credit: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Amounts from Debet and Kredit cells: ``(raw, ore, ok)`` with ore = Debet - Kredit.

    A row with both filled is netted; one blank side counts as zero. Where the
    amount cannot be read, ``raw`` holds what to report: the unreadable cell
    (text in either column is ITB001, as for Beløb), or "" when both are blank.
    """
    d_ore, d_ok = parse_amounts(debit)
    k_ore, k_ok = parse_amounts(credit)
    d_blank = ~d_ok & is_blank(debit)
    k_blank = ~k_ok & is_blank(credit)
    d_read, k_read = d_ok | d_blank, k_ok | k_blank
    ok = d_read & k_read & ~(d_blank & k_blank)
    ore = np.where(ok, d_ore - k_ore, 0).astype(np.int64)
    raw = np.where(~d_read, debit, np.where(~k_read, credit, ""))
    return raw.astype(object), ore, ok


def arrow_bookings_table(file: str, sheet: str, read, names: dict[str, str]) -> Table | None:
    """A bookings :class:`Table` from an :class:`itbudget.files.ArrowSheet`, as
    :func:`bookings_table` would build it from python-calamine's rows.

    ``names`` is :func:`itbudget.column_names.header_map`. None where the Arrow path
    cannot promise the same bookings frame; the caller then reads the sheet with
    python-calamine (which also words every problem with the header).
    """
    if read is None or read.error_columns:
        return None
    fields = _recognised(read.names, names)
    if not is_header(fields) or any(len(cols) > 1 for cols in fields.values()):
        return None
    for name in read.names:  # fastexcel renames a repeated header; python-calamine would refuse it
        base = re.sub(r"_\d+$", "", name)
        if base != name and header_key(base) in names:
            return None
    if "Beløb" in fields:
        fields = {f: cols for f, cols in fields.items() if f not in ("Debet", "Kredit")}
    columns = {}
    for f in [f for f in ("Dato", "Omkostningssted", "Konto", "Beløb") if f in fields] + \
            [f for f in FIELDS if f in fields and f not in ("Dato", "Omkostningssted", "Konto", "Beløb")]:
        header = read.names[fields[f][0]]
        if rendered(header) or header not in read.columns:
            return None
        kind = "date" if f == "Dato" else "amount" if f in AMOUNT_FIELDS else "plain"
        if kind == "plain" and header in read.as_text:
            return None  # read as text for another field's sake: its types are not known
        values = arrow_objects(read.columns[header], kind)
        if values is None:
            return None
        columns[f] = values
    rows = np.arange(2, 2 + read.height, dtype=np.int64)
    columns, rows, blank = without_blank_rows(columns, rows)
    # Identifiers cleaned on Arrow's dictionary (text columns read with strict types only).
    ids = {}
    for f in ("Omkostningssted", "Konto", "Leverandør", "EAN", "Projektnr"):
        header = read.names[fields[f][0]] if f in fields else None
        cleaned = arrow_ids(read.columns[header]) if header is not None else None
        if cleaned is not None:
            ids[f] = cleaned[rows - 2] if blank else cleaned
    renamed = [""] * len(read.names)
    for f, (j,) in fields.items():
        renamed[j] = f
    return Table(file=file, sheet=sheet, columns=columns, rows=rows, headers=renamed, blank_rows=blank,
                 ids=ids)
