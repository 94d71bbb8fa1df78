"""``itbudget invoices``: JSON shape, Danish text and exit codes, run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EAN_H1, EAN_H2, booking, write_workbook
from test_invoices import SAMPLES, UNREGISTERED_EAN, invoice_xml, write_xml

from itbudget.bookings import BOOKING_HEADERS

REPO = Path(__file__).resolve().parents[1]
INVOICE_KEYS = {"file", "type", "id", "issue_date", "supplier_cvr", "buyer_ean", "ean_valid",
                "holder", "payable", "currency", "findings"}


def cli(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "itbudget.cli", "invoices", *map(str, args)],
                          capture_output=True, text=True, cwd=REPO, timeout=60)


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "fakturaer"
    d.mkdir()
    return d


def test_clean_folder_exits_0_with_the_stable_json_shape(folder, master_file):
    write_xml(folder, "a.xml", invoice_xml(id="F-1"))
    write_xml(folder, "b.xml", invoice_xml(root="CreditNote", id="K-1", endpoint=(EAN_H2, "0088"),
                                           payable="62.50", lines=("50.00",), tax="12.50"))
    res = cli(folder, "--master", master_file, "--format", "json")
    assert res.returncode == 0, res.stderr
    data = json.loads(res.stdout)
    assert {"invoices", "unmatched_bookings", "summary"} <= set(data)
    a, b = data["invoices"]
    assert INVOICE_KEYS <= set(a)
    assert a == {**a, "file": "a.xml", "type": "invoice", "id": "F-1", "issue_date": "2026-03-01",
                 "supplier_cvr": "16356700", "buyer_ean": EAN_H1, "ean_valid": True,
                 "holder": "H1", "payable": "1250.00", "currency": "DKK", "findings": []}
    assert (b["type"], b["payable"], b["holder"]) == ("credit_note", "62.50", "H2")
    assert data["summary"]["errors"] == 0 and data["summary"]["credit_notes"] == 1


def test_wrong_ean_exits_1_and_findings_have_rule_severity_message(folder, master_file):
    write_xml(folder, "fremmed.xml", invoice_xml(endpoint=(UNREGISTERED_EAN, "GLN")))
    write_xml(folder, "bombe.xml", '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')
    res = cli(folder, "--master", master_file, "--format", "json")
    assert res.returncode == 1, res.stderr
    data = json.loads(res.stdout)
    by_file = {i["file"]: i for i in data["invoices"]}
    assert by_file["fremmed.xml"]["findings"][0]["rule"] == "ITB010"
    assert set(by_file["fremmed.xml"]["findings"][0]) == {"rule", "severity", "message"}
    assert by_file["bombe.xml"]["type"] is None
    assert by_file["bombe.xml"]["findings"][0]["rule"] == "ITB014"
    assert data["summary"]["wrong_ean"] == 1 and data["summary"]["unreadable"] == 1


def test_warnings_only_exit_0(folder, master_file):
    write_xml(folder, "a.xml", invoice_xml(supplier=("DK16356706", "DK:CVR")))
    res = cli(folder / "a.xml", "--master", master_file)
    assert res.returncode == 0 and "ITB013" in res.stdout


def test_text_report_with_bookings_shows_foreign_ean_and_unmatched(tmp_path, folder, master_file):
    write_xml(folder, "booked.xml", invoice_xml(id="F-1"))
    write_xml(folder, "notbooked.xml", invoice_xml(id="F-2", accounting_cost="2001"))
    books = write_workbook(tmp_path / "bogf.xlsx", {"Bogføringer": [
        list(BOOKING_HEADERS),
        booking(Bilag="B1", Beløb=1250, Leverandør="Kontorland", Fakturanr="F-1", EAN=EAN_H2)]})
    res = cli(folder, "--master", master_file, "--bookings", books)
    assert res.returncode == 1, res.stderr
    out = res.stdout
    assert "Forkert eller fremmed EAN (2):" in out  # ITB010 on F-2, ITB016 on F-1
    assert "Kan ikke matches med en bogføring (1):" in out
    assert "notbooked.xml: faktura F-2" in out and "H2 Rådhuset" in out
    assert "Fejl ITB016" in out and "Advarsel ITB015" in out


def test_json_with_bookings_reports_matches(tmp_path, folder, master_file):
    write_xml(folder, "a.xml", invoice_xml(id="F-1"))
    books = tmp_path / "b.csv"
    books.write_text(";".join(BOOKING_HEADERS) + "\nB1;01-03-2026;1001;2210;1.250,00;;Kontorland;F-1;"
                     f"{EAN_H1};\nB2;02-03-2026;1001;2210;10,00;;Andet;X-9;;\n", encoding="utf-8")
    data = json.loads(cli(folder, "--master", master_file, "--bookings", books,
                          "--format", "json").stdout)
    inv = data["invoices"][0]
    assert inv["matched"] is True and inv["bookings"][0]["amount"] == "1250.00"
    assert [b["voucher"] for b in data["unmatched_bookings"]] == ["B2"]
    assert data["summary"]["bookings_checked"] is True


@pytest.mark.parametrize("args, words", [
    (["{folder}"], "--master"),
    (["{folder}/mangler.xml", "--master", "{master}"], "findes ikke"),
    (["{folder}", "--master", "{tmp}/mangler.xlsx"], "findes ikke"),
    (["{folder}", "--master", "{master}", "--bookings", "{tmp}/mangler.csv"], "findes ikke"),
    (["{tmp}/tom", "--master", "{master}"], "ingen XML-filer"),
])
def test_unusable_input_exits_2_with_a_danish_message(tmp_path, folder, master_file, args, words):
    write_xml(folder, "a.xml", invoice_xml())
    (tmp_path / "tom").mkdir()
    res = cli(*[a.format(folder=folder, master=master_file, tmp=tmp_path) for a in args])
    assert res.returncode == 2
    assert words in res.stderr and "Traceback" not in res.stderr


def test_help_is_danish():
    res = cli("--help")
    assert res.returncode == 0 and "EAN" in res.stdout and "--bookings" in res.stdout


def test_the_real_samples_through_the_cli(master_file):
    if not SAMPLES.is_dir():
        pytest.skip("../shared/oioubl findes ikke")
    res = cli(SAMPLES, "--master", master_file, "--format", "json")
    assert res.returncode == 1, res.stderr
    data = json.loads(res.stdout)
    assert data["summary"]["files"] >= 10 and data["summary"]["unreadable"] == 0
    h1 = {i["file"] for i in data["invoices"] if i["holder"] == "H1"}
    assert "official-BASPRO_01_01_00_Invoice_v2p1.xml" in h1
