"""ITB007: a project form exists with all three approvals dated on or before the booking.

Small master: account 2250 requires a form; P1 approved by IT 10-01, EPO 12-01,
Økonomi 15-01-2026; P2 lacks the EPO approval.
"""

import datetime as dt

import pytest
from conftest import booking, small_master_sheets
from ruletools import hits, rows_of, run

D = dt.date


def test_fully_approved_form_passes():
    assert rows_of(run(booking(Konto="2250", Projektnr="P1", Dato=D(2026, 2, 1))), "ITB007") == []


def test_approved_on_the_booking_date_passes():
    assert rows_of(run(booking(Konto="2250", Projektnr="P1", Dato=D(2026, 1, 15))), "ITB007") == []


def test_approval_dated_after_the_booking():
    found = hits(run(booking(Konto="2250", Projektnr="P1", Dato=D(2026, 1, 14))), "ITB007")
    assert [(r, s) for r, s, _ in found] == [(2, "error")]
    msg = found[0][2]
    assert "ikke godkendt på bogføringsdatoen 14-01-2026" in msg
    assert "Økonomi (15-01-2026)" in msg and "EPO" not in msg


def test_all_late_approvals_are_named():
    msg = hits(run(booking(Konto="2250", Projektnr="P1", Dato=D(2026, 1, 5))), "ITB007")[0][2]
    assert "IT (10-01-2026)" in msg and "EPO (12-01-2026)" in msg and "Økonomi (15-01-2026)" in msg


def test_missing_approval():
    found = hits(run(booking(Konto="2250", Projektnr="P2", Dato=D(2026, 6, 1))), "ITB007")
    assert len(found) == 1
    assert "P2 mangler godkendelse fra EPO" in found[0][2]
    assert "Kontakt Per Ø, Økonomistaben" in found[0][2]


def test_account_requires_form_but_no_project_named():
    found = hits(run(booking(), booking(Konto="2250", Projektnr="")), "ITB007")
    assert [r for r, _, _ in found] == [3]
    assert "kræver et godkendt projektskema" in found[0][2] and "Projektnr er tomt" in found[0][2]


def test_unknown_project():
    found = hits(run(booking(Konto="2250", Projektnr="P9")), "ITB007")
    assert len(found) == 1 and "'P9' findes ikke" in found[0][2]


def test_project_named_on_an_account_without_requirement_is_checked_too():
    result = run(booking(Konto="2210", Projektnr="P1", Dato=D(2026, 3, 1)),
                 booking(Konto="2210", Projektnr="P2", Dato=D(2026, 3, 1)),
                 booking(Konto="2210", Projektnr="PX"))
    assert rows_of(result, "ITB007") == [3, 4]


def test_no_project_no_requirement_no_finding():
    assert rows_of(run(booking(Konto="2210")), "ITB007") == []


@pytest.mark.parametrize("requires", ["ja", "Ja", "j", "x"])
def test_requirement_read_from_the_chart(requires):
    sheets = small_master_sheets()
    kontoplan = [r[:] for r in sheets["Kontoplan"]]
    kontoplan[1][5] = requires  # 2210 now requires a form
    result = run(booking(Konto="2210"), Kontoplan=kontoplan)
    assert rows_of(result, "ITB007") == [2]


def test_late_booking_on_an_unreadable_date_is_not_called_late():
    # The date cannot be read (ITB001); whether the form was approved in time is unknown.
    result = run(booking(Konto="2250", Projektnr="P1", Dato="i går"))
    assert rows_of(result, "ITB001") == [2]
    assert rows_of(result, "ITB007") == []


@pytest.mark.parametrize("project, expected", [("P2", "P2 mangler godkendelse fra EPO"),
                                               ("P9", "Projektskema 'P9' findes ikke")])
def test_unreadable_date_does_not_excuse_a_missing_or_unknown_form(project, expected):
    found = hits(run(booking(Konto="2250", Projektnr=project, Dato="31-02-2026")), "ITB007")
    assert len(found) == 1 and expected in found[0][2]


def test_unreadable_date_on_a_fully_approved_form_is_not_itb007():
    assert rows_of(run(booking(Konto="2250", Projektnr="P1", Dato="31-02-2026")), "ITB007") == []
