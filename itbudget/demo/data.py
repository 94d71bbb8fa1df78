"""The demo municipality as declared data: typed records read from ``municipality.toml``.

The tables (holders, accounts, central lines, profiles, projects, mistakes,
savings) live in ``municipality.toml`` beside this module, one record a line;
here they become frozen dataclasses, checked on the way in (an unknown or
missing field is a bug in the demo, so it raises). The order of every table is
the order the builders draw from it: reordering a row changes the demo.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, fields
from pathlib import Path

YEAR = 2026
SAVINGS_TARGET_KR = 4_000_000
MUNICIPALITY = "Bakkedal Kommune"
#: How Bakkedal's finance system heads its posting list, field by field (its Kolonnenavne).
EXPORT_HEADERS = {"Bilag": "Bilagsnøgle", "Dato": "Bogf. dag", "Omkostningssted": "Omk.sted nr.",
                  "Konto": "Artskonto nr.", "Debet": "Debetbeløb", "Kredit": "Kreditbeløb",
                  "Tekst": "Posteringstekst", "Leverandør": "Leverandørnavn",
                  "Fakturanr": "Eksternt fakturanr.", "EAN": "EAN lokation", "Projektnr": "Projektnøgle"}

#: Share of a project holder's bookings that go to its project.
PROJECT_SHARE = 0.05
CREDIT_SHARE = 0.012
NO_INVOICE_SHARE = 0.08
#: Share of decentral budget lines budgeted below their spending (at least two).
OVERRUN_SHARE = 0.02


@dataclass(frozen=True)
class HolderSpec:
    """A budget holder (Aftaleholder) and how much it books."""

    name: str
    kind: str  #: a key of :data:`PROFILES`
    bookings: int  #: bookings in a year, unless the demo is scaled
    cost_centres: tuple[str, ...]  #: the suffixes of its cost centres' names
    workstations: int
    home_workstations: int
    head: str  #: the contact person, title in lower case
    second_ean: bool = False  #: also receives invoices on a second EAN


@dataclass(frozen=True)
class AccountSpec:
    """An account of the chart (Kontoplan) and what is booked on it."""

    account: str
    name: str
    category: str
    financing: str  #: ``decentral`` or ``central``
    central_line: str
    requires_form: bool
    on_overrun: str  #: ``stop`` or ``advar``
    contact: str
    amount_kr: tuple[int, int]  #: bounds of a booking's amount, drawn log-uniform
    suppliers: tuple[str, ...]
    every_cost_centre: bool = True  #: false: a budget line at a holder's first cost centre only
    block_grant: bool = False  #: the block grant compensates it, but not fully

    @property
    def central(self) -> bool:
        return self.financing == "central"


@dataclass(frozen=True)
class CentralLineSpec:
    """A central budget line, budgeted from the year's spending."""

    line: str
    name: str
    per_workstation: bool
    municipality_wide: bool
    budget_factor: float
    commitment_share: float


@dataclass(frozen=True)
class ProjectSpec:
    """A project form: the holder is a position in :data:`HOLDERS`."""

    project: str
    title: str
    holder: int
    account: str
    approval: str  #: ``full``, ``partial``, ``late`` or ``over``


@dataclass(frozen=True)
class MistakeSpec:
    """A kind of mistake budget holders make, as a share of all bookings."""

    kind: str
    share: float


@dataclass(frozen=True)
class SavingsSpec:
    """A savings measure (Besparelser); ``cost_centre_of`` names a holder by position."""

    measure: str
    account: str
    amount_kr: int
    cost_centre_of: int | None = None


def _records(kind: type, rows: list[dict]) -> tuple:
    """``rows`` as records of ``kind``; lists become tuples so the records stay immutable."""
    names = {f.name for f in fields(kind)}
    out = []
    for row in rows:
        assert set(row) <= names, f"{kind.__name__}: unknown fields {set(row) - names}"
        out.append(kind(**{k: tuple(v) if isinstance(v, list) else v for k, v in row.items()}))
    return tuple(out)


_DATA = tomllib.loads((Path(__file__).with_name("municipality.toml")).read_text(encoding="utf-8"))
HOLDERS: tuple[HolderSpec, ...] = _records(HolderSpec, _DATA["holders"])
ACCOUNTS: tuple[AccountSpec, ...] = _records(AccountSpec, _DATA["accounts"])
ACCOUNT = {a.account: a for a in ACCOUNTS}
CENTRAL_LINES: tuple[CentralLineSpec, ...] = _records(CentralLineSpec, _DATA["central_lines"])
#: Which accounts a kind of holder books on, with relative weights (in declared order).
PROFILES: dict[str, dict[str, int]] = _DATA["profiles"]
PROJECTS: tuple[ProjectSpec, ...] = _records(ProjectSpec, _DATA["projects"])
MISTAKES: tuple[MistakeSpec, ...] = _records(MistakeSpec, _DATA["mistakes"])
SAVINGS: tuple[SavingsSpec, ...] = _records(SavingsSpec, _DATA["savings"])
