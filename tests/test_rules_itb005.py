"""ITB005: a decentral account needs a budget line at the cost centre."""

from conftest import booking
from ruletools import hits, rows_of, run


def test_decentral_account_with_budget_line_passes():
    assert rows_of(run(booking(Omkostningssted="1001", Konto="2220")), "ITB005") == []


def test_decentral_account_without_budget_line():
    found = hits(run(booking(), booking(Omkostningssted="1002", Konto="2220")), "ITB005")
    assert [(r, s) for r, s, _ in found] == [(3, "error")]
    msg = found[0][2]
    assert "2220" in msg and "1002" in msg and "Kontakt Karen Ø, Økonomistaben" in msg


def test_central_account_needs_no_decentral_line():
    # 1002 has no decentral lines at all; telephony is covered centrally.
    assert rows_of(run(booking(Omkostningssted="1002", Konto="2310")), "ITB005") == []


def test_unknown_cost_centre_or_account_is_not_itb005():
    result = run(booking(Omkostningssted="9999"), booking(Konto="4410"))
    assert rows_of(result, "ITB005") == []


def test_booking_without_line_is_never_uncovered():
    result = run(booking(Omkostningssted="1002", Konto="2210", Beløb=10**6))
    assert rows_of(result, "ITB005") == [2]
    assert rows_of(result, "ITB006") == []
