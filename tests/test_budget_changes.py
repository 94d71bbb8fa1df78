"""Periodisering and Budgetændringer: read, checked row by row, refused in Danish (issue 17)."""

import datetime as dt
import subprocess
import sys
from fractions import Fraction

import pytest
from conftest import small_master_sheets, write_workbook

from itbudget.errors import MasterDataError
from itbudget.master import master_from_rows

PHASING = ["Omkostningssted", "Konto", "Budgetlinje",
           "Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"]
CHANGES = ["Dato", "Omkostningssted", "Konto", "Budgetlinje", "Beløb", "Type", "Reference", "Tekst"]
EVEN = [8.33] * 11 + [8.37]


def load(phasing=(), changes=(), **extra):
    sheets = small_master_sheets(**extra)
    if phasing is not None:
        sheets["Periodisering"] = [PHASING] + [list(r) for r in phasing]
    if changes is not None:
        sheets["Budgetændringer"] = [CHANGES] + [list(r) for r in changes]
    return master_from_rows(sheets)


def problems(**kw):
    with pytest.raises(MasterDataError) as info:
        load(**kw)
    return [(p.sheet, p.row, p.message) for p in info.value.findings]


def test_workbooks_without_the_sheets_stay_valid():
    m = master_from_rows(small_master_sheets())
    assert m.phasings == () and m.changes == ()


def test_a_phasing_and_changes_are_read():
    m = load(phasing=[["1001", "2210", "", *EVEN], ["", "", "TEL", 50, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
             changes=[[dt.date(2026, 3, 1), "1001", "2210", "", 250, "tillæg", "T-1", "Ny printer"],
                      [dt.date(2026, 4, 1), "1001", "2210", "", -100, "Omplacering", "O-1", ""],
                      [dt.date(2026, 4, 1), "2001", "2210", "", "100,00", "omplacering", "O-1", ""],
                      ["01-01-2026", "", "", "DRIFT", 700, "overførsel", "", "Overskud 2025"]])
    p = {x.line.label: x for x in m.phasings}
    assert p["1001/2210"].percents[0] == Fraction(833, 100)
    assert p["central TEL"].cumulative(1) == Fraction(1, 2) and p["central TEL"].cumulative(12) == 1
    assert [(x.line.label, x.amount, x.kind) for x in m.changes] == [
        ("1001/2210", 25000, "tillæg"), ("1001/2210", -10000, "omplacering"),
        ("2001/2210", 10000, "omplacering"), ("central DRIFT", 70000, "overførsel")]
    assert m.changes[3].date == dt.date(2026, 1, 1)


def test_cumulative_share_is_normalised_so_december_is_the_whole_budget():
    m = load(phasing=[["1001", "2210", "", *([8.33] * 11 + [8.36])]])  # 99.99: inside the tolerance
    (p,) = m.phasings
    assert p.cumulative(12) == 1
    assert p.cumulative(1) == Fraction(833, 9999)


def test_months_must_sum_to_100_within_a_hundredth():
    assert load(phasing=[["1001", "2210", "", *([8.33] * 11 + [8.36])]]).phasings  # 99.99
    found = problems(phasing=[["1001", "2210", "", *([8.33] * 11 + [8.35])]])  # 99.98
    assert found == [("Periodisering", 2, "månederne summer til 99,98 %, ikke 100 %.")]


def test_phasing_problems_name_sheet_and_row():
    found = problems(phasing=[
        ["1001", "2210", "", *EVEN],
        ["1001", "2210", "", *EVEN],                      # row 3: twice
        ["1001", "9999", "", *EVEN],                      # row 4: unknown line
        ["1001", "2210", "TEL", *EVEN],                   # row 5: both
        ["", "", "", *EVEN],                              # row 6: neither
        ["", "", "XX", *EVEN],                            # row 7: unknown central line
        ["2001", "2210", "", "otte", *EVEN[1:]],          # row 8: not a per cent
    ])
    assert [(s, r) for s, r, _ in found] == [("Periodisering", r) for r in (3, 4, 5, 6, 7, 8)]
    msgs = [m for _, _, m in found]
    assert msgs[0] == "linjen 1001/2210 er allerede periodiseret i række 2."
    assert msgs[1] == "budgetlinjen 1001/9999 findes ikke i arket 'Budget'."
    assert "ikke begge" in msgs[2] and "både Omkostningssted og Konto" in msgs[3]
    assert msgs[4] == "den centrale budgetlinje 'XX' findes ikke i 'Centrale budgetter'."
    assert msgs[5] == "Jan skal være en procentsats, 0 eller større."


def test_change_problems_name_sheet_and_row():
    found = problems(changes=[
        [dt.date(2025, 12, 31), "1001", "2210", "", 100, "tillæg", "", ""],  # 2: outside the year
        [dt.date(2026, 3, 1), "1001", "2210", "", 100, "bevilling", "", ""],  # 3: unknown type
        [dt.date(2026, 3, 1), "1001", "2210", "TEL", 100, "tillæg", "", ""],  # 4: both
        [dt.date(2026, 3, 1), "", "", "", 100, "tillæg", "", ""],             # 5: neither
        [dt.date(2026, 3, 1), "1001", "2299", "", 100, "tillæg", "", ""],     # 6: unknown line
        [dt.date(2026, 3, 1), "1001", "2210", "", "mange", "tillæg", "", ""],  # 7: amount
        ["", "1001", "2210", "", 100, "tillæg", "", ""],                      # 8: no date
        [dt.date(2026, 3, 1), "1001", "2210", "", 100, "omplacering", "", ""],  # 9: no reference
    ])
    assert [r for _, r, _ in found] == [2, 3, 4, 5, 6, 7, 8, 9]
    msgs = [m for _, _, m in found]
    assert msgs[0] == "datoen 31-12-2025 ligger uden for budgetåret 2026."
    assert msgs[1] == "Type skal være 'tillæg', 'omplacering' eller 'overførsel', ikke 'bevilling'."
    assert msgs[4] == "budgetlinjen 1001/2299 findes ikke i arket 'Budget'."
    assert msgs[5] == "Beløb 'mange' er ikke et beløb i kr. og øre."
    assert msgs[6] == "Dato mangler."
    assert "Reference" in msgs[7]


def test_an_omplacering_that_does_not_net_to_zero_is_refused_naming_its_reference():
    found = problems(changes=[
        [dt.date(2026, 4, 1), "1001", "2210", "", -100, "omplacering", "O-7", ""],
        [dt.date(2026, 4, 1), "2001", "2210", "", 99.99, "omplacering", "O-7", ""],
        [dt.date(2026, 4, 1), "1001", "2220", "", -5, "omplacering", "O-8", ""],
        [dt.date(2026, 4, 2), "", "", "TEL", 5, "omplacering", "O-8", ""],
    ])
    assert found == [("Budgetændringer", 2,
                      "omplaceringen 'O-7' (række 2, 3) summer til -0,01 kr., ikke 0,00 kr.; en "
                      "omplacering flytter budget mellem linjer og skal gå i nul.")]


def test_a_holders_part_need_not_net_to_zero():
    # An issued workbook carries only the holder's side of an omplacering.
    settings = small_master_sheets()["Indstillinger"] + [["Aftaleholder", "H1"]]
    m = load(changes=[[dt.date(2026, 4, 1), "1001", "2210", "", -100, "omplacering", "O-7", ""]],
             Indstillinger=settings)
    assert [x.amount for x in m.changes] == [-10000]


def test_for_holder_keeps_the_holders_lines_only():
    m = load(phasing=[["1001", "2210", "", *EVEN], ["2001", "2210", "", *EVEN]],
             changes=[[dt.date(2026, 4, 1), "1001", "2210", "", -100, "omplacering", "O", ""],
                      [dt.date(2026, 4, 1), "2001", "2210", "", 100, "omplacering", "O", ""]])
    part = m.for_holder("H1")
    assert [p.line.label for p in part.phasings] == ["1001/2210"]
    assert [x.line.label for x in part.changes] == ["1001/2210"]


def test_validate_refuses_bad_changes_with_exit_2(tmp_path):
    sheets = small_master_sheets()
    sheets["Budgetændringer"] = [CHANGES, [dt.date(2026, 4, 1), "1001", "2210", "", 10, "omplacering", "O-1", ""]]
    master = write_workbook(tmp_path / "stamdata.xlsx", sheets)
    csv = tmp_path / "b.csv"
    csv.write_text("Bilag;Dato;Omkostningssted;Konto;Beløb\n1;01-03-2026;1001;2210;10,00\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "itbudget.cli", "validate", str(csv), "--master", str(master)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert "Budgetændringer" in proc.stderr and "række 2" in proc.stderr and "'O-1'" in proc.stderr
    assert "Traceback" not in proc.stderr


def _with_followup():
    return load(phasing=[["1001", "2210", "", *EVEN], ["2001", "2210", "", *EVEN],
                         ["", "", "TEL", 50, 50, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]],
                changes=[[dt.date(2026, 4, 1), "1001", "2210", "", -100.5, "omplacering", "O", "x"],
                         [dt.date(2026, 4, 1), "2001", "2210", "", 100.5, "omplacering", "O", ""],
                         [dt.date(2026, 1, 1), "1001", "2220", "", 40, "overførsel", "", ""]])


def test_the_blank_master_template_has_both_sheets_with_headers_and_drop_downs(tmp_path):
    import openpyxl

    from workbook_templates.stamdata import write_blank_master

    wb = openpyxl.load_workbook(write_blank_master(tmp_path / "s.xlsx"))
    assert [c.value for c in wb["Periodisering"][1]] == PHASING
    assert [c.value for c in wb["Budgetændringer"][1]] == CHANGES
    lists = {dv.formula1 for dv in wb["Budgetændringer"].data_validations.dataValidation}
    assert '"tillæg,omplacering,overførsel"' in lists and "Liste_Omkostningssteder" in lists
    months = [dv for dv in wb["Periodisering"].data_validations.dataValidation if dv.type == "decimal"]
    assert len(months) == 12
    assert master_from_rows({ws.title: [list(r) for r in ws.iter_rows(values_only=True)]
                             for ws in wb.worksheets if ws.title != "Vejledning"} | {
        "Indstillinger": [["Nøgle", "Værdi"], ["Budgetår", 2026]]}).changes == ()


def test_the_master_workbook_round_trips_the_sheets(tmp_path):
    from itbudget.master import load_master
    from workbook_templates.stamdata import write_master_workbook

    m = _with_followup()
    back = load_master(write_master_workbook(m, tmp_path / "s.xlsx"))
    assert back.phasings == m.phasings and back.changes == m.changes


def test_an_issued_workbook_embeds_the_holders_lines_only(tmp_path):
    from itbudget.master import load_master
    from workbook_templates.holder_workbook import write_holder_workbook

    m = _with_followup()
    back = load_master(write_holder_workbook(m, "H1", tmp_path / "h1.xlsx"))
    assert [p.line.label for p in back.phasings] == ["1001/2210"]
    assert [(x.line.label, x.amount) for x in back.changes] == [("1001/2210", -10050), ("1001/2220", 4000)]
