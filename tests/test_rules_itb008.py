"""ITB008: a project's running total stays within its approved amount (P1: 5.000 kr.)."""

import datetime as dt

from conftest import booking
from ruletools import hits, rows_of, run

D = dt.date


def p1(amount, day=D(2026, 3, 1), **kw):
    kw.setdefault("Konto", "2250")
    return booking(Projektnr="P1", Beløb=amount, Dato=day, **kw)


def test_exactly_the_approved_amount_passes():
    assert rows_of(run(p1(3000), p1(2000)), "ITB008") == []


def test_one_ore_over():
    result = run(p1(3000), p1(2000.01))
    found = hits(result, "ITB008")
    assert [(r, s) for r, s, _ in found] == [(3, "error")]
    assert "overskrider sit godkendte beløb 5.000,00 kr. med 0,01 kr." in found[0][2]
    assert result.ledger.frame["project_excess"].tolist() == [0, 1]


def test_every_later_booking_is_over_and_credit_notes_are_not():
    result = run(p1(4000), p1(2000), p1(-1500), p1(400), p1(200))
    # 4000; 6000 (+1000); 4500; 4900; 5100 (+100)
    assert result.ledger.frame["project_excess"].tolist() == [0, 100000, 0, 0, 10000]
    assert rows_of(result, "ITB008") == [3, 6]


def test_date_order_not_source_order():
    result = run(p1(3000, D(2026, 9, 1)), p1(3000, D(2026, 2, 1)))
    assert rows_of(result, "ITB008") == [2]


def test_bookings_on_any_account_and_cost_centre_count():
    result = run(p1(3000), p1(1500, Konto="2210"), p1(1000, Konto="2310", Omkostningssted="2001"))
    assert rows_of(result, "ITB008") == [4]


def test_bookings_with_other_findings_still_count():
    # Booked before Økonomi approved (ITB007), without EAN on an invoice (ITB009): still spent.
    result = run(p1(4000, D(2026, 1, 11), Fakturanr="F1"), p1(2000, D(2026, 2, 1)))
    assert rows_of(result, "ITB007") == [2]
    assert rows_of(result, "ITB009") == [2]
    assert rows_of(result, "ITB008") == [3]


def test_unplaceable_bookings_do_not_count():
    result = run(p1(4000, D(2025, 12, 1)), p1(4000, Omkostningssted="9999"), p1("4000,001"),
                 p1(4000, Konto="4410"), p1(5000))
    assert rows_of(result, "ITB008") == []


def test_unknown_project_has_no_running_total():
    result = run(booking(Konto="2250", Projektnr="PX", Beløb=10**6))
    assert rows_of(result, "ITB008") == []
    assert rows_of(result, "ITB007") == [2]


def test_projects_have_separate_totals():
    result = run(p1(5000), booking(Konto="2250", Projektnr="P2", Beløb=5000), p1(0.01))
    assert rows_of(result, "ITB008") == [4]
