"""The formulas the task pane, README and docs teach name what the issued workbook holds.

Excel's structured reference ``Name[#Alle]`` needs a *table* of that name (a
defined name cannot stand in for one); Danish Excel shows ``[#Alle]``, the file
stores ``[#All]``. Bare names passed to the functions must be defined names.
"""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pytest

from conftest import small_master_sheets
from itbudget.master import master_from_rows
from libreoffice import recalculate
from workbook_templates import holder_workbook as hw

ROOT = Path(__file__).resolve().parents[1]
TEACHING = [ROOT / "docs" / "addin.md", ROOT / "README.md", ROOT / "addin" / "templates" / "taskpane.html"]
_CALL = re.compile(r"=ITB[._][A-Z_]+\(([^()]*)\)")
_STRUCTURED = re.compile(r"^([^\[\]\s]+)\[#Alle\]$")
_NAME = re.compile(r"^[A-Za-zÆØÅæøå_][\wÆØÅæøå.]*$")


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    path = tmp_path_factory.mktemp("taught") / "H1.xlsx"
    return hw.write_holder_workbook(master_from_rows(small_master_sheets()), "H1", path)


def taught_arguments() -> list[tuple[str, str]]:
    """Every argument of every taught ITB formula, with the file that teaches it."""
    out = []
    for path in TEACHING:
        for m in _CALL.finditer(path.read_text(encoding="utf-8")):
            out += [(path.name, a.strip()) for a in m.group(1).split(";") if a.strip()]
    return out


def bookings_table(path: Path):
    ws = openpyxl.load_workbook(path)[hw.BOOKINGS_SHEET]
    (table,) = ws.tables.values()
    return table


def test_taught_bookings_reference_names_the_issued_workbooks_table(issued):
    table = bookings_table(issued)
    assert table.ref == f"A1:J{hw.LAST_BOOKING_ROW}"
    structured = [(f, _STRUCTURED.match(a).group(1)) for f, a in taught_arguments() if _STRUCTURED.match(a)]
    assert {f for f, _ in structured} >= {"addin.md", "taskpane.html"}
    for file, name in structured:
        assert name == table.displayName, (file, name)


def test_taught_bare_names_are_defined_in_the_issued_workbook(issued):
    defined = set(openpyxl.load_workbook(issued).defined_names)
    bare = [(f, a) for f, a in taught_arguments()
            if not _STRUCTURED.match(a) and _NAME.match(a) and not a.islower()]
    assert bare, "the docs teach the master data names"
    for file, name in bare:
        assert name in defined, (file, name)


def test_table_name_resolves_in_a_spreadsheet(require_libreoffice, issued, tmp_path):
    # LibreOffice reads Excel's [#All] only in its double-bracket form; the name is what matters.
    wb = openpyxl.load_workbook(issued)
    ws = wb["Budget"]
    ws["N1"] = f"=ROWS({bookings_table(issued).displayName}[[#All]])"
    ws["N2"] = f"=SUM({bookings_table(issued).displayName}[Beløb])"
    copy = tmp_path / "copy.xlsx"
    wb.save(copy)
    out = openpyxl.load_workbook(recalculate(require_libreoffice, copy, tmp_path / "out"), data_only=True)
    assert out["Budget"]["N1"].value == hw.LAST_BOOKING_ROW
    assert out["Budget"]["N2"].value == 0
