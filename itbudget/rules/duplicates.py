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
    if not both.any():
        return Hits.none()
    key = pd.Series(np.where(both, (f["supplier"].str.casefold() + "\x1f"
                                    + f["invoice_no"].str.casefold()).to_numpy(dtype=object), None),
                    dtype=object)
    dup = key.duplicated(keep="first").to_numpy() & both
    pos = np.flatnonzero(dup)
    if pos.size == 0:
        return Hits.none()
    first = {}
    for i in np.flatnonzero(both):
        first.setdefault(key.iat[i], i)
    msgs = []
    for i in pos:
        j = first[key.iat[i]]
        r0 = f.iloc[j]
        where = f"række {r0['row']}" + (f" i {r0['file']}" if r0["file"] != f.iat[i, 0] else "")
        voucher = f" (bilag {r0['voucher']})" if r0["voucher"] else ""
        msgs.append(f"Faktura {f.at[i, 'invoice_no']} fra {f.at[i, 'supplier']} er allerede "
                    f"bogført i {where}{voucher}. Tjek om den er betalt to gange.")
    return Hits(pos, msgs)
