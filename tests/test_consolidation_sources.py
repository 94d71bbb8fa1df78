"""Reading a folder of returned workbooks: bad files are reported, good ones consolidated."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile
from pathlib import Path

import pytest

from conftest import booking, small_master_sheets, write_workbook
from itbudget.bookings import BOOKING_HEADERS
from itbudget.cli import main
from itbudget.consolidation import consolidate, consolidate_dir, read_sources, source_findings


def issued(path: Path, holder: str, rows: list[list], version=1, year=2026) -> Path:
    """A minimal issued budget-holder workbook: Indstillinger with scope + Bogføringer."""
    return write_workbook(path, {
        "Indstillinger": [["Nøgle", "Værdi"], ["Kommune", "Testkommune"], ["Budgetår", year],
                          ["Skabelonversion", version], ["Aftaleholder", holder]],
        "Bogføringer": [list(BOOKING_HEADERS)] + rows})


def csv_text(*rows) -> str:
    lines = [";".join(BOOKING_HEADERS)]
    for r in rows:
        lines.append(";".join(v.strftime("%d-%m-%Y") if isinstance(v, dt.date) else
                              str(v).replace(".", ",") if isinstance(v, float) else str(v) for v in r))
    return "\n".join(lines) + "\n"


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir() if p.is_file()}


@pytest.fixture
def messy(tmp_path):
    """A folder as finance gets it: good files and every kind of bad one."""
    d = tmp_path / "indsamlet"
    d.mkdir()
    issued(d / "H1 Bakkeskolen.xlsx", "H1", [booking(Bilag="A1", Beløb=100),
                                             booking(Bilag="A2", Konto="2310", Beløb=50)])
    (d / "H2 eksport.csv").write_text(csv_text(booking(Bilag="B1", Omkostningssted="2001",
                                                       Konto="2310", Beløb=75.25)), encoding="cp1252")
    (d / "~$H1 Bakkeskolen.xlsx").write_bytes(b"\x00lock")
    (d / "korrupt.xlsx").write_bytes(b"PK\x03\x04 this is not a zip at all")
    write_workbook(d / "tom.xlsx", {"Ark1": []})
    issued(d / "gammel.xlsx", "H2", [booking(Omkostningssted="2001", Beløb=1)], version=0)
    issued(d / "ny.xlsx", "H2", [booking(Omkostningssted="2001", Beløb=1)], version=99)
    issued(d / "H1 igen.xlsx", "H1", [booking(Bilag="DUP", Beløb=5)])
    issued(d / "fremmed.xlsx", "H9", [booking(Beløb=5)])
    issued(d / "sidste år.xlsx", "H2", [booking(Beløb=5)], year=2025)
    (d / "LÆSMIG.txt").write_text("hej", encoding="utf-8")
    return d


def test_good_files_are_consolidated_and_the_rest_reported(messy, master):
    before = digest(messy)
    sources = read_sources(messy, master, workers=2)
    findings = source_findings(sources)
    status = {s.file: (s.status, s.message) for s in sources}
    # One finding per file not used: an error when it could not be read, a warning when skipped.
    assert [(f.file, f.rule, f.severity, f.message) for f in findings] == [
        (s.file, "FIL", "error" if s.status == "unreadable" else "warning", s.message)
        for s in sources if s.status != "ok"]
    assert {f.file for f in findings if f.is_error} >= {"korrupt.xlsx", "tom.xlsx", "H1 igen.xlsx"}
    assert status["H1 Bakkeskolen.xlsx"][0] == "ok"
    assert status["H2 eksport.csv"][0] == "ok"
    assert status["~$H1 Bakkeskolen.xlsx"][0] == "skipped"
    assert status["LÆSMIG.txt"][0] == "skipped"
    assert status["korrupt.xlsx"][0] == "unreadable" and "beskadiget" in status["korrupt.xlsx"][1]
    assert status["tom.xlsx"][0] == "unreadable" and "tomt" in status["tom.xlsx"][1]
    assert status["gammel.xlsx"][0] == "unreadable" and "skabelonversion 0" in status["gammel.xlsx"][1]
    assert status["ny.xlsx"][0] == "unreadable" and "nyere version" in status["ny.xlsx"][1]
    # H1 issued twice: the first by file name is kept, the second reported and not counted.
    assert status["H1 igen.xlsx"][0] == "unreadable"
    assert "findes allerede i H1 Bakkeskolen.xlsx" in status["H1 igen.xlsx"][1]
    assert status["fremmed.xlsx"][0] == "unreadable" and "H9" in status["fremmed.xlsx"][1]
    assert status["sidste år.xlsx"][0] == "unreadable" and "2025" in status["sidste år.xlsx"][1]
    c = consolidate(sources, master)
    assert c.exit_code == 1  # files could not be used
    kept = {s.file for s in sources if s.status == "ok"}
    assert set(c.ledger["file"]) == kept
    assert digest(messy) == before  # inputs byte-for-byte unchanged


def test_parallel_and_serial_reads_agree(messy, master):
    a = consolidate(read_sources(messy, master, workers=1), master)
    b = consolidate(read_sources(messy, master, workers=2), master)
    assert [(s.file, s.status, s.message) for s in a.sources] == \
           [(s.file, s.status, s.message) for s in b.sources]
    assert a.total_booked == b.total_booked
    assert a.validation.findings.equals(b.validation.findings)


def test_missing_folder_and_holder_workbook_as_master_are_unusable(tmp_path, master_file):
    code = main(["consolidate", str(tmp_path / "findes-ikke"), "--master", str(master_file)])
    assert code == 2
    book = issued(tmp_path / "h1.xlsx", "H1", [])
    assert main(["consolidate", str(tmp_path), "--master", str(book)]) == 2


def test_cli_json_text_and_exit_codes(tmp_path, master_file, capsys):
    d = tmp_path / "ind"
    d.mkdir()
    (d / "h2.csv").write_text(csv_text(booking(Bilag="B1", Omkostningssted="2001", Konto="2310",
                                               Beløb=100.5)), encoding="utf-8")
    out = d / "konsolidering.xlsx"  # written into the folder it reads: must not be read back
    assert main(["consolidate", str(d), "--master", str(master_file), "-o", str(out),
                 "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_booked"] == "100.50"
    assert data["central_lines"][0]["shares"] == {"H2": "100.50"}
    assert zipfile.is_zipfile(out)
    # Run again: the previous output sits in the folder and is skipped, not read.
    assert main(["consolidate", str(d), "--master", str(master_file), "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "1 læst" in text and "100,50 kr." in text and "Pris pr. IT-arbejdsplads" in text
    # A booking error makes the exit code 1.
    (d / "h1.csv").write_text(csv_text(booking(Bilag="X", Konto="9999")), encoding="utf-8")
    assert main(["consolidate", str(d), "--master", str(master_file), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [f["rule"] for f in data["findings"]] == ["ITB004"]
    assert data["findings"][0]["file"] == "h1.csv"


def test_bad_master_is_exit_2(tmp_path, capsys):
    d = tmp_path / "ind"
    d.mkdir()
    bad = write_workbook(tmp_path / "stamdata.xlsx", small_master_sheets(
        Aftaleholdere=[["Aftaleholder", "Navn"], ["H1", "A"], ["H1", "B"]]))
    assert main(["consolidate", str(d), "--master", str(bad)]) == 2
    assert "Stamdata kan ikke bruges" in capsys.readouterr().err


def test_consolidate_dir_skips_the_master_in_the_folder(tmp_path):
    d = tmp_path / "ind"
    d.mkdir()
    master_path = write_workbook(d / "stamdata.xlsx", small_master_sheets())
    (d / "h1.csv").write_text(csv_text(booking(Beløb=10)), encoding="utf-8")
    c = consolidate_dir(d, master_path, workers=1)
    assert {s.file: s.status for s in c.sources} == {"stamdata.xlsx": "skipped", "h1.csv": "ok"}
    assert c.total_booked == 1000



UBL = "urn:oasis:names:specification:ubl:schema:xsd"


def invoice(number: str, ean: str, payable: str) -> str:
    """A minimal OIOUBL invoice: id, date, supplier, buyer EAN, totals, one line."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="{UBL}:Invoice-2" xmlns:cac="{UBL}:CommonAggregateComponents-2"
         xmlns:cbc="{UBL}:CommonBasicComponents-2">
  <cbc:ID>{number}</cbc:ID><cbc:IssueDate>2026-03-01</cbc:IssueDate>
  <cbc:DocumentCurrencyCode>DKK</cbc:DocumentCurrencyCode>
  <cac:AccountingSupplierParty><cac:Party><cac:PartyName><cbc:Name>Kontorland A/S</cbc:Name></cac:PartyName>
    <cac:PartyLegalEntity><cbc:RegistrationName>Kontorland A/S</cbc:RegistrationName>
    <cbc:CompanyID schemeID="DK:CVR">DK16356700</cbc:CompanyID></cac:PartyLegalEntity></cac:Party>
  </cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party><cbc:EndpointID schemeID="GLN">{ean}</cbc:EndpointID>
  </cac:Party></cac:AccountingCustomerParty>
  <cac:TaxTotal><cbc:TaxAmount currencyID="DKK">0.00</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal><cbc:LineExtensionAmount currencyID="DKK">{payable}</cbc:LineExtensionAmount>
    <cbc:PayableAmount currencyID="DKK">{payable}</cbc:PayableAmount></cac:LegalMonetaryTotal>
  <cac:InvoiceLine><cbc:ID>1</cbc:ID>
    <cbc:LineExtensionAmount currencyID="DKK">{payable}</cbc:LineExtensionAmount></cac:InvoiceLine>
</Invoice>
"""


def test_invoices_in_the_folder_get_a_fakturaer_sheet(tmp_path, master_file, capsys):
    from conftest import EAN_H1

    d = tmp_path / "ind"
    d.mkdir()
    (d / "h1.csv").write_text(csv_text(booking(Bilag="A1", Beløb=900, Leverandør="Kontorland A/S",
                                               Fakturanr="F-1", EAN=EAN_H1)), encoding="utf-8")
    (d / "F-1.xml").write_text(invoice("F-1", EAN_H1, "900.00"), encoding="utf-8")
    (d / "F-2.xml").write_text(invoice("F-2", "5790123456789", "100.00"), encoding="utf-8")
    out = tmp_path / "OUT.xlsx"
    code = main(["consolidate", str(d), "--master", str(master_file), "-o", str(out), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1  # F-2's EAN belongs to no holder
    assert {s["file"]: s["status"] for s in data["sources"]} == {"F-1.xml": "ok", "F-2.xml": "ok", "h1.csv": "ok"}
    by = {i["file"]: i for i in data["invoices"]}
    assert by["F-1.xml"]["holder"] == "H1" and by["F-1.xml"]["findings"] == []
    assert [f["rule"] for f in by["F-2.xml"]["findings"]] == ["ITB010", "ITB015"]
    import openpyxl
    ws = openpyxl.load_workbook(out)["Fakturaer"]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    assert [r[0] for r in rows] == ["F-1.xml", "F-2.xml"]
    assert rows[0][10] == 900


def test_consolidate_to_files_is_one_call_for_the_konsolider_script(tmp_path, master_file):
    from itbudget.operations import consolidate_to_files

    d = tmp_path / "ind"
    d.mkdir()
    (d / "h2.csv").write_text(csv_text(booking(Omkostningssted="2001", Konto="2310", Beløb=10)),
                              encoding="utf-8")
    c = consolidate_to_files(d, master_file, d / "OUT.xlsx", lists=tmp_path / "lister", workers=1)
    assert c.total_booked == 1000 and (d / "OUT.xlsx").exists()
    assert sorted(p.name for p in (tmp_path / "lister").iterdir()) == [
        "H1 Bakkeskolen forbrugsliste.xlsx", "H2 Rådhuset forbrugsliste.xlsx"]
