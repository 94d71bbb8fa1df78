"""Issue 15 points 7, 8, 9 and 11: wrong or misleading messages, negative approvals, Danish."""

from __future__ import annotations

import json
import re

import pytest

from conftest import EAN_H2, booking, frame_of, small_master_sheets, write_workbook
from test_consolidation_trust import assert_no_floats
from itbudget.bookings import BOOKING_HEADERS
from itbudget.cli import build_parser, command_names, main
from itbudget.errors import MasterDataError
from itbudget.master import master_from_rows
from itbudget.presentation import plural
from itbudget.validation import validate

ENGLISH = re.compile(r"\b(usage|options|optional arguments|positional arguments|invalid choice|"
                     r"the following arguments are required|show this help message|error:|"
                     r"unrecognized arguments|expected one argument)\b")


# --------------------------------------------------------------------------- point 7

def test_ean_of_another_holder_in_a_holders_workbook_is_not_called_unregistered(master):
    scoped = master.for_holder("H1")
    f = validate(frame_of(booking(EAN=EAN_H2, Fakturanr="F1")), scoped, central_coverage=False).findings
    msg = f[f["rule"] == "ITB010"]["message"].iat[0]
    assert "ikke registreret i stamdata" not in msg
    assert "tilhører ikke aftaleholder H1 (det er en anden aftaleholders EAN-nummer eller ukendt)" in msg


def test_validate_of_a_folder_says_it_is_a_folder(tmp_path, capsys):
    assert main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "er en mappe" in err and "filtypen" not in err


def test_validate_of_a_lock_file_says_it_is_a_lock_file(tmp_path, capsys):
    lock = tmp_path / "~$H1.xlsx"
    lock.write_bytes(b"\x00" * 165)
    assert main(["validate", str(lock)]) == 2
    err = capsys.readouterr().err
    assert "låsefil" in err and "beskadiget" not in err


def test_validate_refuses_a_holder_workbook_as_master_data(tmp_path, capsys):
    from workbook_templates.holder_workbook import issue_workbooks

    (h1, _) = issue_workbooks(master_from_rows(small_master_sheets()), tmp_path / "ud")
    books = write_workbook(tmp_path / "b.xlsx", {"Bogføringer": [list(BOOKING_HEADERS), booking()]})
    assert main(["validate", str(books), "--master", str(h1)]) == 2
    err = capsys.readouterr().err
    assert "er en aftaleholders projektmappe" in err and "ikke de fulde stamdata" in err


# --------------------------------------------------------------------------- point 8

def test_a_negative_approved_project_amount_is_refused_with_sheet_and_row():
    sheets = small_master_sheets()
    sheets["Projektskemaer"][1][3] = -1000
    with pytest.raises(MasterDataError) as exc:
        master_from_rows(sheets)
    text = str(exc.value)
    assert "Projektskemaer" in text and "række 2" in text and "negativt" in text


# --------------------------------------------------------------------------- point 9

def test_validate_json_amounts_are_strings(tmp_path, master_file, capsys):
    books = write_workbook(tmp_path / "b.xlsx", {"Bogføringer": [list(BOOKING_HEADERS), booking(Beløb=0.1)]})
    main(["validate", str(books), "--master", str(master_file), "--format", "json"])
    data = json.loads(capsys.readouterr().out)

    assert_no_floats(data)
    assert data["lines"][0]["booked"] == "0.10"


# --------------------------------------------------------------------------- point 11

@pytest.mark.parametrize("n,noun,expected", [
    (1, "advarsel", "1 advarsel"), (2, "advarsel", "2 advarsler"), (1, "projektmappe", "1 projektmappe"),
    (1, "faktura", "1 faktura"), (3, "faktura", "3 fakturaer"), (1, "bogføring", "1 bogføring"),
    (0, "bogføring", "0 bogføringer"), (1, "fejl", "1 fejl"), (2, "fejl", "2 fejl")])
def test_plural_agreement(n, noun, expected):
    assert plural(n, noun) == expected


def test_one_warning_is_singular_in_the_validate_text(master):
    from itbudget.report import validation_text

    rows = [booking(Leverandør="A", Fakturanr="1", EAN="5798000416604"),
            booking(Leverandør="A", Fakturanr="1", EAN="5798000416604")]
    text = validation_text(validate(frame_of(*rows), master))
    assert "2 bogføringer læst; 0 fejl og 1 advarsel." in text
    assert "1 advarsler" not in text


def test_issue_says_one_workbook_in_the_singular(tmp_path, master_file, capsys):
    assert main(["issue", str(master_file), str(tmp_path / "ud"), "--aftaleholder", "H1"]) == 0
    assert "1 projektmappe udsendt" in capsys.readouterr().out


def test_the_issued_workbook_says_dato_for_stamdata(tmp_path, master):
    import openpyxl

    from workbook_templates.holder_workbook import issue_workbooks

    (h1, _) = issue_workbooks(master, tmp_path / "ud", master_date="01-01-2026")
    keys = [r[0] for r in openpyxl.load_workbook(h1)["Indstillinger"].iter_rows(values_only=True)]
    assert "Dato for stamdata" in keys and "Stamdata dato" not in keys


def test_demo_words():
    from itbudget.demo.data import PROJECTS

    titles = [p.title for p in PROJECTS]
    assert "KMD Opus: nyt lønmodul" in titles and not any("ny lønmodul" in t for t in titles)


def test_consolidation_sheets_say_alvorlighed_and_realiseret(master, tmp_path):
    import openpyxl

    from itbudget.consolidation import OK, Source, consolidate
    from workbook_templates.consolidation import write_consolidation

    frame = frame_of(booking(Beløb="x"), file="b.xlsx")
    c = consolidate([Source("b.xlsx", None, OK, rows=1, frame=frame)], master)
    wb = openpyxl.load_workbook(write_consolidation(c, tmp_path / "k.xlsx"))
    words = {str(v) for ws in wb.worksheets for r in ws.iter_rows(values_only=True) for v in r if v}
    assert "Alvorlighed" in words and "Alvor" not in words
    assert not any("Holdt" in w or " holdt" in w for w in words)
    assert any("Realiseret" in w for w in words)


def test_invoice_supplier_hint_is_grammatical():
    import inspect

    from itbudget import invoices

    src = inspect.getsource(invoices)
    assert "Bed leverandøren sende" not in src and "Bed leverandøren om at sende" in src


@pytest.mark.parametrize("command", command_names())
def test_every_commands_help_and_missing_argument_error_are_danish(command, capsys):
    parser = build_parser()
    with pytest.raises(SystemExit):
        parser.parse_args([command, "--help"])
    help_text = capsys.readouterr().out
    assert "brug:" in help_text and not ENGLISH.search(help_text), help_text
    code = None
    try:
        build_parser().parse_args([command, "--ukendt-tilvalg"])
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2 and err and not ENGLISH.search(err), err


def test_invalid_choice_and_top_level_help_are_danish(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["findesikke"])
    err = capsys.readouterr().err
    assert "ugyldigt valg" in err and not ENGLISH.search(err)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["validate"])
    err = capsys.readouterr().err
    assert "mangler" in err and not ENGLISH.search(err)


def test_argparse_is_left_english_outside_the_cli():
    import argparse

    build_parser().format_help()
    assert argparse._("usage: ") == "usage: "


# --------------------------------------------------------------------------- point 5: invoices

def test_invoices_with_bookings_prints_the_count_not_the_list(tmp_path, master_file):
    import subprocess
    import sys
    from pathlib import Path

    from test_invoices_cli import invoice_xml, write_xml

    folder = tmp_path / "f"
    folder.mkdir()
    write_xml(folder, "a.xml", invoice_xml(id="F-1"))
    rows = [booking(Bilag=f"B{i}", Leverandør="X", Fakturanr=f"N{i}") for i in range(30)]
    books = write_workbook(tmp_path / "b.xlsx", {"Bogføringer": [list(BOOKING_HEADERS), *rows]})
    repo = Path(__file__).resolve().parents[1]
    res = subprocess.run([sys.executable, "-m", "itbudget.cli", "invoices", str(folder), "--master",
                          str(master_file), "--bookings", str(books)], capture_output=True, text=True,
                         cwd=repo, timeout=120)
    assert "30 bogføringer med fakturanr har ingen e-faktura her" in res.stdout
    assert "fakturanr N7" not in res.stdout


def test_a_form_with_an_empty_field_is_not_called_unreadable(tmp_path):
    from test_projects import cli, fill_form

    from workbook_templates.project_form import write_project_form
    from workbook_templates.stamdata import write_master_workbook

    stam = write_master_workbook(small_master_sheets(), tmp_path / "Stamdata.xlsx")
    forms = tmp_path / "skemaer"
    forms.mkdir()
    blank = write_project_form(tmp_path / "Projektskema.xlsx")
    fill_form(blank, forms / "halv.xlsx", Titel="Uden nummer", Aftaleholder="H1", Ansoegt_beloeb=10)
    proc = cli("projects", forms, "--master", stam, "-o", tmp_path / "ud.xlsx")
    assert "Kan ikke bruges: halv.xlsx" in proc.stdout and "Kan ikke læses" not in proc.stdout
    assert "1 problem; dette skema er IKKE indlæst" in proc.stdout
