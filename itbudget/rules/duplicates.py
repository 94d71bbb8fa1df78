"""ITB011: the same supplier invoice booked more than once (the ledger's ``duplicate_of``)."""

from __future__ import annotations

import numpy as np

from .messages import Field, text_array
from .registry import rule


def _first_booking(master, c, positions: np.ndarray) -> np.ndarray:
    """Where the first booking of the invoice is: its row, its file when another, its voucher."""
    first = c["duplicate_of"][positions]
    files = c["file"]
    out = "række " + text_array(c["row"][first].astype(str))
    elsewhere = np.flatnonzero(files[first] != files[positions])
    out[elsewhere] = out[elsewhere] + " i " + files[first[elsewhere]]
    vouchers = c["voucher"][first]
    with_voucher = np.flatnonzero(vouchers != "")
    out[with_voucher] = out[with_voucher] + " (bilag " + vouchers[with_voucher] + ")"
    return out


rule("ITB011", "warning", "Samme faktura bogført flere gange",
     mask=lambda c: c["duplicate_of"] >= 0,
     # A possible double payment: stop before paying, and say whom finance has on the account.
     message="Faktura {invoice_no} fra {supplier} er allerede bogført i {first_booking}. "
             "Betal den ikke igen, før du har tjekket med leverandøren, om den er sendt to gange."
             "{contact_hint}",
     fields=[Field("first_booking", ("duplicate_of", "row", "file", "voucher"), rows=_first_booking)])
