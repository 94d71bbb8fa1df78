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


def _lookup(keys: pd.Series, table: dict, default, dtype=object) -> np.ndarray:
    """Map a column through a dict, once per distinct key (keys repeat heavily)."""
    codes, uniques = pd.factorize(keys.to_numpy(dtype=object))
    values = np.array([table.get(k, default) for k in uniques] + [default], dtype=dtype)
    return values[codes]


def prepare(bookings: pd.DataFrame, master: MasterData, *, central_coverage: bool = True) -> Ledger:
    """Join bookings with master data and compute coverage; returns a new :class:`Ledger`."""
    f = bookings.copy()
    f.index = pd.RangeIndex(len(f))
    cc = f["cost_centre"]
    acct = f["account"]
    accounts = master.account_by_id

    cc_holder = {c.id: c.holder for c in master.cost_centres}
    holder = _lookup(cc, cc_holder, None)
    f["cc_known"] = holder != None  # noqa: E711
    f["holder"] = np.where(f["cc_known"].to_numpy(), holder, "")
    acc = _lookup(acct, accounts, None)
    known = acc != None  # noqa: E711
    f["account_known"] = known
    attrs = {a: (x.financing, x.central_line, x.on_overrun, x.contact, x.requires_project)
             for a, x in accounts.items()}
    for k, (name, default, dtype) in enumerate([("financing", "", object), ("central_line", "", object),
                                                ("on_overrun", "stop", object), ("contact", "", object),
                                                ("requires_project", False, bool)]):
        f[name] = _lookup(acct, {a: v[k] for a, v in attrs.items()}, default, dtype)

    year = master.year
    years = f["date"].to_numpy().astype("datetime64[Y]").astype(np.int64) + 1970
    f["in_year"] = f["date_ok"].to_numpy() & (years == year)
    placeable = (f["in_year"].to_numpy() & f["cc_known"].to_numpy()
                 & known & f["amount_ok"].to_numpy())
    f["placeable"] = placeable

    # Which budget line covers each booking, and what that line may spend.
    central = (f["financing"] == "central").to_numpy()
    pair = pd.MultiIndex.from_arrays([cc.to_numpy(dtype=object), acct.to_numpy(dtype=object)])
    pair_codes, pair_uniques = pd.factorize(pair)
    budgets = {(b.cost_centre, b.account): b.budget - b.commitments for b in master.budget_lines}
    pair_budget = np.array([budgets.get(k) for k in pair_uniques] + [None], dtype=object)[pair_codes]
    has_budget = (pair_budget != None) & ~central  # noqa: E711
    f["has_budget_line"] = has_budget
    pair_label = np.array([f"D:{c}/{a}" for c, a in pair_uniques] + [""], dtype=object)[pair_codes]
    central_avail = {c.id: c.budget - c.commitments for c in master.central_lines}
    c_line = f["central_line"].to_numpy(dtype=object)
    line = np.where(central, "C:" + c_line, np.where(has_budget, pair_label, ""))
    f["line"] = np.where(placeable, line, "")
    lim_c = _lookup(f["central_line"], central_avail, 0, np.int64)
    lim_d = np.where(has_budget, pair_budget, 0).astype(np.int64)
    limits = np.where(central, lim_c, lim_d).astype(np.int64)
    f["line_limit"] = limits

    on_line = placeable & (line != "")
    f["line_running"] = _running_total(f, "line", on_line)
    amount = f["amount"].to_numpy()
    short = _shortfall(amount, f["line_running"].to_numpy(), limits, on_line)
    if not central_coverage:
        # One holder's workbook cannot see the others' use of a central line.
        short = np.where(central, 0, short)
    f["uncovered"] = short

    # Projects: every placeable booking naming a known project counts.
    projects = master.project_by_id
    approved_of = {p: x.approved_amount for p, x in projects.items()}
    approved = _lookup(f["project"], approved_of, -1, np.int64)
    f["project_known"] = approved >= 0
    on_project = placeable & (approved >= 0)
    f["project_running"] = _running_total(f, "project", on_project)
    f["project_approved"] = np.maximum(approved, 0)
    f["project_excess"] = _shortfall(amount, f["project_running"].to_numpy(), approved, on_project)

    f["ean_valid"] = ean_is_valid(f["ean"])
    f["ean_holder"] = _lookup(f["ean"], master.holder_of_ean, "")
    return Ledger(frame=f, master=master, central_coverage=central_coverage)
