"""A demo municipality, built deterministically by code: master data and a year of bookings.

:func:`build_demo` returns the contract's master data sheets (header row first,
amounts in kr. as numbers, dates as :class:`datetime.date`) and, per budget
holder, a year of bookings in :data:`~itbudget.bookings.BOOKING_HEADERS` order.
The same seed always gives the same municipality; nothing is read from disk
but the declared tables beside this package's modules.

The bookings are mostly clean. A small, fixed share of them carries the
mistakes budget holders really make (a missing account, an amount typed as
``12,345``, last year's invoice, a foreign EAN, an invoice booked twice, a
project bought before its form was approved ...), so that validating the demo
triggers every rule ITB001-ITB011 at a realistic rate. Budgets are set from
the generated spending, so a larger demo (``bookings_per_holder``, for
benchmarks) is a larger municipality with the same shares of findings, and the
cost of building it grows linearly with the number of bookings.

The package: ``municipality.toml`` and :mod:`.data` declare the municipality
(holders, accounts, central lines, projects, mistakes, savings);
:mod:`.builders` and :mod:`.mistakes` build it; :mod:`.followup` adds the
budget through the year; :mod:`.export` writes bookings as CSV and as the
finance system's posting list; :mod:`.invoices` makes the OIOUBL e-invoices.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from ..master import MasterData, master_from_rows
from . import builders as b
from .builders import holder_id, make_ean
from .data import EXPORT_HEADERS, MUNICIPALITY, SAVINGS_TARGET_KR, YEAR
from .export import write_bookings_csv, write_posting_list
from .followup import followup_sheets, touched_lines
from .mistakes import plant_mistakes

__all__ = ["Demo", "build_demo", "holder_id", "make_ean", "write_bookings_csv", "write_posting_list",
           "followup_sheets", "touched_lines", "EXPORT_HEADERS", "MUNICIPALITY", "SAVINGS_TARGET_KR", "YEAR"]


@dataclass(frozen=True)
class Demo:
    """The demo municipality: master data sheets and each holder's bookings."""

    master_sheets: dict[str, list[list]]
    bookings: dict[str, list[list]]
    seed: int = 2026

    def master(self) -> MasterData:
        """The master data, read and checked as any stamdata workbook would be."""
        return master_from_rows(self.master_sheets, file="demo-stamdata")

    def all_bookings(self) -> list[list]:
        """Every holder's bookings, holder by holder, in one list (no header)."""
        return [row for rows in self.bookings.values() for row in rows]

    @property
    def holder_ids(self) -> list[str]:
        return list(self.bookings)


def build_demo(seed: int = 2026, bookings_per_holder: int | None = None) -> Demo:
    """Build the demo municipality.

    ``bookings_per_holder`` gives every holder exactly that many bookings (for
    benchmarks); by default holders book a few hundred each, ~10,000 in all.
    The builders draw from one generator in this order: bookings, budgets, mistakes.
    """
    rng = random.Random(seed)
    structure = b.build_structure()
    bookings = b.build_bookings(rng, structure, bookings_per_holder)
    spend = b.spending(bookings)  # budgets follow the clean spending
    budget = b.budget_rows(rng, structure, spend)
    central = b.central_rows(spend)
    projects = b.project_rows(structure, spend)
    plant_mistakes(rng, structure, bookings)
    b.amounts_to_kr(bookings)
    sheets = {
        "Indstillinger": b.settings_rows(),
        "Aftaleholdere": b.holder_rows(structure),
        "Omkostningssteder": b.cost_centre_rows(structure),
        "EAN": b.ean_rows(structure),
        "Kontoplan": b.kontoplan_rows(bookings),
        "Budget": budget,
        "Centrale budgetter": central,
        "Projektskemaer": projects,
        "Besparelser": b.savings_rows(structure),
        "Kolonnenavne": b.column_name_rows(),
    }
    sheets.update(followup_sheets(sheets, YEAR))  # issue 17: phasing and budget changes
    return Demo(master_sheets=sheets, bookings=bookings, seed=seed)
