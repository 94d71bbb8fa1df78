"""The ledger: bookings joined once with master data, placed on budget lines.

:func:`prepare` adds to a bookings frame everything the rules ask about, in
named derivations, each declaring the columns it adds (:data:`DERIVATIONS`):

* placement: the holder of each cost centre, the account's terms, whether the
  booking is in the budget year and can be placed on a line at all;
* coverage: which budget line covers the booking (:func:`line_key`), its budget
  on the booking's date (Budget + Budgetændringer dated on or before it), what
  that line may spend, its running total and the booking's shortfall;
* phasing: on a line with a Periodisering row, the budget phased through the
  booking's month and how far the line's use runs ahead of it (ITB018);
* projects: the project's approval day, running total and excess;
* EAN routing: whether the EAN is valid and whose it is;
* duplicates: which earlier booking holds the same supplier invoice (ITB011).

Running totals follow DOMAIN.md's order (date, then source order). Rules then
only compare declared columns. Inputs are never mutated; a new frame is returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pandas as pd

from .allocation import round_div
from .budget_changes import LineRef
from .invoice_keys import duplicate_of
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


def line_key(cost_centre: str, account: str) -> str:
    """The key of a decentral budget line (cost centre, account), as the ledger's ``line`` column holds it."""
    return f"D:{cost_centre}/{account}"


def central_line_key(line_id: str) -> str:
    """The key of a central budget line, as the ledger's ``line`` column holds it."""
    return "C:" + line_id


def ref_key(ref: LineRef) -> str:
    """The ``line`` key of the line a Periodisering or Budgetændringer row names."""
    return line_key(ref.cost_centre, ref.account) if ref.cost_centre else central_line_key(ref.central_line)


#: Day numbers are packed under line codes in one int64 search key.
_DAY_SPAN = 1 << 32


def dated_changes(master: MasterData, code_of: dict[str, int], codes: np.ndarray,
                  days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the sum of its line's changes dated on or before its day, and the change count so far.

    ``code_of`` maps a line key to the integer code ``codes`` holds per row. The
    changes are sorted by (line, day) once; each row finds its place with one
    ``searchsorted`` (side right: a change dated the same day counts). The
    count, with the line, identifies the line's budget state on that day.
    """
    n = len(codes)
    known = [(code_of[k], np.datetime64(x.date, "D").astype(np.int64), x.amount)
             for x in master.changes if (k := ref_key(x.line)) in code_of]
    if not known:
        return np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    c, d, a = (np.array(v, dtype=np.int64) for v in zip(*known))
    order = np.lexsort((d, c))
    keys = c[order] * _DAY_SPAN + d[order]
    cum = np.r_[0, np.cumsum(a[order])]
    base = codes.astype(np.int64) * _DAY_SPAN
    lo = np.searchsorted(keys, base, side="left")
    hi = np.searchsorted(keys, base + np.clip(days, 0, _DAY_SPAN - 1), side="right")
    return cum[hi] - cum[lo], hi - lo


def month_of(days: np.ndarray) -> np.ndarray:
    """The month (1-12) of each day number."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12 + 1


@dataclass(frozen=True)
class Derivation:
    """A named step of :func:`prepare` and the columns it adds: ``{name: (dtype, meaning)}``."""

    name: str
    adds: dict[str, tuple[str, str]]
    derive: Callable[["_Context"], dict[str, np.ndarray]]


def columns(table: str) -> dict[str, tuple[str, str]]:
    """Read a declared column table: one column a line, ``name  dtype  meaning``.

    Returns ``{name: (dtype, meaning)}`` in the table's order (see :class:`Derivation`).
    """
    rows = (line.split(None, 2) for line in table.strip().splitlines())
    return {name: (dtype, meaning) for name, dtype, meaning in rows}


@dataclass
class _Context:
    """What the derivations share: the bookings' columns, factorised keys, and columns added so far."""

    col: dict[str, np.ndarray]
    master: MasterData
    central_coverage: bool
    cc_codes: np.ndarray
    cc_uniq: np.ndarray
    ac_codes: np.ndarray
    ac_uniq: np.ndarray
    accounts: list  # the account record of each distinct account (None: unknown)
    days: np.ndarray
    amount: np.ndarray
    added: dict[str, np.ndarray]
    # Set by coverage for phasing: each row's line code, the codes' keys, the line's change count so far.
    line_codes: np.ndarray | None = None
    line_labels: np.ndarray | None = None
    line_state: np.ndarray | None = None


def _placement(x: _Context) -> dict[str, np.ndarray]:
    new: dict[str, np.ndarray] = {}
    cc_holder = x.master.holder_of_cost_centre
    holder_u = [cc_holder.get(c) for c in x.cc_uniq]
    cc_known = np.array([h is not None for h in holder_u] + [False], dtype=bool)[x.cc_codes]
    new["cc_known"] = cc_known
    new["holder"] = _spread([h if h is not None else "" for h in holder_u], x.cc_codes, "")
    acc_u, codes = x.accounts, x.ac_codes
    known = np.array([a is not None for a in acc_u] + [False], dtype=bool)[codes]
    new["account_known"] = known
    new["financing"] = _spread([a.financing if a else "" for a in acc_u], codes, "")
    new["central_line"] = _spread([a.central_line if a else "" for a in acc_u], codes, "")
    new["on_overrun"] = _spread([a.on_overrun if a else "stop" for a in acc_u], codes, "stop")
    new["contact"] = _spread([a.contact if a else "" for a in acc_u], codes, "")
    new["requires_project"] = _spread([bool(a.requires_project) if a else False for a in acc_u],
                                      codes, False, bool)
    date_ok = np.asarray(x.col["date_ok"], dtype=bool)
    years = x.col["date"].astype("datetime64[Y]").astype(np.int64) + 1970
    in_year = date_ok & (years == x.master.year)
    new["in_year"] = in_year
    new["placeable"] = in_year & cc_known & known & np.asarray(x.col["amount_ok"], dtype=bool)
    return new


def _coverage(x: _Context) -> dict[str, np.ndarray]:
    # Which budget line covers each booking, and what that line may spend: all of
    # it depends on the (cost centre, account) pair only, so it is worked out per pair.
    new: dict[str, np.ndarray] = {}
    master, placeable = x.master, x.added["placeable"]
    width = len(x.ac_uniq) + 1
    pair_codes, pair_uniq = pd.factorize((x.cc_codes.astype(np.int64) + 1) * width + (x.ac_codes + 1))
    p_cc, p_ac = pair_uniq // width - 1, pair_uniq % width - 1
    budgets = {(b.cost_centre, b.account): b for b in master.budget_lines}
    centrals = master.central_line_by_id
    cc_name = list(x.cc_uniq) + [""]  # code -1 (a missing value) reads as ""
    ac_name = list(x.ac_uniq) + [""]
    has_budget_p, label_p, limit_p, budget_p, central_p = [], [], [], [], []
    for i, j in zip(p_cc.tolist(), p_ac.tolist()):
        c, a = cc_name[i], ac_name[j]
        account = x.accounts[j] if j >= 0 else None
        is_central = account is not None and account.financing == "central"
        budget = budgets.get((c, a))
        has = budget is not None and not is_central
        central_p.append(is_central)
        has_budget_p.append(has)
        if is_central:
            label_p.append(central_line_key(account.central_line))
            record = centrals.get(account.central_line)
        else:
            label_p.append(line_key(c, a) if has else "")
            record = budget if has else None
        budget_p.append(record.budget if record is not None else 0)
        limit_p.append(record.budget - record.commitments if record is not None else 0)
    central = np.array(central_p, dtype=bool)[pair_codes]
    new["has_budget_line"] = np.array(has_budget_p, dtype=bool)[pair_codes]
    line_ids_p, line_uniq = pd.factorize(np.array(label_p, dtype=object))
    line = np.array(label_p, dtype=object)[pair_codes]
    on_line = placeable & (line != "")
    new["line"] = np.where(placeable, line, "")
    line_codes = line_ids_p[pair_codes]
    changes, state = dated_changes(master, {k: i for i, k in enumerate(line_uniq) if k},
                                   line_codes, x.days)
    changes = np.where(on_line, changes, 0)
    x.line_codes, x.line_labels, x.line_state = line_codes, line_uniq, np.where(on_line, state, 0)
    new["line_budget"] = np.array(budget_p, dtype=np.int64)[pair_codes] + changes
    limits = np.array(limit_p, dtype=np.int64)[pair_codes] + changes
    new["line_limit"] = limits
    line_running = _running_total(line_codes, x.days, x.amount, on_line)
    new["line_running"] = line_running
    short = _shortfall(x.amount, line_running, limits, on_line)
    if not x.central_coverage:
        # One holder's workbook cannot see the others' use of a central line.
        short = np.where(central, 0, short)
    new["uncovered"] = short
    return new


def _phasing(x: _Context) -> dict[str, np.ndarray]:
    # The phased limit depends on (line, budget state, month) only: a few per line,
    # each worked out exactly (Fraction) and rounded half away from zero, then spread.
    n = len(x.amount)
    phased_by = {ref_key(p.line): p for p in x.master.phasings}
    on_line = x.added["placeable"] & (x.added["line"] != "")
    phasing_of_code = [phased_by.get(k) for k in x.line_labels] + [None]
    is_phased = np.array([p is not None for p in phasing_of_code], dtype=bool)[x.line_codes] & on_line
    limit = np.zeros(n, dtype=np.int64)
    rows = np.flatnonzero(is_phased)
    if rows.size:
        codes, state, months = x.line_codes[rows], x.line_state[rows], month_of(x.days[rows])
        combo = (codes.astype(np.int64) * (int(state.max()) + 1) + state) * 13 + months
        _, pick, inverse = np.unique(combo, return_index=True, return_inverse=True)
        budget = x.added["line_budget"][rows]
        per = []
        for i in pick.tolist():
            share = phasing_of_code[codes[i]].cumulative(int(months[i]))
            per.append(round_div(int(budget[i]) * share.numerator, share.denominator))
        limit[rows] = np.array(per, dtype=np.int64)[inverse.ravel()]
    ahead = _shortfall(x.amount, x.added["line_running"], limit, is_phased)
    # Not where ITB006 reports the booking; not on a central line a holder's workbook cannot see whole.
    ahead = np.where(x.added["uncovered"] > 0, 0, ahead)
    if not x.central_coverage:
        ahead = np.where(x.added["financing"] == "central", 0, ahead)
    return {"line_phased": is_phased, "phased_limit": limit, "ahead": ahead}


#: The project form's three approvals: the record's field and the approver's Danish name.
APPROVERS = (("approved_it", "IT"), ("approved_epo", "EPO"), ("approved_finance", "Økonomi"))


def _projects(x: _Context) -> dict[str, np.ndarray]:
    # Every placeable booking naming a known project counts toward its running total.
    new: dict[str, np.ndarray] = {}
    pr_codes, pr_uniq = factorize_values(np.asarray(x.col["project"], dtype=object))
    projects = x.master.project_by_id
    approved = _spread([projects[p].approved_amount if p in projects else -1 for p in pr_uniq],
                       pr_codes, -1, np.int64)
    # The day the last of the three approvals came (NaT: unknown, or not approved by all).
    approved_on = np.full(len(pr_uniq) + 1, np.datetime64("NaT"), dtype="datetime64[D]")
    for k, p in enumerate(pr_uniq):
        form = projects.get(p)
        days = [getattr(form, attr) for attr, _ in APPROVERS] if form is not None else [None]
        if None not in days:
            approved_on[k] = np.datetime64(max(days), "D")
    new["project_known"] = _spread([p in projects for p in pr_uniq], pr_codes, False, bool)
    new["project_approved_on"] = approved_on[pr_codes]
    on_project = x.added["placeable"] & (approved >= 0)
    project_running = _running_total(pr_codes, x.days, x.amount, on_project)
    new["project_running"] = project_running
    new["project_approved"] = np.maximum(approved, 0)
    new["project_excess"] = _shortfall(x.amount, project_running, approved, on_project)
    return new


def _ean_routing(x: _Context) -> dict[str, np.ndarray]:
    ean_codes, ean_uniq = factorize_values(np.asarray(x.col["ean"], dtype=object))
    holder_of_ean = x.master.holder_of_ean
    return {"ean_valid": _spread([is_ean(e) for e in ean_uniq], ean_codes, False, bool),
            "ean_holder": _spread([holder_of_ean.get(e, "") for e in ean_uniq], ean_codes, "")}


def _duplicates(x: _Context) -> dict[str, np.ndarray]:
    return {"duplicate_of": duplicate_of(np.asarray(x.col["supplier"], dtype=object),
                                         np.asarray(x.col["invoice_no"], dtype=object))}


#: Every column :func:`prepare` adds, by the derivation that adds it, in order.
DERIVATIONS: tuple[Derivation, ...] = (
    Derivation("placement", columns("""
        cc_known          bool    the cost centre is known (in scope)
        holder            object  the holder owning the cost centre ('' unknown)
        account_known     bool    the account is in the IT chart of accounts
        financing         object  the account's financing: decentral / central ('' unknown)
        central_line      object  the central budget line Kontoplan names for the account
        on_overrun        object  the account's Ved overskridelse: stop / advar
        contact           object  the account's contact person in Økonomistaben
        requires_project  bool    the account requires a project form
        in_year           bool    the date parsed and lies in the budget year
        placeable         bool    in the year, known cost centre and account, readable amount
    """), _placement),
    Derivation("coverage", columns("""
        has_budget_line  bool    a decentral Budget row exists for (cost centre, account)
        line             object  the covering line's key (line_key / central_line_key), '' when unplaced
        line_budget      int64   the line's budget on the booking's date: Budget + changes dated on or before it
        line_limit       int64   line_budget less commitments, in øre
        line_running     int64   the line's running total through this booking, in øre
        uncovered        int64   this booking's shortfall on its line, in øre (ITB006)
    """), _coverage),
    Derivation("phasing", columns("""
        line_phased   bool   the booking is on a line with a Periodisering row
        phased_limit  int64  line_budget × the share phased through the booking's month, in øre
        ahead         int64  this booking's part ahead of the phased budget, in øre (ITB018)
    """), _phasing),
    Derivation("projects", columns("""
        project_known        bool           Projektnr names a project form in master data
        project_approved_on  datetime64[s]  the day of the form's last approval (NaT: none)
        project_running      int64          the project's running total through this booking, in øre
        project_approved     int64          the project's approved amount, in øre (0 unknown)
        project_excess       int64          this booking's part above the approved amount (ITB008)
    """), _projects),
    Derivation("ean routing", columns("""
        ean_valid   bool    the EAN has 13 digits and a valid GS1 check digit
        ean_holder  object  the holder the EAN is registered to ('' none)
    """), _ean_routing),
    Derivation("duplicates", columns("""
        duplicate_of  int64  position of the first booking of this Leverandør + Fakturanr (any case); -1: first, or not both
    """), _duplicates),
)


def prepare(bookings: pd.DataFrame, master: MasterData, *, central_coverage: bool = True) -> Ledger:
    """Join bookings with master data through :data:`DERIVATIONS`; returns a new :class:`Ledger`.

    Every join is made once per distinct key (cost centre, account, pair, project,
    EAN) and spread to the rows with one ``take``; the frame is built once at the end.
    """
    n = len(bookings)
    col = {c: bookings[c].to_numpy() for c in bookings.columns}
    cc_codes, cc_uniq = factorize_values(np.asarray(col["cost_centre"], dtype=object))
    ac_codes, ac_uniq = factorize_values(np.asarray(col["account"], dtype=object))
    accounts = master.account_by_id
    x = _Context(col, master, central_coverage, cc_codes, cc_uniq, ac_codes, ac_uniq,
                 [accounts.get(a) for a in ac_uniq],
                 col["date"].astype("datetime64[D]").astype(np.int64),
                 np.asarray(col["amount"], dtype=np.int64), {})
    for step in DERIVATIONS:
        added = step.derive(x)
        assert list(added) == list(step.adds), f"{step.name} adds undeclared or missing columns"
        x.added.update(added)
    data = {c: bookings[c].reset_index(drop=True) for c in bookings.columns}
    for name, values in x.added.items():
        data[name] = _object_column(values) if values.dtype == object else values
    frame = pd.DataFrame(data, index=pd.RangeIndex(n), copy=False)
    return Ledger(frame=frame, master=master, central_coverage=central_coverage)
