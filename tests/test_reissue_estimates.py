"""Re-issuing carries the holder's Forventet regnskab to the same budget line (issue 17)."""

from __future__ import annotations

import openpyxl
import pytest
from conftest import booking, small_master_sheets

from itbudget.errors import UnusableInput
from itbudget.master import master_from_rows
from itbudget.operations import validate_file
from libreoffice import fill_bookings
from workbook_templates.holder_workbook import BUDGET_HEADERS, issue_workbooks

COL = BUDGET_HEADERS.index("Forventet regnskab") + 1


def _typed(tmp_path):
    (h1,) = issue_workbooks(master_from_rows(small_master_sheets()), tmp_path, ["H1"])
    fill_bookings(h1, [booking()], h1)
    wb = openpyxl.load_workbook(h1)
    ws = wb["Budget"]
    rows = {(ws.cell(row=r, column=1).value, ws.cell(row=r, column=3).value): r for r in range(2, 5)}
    ws.cell(row=rows[("1001", "2220")], column=COL, value=432.1)
    wb.save(h1)
    return h1


def test_estimates_follow_their_line_when_lines_are_added_before_them(tmp_path):
    _typed(tmp_path)  # H1 issued and its estimates typed
    budget = small_master_sheets()["Budget"]
    moved = [budget[0], ["1002", "2210", 10]] + budget[1:]  # a new line first: every row moves down
    (again,) = issue_workbooks(master_from_rows(small_master_sheets(Budget=moved)), tmp_path, ["H1"])
    lines = validate_file(again).lines.set_index(["cost_centre", "account"])
    assert lines.loc[("1001", "2220"), "estimate"] == 43210
    assert lines["estimate"].isna().sum() == len(lines) - 1
    ws = openpyxl.load_workbook(again)["Budget"]
    assert ws.cell(row=4, column=1).value == "1001" and ws.cell(row=4, column=COL).value == 432.1


def test_an_estimate_for_a_line_that_is_gone_refuses_the_reissue(tmp_path):
    h1 = _typed(tmp_path)
    before = h1.read_bytes()
    budget = [r for r in small_master_sheets()["Budget"] if r[1] != "2220"]
    with pytest.raises(UnusableInput, match="budgetlinjen 1001/2220, som den nye projektmappe ikke har"):
        issue_workbooks(master_from_rows(small_master_sheets(Budget=budget)), tmp_path, ["H1"], workers=1)
    assert h1.read_bytes() == before
