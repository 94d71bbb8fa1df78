"""ITB002: the booking date lies inside the budget year."""

import datetime as dt

import pytest
from conftest import booking
from ruletools import hits, line, rows_of, run


@pytest.mark.parametrize("day", [dt.date(2026, 1, 1), dt.date(2026, 12, 31), "31-12-2026", "2026-01-01"])
def test_first_and_last_day_are_inside(day):
    assert rows_of(run(booking(Dato=day)), "ITB002") == []


@pytest.mark.parametrize("day, shown", [(dt.date(2025, 12, 31), "31-12-2025"),
                                        (dt.date(2027, 1, 1), "01-01-2027"),
                                        ("15-06-25", "15-06-2025")])
def test_outside_the_year(day, shown):
    found = hits(run(booking(), booking(Dato=day)), "ITB002")
    assert [(r, s) for r, s, _ in found] == [(3, "error")]
    assert shown in found[0][2] and "2026" in found[0][2]


def test_budget_year_comes_from_master():
    sheets_year = [["Nøgle", "Værdi"], ["Budgetår", 2025]]
    result = run(booking(Dato=dt.date(2025, 6, 1)), booking(Dato=dt.date(2026, 6, 1)),
                 Indstillinger=sheets_year)
    assert rows_of(result, "ITB002") == [3]


def test_unreadable_date_is_itb001_not_itb002():
    result = run(booking(Dato="31-02-2026"))
    assert rows_of(result, "ITB002") == []
    assert rows_of(result, "ITB001") == [2]


def test_last_years_booking_does_not_use_this_years_budget():
    result = run(booking(Dato=dt.date(2025, 12, 20), Beløb=900), booking(Beløb=1000))
    assert line(result, "1001", "2210")["booked"] == 100000
    assert rows_of(result, "ITB006") == []
