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

from .master import MasterData
from .parsing import factorize_values, is_ean


@dataclass(frozen=True)
class Ledger:
    """Prepared bookings plus the master data and scope they were checked against."""

    frame: pd.DataFrame
    master: MasterData
    central_coverage: bool

    def __len__(self) -> int:
        return len(self.frame)


def _running_total(keys: np.ndarray, days: np.ndarray, amounts: np.ndarray,
                   counted: np.ndarray) -> np.ndarray:
    """Running total of ``amounts`` per integer key in date order, then source order.

    One stable sort on a combined (key, day) integer: equal keys and days keep
    source order, which is the tie-break DOMAIN.md asks for.
    """
    out = np.zeros(len(keys), dtype=np.int64)
    idx = np.flatnonzero(counted)
    if idx.size == 0:
        return out
    k = keys[idx].astype(np.int64)
    d = days[idx]
    d = d - d.min()
    order = np.argsort(k * (int(d.max()) + 1) + d, kind="stable")
    amounts = amounts[idx][order]
    sorted_keys = k[order]
    cum = np.cumsum(amounts)
    starts = np.r_[True, sorted_keys[1:] != sorted_keys[:-1]]
    base = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    before_group = np.r_[0, cum[:-1]][base]
    out[idx[order]] = cum - before_group
    return out


def _shortfall(amount: np.ndarray, running: np.ndarray, limit: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """How much of each positive booking lies beyond its limit, at most its own amount."""
    excess = running - limit
    short = np.minimum(amount, excess)
    return np.where(counted & (amount > 0) & (excess > 0), short, 0).astype(np.int64)


def _spread(per_unique: list, codes: np.ndarray, default, dtype=object) -> np.ndarray:
    """Values computed once per distinct key, spread back to rows (code -1 gets ``default``)."""
    values = np.empty(len(per_unique) + 1, dtype=dtype)
    values[:-1] = per_unique
    values[-1] = default
    return values[codes]


def _object_column(values: np.ndarray) -> pd.Series:
    # Explicit object dtype: pandas 3 would otherwise infer (and copy into) a string dtype.
    return pd.Series(values, dtype=object, copy=False)


def prepare(bookings: pd.DataFrame, master: MasterData, *, central_coverage: bool = True) -> Ledger:
    """Join bookings with master data and compute coverage; returns a new :class:`Ledger`.

    Every join is made once per distinct key (cost centre, account, pair, project,
    EAN) and spread to the rows with one ``take``; the frame is built once at the end.
    """
    n = len(bookings)
    col = {c: bookings[c].to_numpy() for c in bookings.columns}
    cc = np.asarray(col["cost_centre"], dtype=object)
    acct = np.asarray(col["account"], dtype=object)
    new: dict[str, np.ndarray] = {}

    cc_codes, cc_uniq = factorize_values(cc)
    cc_holder = master.holder_of_cost_centre
    holder_u = [cc_holder.get(c) for c in cc_uniq]
    cc_known_u = np.array([h is not None for h in holder_u] + [False], dtype=bool)
    cc_known = cc_known_u[cc_codes]
    new["cc_known"] = cc_known
    new["holder"] = _spread([h if h is not None else "" for h in holder_u], cc_codes, "")

    accounts = master.account_by_id
    ac_codes, ac_uniq = factorize_values(acct)
    acc_u = [accounts.get(a) for a in ac_uniq]
    known_u = np.array([a is not None for a in acc_u] + [False], dtype=bool)
    known = known_u[ac_codes]
    new["account_known"] = known
    financing_u = [a.financing if a else "" for a in acc_u]
    central_line_u = [a.central_line if a else "" for a in acc_u]
    new["financing"] = _spread(financing_u, ac_codes, "")
    new["central_line"] = _spread(central_line_u, ac_codes, "")
    new["on_overrun"] = _spread([a.on_overrun if a else "stop" for a in acc_u], ac_codes, "stop")
    new["contact"] = _spread([a.contact if a else "" for a in acc_u], ac_codes, "")
    new["requires_project"] = _spread([bool(a.requires_project) if a else False for a in acc_u],
                                      ac_codes, False, bool)

    year = master.year
    date = col["date"]
    date_ok = np.asarray(col["date_ok"], dtype=bool)
    years = date.astype("datetime64[Y]").astype(np.int64) + 1970
    in_year = date_ok & (years == year)
    new["in_year"] = in_year
    placeable = in_year & cc_known & known & np.asarray(col["amount_ok"], dtype=bool)
    new["placeable"] = placeable

    # Which budget line covers each booking, and what that line may spend: all of
    # it depends on the (cost centre, account) pair only, so it is worked out per pair.
    width = len(ac_uniq) + 1
    pair_codes, pair_uniq = pd.factorize((cc_codes.astype(np.int64) + 1) * width + (ac_codes + 1))
    p_cc, p_ac = pair_uniq // width - 1, pair_uniq % width - 1
    budgets = {(b.cost_centre, b.account): b.budget - b.commitments for b in master.budget_lines}
    central_avail = {c.id: c.budget - c.commitments for c in master.central_lines}
    cc_name = list(cc_uniq) + [""]  # code -1 (a missing value) reads as ""
    ac_name = list(ac_uniq) + [""]
    has_budget_p, label_p, limit_p, central_p = [], [], [], []
    for i, j in zip(p_cc.tolist(), p_ac.tolist()):
        c, a = cc_name[i], ac_name[j]
        is_central = j >= 0 and financing_u[j] == "central"
        budget = budgets.get((c, a))
        has = budget is not None and not is_central
        central_p.append(is_central)
        has_budget_p.append(has)
        if is_central:
            label_p.append("C:" + central_line_u[j])
            limit_p.append(central_avail.get(central_line_u[j], 0))
        else:
            label_p.append(f"D:{c}/{a}" if has else "")
            limit_p.append(budget if has else 0)
    central = np.array(central_p, dtype=bool)[pair_codes]
    new["has_budget_line"] = np.array(has_budget_p, dtype=bool)[pair_codes]
    line_ids_p, _ = pd.factorize(np.array(label_p, dtype=object))
    line = np.array(label_p, dtype=object)[pair_codes]
    on_line = placeable & (line != "")
    new["line"] = np.where(placeable, line, "")
    limits = np.array(limit_p, dtype=np.int64)[pair_codes]
    new["line_limit"] = limits

    days = date.astype("datetime64[D]").astype(np.int64)
    amount = np.asarray(col["amount"], dtype=np.int64)
    line_running = _running_total(line_ids_p[pair_codes], days, amount, on_line)
    new["line_running"] = line_running
    short = _shortfall(amount, line_running, limits, on_line)
    if not central_coverage:
        # One holder's workbook cannot see the others' use of a central line.
        short = np.where(central, 0, short)
    new["uncovered"] = short

    # Projects: every placeable booking naming a known project counts.
    pr_codes, pr_uniq = factorize_values(np.asarray(col["project"], dtype=object))
    projects = master.project_by_id
    approved = _spread([projects[p].approved_amount if p in projects else -1 for p in pr_uniq],
                       pr_codes, -1, np.int64)
    new["project_known"] = approved >= 0
    on_project = placeable & (approved >= 0)
    project_running = _running_total(pr_codes, days, amount, on_project)
    new["project_running"] = project_running
    new["project_approved"] = np.maximum(approved, 0)
    new["project_excess"] = _shortfall(amount, project_running, approved, on_project)

    ean_codes, ean_uniq = factorize_values(np.asarray(col["ean"], dtype=object))
    new["ean_valid"] = _spread([is_ean(e) for e in ean_uniq], ean_codes, False, bool)
    holder_of_ean = master.holder_of_ean
    new["ean_holder"] = _spread([holder_of_ean.get(e, "") for e in ean_uniq], ean_codes, "")

    data = {c: bookings[c].reset_index(drop=True) for c in bookings.columns}
    for name, values in new.items():
        data[name] = _object_column(values) if values.dtype == object else values
    frame = pd.DataFrame(data, index=pd.RangeIndex(n), copy=False)
    return Ledger(frame=frame, master=master, central_coverage=central_coverage)
