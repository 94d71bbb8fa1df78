"""The consolidation workbook and the consumption lists: content, privacy, safety, rendering."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from conftest import booking, frame_of
from itbudget.consolidation import OK, Source, consolidate
from itbudget.errors import UnusableInput
from itbudget.operations import write_consumption_lists
from workbook_templates.consolidation import (consumption_list_name, write_blank_consolidation,
                                              write_consolidation)

SHEETS = ["Overblik", "Central fordeling", "Budgetlinjer", "Budgetopfølgning", "Fund", "Arbejdspladser",
          "Amtssystemer", "Besparelser", "Kilder", "Fakturaer"]


@pytest.fixture
def consolidation(master):
    h1 = frame_of(booking(Bilag="H1-TEL-1", Omkostningssted="1001", Konto="2310", Beløb=120.5,
                          Tekst="Mobilabonnement"),
                  booking(Bilag="H1-TEL-2", Omkostningssted="1002", Konto="2310", Beløb=80,
                          Tekst="=HYPERLINK(\"http://x\")"),
                  booking(Bilag="=1+1", Omkostningssted="1001", Konto="2210", Beløb=1500),
                  booking(Bilag="H1-DR", Omkostningssted="1001", Konto="2320", Beløb=10), file="h1.xlsx")
    h2 = frame_of(booking(Bilag="H2-TEL-1", Omkostningssted="2001", Konto="2310", Beløb=99.99,
                          Tekst="Rådhusets omstilling", Leverandør="TDC"),
                  booking(Bilag="H2-DR", Omkostningssted="2001", Konto="2320", Beløb=4000), file="=h2.csv")
    sources = [Source("h1.xlsx", None, OK, rows=4, frame=h1), Source("=h2.csv", None, OK, rows=2, frame=h2),
               Source("~$h1.xlsx", None, "skipped", "Excels låsefil")]
    return consolidate(sources, master)


def all_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    return "\n".join(str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row
                     if v is not None)


def test_workbook_has_every_sheet_charts_and_a_filterable_findings_table(tmp_path, consolidation):
    out = write_consolidation(consolidation, tmp_path / "OUT.xlsx")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        charts = [n for n in names if re.match(r"xl/charts/chart\d+\.xml$", n)]
        assert len(charts) == 3
        tables = {re.search(r'displayName="([^"]+)"', z.read(n).decode()).group(1): z.read(n).decode()
                  for n in names if n.startswith("xl/tables/")}
    assert "autoFilter" in tables["Fund"]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    fund = wb["Fund"]
    assert fund.tables["Fund"].ref.startswith("A4:K")
    header = [c.value for c in fund[4]]
    assert header == ["Fil", "Ark", "Række", "Bilag", "Aftaleholder", "Navn", "Kontaktperson", "Beløb (kr.)",
                      "Regel", "Alvorlighed", "Besked"]
    rules = {r[8] for r in fund.iter_rows(min_row=5, values_only=True)}
    assert "ITB006" in rules  # 1001/2210: 1,500 kr. booked on a 1,000 kr. budget
    ws = wb["Arbejdspladser"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    # Totals in kr. match the core to the øre.
    assert round(rows["I alt"][7] * 100) == consolidation.total_booked


def test_user_text_is_never_a_formula(tmp_path, consolidation):
    out = write_consolidation(consolidation, tmp_path / "OUT.xlsx")
    lists = write_consumption_lists(consolidation, tmp_path / "lister")
    for path in [out, *lists]:
        with zipfile.ZipFile(path) as z:
            for n in z.namelist():
                if n.startswith("xl/worksheets/sheet"):
                    assert "<f>" not in z.read(n).decode(), (path.name, n)
    wb = openpyxl.load_workbook(out)
    vouchers = [c for row in wb["Fund"].iter_rows(min_row=5) for c in row if c.value == "=1+1"]
    assert vouchers and all(c.data_type == "s" for c in vouchers)
    files = [c for row in wb["Kilder"].iter_rows(min_row=5) for c in row if c.value == "=h2.csv"]
    assert files and all(c.data_type == "s" for c in files)


def test_consumption_list_holds_only_its_holders_central_bookings(tmp_path, consolidation):
    paths = write_consumption_lists(consolidation, tmp_path / "lister")
    assert [p.name for p in paths] == ["H1 Bakkeskolen forbrugsliste.xlsx", "H2 Rådhuset forbrugsliste.xlsx"]
    h1, h2 = (all_text(p) for p in paths)
    # H1: its two TEL bookings and its DRIFT booking (central), never the decentral one.
    for v in ("H1-TEL-1", "H1-TEL-2", "H1-DR", "1001", "1002", "Bakkeskolen"):
        assert v in h1
    assert "=1+1" not in h1
    # Nothing of H2: no voucher, cost centre, name, text, supplier, file or amount.
    for v in ("H2-", "2001", "Rådhuset", "omstilling", "TDC", "h2.csv", "99.99", "4000"):
        assert v not in h1, v
    for v in ("H1-", "1001", "1002", "Bakkeskolen", "Mobilabonnement"):
        assert v not in h2, v
    wb = openpyxl.load_workbook(paths[0])
    month = wb["Pr. konto og måned"]
    totals = {r[0]: r[-1] for r in month.iter_rows(min_row=5, values_only=True) if r[0]}
    assert totals == {"2310": pytest.approx(200.5), "2320": pytest.approx(10), "I alt": pytest.approx(210.5)}


def test_consumption_list_names_are_safe_file_names():
    assert consumption_list_name("H7", "Skole/SFO: Øst?") == "H7 Skole SFO Øst forbrugsliste.xlsx"


def test_blank_workbook_has_the_same_layout(tmp_path):
    out = write_blank_consolidation(tmp_path / "blank.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == SHEETS
    assert [c.value for c in wb["Fund"][4]][:3] == ["Fil", "Ark", "Række"]
    assert wb["Fund"]["A5"].value is None


def test_a_failed_write_leaves_the_previous_output_intact(tmp_path, consolidation, monkeypatch):
    out = tmp_path / "OUT.xlsx"
    out.write_bytes(b"forrige konsolidering")

    def broken_close(self):
        raise OSError("disken er fuld")

    monkeypatch.setattr(xlsxwriter.Workbook, "close", broken_close)
    with pytest.raises(UnusableInput, match=r"OUT.xlsx: konsolideringsprojektmappen kunne ikke skrives "
                                            r"\(fejl fra styresystemet: disken er fuld\)"):
        write_consolidation(consolidation, out)
    assert out.read_bytes() == b"forrige konsolidering"
    assert [p.name for p in tmp_path.iterdir()] == ["OUT.xlsx"]  # no half-written temp file


KILL_SCRIPT = r"""
import os, signal, sys
sys.path.insert(0, sys.argv[2])
import xlsxwriter
from itbudget.consolidation import consolidate
from itbudget.master import master_from_rows
from conftest import small_master_sheets, frame_of, booking
from itbudget.consolidation import Source
from workbook_templates.consolidation import write_consolidation

real_close = xlsxwriter.Workbook.close
def close_then_die(self):
    real_close(self)          # the temporary file is complete on disk ...
    os.kill(os.getpid(), signal.SIGKILL)   # ... and the process dies before the rename
xlsxwriter.Workbook.close = close_then_die
m = master_from_rows(small_master_sheets())
c = consolidate([Source("a.xlsx", None, "ok", frame=frame_of(booking()))], m)
write_consolidation(c, sys.argv[1])
"""


def test_a_killed_run_leaves_the_previous_output_intact(tmp_path):
    out = tmp_path / "OUT.xlsx"
    out.write_bytes(b"forrige konsolidering")
    tests = Path(__file__).parent
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(out), str(tests)],
                          cwd=tests.parent, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.decode()
    assert out.read_bytes() == b"forrige konsolidering"


@pytest.mark.libreoffice
def test_libreoffice_renders_the_workbook(tmp_path, consolidation, require_libreoffice):
    out = write_consolidation(consolidation, tmp_path / "konsolidering.xlsx")
    env = dict(os.environ, HOME=str(tmp_path))  # a private LibreOffice profile
    subprocess.run([require_libreoffice, "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                    str(out)], check=True, capture_output=True, timeout=180, env=env)
    pdf = tmp_path / "konsolidering.pdf"
    assert pdf.exists() and pdf.stat().st_size > 5000
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, timeout=60).stdout.decode()
    for words in ("IT-konsolidering", "Omkostning pr. IT-arbejdsplads", "Bakkeskolen", "Alle fund"):
        assert words in text
