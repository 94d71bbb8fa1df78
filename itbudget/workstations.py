"""What one IT workstation costs, three ways, beside DOMAIN.md's workstation cost.

DOMAIN.md defines a holder's *workstation cost* (``total`` in
:func:`itbudget.consolidation.workstation_costs`): every IT booking at its cost
centres plus its share of the lines split per workstation. Those totals add up
to all IT bookings to the øre, and that figure stays as it is. Read per
workstation it misleads: the cost centre that books the municipality's common
systems (the county systems, the central pool for new systems) comes out as
the most expensive workstation. So beside it:

- ``central_systems``: the holder's bookings on central lines marked
  *Kommunefælles* (systems for the whole municipality), shown apart;
- ``it_cost`` = ``total - central_systems``, and ``it_per_workstation``: the
  total IT cost per workstation, central systems apart;
- ``workplace`` and ``workplace_per_workstation``: the workplace cost, TBM's
  end-user category: hardware, licences, support and telephony
  (:data:`END_USER_WORDS` in the account's Kategori), own bookings plus the
  share of such costs on the lines split per workstation.

Per-workstation figures are None without seats or for a holder that returned
nothing (its figures are incomplete). Amounts in øre; see docs/figures.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .allocation import largest_remainder, round_div
from .master import MasterData

#: An account is a workplace (end-user) cost when its Kategori names one of these.
END_USER_WORDS = ("hardware", "licens", "support", "telefoni")


def is_end_user(category: str) -> bool:
    c = category.casefold()
    return any(w in c for w in END_USER_WORDS)


def add_workstation_views(out: pd.DataFrame, placed: pd.DataFrame, master: MasterData,
                          pooled_mask: np.ndarray, incomplete: set[str]) -> pd.DataFrame:
    """``out`` (one row per holder, in allocation order) with the columns described above."""
    wide = {c.id for c in master.central_lines if c.municipality_wide}
    end_user = {a.id for a in master.accounts if is_end_user(a.category or a.name)}
    account = placed["account"].to_numpy(dtype=object)
    on_wide = ((placed["financing"] == "central").to_numpy()
               & placed["central_line"].isin(wide).to_numpy() & ~pooled_mask)
    on_end_user = np.isin(account, list(end_user)) if end_user else np.zeros(len(placed), bool)
    central = placed.loc[on_wide].groupby("holder")["amount"].sum()
    own_workplace = placed.loc[on_end_user & ~pooled_mask & ~on_wide].groupby("holder")["amount"].sum()
    pool_workplace = int(placed.loc[on_end_user & pooled_mask, "amount"].sum())
    seats = dict(zip(out["holder"], out["seats"]))
    shares = largest_remainder(pool_workplace, seats) if len(out) else {}
    rows = []
    for h, total, n in zip(out["holder"], out["total"], out["seats"]):
        c = int(central.get(h, 0))
        w = int(own_workplace.get(h, 0)) + shares.get(h, 0)
        show = bool(n) and h not in incomplete
        rows.append((c, int(total) - c, round_div(int(total) - c, n) if show else None, w,
                     round_div(w, n) if show else None))
    out = out.copy()
    for j, col in enumerate(("central_systems", "it_cost", "it_per_workstation", "workplace",
                             "workplace_per_workstation")):
        values = [r[j] for r in rows]
        out[col] = (pd.Series(values, index=out.index, dtype=object) if col.endswith("per_workstation")
                    else pd.Series(values, index=out.index, dtype=np.int64))
    return out
