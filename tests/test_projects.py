"""Project forms: the blank form, reading filled forms, ``itbudget projects``."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import openpyxl
import pytest

from conftest import small_master_sheets
from itbudget.errors import UnusableInput
from itbudget.master import load_master
from workbook_templates.project_form import read_project_form, write_project_form
from workbook_templates.stamdata import write_master_workbook

D = dt.date


def cli(*args):
    return subprocess.run([sys.executable, "-m", "itbudget.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def fill_form(blank, target, **values):
    """Fill the named cells of a blank form like a user would, and save under a new name."""
    wb = openpyxl.load_workbook(blank)
    for name, value in values.items():
        ((sheet, ref),) = wb.defined_names[name].destinations
        wb[sheet][ref.replace("$", "")] = value
    wb.save(target)
    return target


@pytest.fixture
def blank(tmp_path):
    return write_project_form(tmp_path / "Projektskema.xlsx")


def approved(pid, holder="H1", amount=5000, it=D(2026, 1, 10), epo=D(2026, 1, 12), oek=D(2026, 1, 15),
             **extra):
    values = dict(Projektnr=pid, Titel=f"Projekt {pid}", Aftaleholder=holder, Ansoegt_beloeb=amount,
                  Godkendt_IT_dato=it, Godkendt_EPO_dato=epo, Godkendt_Oekonomi_dato=oek,
                  Godkendt_IT_navn="Ida IT")
    values.update(extra)
    return {k: v for k, v in values.items() if v is not None}


def test_read_filled_form(blank, tmp_path):
    path = fill_form(blank, tmp_path / "p.xlsx", **approved("P7", amount="12.345,50",
                                                             Beskrivelse="Nye tablets"))
    form = read_project_form(path)
    p = form.project
    assert (p.id, p.holder, p.approved_amount) == ("P7", "H1", 1234550)
    # Approvals are never taken from the applicant's form (issue 15 point 10).
    assert (p.approved_it, p.approved_epo, p.approved_finance) == (None, None, None)
    assert form.description == "Nye tablets" and form.approver_names == {} and form.ignored_approvals


def test_a_self_filled_approved_amount_is_not_taken(blank, tmp_path):
    path = fill_form(blank, tmp_path / "p.xlsx", **approved("P7", amount=9000, Godkendt_beloeb=7000))
    form = read_project_form(path)
    assert form.project.approved_amount == 900000 and form.applied_amount == 900000


def test_form_without_names_is_read_by_its_labels(blank, tmp_path):
    path = fill_form(blank, tmp_path / "p.xlsx", **approved("P8"))
    wb = openpyxl.load_workbook(path)
    for name in list(wb.defined_names):
        del wb.defined_names[name]
    wb.save(path)
    assert read_project_form(path).project.id == "P8"


def test_bad_forms_get_danish_messages(blank, tmp_path):
    with pytest.raises(UnusableInput, match=r"Projektskema.xlsx.*Projektnr mangler.*Aftaleholder mangler"):
        read_project_form(blank)
    bad = fill_form(blank, tmp_path / "dato.xlsx", **approved("P9", it="i morgen", amount="mange"))
    with pytest.raises(UnusableInput, match=r"dato.xlsx.*Ansøgt beløb 'mange'"):
        read_project_form(bad)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    with pytest.raises(UnusableInput, match="junk.xlsx"):
        read_project_form(junk)


@pytest.fixture
def folder(tmp_path, blank):
    """Master has P1 (fully approved, 5.000 kr.) and P2 (EPO missing)."""
    stam = write_master_workbook(small_master_sheets(), tmp_path / "Stamdata.xlsx")
    forms = tmp_path / "skemaer"
    forms.mkdir()
    return stam, forms


def test_projects_adds_updates_and_reports_conflicts(folder, blank):
    stam, forms = folder
    before = stam.read_bytes()
    fill_form(blank, forms / "ny.xlsx", **approved("P3", amount=2500.5))
    fill_form(blank, forms / "p2.xlsx", **approved("P2", epo=D(2026, 1, 20)))
    fill_form(blank, forms / "p1.xlsx", **approved("P1", amount=6000))
    fill_form(blank, forms / "fremmed.xlsx", **approved("P4", holder="H9"))
    (forms / "~$ny.xlsx").write_bytes(b"lock")
    (forms / "tom.xlsx").write_bytes(b"")
    proc = cli("projects", forms, "--master", stam)
    assert proc.returncode == 1, proc.stderr
    out = stam.with_name("Stamdata (opdateret).xlsx")
    assert "Tilføjet: projekt P3" in proc.stdout
    assert "Opdateret: projekt P2" in proc.stdout and "Godkendt EPO 20-01-2026" not in proc.stdout
    assert "Godkendelser og godkendt beløb i" in proc.stdout
    assert "Projekt P1 (p1.xlsx): godkendt beløb 5.000,00 kr. i stamdata, 6.000,00 kr. i skemaet" in proc.stdout
    assert "aftaleholder 'H9' findes ikke" in proc.stdout
    assert "tom.xlsx" in proc.stdout and "~$" not in proc.stdout
    assert stam.read_bytes() == before
    m = load_master(out)
    p = m.project_by_id
    assert p["P3"].approved_amount == 250050 and p["P3"].approved_finance is None
    assert p["P2"].approved_epo is None  # the form's self-filled approval is not taken
    assert p["P1"].approved_amount == 500000  # conflicts are not applied
    assert "P4" not in p
    ws = openpyxl.load_workbook(out)["Projektskemaer"]
    (table,) = ws.tables.values()
    assert table.ref == "A1:G4"  # the table grew over the appended row


def test_projects_clean_run_and_disagreeing_forms(folder, blank, tmp_path):
    stam, forms = folder
    fill_form(blank, forms / "a.xlsx", **approved("P5"))
    fill_form(blank, forms / "b.xlsx", **approved("P5"))  # the same form twice agrees
    proc = cli("projects", forms, "--master", stam, "-o", tmp_path / "ud.xlsx")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "P5" in load_master(tmp_path / "ud.xlsx").project_by_id
    fill_form(blank, forms / "c.xlsx", **approved("P5", amount=1))
    proc = cli("projects", forms, "--master", stam, "-o", tmp_path / "ud2.xlsx")
    assert proc.returncode == 1 and "er uenige" in proc.stdout
    assert "P5" not in load_master(tmp_path / "ud2.xlsx").project_by_id


def test_projects_refuses_unusable_input(folder, tmp_path):
    stam, forms = folder
    empty = cli("projects", forms, "--master", stam)
    assert empty.returncode == 2 and "ingen projektskemaer" in empty.stderr
    (forms / "x.xlsx").write_bytes(b"")
    same = cli("projects", forms, "--master", stam, "-o", stam)
    assert same.returncode == 2 and "må ikke være selve stamdata" in same.stderr
    nodir = cli("projects", tmp_path / "findes-ikke", "--master", stam)
    assert nodir.returncode == 2 and "er ikke en mappe" in nodir.stderr
    for proc in (empty, same, nodir):
        assert "Traceback" not in proc.stderr


def test_the_approvers_section_is_locked_and_epo_is_explained(blank):
    wb = openpyxl.load_workbook(blank)
    ws = wb["Projektskema"]
    assert ws.protection.sheet
    for ref in ("B12", "B15", "C15", "B16", "C16", "B17", "C17"):
        assert ws[ref].protection.locked, ref
    assert not ws["B4"].protection.locked
    texts = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    assert "EPO er kommunens udviklings- og organisationsstab" in texts


def test_a_self_approved_form_is_imported_unapproved(folder, blank, tmp_path):
    stam, forms = folder
    fill_form(blank, forms / "selv.xlsx", **approved("P6", Godkendt_beloeb=1))
    proc = cli("projects", forms, "--master", stam, "-o", tmp_path / "ud.xlsx")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    p = load_master(tmp_path / "ud.xlsx").project_by_id["P6"]
    assert (p.approved_it, p.approved_epo, p.approved_finance, p.approved_on) == (None, None, None, None)
    assert p.approved_amount == 500000
