"""ITB010: a valid EAN must be registered to the holder who owns the cost centre."""

from conftest import EAN_H1, EAN_H2, booking
from ruletools import hits, rows_of, run

UNREGISTERED = "5798000099999"  # valid check digit, in no holder's EAN sheet


def test_own_ean_passes():
    result = run(booking(Omkostningssted="1001", Fakturanr="F1", EAN=EAN_H1),
                 booking(Omkostningssted="1002", Fakturanr="F2", EAN=EAN_H1),
                 booking(Omkostningssted="2001", Fakturanr="F3", EAN=EAN_H2))
    assert rows_of(result, "ITB010") == []


def test_other_holders_ean():
    found = hits(run(booking(), booking(Omkostningssted="1001", Fakturanr="F1", EAN=EAN_H2)), "ITB010")
    assert [(r, s) for r, s, _ in found] == [(3, "error")]
    msg = found[0][2]
    assert f"EAN {EAN_H2} er registreret til aftaleholder H2" in msg
    assert "omkostningssted 1001 hører til H1 Bakkeskolen" in msg


def test_valid_but_unregistered_ean():
    found = hits(run(booking(Fakturanr="F1", EAN=UNREGISTERED)), "ITB010")
    assert len(found) == 1 and "er ikke registreret i stamdata" in found[0][2]


def test_unknown_cost_centre_is_itb003_not_itb010():
    result = run(booking(Omkostningssted="9999", Fakturanr="F1", EAN=EAN_H1))
    assert rows_of(result, "ITB010") == []
    assert rows_of(result, "ITB003") == [2]


def test_blank_ean_without_invoice_is_fine():
    assert rows_of(run(booking()), "ITB010") == []
