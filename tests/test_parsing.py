"""Parsing amounts (kr. to integer øre), dates and ids in every form the readers accept."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from itbudget.parsing import (MAX_AMOUNT_ORE, clean_ids, format_date, parse_amount, parse_amounts,
                              parse_date, parse_dates)
from itbudget.presentation import format_kr, ore_to_kr_str


@pytest.mark.parametrize("text, ore", [
    ("1.234,50", 123450),
    ("1234,50", 123450),
    ("1234,5", 123450),
    ("-1234,5", -123450),
    ("+12,00", 1200),
    ("1234.50", 123450),
    ("1234.5", 123450),
    ("1234", 123400),
    ("1.234", 123400),           # Danish thousands group, no decimals
    ("1.234.567", 123456700),
    ("1.234.567,89", 123456789),
    ("1 234,50 kr.", 123450),
    ("1 234,50 kr", 123450),
    ("kr. 99,95", 9995),
    ("DKK 100", 10000),
    ("1\u00a0234,50", 123450),   # non-breaking space from Excel's formatting
    ("1.234,50-", -123450),      # trailing minus from finance exports
    ("(1.234,50)", -123450),     # accountants' brackets
    ("0,01", 1),
    ("-0,01", -1),
    ("0", 0),
    ("  42,10  ", 4210),
    ("9.999.999.999,99", 999999999999),
])
def test_danish_amount_text(text, ore):
    assert parse_amount(text) == ore


@pytest.mark.parametrize("value, ore", [
    (1234.5, 123450), (7, 700), (-0.01, -1), (0.1 + 0.2, 30), (1e9, 10**11),
    (19.99, 1999), (-1234567.89, -123456789), (0, 0),
])
def test_amount_numbers(value, ore):
    assert parse_amount(value) == ore


@pytest.mark.parametrize("bad", [
    "12,345", "1,005", "1.234,567", "0,001", "1.2345",  # sub-øre / three decimals
    1.005, 0.001, 12.345,                               # sub-øre number cells
    "abc", "ca. 500", "1,2,3", "12,34,56", "--5,00x", "1.23.4", "",
    None, float("nan"), float("inf"), True,
    "99.999.999.999,99",  # above the cap
])
def test_unreadable_amounts_are_rejected(bad):
    assert parse_amount(bad) is None


def test_cap_is_inclusive():
    assert parse_amount(MAX_AMOUNT_ORE / 100) == MAX_AMOUNT_ORE
    assert parse_amount(MAX_AMOUNT_ORE / 100 + 0.01) is None


def test_vectorised_amounts_keep_positions():
    values = np.array(["1,00", 2.5, None, "x", -3, "4.000"], dtype=object)
    ore, ok = parse_amounts(values)
    assert ok.tolist() == [True, True, False, False, True, True]
    assert ore.tolist() == [100, 250, 0, 0, -300, 400000]
    assert ore.dtype == np.int64


def test_empty_column():
    ore, ok = parse_amounts(np.array([], dtype=object))
    assert len(ore) == 0 and len(ok) == 0
    days, ok = parse_dates(np.array([], dtype=object))
    assert len(days) == 0 and len(ok) == 0


D = dt.date(2026, 3, 1)
SERIAL = (D - dt.date(1899, 12, 30)).days


@pytest.mark.parametrize("value", [
    D, dt.datetime(2026, 3, 1, 23, 59), pd.Timestamp("2026-03-01 08:00"),
    SERIAL, float(SERIAL), SERIAL + 0.75,
    "01-03-2026", "1-3-2026", "01.03.2026", "1.3.2026", "01/03/2026", "1-3-26", "01.03.26",
    "2026-03-01", "2026-3-1", "2026-03-01 12:30", "2026-03-01T12:30:00", "2026-03-01 12:30:00.5",
    "1. marts 2026", "1 marts 2026", "1. mar. 2026", "1. Marts 2026", " 01-03-2026 ",
])
def test_every_date_form(value):
    assert parse_date(value) == D


@pytest.mark.parametrize("text, day", [
    ("29-02-2028", dt.date(2028, 2, 29)), ("31-12-2026", dt.date(2026, 12, 31)),
    ("15. januar 2026", dt.date(2026, 1, 15)), ("3. okt 2026", dt.date(2026, 10, 3)),
    ("9. maj 2026", dt.date(2026, 5, 9)), ("1. december 2026", dt.date(2026, 12, 1)),
])
def test_named_and_leap_dates(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize("bad", [
    "31-02-2026", "29-02-2026", "2026-02-30", "32-01-2026", "00-01-2026", "01-13-2026",
    "2026-13-01", "31. juni 2026", "1. smarts 2026", "i går", "01-03", "2026", "",
    None, 0, -5, float("nan"), 3e7, pd.NaT,
])
def test_impossible_or_unreadable_dates_are_rejected(bad):
    assert parse_date(bad) is None


def test_missing_pandas_date_is_not_a_crash():
    # A date column that went through pandas carries NaT for an empty cell.
    days, ok = parse_dates(np.array([pd.Timestamp("2026-03-01"), pd.NaT], dtype=object))
    assert ok.tolist() == [True, False] and days[0] == np.datetime64("2026-03-01")


def test_vectorised_dates_keep_positions():
    days, ok = parse_dates(np.array(["01-03-2026", None, "31-02-2026", D, SERIAL], dtype=object))
    assert ok.tolist() == [True, False, False, True, True]
    assert np.isnat(days[1]) and np.isnat(days[2])
    assert days[0] == days[3] == days[4] == np.datetime64("2026-03-01")


@pytest.mark.parametrize("ore, text", [
    (0, "0.00"), (1, "0.01"), (-1, "-0.01"), (1000001, "10000.01"), (-123450, "-1234.50"),
    (999999999999, "9999999999.99"),
])
def test_ore_to_kr_str(ore, text):
    assert ore_to_kr_str(ore) == text
    assert parse_amount(text) == ore  # the JSON form reads back exactly


@pytest.mark.parametrize("ore, text", [
    (123456789, "1.234.567,89 kr."), (-5, "-0,05 kr."), (100000, "1.000,00 kr."), (0, "0,00 kr."),
])
def test_format_kr(ore, text):
    assert format_kr(ore) == text
    assert parse_amount(text) == ore


def test_format_date():
    assert format_date(dt.date(2026, 3, 1)) == "01-03-2026"
    assert format_date(np.datetime64("2026-03-01")) == "01-03-2026"
    assert format_date(np.datetime64("NaT")) == "" and format_date(None) == ""


def test_clean_ids():
    out = clean_ids(np.array([1001.0, 1001, " 1001 ", None, float("nan"), "0042", True, 5798000416604.0],
                             dtype=object))
    assert out.tolist() == ["1001", "1001", "1001", "", "", "0042", "ja", "5798000416604"]


def test_dates_in_other_scripts_digits_or_year_zero_are_unreadable_however_many():
    """Once a column of more than 64 text dates read '٣-٣-2026' as NaT and a shorter one as a date."""
    import numpy as np

    from itbudget.parsing import parse_dates

    odd = ["١٢-٣-٢٠٢٦", "３-３-2026", "0000-01-01", "1. okt 0000"]
    for column in (odd, odd + ["01-03-2026"] * 100):
        days, ok = parse_dates(np.array(column, dtype=object))
        assert not ok[:len(odd)].any(), list(zip(column, days))
    assert parse_dates(np.array(["01-03-2026"], dtype=object))[1].all()
