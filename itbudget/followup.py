"""Budget follow-up as of a date (*budgetopfølgning*): revised budget, phased to date, projection, estimate.

For each budget line, as of a date in month m (DOMAIN.md, "Follow-up as of a date"):

* ``revised_budget`` = Budget + the Budgetændringer dated on or before the date;
* ``phased_to_date`` = revised_budget × the cumulative share through m (phased lines; None otherwise);
* ``projection`` = booked to date + Disponeret + an expected rest: for a phased line
  revised_budget − phased_to_date (the share of the months after m), otherwise
  booked to date × (12 − m) / m;
* ``estimate`` = the holder's own *Forventet regnskab* for the line (None if not given).

All in integer øre. One rounding rule: an exact fraction is rounded to whole øre
once, halves away from zero (:func:`~itbudget.allocation.round_div`); the phased
rest is the revised budget less the rounded phased amount, so the two add up to
the revised budget exactly.

The holder types the estimate in the ``Forventet regnskab`` column of the
holder workbook's ``Budget`` sheet (:func:`read_estimates`); a text there is a
finding (ITB019) on that line, never a crash.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from .allocation import round_div
from .errors import UnusableInput
from .ledger import Ledger, central_line_key, line_key, ref_key
from .master import MasterData
from .parsing import clean_id, parse_amount
from .findings import Finding, to_frame
from .presentation import kr

ESTIMATE_HEADER = "Forventet regnskab"
ESTIMATE_RULE = "ITB019"
#: The columns :func:`add_followup` adds to the budget-line status (øre; None where not defined).
FOLLOWUP_COLUMNS = ["revised_budget", "phased_to_date", "booked_to_date", "projection", "estimate"]


@dataclass(frozen=True)
class Estimate:
    """One filled ``Forventet regnskab`` cell: the line, the value in øre (None: unreadable), where."""

    cost_centre: str
    account: str
    value: int | None
    text: str
    file: str
    sheet: str
    row: int


def read_estimates(book, file: str) -> tuple[Estimate, ...]:
    """The filled ``Forventet regnskab`` cells of a holder workbook's ``Budget`` sheet (none without the column)."""
    from .reading import find_sheet, read_sheet

    name = find_sheet(book, "Budget")
    if name is None:
        return ()
    try:
        table = read_sheet(book, file, name, ["Omkostningssted", "Konto", ESTIMATE_HEADER])
    except UnusableInput:  # an older workbook without the column: no estimates
        return ()
    out = []
    for row, r in table.records():
        text = clean_id(r[ESTIMATE_HEADER])
        if text == "":
            continue
        out.append(Estimate(clean_id(r["Omkostningssted"]), clean_id(r["Konto"]), parse_amount(r[ESTIMATE_HEADER]),
                            text, file, name, row))
    return tuple(out)


def parse_as_of(text: str) -> dt.date:
    """``--as-of YYYY-MM-DD``; a Danish :class:`UnusableInput` otherwise."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UnusableInput(f"--as-of '{text}' er ikke en dato; skriv den som ÅÅÅÅ-MM-DD, fx 2026-06-30.") from None


def resolve_as_of(ledger: Ledger, as_of: dt.date | None) -> dt.date:
    """The as-of date: the one given (inside the budget year), else the latest booking date in the year."""
    year = ledger.master.year
    if as_of is not None:
        if as_of.year != year:
            raise UnusableInput(f"--as-of {as_of.isoformat()} ligger uden for budgetåret {year}.")
        return as_of
    f = ledger.frame
    days = f["date"].to_numpy()[f["in_year"].to_numpy()] if len(f) else np.zeros(0)
    if not len(days):
        return dt.date(year, 1, 1)
    return pd.Timestamp(days.max()).date()


def _line_sums(ledger: Ledger, as_of: dt.date) -> dict[str, int]:
    """Booked to date per line key: the line's bookings dated on or before ``as_of``."""
    f = ledger.frame
    line = f["line"].to_numpy(dtype=object)
    day = f["date"].to_numpy().astype("datetime64[D]")
    on = np.flatnonzero((line != "") & (day <= np.datetime64(as_of, "D")))
    if not on.size:
        return {}
    codes, keys = pd.factorize(line[on])
    sums = np.zeros(len(keys), dtype=np.int64)
    np.add.at(sums, codes, f["amount"].to_numpy()[on])
    return dict(zip(keys, sums.tolist()))


def add_followup(ledger: Ledger, lines: pd.DataFrame, as_of: dt.date,
                 estimates: tuple[Estimate, ...] = ()) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``lines`` with :data:`FOLLOWUP_COLUMNS`, and the estimate findings (ITB019), as of ``as_of``."""
    master = ledger.master
    m = as_of.month
    changes: dict[str, int] = {}
    for x in master.changes:
        if x.date <= as_of:
            key = ref_key(x.line)
            changes[key] = changes.get(key, 0) + x.amount
    phasing = {ref_key(p.line): p for p in master.phasings}
    booked = _line_sums(ledger, as_of)
    given = {}
    bad = []
    for e in estimates:
        if e.value is None:
            bad.append(e)
        else:
            given[line_key(e.cost_centre, e.account)] = e.value
    cols = {c: [] for c in FOLLOWUP_COLUMNS}
    for r in lines.itertuples(index=False):
        key = line_key(r.cost_centre, r.account) if r.cost_centre else central_line_key(r.central_line)
        revised = int(r.budget) + changes.get(key, 0)
        to_date = booked.get(key, 0)
        p = phasing.get(key)
        if p is not None:
            share = p.cumulative(m)
            phased = round_div(revised * share.numerator, share.denominator)
            rest = revised - phased
        else:
            phased = None
            rest = round_div(to_date * (12 - m), m)
        cols["revised_budget"].append(revised)
        cols["phased_to_date"].append(phased)
        cols["booked_to_date"].append(to_date)
        cols["projection"].append(to_date + int(r.commitments) + rest)
        cols["estimate"].append(given.get(key) if r.cost_centre else None)
    out = lines.copy()
    for c, values in cols.items():
        out[c] = pd.Series(values, dtype=np.int64 if c in ("revised_budget", "booked_to_date", "projection")
                           else object, index=out.index)
    return out, _estimate_findings(bad)


def _estimate_findings(bad: list[Estimate]) -> pd.DataFrame:
    return to_frame(Finding(
        file=e.file, sheet=e.sheet, row=e.row, rule=ESTIMATE_RULE, severity="warning",
        message=f"Forventet regnskab '{e.text}' for budgetlinjen {e.cost_centre}/{e.account} er ikke "
                "et beløb i kr. og øre; skønnet er ikke medregnet. Skriv fx 12500,00.") for e in bad)


def deviation(revised: int, projection: int, estimate: int | None) -> int:
    """Forventet afvigelse: revised budget less the holder's estimate, or less the projection without one."""
    return revised - (estimate if estimate is not None else projection)


def over_budget(revised: int, projection: int, estimate: int | None) -> bool:
    """The line is expected to exceed its revised budget (projection or estimate above it)."""
    return projection > revised or (estimate is not None and estimate > revised)


def followup_text(lines: pd.DataFrame, as_of: dt.date) -> str:
    """A Danish table of the follow-up, for the demo and the terminal."""
    out = [f"Budgetopfølgning pr. {as_of:%d-%m-%Y}:",
           f"  {'Linje':<16} {'Korr. budget':>16} {'Periodiseret':>16} {'Bogført':>16} "
           f"{'Fremskrivning':>16} {'Skøn':>16}"]
    for r in lines.itertuples(index=False):
        name = f"{r.cost_centre}/{r.account}" if r.cost_centre else f"central {r.central_line}"
        flag = "  OVER" if over_budget(r.revised_budget, r.projection, r.estimate) else ""
        cells = (kr(v, missing="-") for v in (r.revised_budget, r.phased_to_date, r.booked_to_date,
                                               r.projection, r.estimate))
        out.append("  " + f"{name:<16}" + "".join(f" {c:>16}" for c in cells) + flag)
    return "\n".join(out) + "\n"


def phased_by_month(master: MasterData, *, central: bool = False) -> list[int]:
    """The phased budget through each month's end (12 values, øre), over the decentral lines (and central).

    A phased line: its budget as of the month's end × its share through the month;
    a line without a phasing: the same budget by twelfths. Each rounded once to øre.
    """
    keys = [(line_key(b.cost_centre, b.account), b.budget) for b in master.budget_lines]
    if central:
        keys += [(central_line_key(c.id), c.budget) for c in master.central_lines]
    phasing = {ref_key(p.line): p for p in master.phasings}
    out = []
    for m in range(1, 13):
        end = dt.date(master.year, m + 1, 1) - dt.timedelta(days=1) if m < 12 else dt.date(master.year, 12, 31)
        total = 0
        for key, budget in keys:
            revised = budget + sum(x.amount for x in master.changes if x.date <= end and ref_key(x.line) == key)
            p = phasing.get(key)
            share = p.cumulative(m) if p is not None else Fraction(m, 12)
            total += round_div(revised * share.numerator, share.denominator)
        out.append(total)
    return out
