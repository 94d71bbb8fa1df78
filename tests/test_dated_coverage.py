"""ITB006 on the budget as it stood on the booking's date (issue 17 point 3), hand-computed.

Line 1001/2210 has a budget of 1.000 kr.; TEL (central) 3.000 kr.
"""

from conftest import booking
from followup_tools import d, master_with
from ruletools import hits, run, uncovered


def test_a_tillaeg_dated_the_same_day_covers_the_booking():
    m = master_with(changes=[(d(3, 1), "1001/2210", 300, "tillæg", "T-1")])
    r = run(booking(Dato=d(3, 1), Beløb=1200), master=m)
    assert uncovered(r) == [0]
    assert r.ledger.frame["line_budget"].tolist() == [130000]


def test_bookings_before_a_tillaeg_stay_uncovered():
    m = master_with(changes=[(d(3, 2), "1001/2210", 300, "tillæg", "T-1")])
    r = run(booking(Dato=d(3, 1), Beløb=1200), booking(Dato=d(3, 3), Beløb=100), master=m)
    assert uncovered(r) == [20000, 0]  # 1.200 > 1.000; then 1.300 <= 1.300
    (_, severity, message), = hits(r, "ITB006")
    assert severity == "error"
    assert "1.000,00 kr. til rådighed, 1.200,00 kr. bogført" in message


def test_an_omplacering_moves_budget_from_its_date():
    m = master_with(changes=[(d(2, 28), "1001/2210", -500, "omplacering", "O-1"),
                             (d(2, 28), "2001/2210", 500, "omplacering", "O-1")])
    r = run(booking(Dato=d(2, 27), Beløb=600), booking(Dato=d(2, 28), Beløb=0.01),
            booking(Dato=d(3, 1), Omkostningssted="2001", Beløb=2500), master=m)
    # 600 <= 1.000 on 27 Feb (month end the next day); from 28 Feb 500: 600,01 - 500 = 100,01, at most 0,01.
    assert uncovered(r) == [0, 1, 0]  # 2001/2210: 2.000 + 500 = 2.500


def test_an_overfoersel_on_a_central_line_dated_1_january():
    m = master_with(changes=[(d(1, 1), "TEL", 1000, "overførsel", "")])
    r = run(booking(Dato=d(1, 1), Konto="2310", Beløb=4000), booking(Dato=d(12, 31), Konto="2310", Beløb=1),
            master=m)
    assert uncovered(r) == [0, 100]
    assert r.ledger.frame["line_limit"].tolist() == [400000, 400000]


def test_changes_sum_cumulatively_and_a_negative_tillaeg_removes_budget():
    m = master_with(changes=[(d(1, 31), "1001/2210", 100, "tillæg", ""), (d(2, 1), "1001/2210", -300, "tillæg", ""),
                             (d(12, 31), "1001/2210", 700, "tillæg", "")])
    r = run(booking(Dato=d(1, 31), Beløb=1), booking(Dato=d(2, 1), Beløb=1), booking(Dato=d(12, 31), Beløb=1),
            master=m)
    assert r.ledger.frame["line_budget"].tolist() == [110000, 80000, 150000]


def test_without_changes_the_budget_is_the_years():
    r = run(booking(Dato=d(6, 30), Beløb=1), master=master_with())
    assert r.ledger.frame["line_budget"].tolist() == [100000]
