"""Helpers for the issue-17 tests: a small master with a phasing and budget changes."""

from __future__ import annotations

import datetime as dt

from conftest import small_master_sheets

from itbudget.master import master_from_rows

PHASING = ["Omkostningssted", "Konto", "Budgetlinje",
           "Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
CHANGES = ["Dato", "Omkostningssted", "Konto", "Budgetlinje", "Beløb", "Type", "Reference", "Tekst"]
#: 10 % a month January to August, 5 % September to December: Jan 10 %, Mar 30 %, Aug 80 %.
TENS = [10] * 8 + [5] * 4


def d(month: int, day: int) -> dt.date:
    return dt.date(2026, month, day)


def master_with(phasing=(), changes=(), scope: str = "", **sheets):
    """The conftest master (1001/2210: budget 1.000 kr.) plus Periodisering and Budgetændringer rows.

    ``phasing``: ``(line, percents)`` with line ``"1001/2210"`` or ``"TEL"``; ``changes``:
    ``(date, line, kr, type, reference)``.
    """
    rows = small_master_sheets(**sheets)

    def where(line):
        return [*line.split("/"), ""] if "/" in line else ["", "", line]

    rows["Periodisering"] = [PHASING] + [[*where(line), *pcts] for line, pcts in phasing]
    rows["Budgetændringer"] = [CHANGES] + [[day, *where(line), kr, kind, ref, ""]
                                           for day, line, kr, kind, ref in changes]
    if scope:
        rows["Indstillinger"] = rows["Indstillinger"] + [["Aftaleholder", scope]]
    return master_from_rows(rows)
