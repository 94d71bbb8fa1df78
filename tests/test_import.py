"""``itbudget import EXPORT WORKBOOK`` (issue 16): append once, keep everything, refuse safely."""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
from conftest import small_master_sheets, write_workbook
from libreoffice import recalculate
from test_cli_validate import SCENARIO, cli, csv_bytes, kr_danish
from test_exports import KOLONNENAVNE, OWN_HEADERS, export_rows, findings, write_csv

from itbudget.operations.importing import import_export
from itbudget.master import master_from_rows
from itbudget.operations import validate_file
from workbook_templates import holder_workbook
from workbook_templates.holder_workbook import write_holder_workbook


def issued(path, **overrides):
    master = master_from_rows(small_master_sheets(Kolonnenavne=KOLONNENAVNE, **overrides))
    return write_holder_workbook(master, "H1", path)


def cells(path, sheet="Bogføringer"):
    ws = openpyxl.load_workbook(path)[sheet]
    return [[c.value for c in row] for row in ws.iter_rows(min_row=1, max_col=10)]


@pytest.fixture
def export(tmp_path):
    return write_csv(tmp_path / "eksport.csv", export_rows(OWN_HEADERS, kr_danish))


def test_import_twice_adds_the_bookings_once_and_validates_like_the_contract_layout(tmp_path, export):
    book = issued(tmp_path / "H1 Bakkeskolen.xlsx")
    blank = shutil.copy(book, tmp_path / "blank.xlsx")
    before = export.read_bytes()

    code, out, err = cli("import", export, book)
    assert code == 1, err  # row 6 is on cost centre 9999, not H1's: a finding
    assert f"Indlæst {len(SCENARIO)} bogføringer fra eksport.csv i H1 Bakkeskolen.xlsx; 0 fandtes allerede" in out
    assert "eksport.csv, række 9: ITB003 Omkostningssted 9999 hører ikke til aftaleholder H1" in out
    first = cells(book)
    code, out, err = cli("import", export, book)
    assert "Indlæst 0 bogføringer" in out and f"{len(SCENARIO)} fandtes allerede og er sprunget over" in out
    assert cells(book) == first  # the second import changed no cell
    assert export.read_bytes() == before  # the export is only read

    contract = tmp_path / "kontrakt.csv"
    contract.write_bytes(csv_bytes())
    import_export(contract, blank)  # the same bookings in the contract layout, same workbook
    assert findings(validate_file(book)) == findings(validate_file(blank))


def test_existing_rows_are_kept_and_only_new_rows_are_added(tmp_path, export):
    book = issued(tmp_path / "H1.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["Bogføringer"]
    typed = ["1", dt.datetime(2026, 3, 1), "1001", "2210", 600, "Bærbar pc", "Atea A/S", "F100",
             "5798000416604", None]  # SCENARIO's first booking, typed by hand
    for j, v in enumerate(typed, start=1):
        ws.cell(row=2, column=j, value=v)
    ws.cell(row=3, column=6, value="en note uden andet")  # a half-typed row stays as it is
    wb.save(book)

    result = import_export(export, book)
    assert (result.added, result.skipped) == (len(SCENARIO) - 1, 1)
    rows = cells(book)
    assert rows[1] == typed and rows[2][5] == "en note uden andet" and rows[2][0] is None
    assert rows[3][0] == "2" and rows[3][1] == dt.datetime(2026, 3, 2) and rows[3][4] == 400.01
    assert rows[7][4] == "12,345"  # unreadable amount kept as the text it was (ITB001 later)
    ws = openpyxl.load_workbook(book)["Bogføringer"]
    assert ws.protection.sheet and not ws["A4"].protection.locked and ws["B4"].number_format == "dd-mm-yyyy"


def test_identical_rows_in_one_export_count(tmp_path):
    book = issued(tmp_path / "H1.xlsx")
    path = write_csv(tmp_path / "to.csv", [["Dato", "Omk.sted", "Art", "Beløb DKK"],
                                          [dt.date(2026, 4, 1), "1001", "2210", "10,00"],
                                          [dt.date(2026, 4, 1), "1001", "2210", "10,00"]])
    assert import_export(path, book).added == 2
    again = import_export(path, book)
    assert (again.added, again.skipped) == (0, 2)


def test_open_workbook_is_refused_and_nothing_is_written(tmp_path, export):
    book = issued(tmp_path / "H1.xlsx")
    (tmp_path / "~$H1.xlsx").write_bytes(b"\x00" * 165)
    before = book.read_bytes()
    code, out, err = cli("import", export, book)
    assert code == 2 and out == ""
    assert err.strip() == ("itbudget: H1.xlsx: projektmappen er åben i Excel (låsefilen ~$H1.xlsx "
                           "ligger ved siden af); luk den i Excel og prøv igen. Intet er skrevet.")
    assert book.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["H1.xlsx", "eksport.csv", "~$H1.xlsx"]


def test_a_bare_workbook_and_an_unreadable_export_are_refused(tmp_path, export):
    bare = write_workbook(tmp_path / "bare.xlsx", {"Bogføringer": [["Dato", "Omkostningssted", "Konto", "Beløb"]]})
    code, _, err = cli("import", export, bare)
    assert code == 2 and "bare.xlsx: er ikke en aftaleholders projektmappe" in err
    book = issued(tmp_path / "H1.xlsx")
    before = book.read_bytes()
    odd = tmp_path / "odd.csv"
    odd.write_bytes("Posteringsliste\nA;B;C\n1;2;3\n".encode("cp1252"))
    code, _, err = cli("import", odd, book)
    assert code == 2 and "kolonneoverskrifterne kan ikke genkendes" in err and "Kolonnenavne" in err
    assert book.read_bytes() == before


def test_issued_workbooks_carry_kolonnenavne_only_when_the_master_data_has_it(tmp_path):
    with_names = openpyxl.load_workbook(issued(tmp_path / "a.xlsx"))
    assert [[c.value for c in r] for r in with_names["Kolonnenavne"].iter_rows()] == KOLONNENAVNE
    assert with_names["Kolonnenavne"].protection.sheet
    without = write_holder_workbook(master_from_rows(small_master_sheets()), "H1", tmp_path / "b.xlsx")
    assert "Kolonnenavne" not in openpyxl.load_workbook(without).sheetnames


@pytest.fixture
def small_table(monkeypatch):
    """Issued workbooks laid out for 3 bookings, so an import must grow the table."""
    monkeypatch.setattr(holder_workbook, "BOOKING_ROWS", 3)
    monkeypatch.setattr(holder_workbook, "LAST_BOOKING_ROW", 4)


def test_the_table_grows_with_its_ranges_formulas_and_protection(tmp_path, export, small_table):
    book = issued(tmp_path / "H1.xlsx")
    assert import_export(export, book).added == len(SCENARIO)
    last = 1 + len(SCENARIO)
    wb = openpyxl.load_workbook(book)
    ws = wb["Bogføringer"]
    (table,) = ws.tables.values()
    assert table.ref == f"A1:J{last}"
    assert wb.defined_names["Bogfoeringer"].attr_text == f"'Bogføringer'!$A$1:$J${last}"
    assert {str(cf.sqref) for cf in ws.conditional_formatting} == {f"L2:M{last}"}
    assert ws.protection.sheet and ws.protection.insertRows is False
    # The count of text amounts on the Budget sheet, found by what it counts (its cell moves
    # when the sheet gains columns).
    text_cells, = [c.value for row in wb["Budget"].iter_rows() for c in row
                   if isinstance(c.value, str) and "ISTEXT('Bogføringer'!$E$" in c.value]
    assert f"$E$2:$E${last})" in text_cells and "$E$4)" not in text_cells


def test_the_grown_workbook_recalculates_in_libreoffice(tmp_path, export, small_table,
                                                        require_libreoffice):
    exe = require_libreoffice
    book = issued(tmp_path / "H1.xlsx")
    import_export(export, book)
    sheet = openpyxl.load_workbook(book)["Budget"]
    counter, = [c.coordinate for row in sheet.iter_rows() for c in row
                if isinstance(c.value, str) and "ISTEXT('Bogføringer'!$E$" in c.value]
    calc = openpyxl.load_workbook(recalculate(exe, book, tmp_path / "lo"), data_only=True)["Budget"]
    headers = [c.value for c in calc[1]]
    at = headers.index("Bogført")
    booked = {(r[0], r[2]): r[at] for r in calc.iter_rows(min_row=2, max_row=4, values_only=True)}
    # SCENARIO on 1001: 2210 = 600 + 400,01 (row 7's text not counted); 2220 = 1234,50 - 234,50 + 1
    assert booked[("1001", "2210")] == pytest.approx(1000.01)
    assert booked[("1001", "2220")] == pytest.approx(1001.00)
    assert calc[counter].value == 1  # the text amount in row 8, beyond the original table
