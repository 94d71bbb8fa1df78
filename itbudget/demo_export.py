"""The demo municipality's posting list, as its finance system exports it.

Unlike the contract CSV (:func:`itbudget.demo.write_bookings_csv`), this is an
export as it really arrives: Windows-1252, title lines above the header row,
Debet and Kredit instead of Beløb, and headers that only the demo's
``Kolonnenavne`` sheet names (:data:`itbudget.demo.EXPORT_HEADERS`).
``itbudget demo`` imports it into one holder's workbook and validates it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from .bookings import BOOKING_HEADERS
from .demo import EXPORT_HEADERS, MUNICIPALITY, YEAR, _csv_amount
from .presentation import kr_float
from .writing import atomic_write_bytes, safe_text

#: The export's columns, in its own order: a balance column nobody maps comes along.
_LAYOUT = ["Bilag", "Dato", "Omkostningssted", "Konto", "Tekst", "Debet", "Kredit", "Saldo",
           "Leverandør", "Fakturanr", "EAN", "Projektnr"]
_CONTRACT = list(BOOKING_HEADERS)


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
