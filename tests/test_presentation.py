"""The presentation edge: one spelling of kr., counts and severities in Danish."""

import pytest

from itbudget.presentation import (format_kr, invoice_status_word, kr, kr_cell, kr_float, noun,
                                   ore_to_kr_str, plural, severity_word, shown_text,
                                   source_status_word, thousands)


@pytest.mark.parametrize("n, text", [(0, "0"), (999, "999"), (1000, "1.000"), (200000, "200.000"),
                                     (1234567890, "1.234.567.890"), (-1500, "-1.500")])
def test_thousands_uses_danish_separators(n, text):
    assert thousands(n) == text


def test_format_kr_with_and_without_unit():
    assert format_kr(123456789) == "1.234.567,89 kr."
    assert format_kr(-5, unit=False) == "-0,05"
    assert kr(None, missing="-") == "-"
    assert kr(100) == "1,00 kr."


def test_json_decimal_string_has_a_point_and_two_decimals():
    assert ore_to_kr_str(-123450) == "-1234.50"
    assert ore_to_kr_str(5) == "0.05"


@pytest.mark.parametrize("ore, value", [(0, 0), (1200, 12), (-1200, -12), (1250, 12.5),
                                        (-1, -0.01), (123456789, 1234567.89)])
def test_cell_value_is_whole_when_it_can_be(ore, value):
    got = kr_cell(ore)
    assert got == value
    assert isinstance(got, int) == (ore % 100 == 0)


@pytest.mark.parametrize("ore", [1, 7, 10, 99, 12345, -987654321, 999_999_999_999])
def test_float_is_the_nearest_float_to_the_decimal(ore):
    got = kr_float(ore)
    assert isinstance(got, float)
    assert got == round(ore / 100, 2) == float(ore_to_kr_str(ore))


def test_severity_words():
    assert severity_word("error") == "Fejl"
    assert severity_word("warning") == "Advarsel"
    assert severity_word("warning", capital=False) == "advarsel"
    assert severity_word("warning", plural=True) == "Advarsler"
    assert severity_word("error", capital=False, plural=True) == "fejl"
    assert severity_word("Info") == "Info" and severity_word("Info", capital=False) == "info"


def test_status_words():
    assert [invoice_status_word(s) for s in ("ok", "warning", "error")] == ["OK", "Advarsel", "Fejl"]
    assert [source_status_word(s) for s in ("ok", "skipped", "unreadable")] == [
        "læst", "sprunget over", "kan ikke bruges"]


def test_counts_agree_with_their_noun():
    assert plural(1, "advarsel") == "1 advarsel"
    assert plural(2, "advarsel") == "2 advarsler"
    assert plural(3, "fejl") == "3 fejl"
    assert noun(1, "række") == "række" and noun(0, "række") == "rækker"


def test_no_other_module_spells_kr_or_severity_words():
    """The kr. notation and the severity words live in itbudget.presentation only."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    spelled = re.compile(r':,\}.*replace\(",", "\."\)|\{"error": "Fejl"|"warning": "Advarsel"')
    offenders = [str(p.relative_to(root)) for d in ("itbudget", "workbook_templates", "udfs", "addin")
                 for p in (root / d).rglob("*.py")
                 if p.name != "presentation.py" and spelled.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


@pytest.mark.parametrize("raw, shown", [
    ("Beløb\nDKK", "Beløb\\x0aDKK"), ("a\r\nb\tc", "a\\x0d\\x0ab\\x09c"),
    ("\x1b[31mrød\x07", "\\x1b[31mrød\\x07"), ("x\x7fy\x9bz", "x\\x7fy\\x9bz"),
    ("Æblegård – 1.234,50 kr.", "Æblegård – 1.234,50 kr."), ("", "")])
def test_text_from_a_file_is_quoted_on_one_line_without_control_characters(raw, shown):
    assert shown_text(raw) == shown
    assert shown_text(raw).isprintable() or not raw
