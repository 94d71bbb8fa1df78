"""ITB010: a valid EAN must be registered to the holder who owns the cost centre."""

from conftest import EAN_H1, EAN_H2, booking, small_master_sheets
from ruletools import hits, rows_of, run

from itbudget.master import master_from_rows

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


def test_a_holders_workbook_says_the_ean_is_not_the_holders_own_in_plain_danish():
    # A holder's workbook carries only its own EAN numbers: another holder's looks unknown.
    scoped = master_from_rows(small_master_sheets()).for_holder("H1")
    (_, _, msg), = hits(run(booking(Fakturanr="F1", EAN=EAN_H2), master=scoped), "ITB010")
    assert msg.startswith(f"EAN {EAN_H2} tilhører ikke aftaleholder H1 (det er en anden aftaleholders "
                          "EAN-nummer eller ukendt), men omkostningssted 1001 hører til H1 Bakkeskolen.")
    assert msg.count(" men ") == 1
