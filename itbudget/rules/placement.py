"""ITB003-ITB005: the cost centre and account are known, and a decentral line exists."""

from __future__ import annotations

import numpy as np

from ..ledger import Ledger
from .registry import Hits, contact_hint, rule


@rule("ITB003", "error", "Ukendt omkostningssted")
def unknown_cost_centre(ledger: Ledger) -> Hits:
    f = ledger.frame
    pos = np.flatnonzero((f["cost_centre"].to_numpy() != "") & ~f["cc_known"].to_numpy())
    scope = ledger.master.scope
    where = f"aftaleholder {scope}s omkostningssteder" if scope else "stamdata"
    msgs = [f"Omkostningssted '{c}' findes ikke i {where}. Brug et af dine egne "
            "omkostningssteder, eller kontakt Økonomistaben."
            for c in f["cost_centre"].to_numpy()[pos]]
    return Hits(pos, msgs)


@rule("ITB004", "error", "Konto findes ikke i IT-kontoplanen")
def unknown_account(ledger: Ledger) -> Hits:
    f = ledger.frame
    pos = np.flatnonzero((f["account"].to_numpy() != "") & ~f["account_known"].to_numpy())
    msgs = [f"Konto '{a}' findes ikke i IT-kontoplanen; IT-udgifter skal bogføres på en IT-konto. "
            "Kontakt Økonomistaben." for a in f["account"].to_numpy()[pos]]
    return Hits(pos, msgs)


@rule("ITB005", "error", "Ingen budgetlinje for kontoen på omkostningsstedet")
def no_budget_line(ledger: Ledger) -> Hits:
    f = ledger.frame
    mask = (f["cc_known"].to_numpy() & f["account_known"].to_numpy()
            & (f["financing"].to_numpy() == "decentral") & ~f["has_budget_line"].to_numpy())
    pos = np.flatnonzero(mask)
    sub = f.iloc[pos]
    msgs = [f"Konto {a} har ingen budgetlinje på omkostningssted {c}; der er ingen "
            f"budgetmæssig dækning.{contact_hint(k)}"
            for a, c, k in zip(sub["account"], sub["cost_centre"], sub["contact"])]
    return Hits(pos, msgs)
