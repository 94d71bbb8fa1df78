"""The same supplier invoice booked twice: case-insensitive (supplier, invoice number) keys.

The ledger's ``duplicate_of`` column (ITB011) comes from here: each booking of
a supplier invoice after the first, in source order, points to the first.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _changed_by_folding(uniques: np.ndarray, joined: str, folded: str) -> np.ndarray | None:
    """Positions of the values that case folding changes; None when folding changed a length.

    Compares the two texts as arrays of code points: one vectorised pass over
    the characters instead of one Python comparison per value.
    """
    if len(folded) != len(joined):
        return None
    a = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    b = np.frombuffer(folded.encode("utf-32-le"), dtype=np.uint32)
    separators = np.flatnonzero(a == 0x1F)
    if len(separators) != len(uniques) - 1:  # a value holds the separator itself
        return None
    return np.unique(np.searchsorted(separators, np.flatnonzero(a != b)))


def folded_codes(values: np.ndarray) -> tuple[np.ndarray, int, np.ndarray]:
    """Codes equal where values are equal ignoring case, their count, and where values are blank.

    ``values`` are cleaned text (never None). Each distinct value is hashed
    once; case folding maps character by character, so all distinct values fold
    in one call, and usually few change (credit notes "KN-..."): only those
    are looked up and merged.
    """
    codes, uniques = pd.factorize(values)
    uniques = np.asarray(uniques, dtype=object)
    index = pd.Index(uniques, dtype=object)
    blank_code = index.get_indexer(np.array([""], dtype=object))[0]  # -1: no blank value
    blank = (codes == blank_code) | (codes < 0)
    joined = "\x1f".join(uniques)
    folded = joined.casefold()
    if folded != joined:
        changed = _changed_by_folding(uniques, joined, folded)
        if changed is None:
            changed = np.flatnonzero([u.casefold() != u for u in uniques])
        keys = np.array([uniques[i].casefold() for i in changed.tolist()], dtype=object)
        # A distinct value that already is a folded key ("kn-1" beside "KN-1") keeps its code.
        existing = index.get_indexer(keys) if len(keys) else np.zeros(0, dtype=np.intp)
        canon = np.arange(len(uniques) + 1, dtype=np.int64)
        canon[-1] = -1
        first: dict[str, int] = {}
        for i, key, at in zip(changed.tolist(), keys.tolist(), existing.tolist()):
            if key not in first:
                first[key] = at if at >= 0 else i
            canon[i] = first[key]
        codes = canon[codes]
    return codes.astype(np.int64), len(uniques), blank


def duplicate_of(supplier: np.ndarray, invoice: np.ndarray) -> np.ndarray:
    """Per booking, the position of the first booking of the same supplier invoice; -1 for none.

    Supplier and invoice number both filled, compared ignoring case; the first
    booking of a key (in source order) and bookings without a key get -1.
    """
    out = np.full(len(supplier), -1, dtype=np.int64)
    s_codes, _, s_blank = folded_codes(supplier)
    i_codes, width, i_blank = folded_codes(invoice)
    idx = np.flatnonzero(~s_blank & ~i_blank)
    if idx.size == 0:
        return out
    codes, _ = pd.factorize(s_codes[idx] * (width + 1) + i_codes[idx])
    # Codes are numbered in order of first appearance, so a booking is a key's
    # first exactly where its code exceeds every code before it.
    first_flags = codes > np.maximum.accumulate(np.r_[-1, codes[:-1]])
    first = idx[np.flatnonzero(first_flags)[codes]]  # source position of each key's first booking
    dup = first != idx
    out[idx[dup]] = first[dup]
    return out
