"""The demo's bookings written out: as the contract's CSV, and as its finance system's posting list.

:func:`write_bookings_csv` writes the contract's CSV. :func:`write_posting_list`
writes an export as it really arrives: Windows-1252, title lines above the
header row, Debet and Kredit instead of Beløb, and headers that only the
demo's ``Kolonnenavne`` sheet names (:data:`itbudget.demo.EXPORT_HEADERS`).
``itbudget demo`` imports it into one holder's workbook and validates it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from ..bookings import BOOKING_HEADERS
from ..presentation import format_kr, kr_float
from ..writing import atomic_write_bytes, safe_text
from .data import EXPORT_HEADERS, MUNICIPALITY, YEAR

#: The export's columns, in its own order: a balance column nobody maps comes along.
_LAYOUT = ["Bilag", "Dato", "Omkostningssted", "Konto", "Tekst", "Debet", "Kredit", "Saldo",
           "Leverandør", "Fakturanr", "EAN", "Projektnr"]
_CONTRACT = list(BOOKING_HEADERS)


def _csv_amount(value: object) -> object:
    """A number as a Danish amount, ``1.234,50``; text is passed on as typed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_kr(int(round(value * 100)), unit=False)
    return "" if value is None else safe_text(str(value))


def write_bookings_csv(rows: list[list], path: Path | str, *, encoding: str = "cp1252") -> Path:
    """Write bookings as the finance system exports them, atomically.

    Semicolon separated, decimal comma with thousands dots, Danish dates
    (``dd-mm-åååå``), the contract's headers; ``encoding`` is ``cp1252`` (the
    classic Windows export) or ``utf-8-sig``. Text that a spreadsheet would run
    as a formula is neutralised.
    """
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(list(BOOKING_HEADERS))
    for r in rows:
        out = []
        for h, v in zip(BOOKING_HEADERS, r):
            if h == "Beløb":
                out.append(_csv_amount(v))
            elif isinstance(v, dt.date):
                out.append(v.strftime("%d-%m-%Y"))
            elif v is None:
                out.append("")
            else:
                out.append(safe_text(str(v)) if isinstance(v, str) else str(v))
        w.writerow(out)
    atomic_write_bytes(path, buf.getvalue().encode(encoding, errors="replace"))
    return Path(path)


def write_posting_list(rows: list[list], path: Path | str, holder: str) -> Path:
    """Write ``rows`` (contract order, as :class:`itbudget.demo.Demo` holds them) as an export."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow([f"Posteringsliste – {MUNICIPALITY}"])
    w.writerow([f"Periode: 01.01.{YEAR} – 31.12.{YEAR}", f"Aftaleholder: {holder}"])
    w.writerow([])
    w.writerow([EXPORT_HEADERS.get(f, f) for f in _LAYOUT])
    balance = 0
    for r in rows:
        cell = dict(zip(_CONTRACT, r))
        amount = cell["Beløb"]
        if isinstance(amount, (int, float)) and not isinstance(amount, bool):
            debit, credit = (amount, "") if amount >= 0 else ("", -amount)
            balance += round(amount * 100)
        else:  # a typing mistake in the finance system stays a mistake in its export
            debit, credit = amount, ""
        cell.update(Debet=debit, Kredit=credit, Saldo=kr_float(balance))
        out = []
        for f in _LAYOUT:
            v = cell[f]
            if f in ("Debet", "Kredit", "Saldo"):
                out.append(_csv_amount(v))
            elif isinstance(v, dt.date):
                out.append(v.strftime("%d.%m.%Y"))
            else:
                out.append("" if v is None else safe_text(str(v)))
        w.writerow(out)
    atomic_write_bytes(path, buf.getvalue().encode("cp1252", errors="replace"))
    return Path(path)
