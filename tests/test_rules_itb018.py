"""ITB018 "Forbrug foran periodiseringen": hand-computed, at the month end, the same day and m = 12.

Line 1001/2210 has a budget of 1.000 kr. and the phasing :data:`TENS` (10 % a month
January to August, then 5 %): 100 kr. phased through January, 300 kr. through March.
"""

from conftest import booking
from followup_tools import TENS, d, master_with
from ruletools import hits, rows_of, run, uncovered


def ahead(result):
    return result.ledger.frame["ahead"].astype(int).tolist()


def test_at_the_phased_amount_is_not_ahead_one_ore_more_is_at_the_month_end():
    m = master_with(phasing=[("1001/2210", TENS)])
    r = run(booking(Dato=d(1, 15), Beløb=100), booking(Dato=d(1, 31), Beløb=0.01),
            booking(Dato=d(2, 1), Beløb=50), master=m)
    assert ahead(r) == [0, 1, 0]  # 100,00 <= 100,00; 100,01 > 100,00; 150,01 <= 200,00
    (row, severity, message), = hits(r, "ITB018")
    assert (row, severity) == (3, "warning")
    assert message == ("Forbruget på budgetlinjen 1001/2210 ligger 0,01 kr. foran periodiseringen: "
                       "100,00 kr. periodiseret til og med januar, 100,01 kr. bogført til og med denne "
                       "række. Kontakt Karen Ø, Økonomistaben.")


def test_ahead_by_the_excess_at_most_the_bookings_own_amount():
    m = master_with(phasing=[("1001/2210", TENS)])
    r = run(booking(Dato=d(1, 2), Beløb=80), booking(Dato=d(1, 3), Beløb=70),
            booking(Dato=d(1, 4), Beløb=-30), booking(Dato=d(1, 5), Beløb=10), master=m)
    # 80 <= 100; 150 - 100 = 50; a credit note never; 130 - 100 = 30, at most its own 10.
    assert ahead(r) == [0, 5000, 0, 1000]


def test_a_tillaeg_dated_the_same_day_raises_the_phased_amount():
    # 31 Jan: 150 > 100 (10 % of 1.000). 1 Feb: tillæg 1.000 the same day, 20 % of 2.000 = 400 >= 400.
    m = master_with(phasing=[("1001/2210", TENS)], changes=[(d(2, 1), "1001/2210", 1000, "tillæg", "T")])
    r = run(booking(Dato=d(1, 31), Beløb=150), booking(Dato=d(2, 1), Beløb=250), master=m)
    assert ahead(r) == [5000, 0]
    later = master_with(phasing=[("1001/2210", TENS)], changes=[(d(2, 2), "1001/2210", 1000, "tillæg", "T")])
    assert ahead(run(booking(Dato=d(1, 31), Beløb=150), booking(Dato=d(2, 1), Beløb=250), master=later)) \
        == [5000, 20000]  # 400 - 200, at most 250


def test_december_phases_the_whole_budget_so_only_itb006_can_report():
    m = master_with(phasing=[("1001/2210", TENS)])
    r = run(booking(Dato=d(12, 31), Beløb=1000), booking(Dato=d(12, 31), Beløb=0.01), master=m)
    assert ahead(r) == [0, 0] and uncovered(r) == [0, 1]
    assert rows_of(r, "ITB018") == [] and rows_of(r, "ITB006") == [3]


def test_not_reported_where_itb006_reports_the_same_booking():
    m = master_with(phasing=[("1001/2210", TENS)])
    r = run(booking(Dato=d(1, 10), Beløb=50), booking(Dato=d(1, 11), Beløb=1100), master=m)
    assert rows_of(r, "ITB006") == [3] and rows_of(r, "ITB018") == []


def test_phased_amount_rounds_half_away_from_zero():
    # Budget 1.000,05 kr.: 10 % is 10.000,5 øre -> 10.001 øre.
    budget = [["Omkostningssted", "Konto", "Budget"], ["1001", "2210", "1000,05"]]
    m = master_with(phasing=[("1001/2210", TENS)], Budget=budget)
    r = run(booking(Dato=d(1, 5), Beløb=100.01), booking(Dato=d(1, 6), Beløb=0.01), master=m)
    assert r.ledger.frame["phased_limit"].tolist() == [10001, 10001]
    assert ahead(r) == [0, 1]


def test_unphased_lines_are_never_ahead():
    r = run(booking(Dato=d(1, 5), Beløb=999), master=master_with())
    assert ahead(r) == [0] and not r.ledger.frame["line_phased"].iat[0]


def test_central_lines_in_consolidation_but_not_in_a_holders_workbook():
    # TEL: 3.000 kr., half phased in January: 1.500 kr.
    pct = [50, 50] + [0] * 10
    full = master_with(phasing=[("TEL", pct)])
    r = run(booking(Dato=d(1, 5), Konto="2310", Beløb=1600), master=full)
    assert ahead(r) == [10000]
    holder = full.for_holder("H1")
    assert ahead(run(booking(Dato=d(1, 5), Konto="2310", Beløb=1600), master=holder,
                     central_coverage=False)) == [0]
