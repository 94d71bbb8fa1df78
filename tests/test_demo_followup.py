"""The demo municipality uses the budget through the year and prints the follow-up as of 30 June (issue 17)."""

from __future__ import annotations

import datetime as dt

from itbudget.cli import main
from itbudget.demo import build_demo


def test_the_demo_master_has_a_phasing_a_tillaeg_an_omplacering_and_an_overfoersel():
    m = build_demo().master()
    assert len(m.phasings) == 2 and {p.line.central_line for p in m.phasings} == {"", "TEL"}
    assert {x.kind for x in m.changes} == {"tillæg", "omplacering", "overførsel"}
    moved = [x.amount for x in m.changes if x.kind == "omplacering"]
    assert len(moved) == 2 and sum(moved) == 0
    assert [x.date for x in m.changes if x.kind == "overførsel"] == [dt.date(m.year, 1, 1)]


def test_make_demo_prints_the_follow_up_as_of_30_june(tmp_path, capsys):
    assert main(["demo", str(tmp_path / "demo")]) == 0
    out = capsys.readouterr().out
    section = out.split("== Økonomistaben: budgetopfølgning pr. 30-06-2026", 1)[1].split("\n== ", 1)[0]
    assert "Budgetopfølgning pr. 30-06-2026:" in section and "Fremskrivning" in section
    assert "central TEL" in section and "forventes overskredet" in section
