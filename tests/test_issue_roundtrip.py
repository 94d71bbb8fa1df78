"""Issue -> fill bookings with openpyxl -> ``itbudget validate``, as a budget holder would."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import openpyxl
import pytest

from conftest import EAN_H1, EAN_H2, booking, small_master_sheets
from itbudget.bookings import BOOKING_HEADERS
from itbudget.master import master_from_rows
from libreoffice import fill_bookings
from workbook_templates.holder_workbook import issue_workbooks
from workbook_templates.stamdata import write_master_workbook

D = dt.date
#: H1's bookings, one or more per rule; central accounts 2310/2320 only at H1's cost centres.
ROWS = [
    booking(Bilag="1", Beløb=600.10, Fakturanr="F1", Leverandør="Dell", EAN=EAN_H1),
    booking(Bilag="2", Dato=D(2026, 4, 1), Beløb=500, Fakturanr="F2", Leverandør="Dell", EAN=EAN_H1),  # ITB006
    booking(Bilag="3", Beløb=""),                                             # ITB001
    booking(Bilag="4", Dato=D(2025, 12, 31)),                                 # ITB002
    booking(Bilag="5", Omkostningssted="9999"),                               # ITB003
    booking(Bilag="6", Konto="9999"),                                         # ITB004
    booking(Bilag="7", Omkostningssted="1002"),                               # ITB005
    booking(Bilag="8", Konto="2250", Projektnr="P2", Beløb=100),              # ITB007
    booking(Bilag="9", Konto="2250", Projektnr="P1", Beløb=6000, Dato=D(2026, 2, 1)),  # ITB008
    booking(Bilag="10", Konto="2220", Fakturanr="F3", Leverandør="Atea"),     # ITB009
    booking(Bilag="11", Konto="2220", Fakturanr="F4", Leverandør="Atea", EAN=EAN_H2),  # ITB010
    booking(Bilag="12", Konto="2220", Fakturanr="F1", Leverandør="Dell", EAN=EAN_H1),  # ITB011
    booking(Bilag="13", Konto="2310", Beløb=2500, Dato=D(2026, 5, 1)),        # central TEL
    booking(Bilag="14", Konto="2310", Beløb=600, Dato=D(2026, 5, 2)),         # over TEL centrally
    booking(Bilag="15", Konto="2220", Beløb="=1+1"),                          # text, not a formula
]
CENTRAL_ACCOUNTS = {"2310", "2320"}


def write_text_safe(path, rows):
    """A bare bookings workbook; text stays text (conftest's writer would make '=1+1' a formula)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bogføringer"
    for i, row in enumerate(rows, start=1):
        for j, v in enumerate(row, start=1):
            if v not in (None, ""):
                cell = ws.cell(row=i, column=j, value=v)
                if isinstance(v, str):
                    cell.data_type = "s"
    wb.save(path)
    return path


def cli(*args):
    return subprocess.run([sys.executable, "-m", "itbudget.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


def findings(proc) -> list[tuple]:
    assert proc.returncode in (0, 1), proc.stderr
    data = json.loads(proc.stdout)
    return [(f["row"], f["rule"], f["severity"], f["message"]) for f in data["findings"]]


@pytest.fixture
def setup(tmp_path):
    stam = write_master_workbook(small_master_sheets(), tmp_path / "Stamdata.xlsx")
    master = master_from_rows(small_master_sheets())
    (h1, _) = issue_workbooks(master, tmp_path / "ud")
    filled = fill_bookings(h1, ROWS, tmp_path / "H1 udfyldt.xlsx")
    return stam, filled


def test_filled_workbook_validates_without_master(setup):
    stam, filled = setup
    proc = cli("validate", filled, "--format", "json")
    assert proc.returncode == 1
    got = findings(proc)
    rules = {(row, rule) for row, rule, _, _ in got}
    for i, expected in [(3, "ITB006"), (4, "ITB001"), (5, "ITB002"), (6, "ITB003"), (7, "ITB004"),
                        (8, "ITB005"), (9, "ITB007"), (10, "ITB008"), (11, "ITB009"),
                        (12, "ITB010"), (13, "ITB011"), (16, "ITB001")]:
        assert (i, expected) in rules, (i, expected, sorted(rules))
    # A holder workbook cannot see other holders' use of a central line.
    assert not [r for r in got if r[0] in (14, 15) and r[1] == "ITB006"]
    assert json.loads(proc.stdout)["rows"] == len(ROWS)


def test_same_findings_as_bare_bookings_plus_master(setup, tmp_path):
    stam, filled = setup
    bare = write_text_safe(tmp_path / "bare.xlsx", [list(BOOKING_HEADERS)] + ROWS)
    issued = findings(cli("validate", filled, "--format", "json"))
    plain = findings(cli("validate", bare, "--master", stam, "--format", "json"))
    central_rows = {i + 2 for i, r in enumerate(ROWS) if r[3] in CENTRAL_ACCOUNTS}
    central_only = [f for f in plain if f[1] == "ITB006" and f[0] in central_rows]
    assert central_only, "the bare path checks central coverage"
    expected = [f for f in plain if f not in central_only]
    assert sorted(f[:3] for f in issued) == sorted(f[:3] for f in expected)
    # Messages agree too, except where a holder's workbook cannot know other holders
    # (an unknown cost centre, another holder's EAN): those are worded for its scope.
    scoped = {"ITB003", "ITB010"}
    assert sorted(f for f in issued if f[1] not in scoped) == sorted(f for f in expected if f[1] not in scoped)
    # Given the master too, the issued workbook is still checked as its holder's.
    assert sorted(findings(cli("validate", filled, "--master", stam, "--format", "json"))) == sorted(issued)


def _stamp_version(path, version, target):
    wb = openpyxl.load_workbook(path)
    ws = wb["Indstillinger"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "Skabelonversion":
            row[1].value = version
    wb.save(target)
    return target


def test_unknown_template_versions_are_refused_in_danish(setup, tmp_path):
    _, filled = setup
    newer = cli("validate", _stamp_version(filled, 99, tmp_path / "ny.xlsx"))
    assert newer.returncode == 2
    assert "skabelonversion 99" in newer.stderr and "Opdatér itbudget" in newer.stderr
    assert "Traceback" not in newer.stderr
    older = cli("validate", _stamp_version(filled, 0, tmp_path / "gammel.xlsx"))
    assert older.returncode == 2 and "Bed Økonomistaben om en ny projektmappe" in older.stderr


def test_known_version_reads(setup, tmp_path):
    from itbudget.master import READABLE_TEMPLATE_VERSIONS

    _, filled = setup
    for version in sorted(READABLE_TEMPLATE_VERSIONS):
        proc = cli("validate", _stamp_version(filled, version, tmp_path / f"v{version}.xlsx"))
        assert proc.returncode == 1, proc.stderr  # readable: findings, not refusal


def test_input_workbook_unchanged_by_validation(setup):
    _, filled = setup
    before = filled.read_bytes()
    cli("validate", filled)
    assert filled.read_bytes() == before
