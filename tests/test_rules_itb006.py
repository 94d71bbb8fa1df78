"""ITB006: budget coverage on the line that covers each booking.

Small master (conftest): 1001/2210 budget 1.000 kr. (stop), 1001/2220 500 kr.
(advar), central TEL 3.000 kr. (stop), central DRIFT 5.000 kr. (advar).
"""

import datetime as dt

from conftest import EAN_H1, booking, small_master_sheets
from ruletools import hits, line, rows_of, run, uncovered

D = dt.date


def test_exactly_at_budget_is_covered():
    result = run(booking(Beløb=600), booking(Beløb=400))
    assert rows_of(result, "ITB006") == []
    st = line(result, "1001", "2210")
    assert (st["budget"], st["booked"], st["remaining"], st["uncovered"]) == (100000, 100000, 0, 0)


def test_one_ore_over_is_uncovered_by_one_ore():
    result = run(booking(Beløb=600), booking(Beløb=400.01))
    found = hits(result, "ITB006")
    assert [(r, s) for r, s, _ in found] == [(3, "error")]
    assert "Mangler 0,01 kr. i dækning på budgetlinjen 1001/2210" in found[0][2]
    assert "Kontakt Karen Ø, Økonomistaben" in found[0][2]
    assert uncovered(result) == [0, 1]
    st = line(result, "1001", "2210")
    assert (st["booked"], st["remaining"], st["uncovered"]) == (100001, -1, 1)


def test_every_later_booking_is_uncovered_by_its_own_amount():
    result = run(booking(Beløb=900), booking(Beløb=300), booking(Beløb=50), booking(Beløb="30,25"))
    assert uncovered(result) == [0, 20000, 5000, 3025]
    assert line(result, "1001", "2210")["uncovered"] == 28025


def test_credit_note_brings_line_back_under():
    result = run(booking(Beløb=1000), booking(Beløb=200), booking(Beløb=-300), booking(Beløb=100),
                 booking(Beløb=0.01))
    # 1000 ok; 1200 over by 200; credit -> 900 never uncovered; 1000 ok again; 1000.01 over.
    assert uncovered(result) == [0, 20000, 0, 0, 1]
    assert rows_of(result, "ITB006") == [3, 6]


def test_credit_note_over_the_limit_is_never_uncovered():
    result = run(booking(Beløb=5000), booking(Beløb=-100))
    assert uncovered(result) == [400000, 0]
    assert rows_of(result, "ITB006") == [2]


def test_date_order_not_source_order():
    # Row 2 is later in the year than row 3, so row 2 is the one past the budget.
    result = run(booking(Dato=D(2026, 5, 1), Beløb=800), booking(Dato=D(2026, 3, 1), Beløb=800))
    assert uncovered(result) == [60000, 0]
    assert rows_of(result, "ITB006") == [2]


def test_same_date_ties_go_by_source_order():
    result = run(booking(Dato=D(2026, 3, 1), Beløb=800), booking(Dato="01-03-2026", Beløb=300))
    assert uncovered(result) == [0, 10000]


def test_commitments_reduce_what_is_available():
    budget = [["Omkostningssted", "Konto", "Budget", "Disponeret"],
              ["1001", "2210", 1000, 300]]
    at_limit = run(booking(Beløb=700), Budget=budget)
    assert rows_of(at_limit, "ITB006") == []
    st = line(at_limit, "1001", "2210")
    assert (st["budget"], st["commitments"], st["booked"], st["remaining"]) == (100000, 30000, 70000, 0)
    over = run(booking(Beløb=700.01), Budget=budget)
    assert uncovered(over) == [1]
    assert "700,00 kr. til rådighed" in hits(over, "ITB006")[0][2]


def test_central_commitments_reduce_what_is_available():
    centrals = [["Budgetlinje", "Navn", "Budget", "Disponeret"], ["TEL", "Telefoni", 3000, 1000],
                ["DRIFT", "Drift", 5000, 0]]
    result = run(booking(Konto="2310", Beløb=2000), booking(Konto="2310", Beløb=1), **{"Centrale budgetter": centrals})
    assert uncovered(result) == [0, 100]


def test_central_line_is_shared_by_all_cost_centres():
    result = run(booking(Konto="2310", Omkostningssted="1001", Beløb=2000, Dato=D(2026, 2, 1)),
                 booking(Konto="2310", Omkostningssted="2001", Beløb=1500, Dato=D(2026, 3, 1)),
                 booking(Konto="2310", Omkostningssted="1002", Beløb=10, Dato=D(2026, 1, 1)))
    assert uncovered(result) == [0, 51000, 0]
    found = hits(result, "ITB006")
    assert [(r, s) for r, s, _ in found] == [(3, "error")]
    assert "den centrale budgetlinje TEL" in found[0][2] and "Kontakt Lis Ø" in found[0][2]
    st = line(result, central="TEL")
    assert (st["booked"], st["remaining"], st["uncovered"]) == (351000, -51000, 51000)


def test_two_central_accounts_on_one_line_share_it():
    sheets = small_master_sheets()
    kontoplan = sheets["Kontoplan"] + [["2315", "Mobil", "Telefoni", "central", "TEL", "nej", "advar", "Lis Ø"]]
    result = run(booking(Konto="2310", Beløb=2500), booking(Konto="2315", Beløb=600), Kontoplan=kontoplan)
    # The second booking is on an 'advar' account: a warning, even though 2310 is 'stop'.
    assert hits(result, "ITB006")[0][:2] == (3, "warning")
    assert uncovered(result) == [0, 10000]


def test_central_coverage_off_in_a_holders_workbook():
    rows = [booking(Konto="2310", Beløb=5000), booking(Beløb=5000)]
    result = run(*rows, central_coverage=False)
    # The decentral line is still checked; the central one is left to consolidation.
    assert rows_of(result, "ITB006") == [3]
    assert uncovered(result) == [0, 400000]
    assert "TEL" not in set(result.lines["central_line"])


def test_advar_gives_a_warning_and_stop_an_error():
    result = run(booking(Konto="2220", Beløb=600), booking(Konto="2210", Beløb=1100),
                 booking(Konto="2320", Beløb=6000))
    assert [(r, s) for r, s, _ in hits(result, "ITB006")] == [(2, "warning"), (3, "error"), (4, "warning")]


def test_missing_on_overrun_defaults_to_stop():
    kontoplan = [["Konto", "Navn", "Finansiering"], ["2210", "Hardware", "decentral"],
                 ["2220", "Licenser", "decentral"], ["2250", "Projekter", "decentral"]]
    result = run(booking(Beløb=1000.01), Kontoplan=kontoplan)
    assert [s for _, s, _ in hits(result, "ITB006")] == ["error"]


def test_bookings_with_other_findings_still_count():
    # Each first booking has another finding but a date in the year, a known cost centre
    # and account and a readable amount: it is placed and uses the budget.
    cases = [
        booking(Beløb=900, Fakturanr="F1", EAN=""),                    # ITB009
        booking(Beløb=900, Fakturanr="F1", EAN="5790001234560"),       # ITB010
        booking(Beløb=900, Projektnr="P2"),                            # ITB007
    ]
    for first in cases:
        result = run(first, booking(Beløb=200))
        assert uncovered(result) == [0, 10000], first
    dup = run(booking(Beløb=600, Leverandør="Atea", Fakturanr="7", EAN=EAN_H1),
              booking(Beløb=600, Leverandør="ATEA", Fakturanr="7", EAN=EAN_H1))
    assert rows_of(dup, "ITB011") == [3]
    assert uncovered(dup) == [0, 20000]


def test_unplaceable_bookings_do_not_count():
    result = run(booking(Beløb=900, Dato=D(2025, 12, 1)), booking(Beløb="9,999"),
                 booking(Beløb=900, Dato=""), booking(Beløb=1000))
    assert uncovered(result) == [0, 0, 0, 0]
    assert line(result, "1001", "2210")["booked"] == 100000


def test_line_status_lists_every_line_in_scope():
    result = run(booking())
    ls = result.lines
    assert len(ls[ls["cost_centre"] != ""]) == 4
    assert set(ls["central_line"]) - {""} == {"TEL", "DRIFT"}
    assert line(result, "2001", "2210")["booked"] == 0
