"""The ledger: bookings joined once with master data, placed on budget lines.

:func:`prepare` adds to a bookings frame everything the rules ask about: the
holder of each cost centre, the account's financing and central line, which
budget line covers the booking, and the running totals of lines and projects
in the order DOMAIN.md defines (date, then source order). Rules then only
compare columns. Inputs are never mutated; a new frame is returned.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from stdnum import ean as gs1

from .master import MasterData


@dataclass(frozen=True)
class Ledger:
    """Prepared bookings plus the master data and scope they were checked against."""

    frame: pd.DataFrame
    master: MasterData
    central_coverage: bool

    def __len__(self) -> int:
        return len(self.frame)


def ean_is_valid(codes: pd.Series) -> np.ndarray:
    """GS1 check of 13-digit EAN location numbers, once per distinct value."""
    uniq = pd.unique(codes.to_numpy(dtype=object))
    verdict = {c: bool(len(c) == 13 and c.isdigit() and gs1.is_valid(c)) for c in uniq}
    return codes.map(verdict).to_numpy(dtype=bool)


def _running_total(frame: pd.DataFrame, key: str, counted: np.ndarray) -> np.ndarray:
    """Running total of ``amount`` per ``key`` in date order, then source order."""
    out = np.zeros(len(frame), dtype=np.int64)
    idx = np.flatnonzero(counted)
    if idx.size == 0:
        return out
    keys = frame[key].to_numpy(dtype=object)[idx]
    codes, _ = pd.factorize(keys)
    days = frame["date"].to_numpy().astype("datetime64[D]").astype(np.int64)[idx]
    # lexsort: last key is primary; idx (source order) breaks date ties.
    order = np.lexsort((idx, days, codes))
    amounts = frame["amount"].to_numpy()[idx][order]
    sorted_codes = codes[order]
    cum = np.cumsum(amounts)
    starts = np.r_[True, sorted_codes[1:] != sorted_codes[:-1]]
    base = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    before_group = np.r_[0, cum[:-1]][base]
    running = cum - before_group
    out[idx[order]] = running
    return out


def _shortfall(amount: np.ndarray, running: np.ndarray, limit: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """How much of each positive booking lies beyond its limit, at most its own amount."""
    excess = running - limit
    short = np.minimum(amount, excess)
    return np.where(counted & (amount > 0) & (excess > 0), short, 0).astype(np.int64)


def prepare(bookings: pd.DataFrame, master: MasterData, *, central_coverage: bool = True) -> Ledger:
    """Join bookings with master data and compute coverage; returns a new :class:`Ledger`."""
    f = bookings.copy()
    f.index = pd.RangeIndex(len(f))
    cc = f["cost_centre"]
    acct = f["account"]

    cc_holder = {c.id: c.holder for c in master.cost_centres}
    f["holder"] = cc.map(cc_holder).fillna("").astype(object)
    f["cc_known"] = cc.isin(cc_holder.keys()).to_numpy()
    accounts = master.account_by_id
    f["account_known"] = acct.isin(accounts.keys()).to_numpy()
    f["financing"] = acct.map({a: x.financing for a, x in accounts.items()}).fillna("").astype(object)
    f["central_line"] = acct.map({a: x.central_line for a, x in accounts.items()}).fillna("").astype(object)
    f["on_overrun"] = acct.map({a: x.on_overrun for a, x in accounts.items()}).fillna("stop").astype(object)
    f["contact"] = acct.map({a: x.contact for a, x in accounts.items()}).fillna("").astype(object)
    f["requires_project"] = acct.map({a: x.requires_project for a, x in accounts.items()}) \
        .fillna(False).to_numpy(dtype=bool)

    year = master.year
    years = f["date"].to_numpy().astype("datetime64[Y]").astype(np.int64) + 1970
    f["in_year"] = f["date_ok"].to_numpy() & (years == year)
    f["placeable"] = (f["in_year"].to_numpy() & f["cc_known"].to_numpy()
                      & f["account_known"].to_numpy() & f["amount_ok"].to_numpy())

    # Which budget line covers each booking, and what that line may spend.
    central = (f["financing"] == "central").to_numpy()
    decentral_key = (cc + "/" + acct).to_numpy(dtype=object)
    budgets = {f"{b.cost_centre}/{b.account}": b.budget - b.commitments for b in master.budget_lines}
    has_budget = pd.Series(decentral_key).isin(budgets.keys()).to_numpy()
    central_avail = {c.id: c.budget - c.commitments for c in master.central_lines}
    line = np.where(central, "C:" + f["central_line"].to_numpy(dtype=object),
                    np.where(has_budget, "D:" + decentral_key, ""))
    f["line"] = pd.Series(line, dtype=object).where(f["placeable"].to_numpy(), "")
    f["has_budget_line"] = has_budget & ~central
    lim_d = pd.Series(decentral_key).map(budgets)
    lim_c = f["central_line"].map(central_avail)
    limits = np.where(central, lim_c.fillna(0).to_numpy(), lim_d.fillna(0).to_numpy()).astype(np.int64)
    f["line_limit"] = limits

    on_line = (f["line"] != "").to_numpy()
    f["line_running"] = _running_total(f, "line", on_line)
    amount = f["amount"].to_numpy()
    short = _shortfall(amount, f["line_running"].to_numpy(), limits, on_line)
    if not central_coverage:
        # One holder's workbook cannot see the others' use of a central line.
        short = np.where(central, 0, short)
    f["uncovered"] = short

    # Projects: every placeable booking naming a known project counts.
    projects = master.project_by_id
    proj = f["project"]
    f["project_known"] = proj.isin(projects.keys()).to_numpy()
    on_project = f["placeable"].to_numpy() & f["project_known"].to_numpy()
    f["project_running"] = _running_total(f, "project", on_project)
    approved = proj.map({p: x.approved_amount for p, x in projects.items()}).fillna(0) \
        .to_numpy().astype(np.int64)
    f["project_approved"] = approved
    f["project_excess"] = _shortfall(amount, f["project_running"].to_numpy(), approved, on_project)

    f["ean_valid"] = ean_is_valid(f["ean"])
    f["ean_holder"] = f["ean"].map(master.holder_of_ean).fillna("").astype(object)
    return Ledger(frame=f, master=master, central_coverage=central_coverage)
