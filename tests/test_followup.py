"""Projection and estimate per budget line as of a date (issue 17 point 5), hand-computed.

1001/2210: Budget 1.000 kr., Disponeret 50 kr., phased :data:`TENS` (Jun 60 %, Dec 100 %),
a tillæg of 200 kr. dated 30 June. 1001/2220: Budget 500 kr., not phased.
"""

import datetime as dt
import json
import subprocess
import sys

import pytest
from conftest import booking, write_workbook
from followup_tools import TENS, d, master_with

from itbudget.errors import UnusableInput
from itbudget.followup import Estimate, over_budget
from itbudget.validation import validate
from conftest import frame_of

BUDGET = [["Omkostningssted", "Konto", "Budget", "Disponeret"],
          ["1001", "2210", 1000, 50], ["1001", "2220", 500, 0], ["2001", "2210", 2000, 0]]


def master():
    return master_with(phasing=[("1001/2210", TENS)], changes=[(d(6, 30), "1001/2210", 200, "tillæg", "T")],
                       Budget=BUDGET)


BOOKINGS = [booking(Dato=d(3, 1), Beløb=300), booking(Dato=d(6, 30), Beløb=100), booking(Dato=d(7, 1), Beløb=50),
            booking(Dato=d(3, 1), Konto="2220", Beløb=100), booking(Dato=d(6, 30), Konto="2220", Beløb=20)]


def follow(as_of, rows=BOOKINGS, estimates=()):
    r = validate(frame_of(*rows), master(), as_of=as_of, estimates=estimates)
    ls = r.lines.set_index(["cost_centre", "account"])
    return {acc: {c: ls.loc[("1001", acc), c] for c in
                  ("revised_budget", "phased_to_date", "booked_to_date", "projection", "estimate")}
            for acc in ("2210", "2220")}, r


def test_phased_line_on_the_day_of_the_tillaeg_at_the_month_end():
    got, _ = follow(d(6, 30))
    # revised 1.200; 60 % = 720; booked to 30 Jun 400; 400 + 50 + (1.200 - 720) = 930
    assert got["2210"] == {"revised_budget": 120000, "phased_to_date": 72000, "booked_to_date": 40000,
                           "projection": 93000, "estimate": None}


def test_phased_line_the_day_before():
    got, _ = follow(d(6, 29))
    # revised 1.000; 60 % = 600; booked 300; 300 + 50 + 400 = 750
    assert got["2210"]["revised_budget"] == 100000 and got["2210"]["phased_to_date"] == 60000
    assert got["2210"]["projection"] == 75000


def test_unphased_line_extrapolates_booked_to_date():
    got, _ = follow(d(6, 30))
    assert got["2220"] == {"revised_budget": 50000, "phased_to_date": None, "booked_to_date": 12000,
                           "projection": 24000, "estimate": None}  # 120 + 0 + 120 × 6 / 6
    got, _ = follow(d(3, 31))
    assert got["2220"]["projection"] == 40000  # 100 + 100 × 9 / 3


def test_m_12_has_no_expected_rest():
    got, _ = follow(d(12, 31))
    assert got["2210"]["phased_to_date"] == 120000 and got["2210"]["projection"] == 45000 + 5000
    assert got["2220"]["projection"] == 12000


def test_the_rest_rounds_half_away_from_zero_once():
    # 100,01 kr. in July: 10.001 × 5 / 7 = 7.143,57 øre -> 7.144
    got, _ = follow(d(7, 31), rows=[booking(Dato=d(7, 1), Konto="2220", Beløb=100.01)])
    assert got["2220"]["projection"] == 10001 + 7144


def test_default_as_of_is_the_latest_booking_date_in_the_year():
    _, r = follow(None, rows=BOOKINGS + [booking(Dato=dt.date(2027, 1, 5), Beløb=1)])
    assert r.as_of == d(7, 1)
    _, r = follow(None, rows=[])
    assert r.as_of == d(1, 1)


def test_as_of_outside_the_year_is_unusable():
    with pytest.raises(UnusableInput, match="uden for budgetåret 2026"):
        follow(dt.date(2025, 12, 31))


def test_the_holders_estimate_and_a_text_there_is_a_finding_on_that_line():
    est = (Estimate("1001", "2210", 110000, "1100", "h.xlsx", "Budget", 2),
           Estimate("1001", "2220", None, "ved ikke", "h.xlsx", "Budget", 3))
    got, r = follow(d(6, 30), estimates=est)
    assert got["2210"]["estimate"] == 110000 and got["2220"]["estimate"] is None
    f = r.findings[r.findings["rule"] == "ITB019"]
    assert list(zip(f["sheet"], f["row"], f["severity"])) == [("Budget", 3, "warning")]
    assert "Forventet regnskab 'ved ikke' for budgetlinjen 1001/2220 er ikke et beløb" in f["message"].iat[0]


def test_over_budget_by_projection_or_estimate():
    assert not over_budget(100, 100, None) and over_budget(100, 101, None)
    assert over_budget(100, 90, 101) and not over_budget(100, 90, 100)


def _files(tmp_path):
    from followup_tools import CHANGES, PHASING
    from conftest import small_master_sheets

    sheets = small_master_sheets(Budget=BUDGET)
    sheets["Periodisering"] = [PHASING, ["1001", "2210", "", *TENS]]
    sheets["Budgetændringer"] = [CHANGES, [d(6, 30), "1001", "2210", "", 200, "tillæg", "T", ""]]
    stamdata = write_workbook(tmp_path / "stamdata.xlsx", sheets)
    csv = tmp_path / "b.csv"
    csv.write_text("Bilag;Dato;Omkostningssted;Konto;Beløb\n1;01-03-2026;1001;2210;300,00\n"
                   "2;30-06-2026;1001;2210;100,00\n3;01-07-2026;1001;2210;50,00\n", encoding="utf-8")
    return stamdata, csv


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "itbudget.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=120)


def test_validate_json_as_of(tmp_path):
    stamdata, csv = _files(tmp_path)
    out = _cli("validate", csv, "--master", stamdata, "--format", "json", "--as-of", "2026-06-30")
    line = next(x for x in json.loads(out.stdout)["lines"] if x["account"] == "2210" and x["cost_centre"] == "1001")
    assert (line["revised_budget"], line["phased_to_date"], line["projection"], line["estimate"]) == \
        ("1200.00", "720.00", "930.00", None)
    other = next(x for x in json.loads(out.stdout)["lines"] if x["account"] == "2220")
    assert other["phased_to_date"] is None and other["projection"] == "0.00"


def test_consolidate_json_as_of_and_bad_dates(tmp_path):
    stamdata, csv = _files(tmp_path)
    folder = tmp_path / "ind"
    folder.mkdir()
    csv.rename(folder / "b.csv")
    out = _cli("consolidate", folder, "--master", stamdata, "--format", "json", "--as-of", "2026-12-31")
    line = next(x for x in json.loads(out.stdout)["budget_lines"] if x["account"] == "2210" and x["cost_centre"] == "1001")
    assert (line["revised_budget"], line["phased_to_date"], line["projection"]) == ("1200.00", "1200.00", "500.00")
    for bad, words in (("2025-06-30", "uden for budgetåret"), ("30-06-2026", "ÅÅÅÅ-MM-DD")):
        proc = _cli("consolidate", folder, "--master", stamdata, "--as-of", bad)
        assert proc.returncode == 2 and words in proc.stderr and "Traceback" not in proc.stderr
