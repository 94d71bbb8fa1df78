"""ITB001: Dato, Omkostningssted, Konto and Beløb present and readable."""

import datetime as dt

import pytest
from conftest import booking
from ruletools import hits, line, rows_of, run


def test_clean_booking_has_no_finding():
    assert rows_of(run(booking()), "ITB001") == []


@pytest.mark.parametrize("field, blank, word", [
    ("Dato", None, "Dato mangler"),
    ("Dato", "", "Dato mangler"),
    ("Dato", "   ", "Dato mangler"),
    ("Omkostningssted", "", "Omkostningssted mangler"),
    ("Omkostningssted", None, "Omkostningssted mangler"),
    ("Konto", "", "Konto mangler"),
    ("Konto", None, "Konto mangler"),
    ("Beløb", None, "Beløb mangler"),
    ("Beløb", "", "Beløb mangler"),
])
def test_each_required_field_missing(field, blank, word):
    # The other fields stay filled so the row is still a record, not a blank row.
    result = run(booking(), booking(**{field: blank, "Tekst": "mangler noget"}))
    found = hits(result, "ITB001")
    assert [r for r, _, _ in found] == [3]
    row, severity, message = found[0]
    assert severity == "error"
    assert word in message


@pytest.mark.parametrize("value", ["31-02-2026", "2026-02-30", "i går", "32.01.2026", "01-13-2026"])
def test_unreadable_date(value):
    found = hits(run(booking(Dato=value)), "ITB001")
    assert len(found) == 1
    assert f"Dato '{value}' kan ikke læses" in found[0][2]


@pytest.mark.parametrize("value", ["12,345", "1.234,567", "abc", "ca. 500", "1,2,3"])
def test_unreadable_amount_text(value):
    found = hits(run(booking(Beløb=value)), "ITB001")
    assert len(found) == 1
    assert f"Beløb '{value}' kan ikke læses" in found[0][2]


def test_sub_ore_number_cell_is_unreadable():
    # 1.005 kr. cannot be booked: money has two decimals.
    found = hits(run(booking(Beløb=1.005)), "ITB001")
    assert len(found) == 1 and "kan ikke læses" in found[0][2]


def test_several_problems_in_one_finding():
    found = hits(run(booking(Dato="", Konto="", Beløb="x")), "ITB001")
    assert len(found) == 1
    msg = found[0][2]
    assert "Dato mangler" in msg and "Konto mangler" in msg and "Beløb 'x'" in msg


def test_readable_forms_are_accepted():
    result = run(booking(Beløb="1.000,00", Dato="01-03-2026"),
                 booking(Beløb=" 2,50 kr. ", Dato="2026-03-02"),
                 booking(Beløb=3, Dato=dt.datetime(2026, 3, 3, 14, 0)),
                 booking(Konto=2210, Omkostningssted=1001.0))
    assert rows_of(result, "ITB001") == []


def test_unreadable_booking_does_not_count_toward_its_line():
    result = run(booking(Beløb="12,345"), booking(Beløb=900, Dato="garbage"), booking(Beløb=1000))
    st = line(result, "1001", "2210")
    assert st["booked"] == 100000
    assert rows_of(result, "ITB006") == []
