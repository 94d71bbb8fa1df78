"""The consolidation workbook's Budgetopfølgning sheet and chart (issue 17 point 6), hand-computed."""

from __future__ import annotations

import zipfile

import openpyxl
from conftest import booking, frame_of

from followup_tools import TENS, d, master_with
from itbudget.consolidation import Source, consolidate
from itbudget.followup import Estimate
from workbook_templates.consolidation import write_consolidation

BUDGET = [["Omkostningssted", "Konto", "Budget", "Disponeret"],
          ["1001", "2210", 1000, 50], ["1001", "2220", 500, 0], ["2001", "2210", 2000, 0]]


def _consolidation():
    m = master_with(phasing=[("1001/2210", TENS)], changes=[(d(6, 30), "1001/2210", 200, "tillæg", "T")],
                    Budget=BUDGET)
    f = frame_of(booking(Dato=d(3, 1), Beløb=300), booking(Dato=d(6, 30), Beløb=100),
                 booking(Dato=d(2, 1), Konto="2220", Beløb=300))
    est = (Estimate("1001", "2210", 110000, "1100", "h1.xlsx", "Budget", 2),)
    src = Source("h1.xlsx", None, "ok", rows=len(f), frame=f, estimates=est)
    return consolidate([src], m, invoices=False)


def test_one_row_per_line_highlighting_expected_overruns(tmp_path):
    out = write_consolidation(_consolidation(), tmp_path / "K.xlsx")
    ws = openpyxl.load_workbook(out)["Budgetopfølgning"]
    assert ws["A1"].value == "Budgetopfølgning pr. 30-06-2026"
    head = [c.value for c in ws[4]][:13]
    assert head[:6] == ["Aftaleholder", "Linje", "Navn", "Budget (kr.)", "Ændringer (kr.)", "Korrigeret budget (kr.)"]
    rows = {r[1]: r for r in ws.iter_rows(min_row=5, max_row=9, values_only=True) if r[1]}
    assert set(rows) == {"1001/2210", "1001/2220", "2001/2210", "central TEL", "central DRIFT"}
    # 1001/2210: revised 1.200; 60 % = 720; booked 400; 400 + 50 + 480 = 930; estimate 1.100; deviation 100.
    assert rows["1001/2210"][3:13] == (1000, 200, 1200, 400, 50, 720, 930, 1100, 100, "ok")
    # 1001/2220: unphased; 300 booked by June: 300 + 300 × 6 / 6 = 600 > 500.
    assert rows["1001/2220"][8:13] == (None, 600, None, -100, "over budget")
    rules = [r for cf in ws.conditional_formatting for r in cf.rules]
    assert any('$M5="over budget"' in r.formula[0] for r in rules)


def test_the_month_table_and_its_chart(tmp_path):
    out = write_consolidation(_consolidation(), tmp_path / "K.xlsx")
    ws = openpyxl.load_workbook(out)["Budgetopfølgning"]
    (top,) = [r for r in range(1, 40) if ws.cell(row=r, column=1).value == "Måned"]
    months = [tuple(c.value for c in row[:3]) for row in ws.iter_rows(min_row=top + 1, max_row=top + 12)]
    # Booked on lines: Feb 300, Mar 300, Jun 100; none after June (the follow-up month).
    assert [m[1] for m in months] == [0, 300, 600, 600, 600, 700, None, None, None, None, None, None]
    # Phased: 1001/2210 10 % a month (1.200 from 30 June); the others (500, 2.000, TEL 3.000, DRIFT 5.000) by twelfths.
    # Each line rounded to øre once: 100 + 41,67 + 166,67 + 250 + 416,67.
    assert months[0][2] == 975.01 and months[11][2] == 1200 + 10500
    with zipfile.ZipFile(out) as z:
        assert any("Bogført og periodiseret budget pr. måned" in z.read(n).decode()
                   for n in z.namelist() if n.startswith("xl/charts/chart"))
