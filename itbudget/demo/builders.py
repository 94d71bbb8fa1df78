"""The small builders of the demo municipality: structure, bookings, budgets, master data sheets.

Each builder does one thing over the declared records of :mod:`.data`.
Those that draw take the one random generator and draw in a fixed order, so
:func:`itbudget.demo.build_demo` calls them in a fixed order too: the same
seed gives the same municipality, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass

from stdnum import ean as gs1

from ..presentation import kr_cell
from .data import (ACCOUNT, ACCOUNTS, CENTRAL_LINES, CREDIT_SHARE, EXPORT_HEADERS, HOLDERS, MUNICIPALITY,
                   NO_INVOICE_SHARE, OVERRUN_SHARE, PROFILES, PROJECT_SHARE, PROJECTS, SAVINGS,
                   SAVINGS_TARGET_KR, YEAR, HolderSpec, ProjectSpec)
from .rows import ACCOUNT_NO, AMOUNT, COST_CENTRE, DATE, PROJECT, Row


def holder_id(n: int) -> str:
    """The id of the n-th holder (1-based): ``H01``."""
    return f"H{n:02d}"


def make_ean(n: int, k: int = 0) -> str:
    """A valid GS1 location number for holder n: prefix 5798, check digit computed."""
    body = f"579800{n:04d}{k:02d}"
    return body + gs1.calc_check_digit(body)


def _log_uniform(rng: random.Random, lo: float, hi: float) -> int:
    """An amount in øre, log-uniform between lo and hi kr."""
    return int(round(math.exp(rng.uniform(math.log(lo), math.log(hi))) * 100))


def _round_up(ore: int, step_kr: int = 1000) -> int:
    step = step_kr * 100
    return max(step, -(-ore // step) * step)


def _floor(ore: int, step_kr: int) -> int:
    """``ore`` rounded down to whole ``step_kr`` kr."""
    return (ore // (step_kr * 100)) * (step_kr * 100)


# --------------------------------------------------------------------------- structure

@dataclass(frozen=True)
class Structure:
    """Holders, their cost centres, EANs and decentral budget lines: everything before the first draw."""

    holders: dict[str, HolderSpec]  #: holder id -> record, in declared order
    cost_centres: dict[str, list[str]]  #: holder id -> cost centre ids
    eans: dict[str, list[str]]  #: holder id -> EANs, the main one first
    lines: dict[str, list[tuple[str, str]]]  #: holder id -> its decentral (cost centre, account) lines
    project_of: dict[str, ProjectSpec]  #: holder id -> its project

    @property
    def holder_ids(self) -> list[str]:
        return list(self.holders)

    def all_lines(self) -> list[tuple[str, str]]:
        return [line for h in self.holders for line in self.lines[h]]


def _decentral_lines(holder: HolderSpec, ccs: list[str], project: ProjectSpec | None) -> list[tuple[str, str]]:
    """Every decentral account of the holder's profile at each cost centre (some at the first only), and its project's."""
    out = [(c, a) for j, c in enumerate(ccs) for a in PROFILES[holder.kind]
           if not ACCOUNT[a].central and (ACCOUNT[a].every_cost_centre or j == 0)]
    if project is not None and not ACCOUNT[project.account].central:
        out.append((ccs[0], project.account))
    return out


def build_structure() -> Structure:
    """The municipality's structure, from the declared holders and projects."""
    hids = [holder_id(i + 1) for i in range(len(HOLDERS))]
    holders = dict(zip(hids, HOLDERS))
    ccs = {h: [str(1000 + (i + 1) * 10 + k + 1) for k in range(len(spec.cost_centres))]
           for i, (h, spec) in enumerate(holders.items())}
    eans = {h: [make_ean(i + 1)] + ([make_ean(i + 1, 1)] if spec.second_ean else [])
            for i, (h, spec) in enumerate(holders.items())}
    project_of = {hids[p.holder]: p for p in PROJECTS}
    lines = {h: _decentral_lines(spec, ccs[h], project_of.get(h)) for h, spec in holders.items()}
    return Structure(holders, ccs, eans, lines, project_of)


# --------------------------------------------------------------------------- bookings

_START = dt.date(YEAR, 1, 2).toordinal()
_DAYS = dt.date(YEAR, 12, 31).toordinal() - _START + 1
_FEBRUARY = dt.date(YEAR, 2, 2).toordinal()  # projects buy after their forms are approved


def _booking_choices(s: Structure, h: str) -> tuple[list[tuple[str, str]], list[float]]:
    """The (cost centre, account) a holder books on outside its project, with weights."""
    profile = PROFILES[s.holders[h].kind]
    allowed: dict[str, list[str]] = {}
    for c, a in s.lines[h]:
        allowed.setdefault(c, []).append(a)
    central = [a for a in profile if ACCOUNT[a].central and not ACCOUNT[a].requires_form]
    choices, weights = [], []
    for c in s.cost_centres[h]:
        for a in allowed.get(c, []):
            if not ACCOUNT[a].requires_form:
                choices.append((c, a))
                weights.append(profile[a])
        for a in central:
            choices.append((c, a))
            weights.append(profile[a] / len(s.cost_centres[h]))
    return choices, weights


class _Numbers:
    """Voucher and invoice numbers, running on across holders."""

    def __init__(self) -> None:
        self.vouchers = itertools.count(100001)
        self.invoices = itertools.count(500001)


def _holder_bookings(rng: random.Random, s: Structure, h: str, n: int, numbers: _Numbers) -> list[Row]:
    """A year of one holder's clean bookings, in date order (amounts in øre)."""
    name, eans, project = s.holders[h].name, s.eans[h], s.project_of.get(h)
    choices, weights = _booking_choices(s, h)
    rows: list[Row] = []
    for p in rng.choices(range(len(choices)), weights=weights, k=n):
        voucher = next(numbers.vouchers)
        is_project = project is not None and rng.random() < PROJECT_SHARE
        if is_project:
            c, a, proj = s.cost_centres[h][0], project.account, project.project
            day = rng.randrange(_FEBRUARY, _START + _DAYS)
        else:
            (c, a), proj = choices[p], ""
            day = _START + rng.randrange(_DAYS)
        acc = ACCOUNT[a]
        amount = _log_uniform(rng, *acc.amount_kr)
        supplier = rng.choice(acc.suppliers)
        text = f"{acc.name} {name}"
        inv, e = "", ""
        if rng.random() < NO_INVOICE_SHARE and not is_project:
            supplier, text = "", f"Intern afregning, {acc.name.lower()}"
        else:
            invoice = next(numbers.invoices)
            e = eans[len(rows) % len(eans)] if len(eans) > 1 and rng.random() < 0.3 else eans[0]
            inv = str(invoice)
            if rng.random() < CREDIT_SHARE:
                amount = -(amount // 3 or 1)
                text, inv = f"Kreditnota: {text}", f"KN-{invoice}"
        rows.append([voucher, day, c, a, amount, text, supplier, inv, e, proj])
    rows.sort(key=lambda r: r[DATE])  # a finance export comes in date order
    for r in rows:
        r[DATE] = dt.date.fromordinal(r[DATE])
    return rows


def build_bookings(rng: random.Random, s: Structure, bookings_per_holder: int | None) -> dict[str, list[Row]]:
    """Every holder's clean bookings, holder by holder."""
    numbers = _Numbers()
    return {h: _holder_bookings(rng, s, h, spec.bookings if bookings_per_holder is None else bookings_per_holder,
                                numbers)
            for h, spec in s.holders.items()}


def amounts_to_kr(bookings: dict[str, list[Row]]) -> None:
    """Amounts in øre become kr. cells, as a workbook holds them (a mistyped amount stays as typed)."""
    for rows in bookings.values():
        for r in rows:
            if isinstance(r[AMOUNT], int):
                r[AMOUNT] = kr_cell(r[AMOUNT])


# --------------------------------------------------------------------------- budgets

@dataclass(frozen=True)
class Spending:
    """The clean bookings summed: per decentral line, per central line, per project (øre)."""

    lines: dict[tuple[str, str], int]
    central: dict[str, int]
    projects: dict[str, int]
    project_days: dict[str, list[dt.date]]


def spending(bookings: dict[str, list[Row]]) -> Spending:
    lines: dict[tuple[str, str], int] = {}
    central: dict[str, int] = {}
    projects: dict[str, int] = {}
    project_days: dict[str, list[dt.date]] = {}
    for rows in bookings.values():
        for r in rows:
            acc = ACCOUNT[r[ACCOUNT_NO]]
            if acc.central:
                central[acc.central_line] = central.get(acc.central_line, 0) + r[AMOUNT]
            else:
                key = (r[COST_CENTRE], r[ACCOUNT_NO])
                lines[key] = lines.get(key, 0) + r[AMOUNT]
            if r[PROJECT]:
                projects[r[PROJECT]] = projects.get(r[PROJECT], 0) + r[AMOUNT]
                project_days.setdefault(r[PROJECT], []).append(r[DATE])
    return Spending(lines, central, projects, project_days)


def _overrun_lines(rng: random.Random, s: Structure, spend: Spending) -> set[tuple[str, str]]:
    """A small share of the used decentral lines, budgeted below their spending (one at least on ``stop``)."""
    used = [ln for ln in s.all_lines() if spend.lines.get(ln, 0) > 100_000 and not ACCOUNT[ln[1]].requires_form]
    n_over = max(2, round(len(used) * OVERRUN_SHARE))
    over = set(rng.sample(used, min(n_over, len(used))))
    stop_used = [ln for ln in used if ACCOUNT[ln[1]].on_overrun == "stop"]
    if stop_used and not any(ACCOUNT[a].on_overrun == "stop" for _c, a in over):
        over.add(rng.choice(stop_used))
    return over


def budget_rows(rng: random.Random, s: Structure, spend: Spending) -> list[list]:
    """The Budget sheet: each decentral line a little above its spending, a few below."""
    over = _overrun_lines(rng, s, spend)
    rows = [["Omkostningssted", "Konto", "Budget", "Disponeret"]]
    for c, a in s.all_lines():
        spent = spend.lines.get((c, a), 0)
        commit = 0
        if (c, a) in over:
            budget = max(100_00, _floor(int(spent * 0.85), 100))
        else:
            budget = _round_up(int(spent * rng.uniform(1.06, 1.35)))
            if rng.random() < 0.1:
                commit = _floor(int(budget * 0.03), 100)
        rows.append([c, a, kr_cell(budget), kr_cell(commit) if commit else None])
    return rows


def central_rows(spend: Spending) -> list[list]:
    """The Centrale budgetter sheet: each line's spending times its factor."""
    rows = [["Budgetlinje", "Navn", "Budget", "Disponeret", "Fordeles pr. arbejdsplads", "Kommunefælles"]]
    for line in CENTRAL_LINES:
        spent = spend.central.get(line.line, 0)
        if line.budget_factor < 1:
            budget = _floor(int(spent * line.budget_factor), 1000)
            commit = 0
        else:
            budget = _round_up(int(spent * (line.budget_factor + line.commitment_share)), 10000)
            commit = _floor(int(budget * line.commitment_share), 1000)
        rows.append([line.line, line.name, kr_cell(budget), kr_cell(commit) if commit else None,
                     "ja" if line.per_workstation else "nej", "ja" if line.municipality_wide else "nej"])
    return rows


def project_rows(s: Structure, spend: Spending) -> list[list]:
    """The Projektskemaer sheet: approvals relative to each project's bookings."""
    rows = [["Projektnr", "Titel", "Aftaleholder", "Godkendt beløb", "Godkendt IT", "Godkendt EPO",
             "Godkendt Økonomi"]]
    for p in PROJECTS:
        spent = spend.projects.get(p.project, 0)
        it, epo, fin = dt.date(YEAR - 1, 11, 20), dt.date(YEAR - 1, 12, 3), dt.date(YEAR, 1, 14)
        amount = _round_up(int(spent * 1.2), 10000)
        if p.approval == "partial":
            epo = None
        elif p.approval == "late":
            days = sorted(spend.project_days.get(p.project, [])) or [dt.date(YEAR, 6, 1)]
            fin = days[len(days) // 3]  # a third of the project was bought before the form was approved
        elif p.approval == "over":
            amount = max(10000_00, _floor(int(spent * 0.8), 10000))
        rows.append([p.project, p.title, s.holder_ids[p.holder], kr_cell(amount), it, epo, fin])
    return rows


# --------------------------------------------------------------------------- the other master data sheets

def kontoplan_rows(bookings: dict[str, list[Row]]) -> list[list]:
    """The Kontoplan sheet; the block grant is 80 % of what its accounts booked (kr. cells)."""
    grant = {a.account: 0 for a in ACCOUNTS if a.block_grant}
    for rows in bookings.values():
        for r in rows:
            if r[ACCOUNT_NO] in grant and isinstance(r[AMOUNT], (int, float)):
                grant[r[ACCOUNT_NO]] += int(round(r[AMOUNT] * 100))
    out = [["Konto", "Navn", "Kategori", "Finansiering", "Central budgetlinje", "Kræver projektskema",
            "Ved overskridelse", "Kontaktperson", "Bloktilskud"]]
    for a in ACCOUNTS:
        grant_kr = kr_cell(_floor(int(grant[a.account] * 0.8), 1000)) if a.block_grant else None
        out.append([a.account, a.name, a.category, a.financing, a.central_line,
                    "ja" if a.requires_form else "nej", a.on_overrun, a.contact, grant_kr])
    return out


def holder_rows(s: Structure) -> list[list]:
    out = [["Aftaleholder", "Navn", "Arbejdspladser", "Hjemmearbejdspladser", "Kontaktperson"]]
    return out + [[h, x.name, x.workstations, x.home_workstations, x.head] for h, x in s.holders.items()]


def cost_centre_rows(s: Structure) -> list[list]:
    out = [["Omkostningssted", "Navn", "Aftaleholder"]]
    return out + [[c, f"{x.name}, {suffix}", h] for h, x in s.holders.items()
                  for c, suffix in zip(s.cost_centres[h], x.cost_centres)]


def ean_rows(s: Structure) -> list[list]:
    return [["EAN", "Aftaleholder"]] + [[e, h] for h in s.holders for e in s.eans[h]]


def savings_rows(s: Structure) -> list[list]:
    out = [["Tiltag", "Konto", "Omkostningssted", "Beløb"]]
    return out + [[m.measure, m.account,
                   "" if m.cost_centre_of is None else s.cost_centres[s.holder_ids[m.cost_centre_of]][0],
                   m.amount_kr] for m in SAVINGS]


def settings_rows() -> list[list]:
    return [["Nøgle", "Værdi"], ["Kommune", MUNICIPALITY], ["Budgetår", YEAR], ["Sparemål", SAVINGS_TARGET_KR]]


def column_name_rows() -> list[list]:
    """The finance system's export headers, which no built-in variant knows (:mod:`.export`)."""
    return [["Felt", "Overskrift"]] + [[f, h] for f, h in EXPORT_HEADERS.items()]
