"""ITB001 and ITB002: the required fields are there and readable; the date is in the year."""

from __future__ import annotations

import numpy as np

from ..ledger import Ledger
from ..parsing import clean_id, format_date
from .registry import Hits, contact_hint, rule


def _blank(col) -> np.ndarray:
    # NumPy compares object arrays several times faster than pandas does.
    return col.to_numpy() == ""


@rule("ITB001", "error", "Påkrævet felt mangler eller kan ikke læses")
def required_fields(ledger: Ledger) -> Hits:
    f = ledger.frame
    raw_date_blank = f["date_blank"].to_numpy()
    raw_amount_blank = f["amount_blank"].to_numpy()
    checks = [
        (raw_date_blank, lambda r: "Dato mangler"),
        (~raw_date_blank & ~f["date_ok"].to_numpy(),
         lambda r: f"Dato '{clean_id(r.date_raw)}' kan ikke læses som dato (brug dd-mm-åååå)"),
        (_blank(f["cost_centre"]), lambda r: "Omkostningssted mangler"),
        (_blank(f["account"]), lambda r: "Konto mangler"),
        (raw_amount_blank, lambda r: "Beløb mangler"),
        (~raw_amount_blank & ~f["amount_ok"].to_numpy(),
         lambda r: f"Beløb '{clean_id(r.amount_raw)}' kan ikke læses som kr. og øre "
                   "(højst to decimaler, fx 1.234,50)"),
    ]
    any_mask = np.zeros(len(f), dtype=bool)
    for mask, _ in checks:
        any_mask |= mask
    pos = np.flatnonzero(any_mask)
    messages = []
    sub = f.iloc[pos]
    # The account's contact when the account is known, else Økonomistaben (as ITB003/ITB004).
    for k, r in enumerate(sub.itertuples(index=False)):
        i = pos[k]
        parts = [make(r) for mask, make in checks if mask[i]]
        messages.append("; ".join(parts) + f". Ret rækken.{contact_hint(r.contact)}")
    return Hits(pos, messages)


@rule("ITB002", "error", "Dato uden for budgetåret")
def outside_year(ledger: Ledger) -> Hits:
    f = ledger.frame
    pos = np.flatnonzero(f["date_ok"].to_numpy() & ~f["in_year"].to_numpy())
    year = ledger.master.year
    msgs = [f"Datoen {format_date(d)} ligger uden for budgetåret {year}; bogføringen tæller "
            f"ikke med i årets budget.{contact_hint(k)}"
            for d, k in zip(f["date"].to_numpy()[pos], f["contact"].to_numpy()[pos])]
    return Hits(pos, msgs)
