"""ITB011: the same supplier invoice booked more than once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ledger import Ledger
from . import Hits, rule


@rule("ITB011", "warning", "Samme faktura bogført flere gange")
def duplicate_invoice(ledger: Ledger) -> Hits:
    f = ledger.frame
    both = (f["supplier"] != "").to_numpy() & (f["invoice_no"] != "").to_numpy()
    idx = np.flatnonzero(both)
    if idx.size == 0:
        return Hits.none()
    key = (f["supplier"].str.casefold() + "\x1f" + f["invoice_no"].str.casefold()).to_numpy(dtype=object)[idx]
    codes, _ = pd.factorize(key)
    _, first_of_code = np.unique(codes, return_index=True)
    first = idx[first_of_code[codes]]          # source position of each key's first booking
    dup = first != idx
    pos, orig = idx[dup], first[dup]
    if pos.size == 0:
        return Hits.none()
    rows, files, vouchers = f["row"].to_numpy(), f["file"].to_numpy(), f["voucher"].to_numpy()
    inv, sup = f["invoice_no"].to_numpy(), f["supplier"].to_numpy()
    msgs = []
    for i, j in zip(pos, orig):
        where = f"række {rows[j]}" + (f" i {files[j]}" if files[j] != files[i] else "")
        voucher = f" (bilag {vouchers[j]})" if vouchers[j] else ""
        msgs.append(f"Faktura {inv[i]} fra {sup[i]} er allerede bogført i {where}{voucher}. "
                    "Tjek om den er betalt to gange.")
    return Hits(pos, msgs)
