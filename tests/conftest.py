"""Shared test helpers: small master data and bookings written inline."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import openpyxl
import pytest

from itbudget.bookings import BOOKING_HEADERS, bookings_frame
from itbudget.master import master_from_rows
from itbudget.reading import build_table

SHARED = Path(__file__).resolve().parents[2] / "shared"

# Valid GS1 location numbers (check digit verified with python-stdnum), one per holder.
EAN_H1 = "5798000416604"
EAN_H2 = "5790001234560"


def small_master_sheets(**overrides) -> dict[str, list[list]]:
    """A tiny municipality: two holders, three cost centres, a few accounts."""
    sheets = {
        "Indstillinger": [["Nøgle", "Værdi"], ["Kommune", "Testkommune"], ["Budgetår", 2026],
                          ["Sparemål", 4000000]],
        "Aftaleholdere": [["Aftaleholder", "Navn", "Arbejdspladser", "Hjemmearbejdspladser", "Kontaktperson"],
                          ["H1", "Bakkeskolen", 10, 2, "Anna"], ["H2", "Rådhuset", 30, 0, "Bo"]],
        "Omkostningssteder": [["Omkostningssted", "Navn", "Aftaleholder"],
                              ["1001", "Bakkeskolen drift", "H1"], ["1002", "Bakkeskolen SFO", "H1"],
                              ["2001", "Rådhuset", "H2"]],
        "EAN": [["EAN", "Aftaleholder"], [EAN_H1, "H1"], [EAN_H2, "H2"]],
        "Kontoplan": [["Konto", "Navn", "Kategori", "Finansiering", "Central budgetlinje",
                       "Kræver projektskema", "Ved overskridelse", "Kontaktperson"],
                      ["2210", "Hardware", "Hardware", "decentral", "", "nej", "stop", "Karen Ø"],
                      ["2220", "Licenser", "Licenser", "decentral", "", "nej", "advar", "Karen Ø"],
                      ["2250", "IT-projekter", "Projekter", "decentral", "", "ja", "stop", "Per Ø"],
                      ["2310", "Telefoni", "Telefoni", "central", "TEL", "nej", "stop", "Lis Ø"],
                      ["2320", "Drift og support", "Drift", "central", "DRIFT", "nej", "advar", "Lis Ø"]],
        "Budget": [["Omkostningssted", "Konto", "Budget"],
                   ["1001", "2210", 1000], ["1001", "2220", 500], ["1001", "2250", 10000],
                   ["2001", "2210", 2000]],
        "Centrale budgetter": [["Budgetlinje", "Navn", "Budget", "Fordeles pr. arbejdsplads"],
                               ["TEL", "Telefoni", 3000, "nej"], ["DRIFT", "Central drift", 5000, "ja"]],
        "Projektskemaer": [["Projektnr", "Titel", "Aftaleholder", "Godkendt beløb", "Godkendt IT",
                            "Godkendt EPO", "Godkendt Økonomi"],
                           ["P1", "Nyt skolesystem", "H1", 5000, dt.date(2026, 1, 10),
                            dt.date(2026, 1, 12), dt.date(2026, 1, 15)],
                           ["P2", "Delvist godkendt", "H1", 5000, dt.date(2026, 1, 10), None,
                            dt.date(2026, 1, 15)]],
        "Besparelser": [["Tiltag", "Konto", "Omkostningssted", "Beløb"],
                        ["Færre printere", "2210", "1001", 100000]],
    }
    sheets.update(overrides)
    return sheets


def many_holders_sheets(n: int = 9) -> dict[str, list[list]]:
    """The small municipality with ``n`` holders; names with Danish letters and brackets."""
    from itbudget.demo import make_ean

    sheets = small_master_sheets()
    head = {k: v[:1] for k, v in sheets.items()}
    holders, ccs, eans, budget, projects, savings = [], [], [], [], [], []
    for k in range(1, n + 1):
        hid = f"H{k}"
        holders.append([hid, f"Skole [{k}] Ærø-Ø" if k % 3 == 0 else f"Rådhus {k}", 10 + k, k % 2, "Anna"])
        for c in range(k % 3 + 1):  # 1-3 cost centres each: workbooks of different sizes
            cid = f"{k:02d}{c:02d}"
            ccs.append([cid, f"Sted {cid}", hid])
            budget += [[cid, "2210", 1000 * k + c], [cid, "2220", 500.25]]
        eans.append([make_ean(k), hid])
        if k % 2:
            projects.append([f"P{k}", f"Projekt {k}", hid, 5000, None, None, None])
            savings.append([f"Tiltag {k}", "2210", f"{k:02d}00", 100 * k])
    sheets.update({
        "Aftaleholdere": head["Aftaleholdere"] + holders, "Omkostningssteder": head["Omkostningssteder"] + ccs,
        "EAN": head["EAN"] + eans, "Budget": head["Budget"] + budget,
        "Projektskemaer": head["Projektskemaer"] + projects, "Besparelser": head["Besparelser"] + savings})
    return sheets


@pytest.fixture
def master():
    return master_from_rows(small_master_sheets())


def booking(**kw) -> list:
    """One bookings row in contract order; Danish header names as keywords."""
    defaults = {"Bilag": "", "Dato": dt.date(2026, 3, 1), "Omkostningssted": "1001",
                "Konto": "2210", "Beløb": 100, "Tekst": "", "Leverandør": "", "Fakturanr": "",
                "EAN": "", "Projektnr": ""}
    defaults.update(kw)
    return [defaults[h] for h in BOOKING_HEADERS]


def frame_of(*rows, file="test.xlsx", sheet="Bogføringer"):
    """A bookings frame from inline rows, as if read from a sheet (header on row 1)."""
    data = [list(BOOKING_HEADERS)] + [list(r) for r in rows]
    return bookings_frame(build_table(file, sheet, data, 1, ["Dato", "Omkostningssted", "Konto", "Beløb"],
                                      [h for h in BOOKING_HEADERS]))


def write_workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    """Write plain sheets (header row first) to an .xlsx with openpyxl."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(list(r))
    wb.save(path)
    return path


@pytest.fixture
def master_file(tmp_path):
    return write_workbook(tmp_path / "stamdata.xlsx", small_master_sheets())


def libreoffice_binary() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.fixture
def require_libreoffice():
    """Skip with a reason when LibreOffice is absent; fail under CI=true."""
    exe = libreoffice_binary()
    if exe is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LibreOffice (libreoffice-calc-nogui) mangler i CI; .ci/run skal installere den.")
        pytest.skip("LibreOffice er ikke installeret (apt-get install libreoffice-calc-nogui)")
    return exe


def workbook_parts(path: Path) -> dict[str, bytes]:
    """Every part of a workbook's package but the creation time stamp."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


@pytest.fixture
def pool_calls(monkeypatch) -> list:
    """Each call of the worker-process path of workbook_templates.parallel and what it
    returned (None: no pool could be started, the files were written in process)."""
    from workbook_templates import parallel

    calls = []
    real = parallel.write_in_workers

    def spy(*args, **kw):
        calls.append(real(*args, **kw))
        return calls[-1]

    monkeypatch.setattr(parallel, "write_in_workers", spy)
    return calls


@pytest.fixture
def small_returns(tmp_path) -> Path:
    """``tmp_path`` with ``stamdata.xlsx`` (the small municipality) and ``retur/`` holding one
    clean bookings workbook (corpus.good_bookings)."""
    from corpus import good_bookings, good_master

    (tmp_path / "retur").mkdir()
    good_bookings(tmp_path / "retur")
    good_master(tmp_path)
    return tmp_path
