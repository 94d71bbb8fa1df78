"""The holder workbook's follow-up columns, recalculated by LibreOffice, agree with the core (issue 17).

The workbook is issued with a phasing and budget changes (one dated after the
follow-up date, one on it), filled with bookings and an estimate, recalculated
with a throwaway profile, and its Ændringer, Korrigeret budget, Periodiseret til
dato and Fremskrivning are compared with ``itbudget validate``'s line follow-up.
"""

from __future__ import annotations

import openpyxl
import python_calamine as pc
import pytest

from conftest import booking
from followup_tools import TENS, d, master_with
from itbudget.operations import validate_file
from libreoffice import fill_bookings, recalculate
from workbook_templates.holder_workbook import BUDGET_HEADERS, issue_workbooks

pytestmark = pytest.mark.libreoffice

BUDGET = [["Omkostningssted", "Konto", "Budget", "Disponeret"],
          ["1001", "2210", 1000.05, 50], ["1001", "2220", 500, 0], ["1001", "2250", 10000, 0],
          ["2001", "2210", 2000, 0]]


def _issue(tmp_path):
    m = master_with(phasing=[("1001/2210", TENS), ("1001/2250", [33.33, 33.33, 33.34] + [0] * 9)],
                    changes=[(d(5, 10), "1001/2210", 200, "tillæg", "T"),
                             (d(5, 10), "1001/2220", -100, "omplacering", "O"),
                             (d(5, 10), "2001/2210", 100, "omplacering", "O"),
                             (d(9, 1), "1001/2210", 999, "tillæg", "senere")],
                    Budget=BUDGET)
    (h1,) = issue_workbooks(m, tmp_path / "ud", ["H1"])
    rows = [booking(Dato=d(3, 1), Beløb=300.01), booking(Dato=d(5, 10), Beløb=100),
            booking(Dato=d(2, 1), Konto="2220", Beløb=123.45), booking(Dato=d(5, 10), Konto="2250", Beløb=7)]
    filled = fill_bookings(h1, rows, tmp_path / "H1.xlsx")
    wb = openpyxl.load_workbook(filled)
    ws = wb["Budget"]
    col = BUDGET_HEADERS.index("Forventet regnskab") + 1
    ws.cell(row=2, column=col, value=1234.5)
    ws.cell(row=3, column=col, value="ukendt")
    wb.save(filled)
    return filled


def test_native_follow_up_agrees_with_the_core(require_libreoffice, tmp_path):
    filled = _issue(tmp_path)
    recalced = recalculate(require_libreoffice, filled, tmp_path / "lo")
    rows = pc.load_workbook(str(recalced)).get_sheet_by_name("Budget").to_python()
    i = {h: rows[0].index(h) for h in BUDGET_HEADERS}
    core = validate_file(filled)
    assert core.as_of == d(5, 10)
    checked = 0
    for line in core.lines.itertuples():
        (r,) = [r for r in rows[1:] if str(r[i["Omkostningssted"]]) == line.cost_centre
                and str(r[i["Konto"]]) == line.account]

        def ore(h):
            v = r[i[h]]
            assert isinstance(v, float), (h, v, "not computed")
            return round(v * 100)

        assert ore("Korrigeret budget") == line.revised_budget
        assert ore("Ændringer") == line.revised_budget - line.budget
        assert ore("Fremskrivning") == line.projection, line
        if line.phased_to_date is None:
            assert r[i["Periodiseret til dato"]] == ""
        else:
            assert ore("Periodiseret til dato") == line.phased_to_date
        checked += 1
    assert checked == 3
    by = core.lines.set_index("account")
    assert by.loc["2210", "estimate"] == 123450 and by.loc["2220", "estimate"] is None
    assert by.loc["2210", "phased_to_date"] == 60003  # (1.000,05 + 200) × 50 % = 600,025 -> 600,03
    assert list(core.findings.loc[core.findings["rule"] == "ITB019", "row"]) == [3]
