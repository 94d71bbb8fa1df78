"""The finding record's contract: one shape for every problem, loaders return (value, findings).

Every kind of problem (a booking, the master data, a file, an e-invoice, a
project form, a template version) is an :class:`itbudget.findings.Finding`
with a location; the bookings findings frame has exactly the record's fields
as columns; one function maps findings to exit codes.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from conftest import booking, frame_of, small_master_sheets, write_workbook

from itbudget import findings as F
from itbudget.consolidation import OK, SKIPPED, UNREADABLE, Source, consolidate
from itbudget.errors import MasterDataError, TemplateVersionError, UnusableInput
from itbudget.findings import Finding
from itbudget.invoices import check_invoices, read_invoice
from itbudget.master import read_master, read_master_rows
from itbudget.report import finding_lines, import_text
from itbudget.validation import FINDING_COLUMNS, check_template_version, validate


# --------------------------------------------------------------------------- the record

def test_the_frame_columns_are_exactly_the_record_fields(master):
    assert FINDING_COLUMNS == [f.name for f in dataclasses.fields(Finding)]
    found = validate(frame_of(booking(Konto="9999"), booking(Omkostningssted="")), master).findings
    assert list(found.columns) == FINDING_COLUMNS and len(found) >= 2
    assert list(validate(frame_of(booking()), master).findings.columns) == FINDING_COLUMNS


def test_frame_and_records_convert_both_ways(master):
    frame = validate(frame_of(booking(Konto="9999")), master).findings
    recs = list(F.records(frame))
    assert recs[0].rule == "ITB004" and recs[0].file == "test.xlsx" and recs[0].row == 2
    assert recs[0].sheet == "Bogføringer" and recs[0].position == 0
    assert list(F.records(F.to_frame(recs))) == recs
    assert F.to_frame([]).columns.tolist() == FINDING_COLUMNS and len(F.to_frame([])) == 0


def test_a_finding_is_immutable_and_says_where_it_is():
    f = Finding(file="Stamdata.xlsx", sheet="Budget", row=4, rule=F.MASTER_DATA, message="x.")
    with pytest.raises(dataclasses.FrozenInstanceError):
        f.row = 5  # type: ignore[misc]
    assert str(f) == "Stamdata.xlsx, ark 'Budget', række 4: x."
    assert str(dataclasses.replace(f, sheet="", row=0, part="felt Titel")) == "Stamdata.xlsx, felt Titel: x."
    assert str(Finding(rule="FIL", message="kun besked.")) == "kun besked."
    with pytest.raises(TypeError):
        Finding("FIL", "error", "positional")  # type: ignore[misc]


# --------------------------------------------------------------------------- loaders

def test_master_data_loader_returns_the_master_or_located_findings(tmp_path):
    master, found = read_master_rows(small_master_sheets())
    assert master is not None and found == []
    sheets = small_master_sheets()
    sheets["Omkostningssteder"] = sheets["Omkostningssteder"] + [["3001", "Ukendt", "H9"]]
    master, found = read_master(write_workbook(tmp_path / "stamdata.xlsx", sheets))
    assert master is None
    (f,) = found
    assert (f.file, f.sheet, f.row, f.rule, f.severity) == ("stamdata.xlsx", "Omkostningssteder", 5,
                                                            F.MASTER_DATA, "error")
    sheets = small_master_sheets()
    del sheets["Budget"]
    master, found = read_master_rows(sheets, file="s.xlsx")
    assert master is None and [(f.file, f.sheet, f.row) for f in found] == [("s.xlsx", "Budget", 0)]


def test_master_data_error_carries_the_findings_and_exits_unusable(tmp_path):
    sheets = small_master_sheets()
    sheets["Omkostningssteder"] = sheets["Omkostningssteder"] + [["3001", "Ukendt", "H9"]]
    from itbudget.master import load_master

    with pytest.raises(MasterDataError) as info:
        load_master(write_workbook(tmp_path / "stamdata.xlsx", sheets))
    assert [f.row for f in info.value.findings] == [5]
    assert info.value.exit_code == F.EXIT_UNUSABLE
    assert str(info.value.findings[0]) in str(info.value)


def _valid_unregistered_ean() -> str:
    from stdnum import ean as gs1

    body = "579000999999"
    return body + gs1.calc_check_digit(body)


def test_invoice_loader_and_checks_give_findings_on_their_file(tmp_path, master):
    from test_invoices import invoice_xml

    bad = tmp_path / "brudt.xml"
    bad.write_text("<Invoice", encoding="utf-8")
    doc, found = read_invoice(bad)
    assert doc is None and [(f.file, f.rule, f.severity) for f in found] == [("brudt.xml", "ITB014", "error")]
    good = tmp_path / "f.xml"
    good.write_text(invoice_xml(), encoding="utf-8")
    doc, found = read_invoice(good)
    assert doc is not None and found == []
    stray = tmp_path / "fremmed.xml"
    stray.write_text(invoice_xml(endpoint=(_valid_unregistered_ean(), "GLN")), encoding="utf-8")
    report = check_invoices([good, stray, bad], master)
    assert [(f.file, f.rule) for f in report.findings] == [("fremmed.xml", "ITB010"), ("brudt.xml", "ITB014")]
    assert all(isinstance(f, Finding) for f in report.findings)
    assert F.exit_code(report.findings) == 1
    assert F.exit_code(check_invoices([good], master).findings) == 0


def test_project_form_loader_returns_the_form_or_a_located_finding(tmp_path):
    from test_projects import approved, fill_form

    from workbook_templates.project_form import load_project_form, load_project_forms, write_project_form

    blank = write_project_form(tmp_path / "Projektskema.xlsx")
    form, found = load_project_form(blank)
    assert form is None
    (f,) = found
    assert (f.file, f.sheet, f.rule) == ("Projektskema.xlsx", "Projektskema", F.PROJECT_FORM)
    assert "Projektnr mangler" in f.message
    good = fill_form(blank, tmp_path / "p.xlsx", **approved("P7"))
    form, found = load_project_form(good)
    assert form.project.id == "P7" and found == []
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    forms, found = load_project_forms([good, junk])
    assert [x.file for x in forms] == ["p.xlsx"] and [x.file for x in found] == ["junk.xlsx"]
    with pytest.raises(UnusableInput) as info:
        from workbook_templates.project_form import read_project_form
        read_project_form(junk)
    assert str(info.value) == str(found[0]) and info.value.findings == tuple(found)


def test_project_form_conflicts_are_findings(tmp_path, master):
    from test_projects import approved, fill_form

    from itbudget.operations.project_forms import merge_forms
    from workbook_templates.project_form import load_project_form, write_project_form

    blank = write_project_form(tmp_path / "Projektskema.xlsx")
    other = fill_form(blank, tmp_path / "p1.xlsx", **approved("P1", holder="H2"))
    form, _ = load_project_form(other)
    (f,) = merge_forms(master, [form]).conflicts
    assert (f.file, f.part, f.rule, f.severity, f.holder) == ("p1.xlsx", "projekt P1", F.PROJECT_FORM,
                                                             "error", "H2")
    assert f.message.startswith("Projekt P1 (p1.xlsx): aftaleholder H1 i stamdata, H2 i skemaet")
    assert F.exit_code([f]) == 1
    assert merge_forms(master, []).conflicts == []


def test_consolidation_sources_report_files_as_findings(master):
    rows = frame_of(booking(), file="h1.xlsx")
    sources = [Source("h1.xlsx", None, OK, rows=len(rows), frame=rows),
               Source("~$h1.xlsx", None, SKIPPED, "Excels låsefil", kind="anden fil"),
               Source("brudt.xlsx", None, UNREADABLE, "brudt.xlsx: filen er tom.", kind="projektmappe")]
    c = consolidate(sources, master)
    assert [(f.file, f.rule, f.severity) for f in c.problems] == [
        ("~$h1.xlsx", F.FILE, "warning"), ("brudt.xlsx", F.FILE, "error")]
    assert c.exit_code == 1
    assert consolidate(sources[:2], master).exit_code == 0  # a skipped file is not an error


def test_template_version_refusal_carries_its_finding(master):
    newer = dataclasses.replace(master, settings=master.settings.model_copy(update={"template_version": 99}))
    with pytest.raises(TemplateVersionError) as info:
        check_template_version(newer, "h1.xlsx")
    (f,) = info.value.findings
    assert f.rule == F.TEMPLATE and f.message == str(info.value)
    assert info.value.exit_code == F.EXIT_UNUSABLE


# --------------------------------------------------------------------------- exit codes

def test_exit_codes_follow_the_worst_finding(master):
    err = validate(frame_of(booking(Konto="9999")), master).findings
    clean = validate(frame_of(booking()), master).findings
    warning = Finding(rule="ITB011", severity="warning", message="m")
    assert F.exit_code(err) == F.EXIT_FINDINGS == 1
    assert F.exit_code(clean) == F.EXIT_OK == 0
    assert F.exit_code(clean, [warning]) == 0
    assert F.exit_code(clean, [warning], [dataclasses.replace(warning, severity="error")]) == 1
    assert F.exit_code() == 0
    assert UnusableInput("x").exit_code == F.EXIT_UNUSABLE == 2


# --------------------------------------------------------------------------- rendering

def test_import_findings_are_rendered_by_the_report(master):
    frame = F.to_frame([Finding(file="eksport.csv", row=4, rule="ITB003", message="Omkostningssted 9 ..."),
                        Finding(file="b.xlsx", sheet="Ark1", row=7, rule="ITB003", message="m.")])
    assert finding_lines(frame) == ["  eksport.csv, række 4: ITB003 Omkostningssted 9 ...",
                                    "  b.xlsx, ark 'Ark1', række 7: ITB003 m."]

    @dataclasses.dataclass
    class Result:
        export: Path
        workbook: Path
        holder: str
        added: int
        skipped: int
        findings: object

    text = import_text(Result(Path("eksport.csv"), Path("H1.xlsx"), "H1", 1, 2, frame))
    assert text == ("Indlæst 1 bogføring fra eksport.csv i H1.xlsx; 2 fandtes allerede og er sprunget over.\n"
                    "  eksport.csv, række 4: ITB003 Omkostningssted 9 ...\n"
                    "  b.xlsx, ark 'Ark1', række 7: ITB003 m.\n"
                    "2 rækker står på omkostningssteder, der ikke er aftaleholder H1s; kør 'itbudget "
                    "validate H1.xlsx' for alle regler.\n")
    assert import_text(Result(Path("e.csv"), Path("H1.xlsx"), "", 0, 0, F.to_frame([]))) == (
        "Indlæst 0 bogføringer fra e.csv i H1.xlsx; 0 fandtes allerede og er sprunget over.\n")
