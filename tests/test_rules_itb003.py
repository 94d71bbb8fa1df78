"""ITB003: the cost centre is known (and, in a holder's workbook, the holder's own)."""

from conftest import booking, small_master_sheets
from ruletools import hits, rows_of, run

from itbudget.master import master_from_rows


def test_known_cost_centres_pass():
    assert rows_of(run(booking(Omkostningssted="1001"), booking(Omkostningssted="2001"),
                       booking(Omkostningssted=1002)), "ITB003") == []


def test_unknown_cost_centre():
    found = hits(run(booking(), booking(Omkostningssted="9999")), "ITB003")
    assert [(r, s) for r, s, _ in found] == [(3, "error")]
    assert "'9999'" in found[0][2] and "findes ikke i stamdata" in found[0][2]


def test_blank_cost_centre_is_itb001_only():
    result = run(booking(Omkostningssted=""))
    assert rows_of(result, "ITB003") == []
    assert rows_of(result, "ITB001") == [2]


def test_other_holders_cost_centre_is_unknown_in_a_holders_workbook():
    scoped = master_from_rows(small_master_sheets()).for_holder("H1")
    result = run(booking(Omkostningssted="1001"), booking(Omkostningssted="2001"), master=scoped,
                 central_coverage=False)
    found = hits(result, "ITB003")
    assert [r for r, _, _ in found] == [3]
    assert "aftaleholder H1" in found[0][2]


def test_unknown_cost_centre_gets_no_budget_or_ean_findings():
    result = run(booking(Omkostningssted="9999", Beløb=5000, Fakturanr="F1", EAN="5790001234560"))
    assert rows_of(result, "ITB003") == [2]
    for code in ("ITB005", "ITB006", "ITB010"):
        assert rows_of(result, code) == [], code
