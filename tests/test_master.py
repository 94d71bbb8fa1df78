"""Master data: broken stamdata is reported precisely (sheet, row, Danish message) and stops the run."""

import subprocess
import sys

import pytest
from conftest import EAN_H1, small_master_sheets, write_workbook

from itbudget.errors import MasterDataError
from itbudget.master import load_master, master_from_rows


def problems(**overrides):
    with pytest.raises(MasterDataError) as info:
        master_from_rows(small_master_sheets(**overrides))
    return info.value.findings


def one(**overrides):
    found = problems(**overrides)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def sheet(name):
    return [r[:] for r in small_master_sheets()[name]]


def test_small_master_loads():
    m = master_from_rows(small_master_sheets())
    assert m.year == 2026 and m.settings.savings_target == 400000000
    assert [h.id for h in m.holders] == ["H1", "H2"] and m.holder_by_id["H1"].seats == 12
    assert m.account_by_id["2310"].central_line == "TEL"
    assert m.account_by_id["2250"].requires_project and m.account_by_id["2220"].on_overrun == "advar"
    assert m.central_line_by_id["DRIFT"].per_workstation
    assert m.budget_by_line[("1001", "2210")].budget == 100000
    assert m.project_by_id["P2"].approved_on is None


def test_duplicate_holder_id():
    rows = sheet("Aftaleholdere") + [["H1", "Dublet", 1, 0, ""]]
    p = one(Aftaleholdere=rows)
    assert (p.sheet, p.row) == ("Aftaleholdere", 4)
    assert "Aftaleholder 'H1' findes allerede i række 2" in p.message


def test_duplicate_cost_centre_and_account():
    ccs = sheet("Omkostningssteder") + [["1001", "Igen", "H1"]]
    acc = sheet("Kontoplan") + [["2210", "Igen", "Hardware", "decentral", "", "nej", "stop", ""]]
    found = problems(Omkostningssteder=ccs, Kontoplan=acc)
    assert {(p.sheet, p.row) for p in found} == {("Omkostningssteder", 5), ("Kontoplan", 7)}


def test_cost_centre_pointing_at_unknown_holder():
    rows = sheet("Omkostningssteder") + [["3001", "Ukendt", "H9"]]
    p = one(Omkostningssteder=rows)
    assert (p.sheet, p.row) == ("Omkostningssteder", 5)
    assert "omkostningssted 3001 peger på aftaleholder 'H9'" in p.message
    assert "som ikke findes i 'Aftaleholdere'" in p.message


def test_account_naming_unknown_central_line():
    rows = sheet("Kontoplan") + [["2399", "Ny central", "Drift", "central", "NOPE", "nej", "stop", ""]]
    p = one(Kontoplan=rows)
    assert (p.sheet, p.row) == ("Kontoplan", 7)
    assert "central budgetlinje 'NOPE', som ikke findes i 'Centrale budgetter'" in p.message


def test_central_account_without_line():
    rows = sheet("Kontoplan") + [["2399", "Ny central", "Drift", "central", "", "nej", "stop", ""]]
    p = one(Kontoplan=rows)
    assert p.row == 7 and "ingen 'Central budgetlinje'" in p.message


@pytest.mark.parametrize("bad", [EAN_H1[:-1] + "5", EAN_H1[:-1], "57980004166O4"])
def test_bad_ean(bad):
    rows = sheet("EAN") + [[bad, "H1"]]
    p = one(EAN=rows)
    assert (p.sheet, p.row) == ("EAN", 4)
    assert f"EAN '{bad}' er ikke et gyldigt 13-cifret EAN-nummer" in p.message


def test_ean_of_unknown_holder():
    rows = sheet("EAN") + [["5798000099999", "H7"]]
    p = one(EAN=rows)
    assert p.row == 4 and "'H7'" in p.message


@pytest.mark.parametrize("missing", ["Indstillinger", "Aftaleholdere", "Omkostningssteder", "EAN",
                                     "Kontoplan", "Budget"])
def test_missing_sheet(missing):
    sheets = small_master_sheets()
    del sheets[missing]
    with pytest.raises(MasterDataError) as info:
        master_from_rows(sheets)
    assert [(p.sheet, p.message) for p in info.value.findings] == [
        (missing, f"arket '{missing}' mangler i stamdata.")]


def test_missing_required_column():
    rows = [["Konto", "Navn"], ["2210", "Hardware"]]
    p = one(Kontoplan=rows)
    assert p.sheet == "Kontoplan" and "Finansiering" in p.message


@pytest.mark.parametrize("col, value", [(5, "måske"), (5, "yes please")])
def test_bad_yes_no_in_kontoplan(col, value):
    rows = sheet("Kontoplan")
    rows[2][col] = value
    p = one(Kontoplan=rows)
    assert (p.sheet, p.row) == ("Kontoplan", 3)
    assert f"Kræver projektskema skal være 'ja' eller 'nej', ikke '{value}'" in p.message


def test_bad_yes_no_in_central_lines():
    rows = sheet("Centrale budgetter")
    rows[1][3] = "jo"
    p = one(**{"Centrale budgetter": rows})
    assert (p.sheet, p.row) == ("Centrale budgetter", 2) and "'ja' eller 'nej'" in p.message


def test_bad_financing_and_overrun():
    rows = sheet("Kontoplan")
    rows[1][3] = "lokal"
    rows[2][6] = "ignorer"
    found = problems(Kontoplan=rows)
    assert [(p.row, ("'decentral' eller 'central'" in p.message), ("'stop' eller 'advar'" in p.message))
            for p in found] == [(2, True, False), (3, False, True)]


def test_budget_line_problems():
    rows = sheet("Budget") + [["1001", "2210", 5], ["9999", "2210", 5], ["1001", "4410", 5],
                              ["1001", "2310", 5], ["1002", "2210", "mange"]]
    found = problems(Budget=rows)
    by_row = {p.row: p.message for p in found}
    assert set(by_row) == {6, 7, 8, 9, 10}
    assert "1001/2210 findes allerede i række 2" in by_row[6]
    assert "'9999' findes ikke" in by_row[7]
    assert "'4410' findes ikke i 'Kontoplan'" in by_row[8]
    assert "centralt finansieret" in by_row[9]
    assert "Budget 'mange' er ikke et beløb" in by_row[10]
    assert all(p.sheet == "Budget" for p in found)


def test_budget_year_missing_or_wrong():
    p = one(Indstillinger=[["Nøgle", "Værdi"], ["Kommune", "X"]])
    assert p.sheet == "Indstillinger" and "'Budgetår' mangler" in p.message
    p = one(Indstillinger=[["Nøgle", "Værdi"], ["Budgetår", "tyve"]])
    assert (p.sheet, p.row) == ("Indstillinger", 2) and "skal være et årstal" in p.message


def test_project_form_problems():
    rows = sheet("Projektskemaer") + [["P3", "X", "H9", "mange", "01-13-2026", None, None]]
    found = problems(Projektskemaer=rows)
    assert {p.row for p in found} == {4} and len(found) == 3
    text = " ".join(p.message for p in found)
    assert "'H9'" in text and "Godkendt beløb 'mange'" in text and "Godkendt IT '01-13-2026'" in text


def test_every_problem_is_reported_at_once():
    found = problems(Aftaleholdere=sheet("Aftaleholdere") + [["H1", "x", 1, 1, ""]],
                     EAN=sheet("EAN") + [["123", "H1"]],
                     Omkostningssteder=sheet("Omkostningssteder") + [["3001", "x", "H9"]])
    assert {p.sheet for p in found} == {"Aftaleholdere", "EAN", "Omkostningssteder"}


def test_workbook_rows_are_excel_rows(tmp_path):
    sheets = small_master_sheets()
    sheets["Omkostningssteder"] = sheets["Omkostningssteder"] + [["3001", "Ukendt", "H9"]]
    path = write_workbook(tmp_path / "stamdata.xlsx", sheets)
    with pytest.raises(MasterDataError) as info:
        load_master(path)
    (p,) = info.value.findings
    assert (p.file, p.sheet, p.row) == ("stamdata.xlsx", "Omkostningssteder", 5)
    assert str(p).startswith("stamdata.xlsx, ark 'Omkostningssteder', række 5: ")


def _validate_cli(tmp_path, sheets):
    master = write_workbook(tmp_path / "stamdata.xlsx", sheets)
    bookings = tmp_path / "b.csv"
    bookings.write_text("Dato;Omkostningssted;Konto;Beløb\n01-03-2026;1001;2210;100,00\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "itbudget.cli", "validate", str(bookings),
                           "--master", str(master), "--format", "json"],
                          capture_output=True, text=True, timeout=120)


def test_validate_with_broken_master_exits_2(tmp_path):
    sheets = small_master_sheets()
    sheets["Aftaleholdere"] = sheets["Aftaleholdere"] + [["H2", "Dublet", 1, 0, ""]]
    sheets["Kontoplan"] = sheets["Kontoplan"] + [["2399", "X", "Drift", "central", "NOPE", "nej", "stop", ""]]
    proc = _validate_cli(tmp_path, sheets)
    assert proc.returncode == 2
    assert proc.stdout == ""  # a wrong master must never produce a validation
    assert "Traceback" not in proc.stderr
    assert "Stamdata kan ikke bruges (2 fejl)" in proc.stderr
    assert ("stamdata.xlsx, ark 'Aftaleholdere', række 4: Aftaleholder 'H2' findes allerede i række 3"
            in proc.stderr)
    assert "stamdata.xlsx, ark 'Kontoplan', række 7: konto 2399 peger på central budgetlinje 'NOPE'" in proc.stderr


def test_validate_with_missing_master_sheet_exits_2(tmp_path):
    sheets = small_master_sheets()
    del sheets["Budget"]
    proc = _validate_cli(tmp_path, sheets)
    assert proc.returncode == 2 and proc.stdout == "" and "Traceback" not in proc.stderr
    assert "stamdata.xlsx, ark 'Budget': arket 'Budget' mangler i stamdata." in proc.stderr
