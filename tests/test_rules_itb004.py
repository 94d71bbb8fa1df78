"""ITB004: the account is in the IT chart of accounts."""

from conftest import booking
from ruletools import hits, rows_of, run


def test_known_accounts_pass():
    result = run(booking(Konto="2210"), booking(Konto=2220), booking(Konto=2310.0))
    assert rows_of(result, "ITB004") == []


def test_account_not_in_chart():
    found = hits(run(booking(), booking(Konto="4410")), "ITB004")
    assert [(r, s) for r, s, _ in found] == [(3, "error")]
    assert "'4410'" in found[0][2] and "IT-kontoplanen" in found[0][2]


def test_blank_account_is_itb001_only():
    result = run(booking(Konto=""))
    assert rows_of(result, "ITB004") == []
    assert rows_of(result, "ITB001") == [2]


def test_unknown_account_is_not_placed_on_any_line():
    result = run(booking(Konto="4410", Beløb=5000))
    assert rows_of(result, "ITB005") == [] and rows_of(result, "ITB006") == []
    assert int(result.lines["booked"].sum()) == 0
