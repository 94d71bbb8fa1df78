"""No formula injection: user text that looks like a formula is written as text in every output.

Master data, bookings, a project form and an e-invoice carry text beginning
with ``=``, ``+``, ``-``, ``@``, tab and CR, each with a marker (``INJ<n>``).
The real commands write the consolidation workbook (all sheets, incl. Fund and
Fakturaer), the consumption lists, the issued holder workbooks and the updated
master data from ``projects``; every cell holding a marker must be a string
cell (``data_type == "s"``), never a formula, and each kind of output must
show the markers it was given (so the test cannot pass by dropping them).
The product writes no CSV file of its own (the demo's CSV export is checked in
``tests/test_demo.py``); the add-in's report actions are checked in
``tests/test_addin.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from conftest import EAN_H1, booking, small_master_sheets
from corpus import HEADER
from itbudget.demo.invoices import invoice_xml

ROOT = Path(__file__).resolve().parents[1]
STARTS = ["=", "+", "-", "@", "\t", "\r"]


def payload(n: int) -> str:
    """Formula-looking text number ``n``; its start cycles through every dangerous character."""
    start = STARTS[n % len(STARTS)]
    body = {"=": f'HYPERLINK("http://angriber.example","INJ{n}")', "+": f"INJ{n}+1", "-": f"INJ{n}-1",
            "@": f"SUM(INJ{n})", "\t": f"=INJ{n}()", "\r": f"=INJ{n}()"}[start]
    return start + body


P = {n: payload(n) for n in range(40)}


def markers(text: str) -> set[int]:
    return {int(m) for m in re.findall(r"INJ(\d+)", text)}


def run(*argv) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "itbudget.cli", *map(str, argv)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.returncode in (0, 1), (argv, proc.stdout[-2000:], proc.stderr)
    return proc


def scan(path: Path) -> set[int]:
    """Markers found in the workbook; fails on any marker in a cell that is not a string cell."""
    wb = openpyxl.load_workbook(path)
    found: set[int] = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if isinstance(v, str) and "INJ" in v:
                    assert c.data_type == "s", f"{path.name}!{ws.title}!{c.coordinate} = {v!r}"
                    for n in markers(v):  # the text survives whole (ids are trimmed of whitespace)
                        assert P[n].strip() in v, (path.name, ws.title, c.coordinate, v)
                    found |= markers(v)
    return found


def scan_folder(folder: Path, count: int) -> set[int]:
    """Markers in every workbook of ``folder``, which must hold ``count`` workbooks."""
    paths = sorted(folder.glob("*.xlsx"))
    assert len(paths) == count, paths
    return set().union(*map(scan, paths))


def write_typed(path: Path, sheets: dict[str, list[list]]) -> Path:
    """A workbook as a user would type it: text stays text (a string cell), as Excel keeps it."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for i, row in enumerate(rows, 1):
            for j, v in enumerate(row, 1):
                if v is not None and v != "":
                    c = ws.cell(row=i, column=j, value=v)
                    if isinstance(v, str):
                        c.data_type = "s"
    wb.save(path)
    return path


def injected_master() -> dict[str, list[list]]:
    s = small_master_sheets()
    s["Aftaleholdere"][1][1], s["Aftaleholdere"][1][4] = P[0], P[1]
    s["Aftaleholdere"][2][1] = P[2]
    s["Omkostningssteder"][1][1] = P[3]
    s["Kontoplan"][1][1], s["Kontoplan"][4][1] = P[4], P[5]
    s["Kontoplan"][1][7] = P[6]
    s["Centrale budgetter"][1][1] = P[7]
    s["Projektskemaer"][1][1] = P[8]
    s["Besparelser"][1][0] = P[9]
    s["Indstillinger"][1][1] = P[10]
    return s


def injected_bookings() -> list[list]:
    rows = []
    for i, konto in enumerate(["2210", "2310", "2310", "2210", "2310", "2310"]):
        rows.append(booking(Bilag=P[20 + i], Konto=konto, Beløb=10, Tekst=P[26 + i % 6],
                            Leverandør=P[32 + i % 3], Fakturanr=P[35 + i % 2], EAN=EAN_H1))
    rows.append(booking(Bilag=P[19], Konto="9999", Beløb=5, Tekst=P[37]))  # a finding in Fund
    return rows


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("injektion")
    master = write_typed(base / "stamdata.xlsx", injected_master())
    folder = base / "ind"
    folder.mkdir()
    write_typed(folder / "H1.xlsx", {"Bogføringer": [HEADER] + injected_bookings()})
    (folder / "faktura.xml").write_bytes(invoice_xml(
        kind="Invoice", number=P[38], issued=dt.date(2026, 3, 1), supplier=P[39], buyer_ean=EAN_H1,
        cost_centre="1001", text=P[37], net_ore=800))
    run("consolidate", folder, "--master", master, "-o", base / "k.xlsx", "--lists", base / "lister")
    run("issue", master, base / "udsendt")
    forms = base / "skemaer"
    run("templates", base / "skabeloner")
    wb = openpyxl.load_workbook(base / "skabeloner" / "Projektskema.xlsx")
    values = {"Projektnr": "P9", "Titel": P[11], "Aftaleholder": "H1", "Beskrivelse": P[12],
              "Ansoegt_beloeb": 100}
    for name, value in values.items():
        ((sheet, ref),) = wb.defined_names[name].destinations
        cell = wb[sheet][ref.replace("$", "")]
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
    forms.mkdir()
    wb.save(forms / "P9.xlsx")
    run("projects", forms, "--master", master, "-o", base / "stamdata ny.xlsx")
    return {"consolidation": base / "k.xlsx", "lists": base / "lister", "issued": base / "udsendt",
            "projects": base / "stamdata ny.xlsx"}


def test_payloads_cover_every_dangerous_start():
    assert {p[0] for p in P.values()} == set(STARTS)


def test_consolidation_workbook_writes_user_text_as_text(outputs):
    found = scan(outputs["consolidation"])
    # Holder names (Fund, Arbejdspladser), central line name, savings measure,
    # vouchers (Fund), the invoice's number and supplier (Fakturaer).
    assert {0, 2, 7, 9, 38, 39} <= found, sorted(found)
    assert 19 in found, "the voucher of the booking with a finding is not in Fund"


def test_consumption_lists_write_user_text_as_text(outputs):
    found = scan_folder(outputs["lists"], 2)
    # Central bookings of H1: voucher, text, supplier, invoice number; the holder's name in the title.
    assert {21, 22, 27, 28, 33, 35, 36, 0} <= found, sorted(found)


def test_issued_holder_workbooks_write_master_text_as_text(outputs):
    found = scan_folder(outputs["issued"], 2)
    assert {0, 1, 2, 3, 4, 5, 6, 7, 8} <= found, sorted(found)


def test_updated_master_from_projects_writes_form_text_as_text(outputs):
    found = scan(outputs["projects"])
    assert 11 in found and {0, 3, 4} <= found, sorted(found)
