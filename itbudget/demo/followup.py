"""The demo municipality's budget through the year: a phasing, a tillæg, an omplacering, an overførsel.

Chosen deterministically from the demo's own budget rows (no random draws, so
the rest of the demo is unchanged): the first holder's largest line and the
telephony line are phased by month; the second holder's largest line gets a
tillæg on 1 May; 10.000 kr. are moved from the third holder's largest line to
the fourth's on 15 March; the fifth holder's largest line carries last year's
surplus over on 1 January (*aftalestyring*).
"""

from __future__ import annotations

import datetime as dt

from ..budget_changes import CHANGES_SHEET, FOLLOWUP_COLUMNS, PHASING_SHEET
from ..parsing import parse_amount

#: A school-year shape: little in the summer holiday, most in the autumn (sums to 100).
SCHOOL_YEAR = [6, 8, 10, 10, 8, 4, 2, 8, 12, 12, 10, 10]
EVEN = [8.33] * 11 + [8.37]


def _largest_line(sheets: dict, holder: str) -> tuple[str, str]:
    owner = {r[0]: r[2] for r in sheets["Omkostningssteder"][1:]}
    rows = [r for r in sheets["Budget"][1:] if owner.get(r[0]) == holder]
    best = max(rows, key=lambda r: (parse_amount(r[2]) or 0, r[0], r[1]))
    return best[0], best[1]


def followup_sheets(sheets: dict, year: int) -> dict[str, list[list]]:
    """``Periodisering`` and ``Budgetændringer`` rows for the demo's master sheets."""
    hids = [r[0] for r in sheets["Aftaleholdere"][1:]]
    first, second, third, fourth, fifth = (_largest_line(sheets, h) for h in hids[:5])
    phasing = [[*first, "", *SCHOOL_YEAR], ["", "", "TEL", *EVEN]]
    changes = [
        [dt.date(year, 1, 1), *fifth, "", 15000, "overførsel", "OVF-2025", "Overskud fra sidste år (aftalestyring)"],
        [dt.date(year, 3, 15), *third, "", -10000, "omplacering", "OMP-01", "Licenser flyttes til fagsystem"],
        [dt.date(year, 3, 15), *fourth, "", 10000, "omplacering", "OMP-01", "Licenser flyttes til fagsystem"],
        [dt.date(year, 5, 1), *second, "", 25000, "tillæg", "TB-07", "Tillægsbevilling: nye elev-pc'er"],
    ]
    return {PHASING_SHEET: [FOLLOWUP_COLUMNS[PHASING_SHEET]] + phasing,
            CHANGES_SHEET: [FOLLOWUP_COLUMNS[CHANGES_SHEET]] + changes}


def touched_lines(sheets: dict) -> set[tuple[str, str, str]]:
    """(cost centre, account, central line) of every line the two sheets name."""
    out = set()
    for sheet in (PHASING_SHEET, CHANGES_SHEET):
        head = sheets[sheet][0]
        i = [head.index(h) for h in ("Omkostningssted", "Konto", "Budgetlinje")]
        out |= {tuple(r[j] for j in i) for r in sheets[sheet][1:]}
    return out
