"""Structure of the workbooks built by workbook_templates, checked with openpyxl."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import openpyxl
import pytest

from conftest import small_master_sheets
from itbudget.bookings import BOOKING_HEADERS
from itbudget.master import TEMPLATE_VERSION, load_master, master_from_rows
from workbook_templates import holder_workbook as hw
from workbook_templates.project_form import write_project_form
from workbook_templates.stamdata import MASTER_COLUMNS, write_blank_master, write_master_workbook


def same_master(a, b) -> bool:
    return all(getattr(a, f.name) == getattr(b, f.name)
               for f in dataclasses.fields(a) if f.name != "source")


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "itbudget.cli", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def master():
    return master_from_rows(small_master_sheets())


@pytest.fixture
def issued(tmp_path, master):
    return hw.issue_workbooks(master, tmp_path / "ud", master_date="01-12-2025")


# ----------------------------------------------------------------- stamdata

def test_master_workbook_round_trips_rows_and_masterdata(tmp_path, master):
    a = write_master_workbook(small_master_sheets(), tmp_path / "a.xlsx")
    b = write_master_workbook(master, tmp_path / "b.xlsx")
    assert same_master(load_master(a), master)
    assert same_master(load_master(b), master)


def test_master_workbook_round_trips_odd_amounts_and_commitments(tmp_path):
    sheets = small_master_sheets(Budget=[["Omkostningssted", "Konto", "Budget", "Disponeret"],
                                         ["1001", "2210", "1.234,57", 0.01], ["2001", "2210", 99999999.99, ""]])
    m = master_from_rows(sheets)
    assert same_master(load_master(write_master_workbook(sheets, tmp_path / "s.xlsx")), m)


def test_master_workbook_round_trips_demo(tmp_path):
    demo = pytest.importorskip("itbudget.demo")
    d = demo.build_demo()
    path = write_master_workbook(d.master_sheets, tmp_path / "demo.xlsx")
    assert same_master(load_master(path), d.master())


def test_user_text_is_never_a_formula(tmp_path):
    sheets = small_master_sheets()
    sheets["Aftaleholdere"][1][1] = "=HYPERLINK(\"http://x\")"
    path = write_master_workbook(sheets, tmp_path / "s.xlsx")
    cell = openpyxl.load_workbook(path)["Aftaleholdere"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=")


def test_blank_master_has_every_contract_sheet_with_headers_and_checks(tmp_path):
    wb = openpyxl.load_workbook(write_blank_master(tmp_path / "Stamdata.xlsx"))
    assert wb.sheetnames[0] == "Vejledning"
    guide = " ".join(str(c.value) for row in wb["Vejledning"].iter_rows() for c in row if c.value)
    for sheet, cols in MASTER_COLUMNS.items():
        ws = wb[sheet]
        assert [c.value for c in ws[1]][:len(cols)] == cols
        assert ws.freeze_panes == "A2"
        assert sheet in guide
    lists = {(ws.title, dv.formula1) for ws in wb for dv in ws.data_validations.dataValidation
             if dv.type == "list"}
    assert ("Kontoplan", '"decentral,central"') in lists
    assert ("Kontoplan", '"stop,advar"') in lists
    assert ("Centrale budgetter", '"ja,nej"') in lists
    assert ("Omkostningssteder", "Liste_Aftaleholdere") in lists
    kinds = {(ws.title, dv.type) for ws in wb for dv in ws.data_validations.dataValidation}
    assert ("Projektskemaer", "date") in kinds and ("Aftaleholdere", "whole") in kinds
    assert "OFFSET" in wb.defined_names["Liste_Aftaleholdere"].attr_text


# ----------------------------------------------------------------- holder workbook

def test_holder_file_names_start_with_id_and_are_safe():
    from itbudget.master import Holder

    assert hw.holder_file_name(Holder(id="H02", name="Bakkeskolen")) == "H02 Bakkeskolen.xlsx"
    name = hw.holder_file_name(Holder(id="H/3", name='Skole: "Nord"? <A|B>. '))
    assert name.startswith("H_3 ") and not set('/\\:"?<>|*') & set(name)
    assert not name[:-5].endswith((".", " "))


def test_issue_writes_one_workbook_per_holder_with_its_master_data(issued, master):
    assert [p.name for p in issued] == ["H1 Bakkeskolen.xlsx", "H2 Rådhuset.xlsx"]
    h1 = load_master(issued[0])
    expected = master.for_holder("H1")
    assert h1.scope == "H1" and h1.settings.template_version == TEMPLATE_VERSION
    assert h1.settings.master_date == "01-12-2025"
    for f in ("holders", "cost_centres", "eans", "accounts", "budget_lines", "central_lines",
              "projects", "savings"):
        assert getattr(h1, f) == getattr(expected, f), f
    assert all(c.holder == "H1" for c in h1.cost_centres)


def test_bookings_sheet_structure(issued):
    wb = openpyxl.load_workbook(issued[0])
    assert wb.active.title == "Bogføringer"
    ws = wb["Bogføringer"]
    headers = [c.value for c in ws[1]]
    assert headers[:10] == list(BOOKING_HEADERS)
    assert headers[11:13] == ["Status", "Besked"] and headers[10] is None
    (table,) = ws.tables.values()
    assert table.ref == f"A1:J{hw.LAST_BOOKING_ROW}" and hw.LAST_BOOKING_ROW >= 20001
    assert ws.freeze_panes == "A2"
    # Formats and unlocked input cells are column styles, not 20,000 styled cells.
    assert ws.column_dimensions["B"].number_format == "dd-mm-yyyy"
    assert ws.column_dimensions["E"].number_format == "#,##0.00"
    for col in "ABCDEFGHIJLM":
        assert ws.column_dimensions[col].protection.locked is False, col
    assert ws["A1"].protection.locked and ws.protection.sheet
    assert ws.max_row == 1
    dvs = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    assert dvs["C2:C1048576"].formula1 == "'Omkostningssteder'!$A$2:$A$3"  # only H1's two
    assert dvs["D2:D1048576"].formula1 == "'Kontoplan'!$A$2:$A$6"
    assert dvs["J2:J1048576"].formula1 == "'Projektskemaer'!$A$2:$A$3"
    assert dvs["B2:B1048576"].type == "date" and dvs["E2:E1048576"].type == "decimal"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1


def test_budget_sheet_has_native_formulas_and_overrun_colours(issued):
    wb = openpyxl.load_workbook(issued[0])
    ws = wb["Budget"]
    assert [c.value for c in ws[1]][:len(hw.BUDGET_HEADERS)] == hw.BUDGET_HEADERS
    assert [ws[f"A{r}"].value for r in (2, 3, 4)] == ["1001", "1001", "1001"]
    g2 = ws["G2"].value
    assert g2.startswith("=SUMIFS(") and "'Bogføringer'!$E:$E" in g2 and "Budgetaar" in g2
    assert "XLOOKUP" not in g2
    assert ws["H2"].value == "=E2-F2-G2"
    assert ws["G2"].number_format == "#,##0.00"
    rules = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    assert "$H2<0" in rules and "AND($H2>=0,$H2<0.1*$E2)" in rules
    assert ws.protection.sheet
    assert wb.defined_names["Budgetaar"].attr_text == "'Indstillinger'!$B$3"


def test_master_sheets_are_protected_and_named(issued):
    wb = openpyxl.load_workbook(issued[0])
    for sheet, name in hw.NAMED_RANGES.items():
        assert wb[sheet].protection.sheet, sheet
        assert name in wb.defined_names, name
    assert wb.defined_names["Stamdata_Omkostningssteder"].attr_text == "'Omkostningssteder'!$A$1:$C$3"
    assert wb.defined_names["Stamdata_Budget"].attr_text == "'Budget'!$A$1:$N$4"
    assert wb.defined_names[hw.BOOKINGS_NAME].attr_text.endswith(f"$J${hw.LAST_BOOKING_ROW}")
    settings = {r[0].value: r[1].value for r in wb["Indstillinger"].iter_rows(min_row=2)}
    assert settings["Skabelonversion"] == TEMPLATE_VERSION and settings["Aftaleholder"] == "H1"


def test_xlwings_conf_sheet_points_at_udfs(issued):
    ws = openpyxl.load_workbook(issued[0])["xlwings.conf"]
    assert ws["A1"].value == "UDF Modules" and ws["B1"].value == "udfs"
    assert ws["A2"].value is None  # xlwings reads keys from A1 down; no header row
    assert ws.sheet_state == "hidden"


def test_blank_holder_template_reads_as_a_workbook_with_no_data(tmp_path):
    path = hw.write_blank_holder(tmp_path / "Aftaleholder (skabelon).xlsx")
    wb = openpyxl.load_workbook(path)
    assert {"Bogføringer", "Budget", "Vejledning", "xlwings.conf"} <= set(wb.sheetnames)
    assert [c.value for c in wb["Bogføringer"][1]][:10] == list(BOOKING_HEADERS)


def test_project_form_has_named_inputs_and_protection(tmp_path):
    wb = openpyxl.load_workbook(write_project_form(tmp_path / "Projektskema.xlsx"))
    ws = wb["Projektskema"]
    assert ws.protection.sheet
    for name in ("Projektnr", "Titel", "Aftaleholder", "Beskrivelse", "Ansoegt_beloeb"):
        ((sheet, ref),) = wb.defined_names[name].destinations
        assert sheet == "Projektskema"
        assert ws[ref.replace("$", "")].protection.locked is False, name
    # Approvals are Økonomistaben's, in the master data (issue 15): locked on the form.
    for name in ("Godkendt_IT_dato", "Godkendt_EPO_navn", "Godkendt_Oekonomi_dato", "Godkendt_beloeb"):
        ((sheet, ref),) = wb.defined_names[name].destinations
        assert ws[ref.replace("$", "")].protection.locked is not False, name
    assert ws["A4"].protection.locked


# ----------------------------------------------------------------- commands

def test_templates_command_writes_blank_templates(tmp_path):
    proc = cli("templates", tmp_path / "t")
    assert proc.returncode == 0, proc.stderr
    names = {p.name for p in (tmp_path / "t").iterdir()}
    assert {"Stamdata.xlsx", "Aftaleholder (skabelon).xlsx", "Projektskema.xlsx"} <= names
    assert "Konsolidering (skabelon).xlsx" in names
    assert not [n for n in names if n.startswith(".")]  # no temporary files left


def test_issue_command_and_its_errors(tmp_path):
    stam = write_master_workbook(small_master_sheets(), tmp_path / "Stamdata.xlsx")
    before = stam.read_bytes()
    proc = cli("issue", stam, tmp_path / "ud", "--aftaleholder", "H2")
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in (tmp_path / "ud").iterdir()] == ["H2 Rådhuset.xlsx"]
    assert stam.read_bytes() == before
    bad = cli("issue", stam, tmp_path / "ud", "--aftaleholder", "H9")
    assert bad.returncode == 2 and "H9 findes ikke" in bad.stderr and "Traceback" not in bad.stderr
    again = cli("issue", tmp_path / "ud" / "H2 Rådhuset.xlsx", tmp_path / "ud2")
    assert again.returncode == 2 and "ikke stamdata" in again.stderr
    missing = cli("issue", tmp_path / "nej.xlsx", tmp_path / "ud3")
    assert missing.returncode == 2 and "findes ikke" in missing.stderr


def test_commands_refuse_an_output_folder_that_is_a_file(tmp_path):
    stam = write_master_workbook(small_master_sheets(), tmp_path / "Stamdata.xlsx")
    taken = tmp_path / "ud"
    taken.write_text("en fil")
    for proc in (cli("templates", taken), cli("issue", stam, taken)):
        assert proc.returncode == 2 and "findes og er ikke en mappe" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    assert taken.read_text() == "en fil"


def test_help_is_danish():
    for cmd in ("templates", "issue", "projects"):
        proc = cli(cmd, "--help")
        assert proc.returncode == 0 and "mappe" in proc.stdout.lower(), cmd
        assert "mappen " in proc.stdout, cmd  # the Danish argument help, not just the MAPPE metavar


def test_holder_without_cost_centres_still_gets_a_readable_workbook(tmp_path):
    sheets = small_master_sheets()
    sheets["Aftaleholdere"] = sheets["Aftaleholdere"] + [["H3", "Nyt bibliotek", 0, 0, ""]]
    master = master_from_rows(sheets)
    (path,) = hw.issue_workbooks(master, tmp_path, ["H3"])
    h3 = load_master(path)
    assert h3.scope == "H3" and h3.cost_centres == () and h3.budget_lines == ()
    wb = openpyxl.load_workbook(path)
    lists = {str(dv.sqref) for dv in wb["Bogføringer"].data_validations.dataValidation if dv.type == "list"}
    assert lists == {"D2:D1048576"}  # accounts only: no cost centres, no projects to choose


def test_issue_refuses_holders_that_would_share_a_file_name(tmp_path):
    from itbudget.errors import UnusableInput

    sheets = small_master_sheets()
    sheets["Aftaleholdere"] += [["H/3", "Bibliotek", 0, 0, ""], ["h:3", "bibliotek", 0, 0, ""]]
    master = master_from_rows(sheets)
    with pytest.raises(UnusableInput, match=r"h:3 og H/3 ville få samme filnavn 'h_3 bibliotek.xlsx'"):
        hw.issue_workbooks(master, tmp_path / "ud")
    with pytest.raises(UnusableInput, match="H1 og H1 ville få samme filnavn"):
        hw.issue_workbooks(master, tmp_path / "ud", ["H1", "H1"])
    assert not (tmp_path / "ud").exists()  # refused before anything is written


def test_guides_print_as_text_and_tables_repeat_their_header_row(issued, tmp_path):
    """Speed of issuing is measured in bench/, not here; this checks the print layout."""
    write_blank_master(tmp_path / "stamdata.xlsx")
    for path in (issued[0], tmp_path / "stamdata.xlsx"):
        wb = openpyxl.load_workbook(path)
        assert wb["Vejledning"].print_title_rows is None, path.name
        assert wb["Bogføringer" if path in issued else "Kontoplan"].print_title_rows == "$1:$1", path.name
