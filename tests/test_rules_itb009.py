"""ITB009: an invoice booking carries an EAN, and any EAN has a valid GS1 check digit."""

import pytest
from conftest import EAN_H1, booking
from ruletools import hits, rows_of, run


def test_invoice_with_own_valid_ean_passes():
    assert rows_of(run(booking(Fakturanr="F1", EAN=EAN_H1)), "ITB009") == []


def test_ean_from_a_number_cell_passes():
    assert rows_of(run(booking(Fakturanr="F1", EAN=float(EAN_H1))), "ITB009") == []


def test_missing_ean_on_invoice_booking():
    found = hits(run(booking(), booking(Fakturanr="F1", EAN="")), "ITB009")
    assert [(r, s) for r, s, _ in found] == [(3, "error")]
    assert "EAN mangler på en fakturabogføring" in found[0][2]
    assert "Kontakt Karen Ø, Økonomistaben" in found[0][2]


def test_no_invoice_no_ean_is_fine():
    assert rows_of(run(booking(Fakturanr="", EAN="")), "ITB009") == []


@pytest.mark.parametrize("bad", [
    EAN_H1[:-1] + str((int(EAN_H1[-1]) + 1) % 10),  # wrong check digit
    EAN_H1[:-1],                                     # 12 digits
    EAN_H1 + "0",                                    # 14 digits
    "57980004166O4",                                 # letter O for zero
    "4006381333931"[:-1] + "2",
])
def test_bad_check_digit_or_length(bad):
    for invoice in ("F1", ""):  # a wrong EAN is wrong on any booking
        found = hits(run(booking(Fakturanr=invoice, EAN=bad)), "ITB009")
        assert len(found) == 1, (bad, invoice)
        assert f"EAN '{bad}' er ikke et gyldigt EAN-nummer" in found[0][2]


def test_invalid_ean_is_not_also_itb010():
    result = run(booking(Fakturanr="F1", EAN="5798000416605"))
    assert rows_of(result, "ITB009") == [2]
    assert rows_of(result, "ITB010") == []
