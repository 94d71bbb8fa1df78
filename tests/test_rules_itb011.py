"""ITB011: the same supplier invoice (Leverandør + Fakturanr) booked more than once."""

from conftest import EAN_H1, booking
from ruletools import hits, rows_of, run


def inv(supplier, number, **kw):
    return booking(Leverandør=supplier, Fakturanr=number, EAN=EAN_H1, **kw)


def test_distinct_invoices_pass():
    result = run(inv("Atea A/S", "100"), inv("Atea A/S", "101"), inv("Dustin A/S", "100"))
    assert rows_of(result, "ITB011") == []


def test_every_occurrence_after_the_first_is_flagged():
    result = run(inv("Atea A/S", "100", Bilag="B1"), inv("Dustin A/S", "7"),
                 inv("Atea A/S", "100", Bilag="B2"), inv("Atea A/S", "100", Bilag="B3"))
    found = hits(result, "ITB011")
    assert [(r, s) for r, s, _ in found] == [(4, "warning"), (5, "warning")]
    for _, _, msg in found:
        assert "Faktura 100 fra Atea A/S er allerede bogført i række 2 (bilag B1)" in msg


def test_supplier_compared_without_case():
    result = run(inv("Atea A/S", "100"), inv("ATEA A/S", "100"), inv(" atea a/s ", "100"))
    assert rows_of(result, "ITB011") == [3, 4]


def test_invoice_number_from_a_number_cell_matches_text():
    assert rows_of(run(inv("Atea A/S", "100"), inv("Atea A/S", 100.0)), "ITB011") == [3]


def test_blank_supplier_or_invoice_is_never_a_duplicate():
    result = run(inv("", "100"), inv("", "100"), inv("Atea A/S", ""), inv("Atea A/S", ""),
                 booking(), booking())
    assert rows_of(result, "ITB011") == []


def test_duplicates_are_warnings_and_do_not_fail_the_run():
    result = run(inv("Atea A/S", "100"), inv("Atea A/S", "100"))
    assert result.errors == 0 and result.warnings == 1
