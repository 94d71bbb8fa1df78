"""ITB011: the same supplier invoice booked more than once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..ledger import Ledger
from . import Hits, rule


def _folded_codes(values: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """Codes equal where values are equal ignoring case, their count, and where values are blank."""
    codes, uniques = pd.factorize(values)
    blank = np.append(uniques == "", True)[codes]
    joined = "\x1f".join(uniques)
    # Case folding maps character by character, so all distinct values fold in
    # one call; usually few change (credit notes "KN-..."), and only those are merged.
    folded = joined.casefold()
    if folded != joined:
        parts = (folded.split("\x1f") if joined.count("\x1f") == len(uniques) - 1
                 else [u.casefold() for u in uniques])
        changed = np.flatnonzero(np.array(parts, dtype=object) != uniques)
        keys = {parts[i] for i in changed.tolist()}
        # Which distinct values already are one of the folded keys ("kn-1" beside "KN-1").
        hits = np.flatnonzero(pd.Series(uniques, dtype=object, copy=False).isin(keys).to_numpy())
        position = {uniques[i]: i for i in hits.tolist()}
        canon = np.arange(len(uniques) + 1, dtype=np.int64)
        canon[-1] = -1
        first: dict[str, int] = {}
        for i in changed.tolist():
            key = parts[i]
            if key not in first:
                first[key] = position.get(key, i)
            canon[i] = first[key]
        codes = canon[codes]
    return codes.astype(np.int64), len(uniques), blank


@rule("ITB011", "warning", "Samme faktura bogført flere gange")
def duplicate_invoice(ledger: Ledger) -> Hits:
    f = ledger.frame
    supplier = f["supplier"].to_numpy(dtype=object)
    invoice = f["invoice_no"].to_numpy(dtype=object)
    s_codes, _, s_blank = _folded_codes(supplier)
    i_codes, width, i_blank = _folded_codes(invoice)
    idx = np.flatnonzero(~s_blank & ~i_blank)
    if idx.size == 0:
        return Hits.none()
    codes, _ = pd.factorize(s_codes[idx] * (width + 1) + i_codes[idx])
    # Codes are numbered in order of first appearance, so a booking is a key's
    # first exactly where its code exceeds every code before it.
    first_flags = codes > np.maximum.accumulate(np.r_[-1, codes[:-1]])
    first = idx[np.flatnonzero(first_flags)[codes]]  # source position of each key's first booking
    dup = first != idx
    pos, orig = idx[dup], first[dup]
    if pos.size == 0:
        return Hits.none()
    rows, files, vouchers = f["row"].to_numpy(), f["file"].to_numpy(), f["voucher"].to_numpy()
    msgs = []
    for i, j in zip(pos.tolist(), orig.tolist()):
        where = f"række {rows[j]}" + (f" i {files[j]}" if files[j] != files[i] else "")
        voucher = f" (bilag {vouchers[j]})" if vouchers[j] else ""
        msgs.append(f"Faktura {invoice[i]} fra {supplier[i]} er allerede bogført i {where}{voucher}. "
                    "Tjek om den er betalt to gange.")
    return Hits(pos, msgs)
