"""The mistakes budget holders make, planted into the demo's clean bookings.

Each kind of :data:`~itbudget.demo.data.MISTAKES` is a pair: which rows it can
be planted in (``_ELIGIBLE``; every row when absent) and what it does to one
(``_PLANT``). Bookings are visited in one shuffled order; a row carries one
mistake at most. Kinds are planted in declared order, each drawing from the
one random generator, so the same seed plants the same mistakes.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Callable

from .builders import Structure
from .data import ACCOUNT, MISTAKES, YEAR
from .rows import ACCOUNT_NO, AMOUNT, COST_CENTRE, DATE, EAN, INVOICE, PROJECT, SUPPLIER, TEXT, Row


@dataclass
class _Site:
    """Where a mistake is planted: the row, the holder's row before it, and what the kinds need to know."""

    rng: random.Random
    row: Row
    previous: Row | None
    holder: str
    planted: int  #: mistakes planted so far, this one included
    missing_lines: dict[str, list[str]]  #: cost centre -> decentral accounts without a budget line there
    foreign_ean: dict[str, str]  #: holder -> another holder's EAN


def _missing_field(x: _Site) -> None:
    x.row[(ACCOUNT_NO, COST_CENTRE, DATE, AMOUNT)[x.planted % 4]] = "" if x.planted % 2 else None


def _unknown_account(x: _Site) -> None:
    x.row[ACCOUNT_NO] = x.rng.choice(["4410", "2299", "5120"])
    if x.row[ACCOUNT_NO] == "4410":
        x.row[TEXT] = "Kontorartikler"


def _bad_ean(x: _Site) -> None:
    x.row[EAN] = x.row[EAN][:-1] + str((int(x.row[EAN][-1]) + 1) % 10)


def _duplicate(x: _Site) -> None:
    """The same invoice again, a few days later; suppliers get retyped in another case."""
    first = x.previous
    for i in (COST_CENTRE, ACCOUNT_NO, AMOUNT, TEXT, INVOICE, EAN, PROJECT):
        x.row[i] = first[i]
    x.row[SUPPLIER] = first[SUPPLIER].upper() if x.rng.random() < 0.5 else first[SUPPLIER]


def _set(i: int, value: Callable[[_Site], object]) -> Callable[[_Site], None]:
    def plant(x: _Site) -> None:
        x.row[i] = value(x)
    return plant


_PLANT: dict[str, Callable[[_Site], None]] = {
    "missing_field": _missing_field,
    "unreadable_amount": _set(AMOUNT, lambda x: x.rng.choice(["12,345", "1.234,567", "ca. 500", "100 kr og 50 øre"])),
    "bad_date": _set(DATE, lambda x: x.rng.choice(["31-02-2026", "2026-13-01", "i går"])),
    "prior_year": _set(DATE, lambda x: dt.date(YEAR - 1, 12, x.rng.randint(1, 31))),
    "unknown_cost_centre": _set(COST_CENTRE, lambda x: x.rng.choice(["9999", x.row[COST_CENTRE] + "0", "1O11"])),
    "unknown_account": _unknown_account,
    "no_budget_line": _set(ACCOUNT_NO, lambda x: x.rng.choice(x.missing_lines[x.row[COST_CENTRE]])),
    "missing_project": _set(PROJECT, lambda x: ""),
    "unknown_project": _set(PROJECT, lambda x: "P26-99"),
    "missing_ean": _set(EAN, lambda x: ""),
    "bad_ean": _bad_ean,
    "foreign_ean": _set(EAN, lambda x: x.foreign_ean[x.holder]),
    "duplicate": _duplicate,
}

#: Which rows a kind can be planted in: ``(row, the holder's row before it or None, missing lines)``.
_ELIGIBLE: dict[str, Callable[[Row, Row | None, dict], bool]] = {
    "missing_project": lambda row, previous, missing: bool(row[PROJECT]),
    "unknown_project": lambda row, previous, missing: bool(row[PROJECT]),
    "missing_ean": lambda row, previous, missing: bool(row[INVOICE]),
    "bad_ean": lambda row, previous, missing: bool(row[INVOICE]),
    "foreign_ean": lambda row, previous, missing: bool(row[INVOICE]),
    "no_budget_line": lambda row, previous, missing: bool(missing.get(row[COST_CENTRE])) and not row[PROJECT],
    "duplicate": lambda row, previous, missing: (previous is not None and bool(previous[INVOICE])
                                                 and not previous[PROJECT]),
}


def _missing_lines(s: Structure) -> dict[str, list[str]]:
    """Per cost centre, the decentral accounts (no project form needed) it has no budget line for."""
    out = {}
    for h in s.holders:
        have = set(s.lines[h])
        for c in s.cost_centres[h]:
            out[c] = [a for a, x in ACCOUNT.items()
                      if not x.central and not x.requires_form and (c, a) not in have]
    return out


def plant_mistakes(rng: random.Random, s: Structure, bookings: dict[str, list[Row]]) -> None:
    """Plant every kind of mistake at its share of all bookings (one at least), in place."""
    hids = s.holder_ids
    flat = [(h, k) for h in hids for k in range(len(bookings[h]))]
    order = list(range(len(flat)))
    rng.shuffle(order)
    taken: set[int] = set()
    missing = _missing_lines(s)
    foreign = {h: s.eans[hids[(i + 7) % len(hids)]][0] for i, h in enumerate(hids)}

    for mistake in MISTAKES:
        want = max(1, round(len(flat) * mistake.share))
        eligible = _ELIGIBLE.get(mistake.kind)
        for idx in order:
            if want == 0:
                break
            if idx in taken:
                continue
            h, k = flat[idx]
            row, previous = bookings[h][k], bookings[h][k - 1] if k > 0 else None
            if eligible is not None and not eligible(row, previous, missing):
                continue
            taken.add(idx)
            want -= 1
            _PLANT[mistake.kind](_Site(rng, row, previous, h, len(taken), missing, foreign))
