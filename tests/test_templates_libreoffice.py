"""Issued workbooks in LibreOffice: native totals recalculated for real, and rendered.

LibreOffice recalculates on load (a throwaway profile forces it), saves, and
the computed Budget values are read back with calamine and compared with the
core's line status of the same workbook, to the øre.
"""

from __future__ import annotations

import python_calamine as pc
import pytest

from conftest import small_master_sheets
from itbudget.master import master_from_rows
from itbudget.operations import validate_file
from libreoffice import fill_bookings, recalculate, render_png
from test_issue_roundtrip import ROWS
from workbook_templates.holder_workbook import BUDGET_HEADERS, issue_workbooks

pytestmark = pytest.mark.libreoffice


def budget_values(path) -> dict[tuple[str, str], tuple[int, int]]:
    """(cost centre, account) -> (Bogført, Rest) in øre, as LibreOffice computed them."""
    rows = pc.load_workbook(str(path)).get_sheet_by_name("Budget").to_python()
    head = rows[0]
    i = {h: head.index(h) for h in BUDGET_HEADERS}
    out = {}
    for r in rows[1:]:
        if r[i["Omkostningssted"]] == "":
            continue
        booked, rest = r[i["Bogført"]], r[i["Rest"]]
        assert isinstance(booked, float) and isinstance(rest, float), (r, "not computed")
        out[(str(r[i["Omkostningssted"]]), str(r[i["Konto"]]))] = (round(booked * 100), round(rest * 100))
    return out


def core_values(path) -> dict[tuple[str, str], tuple[int, int]]:
    lines = validate_file(path).lines
    return {(r.cost_centre, r.account): (int(r.booked), int(r.remaining)) for r in lines.itertuples()}


def check_native_totals(require_libreoffice, filled, tmp_path):
    recalced = recalculate(require_libreoffice, filled, tmp_path / "lo")
    native = budget_values(recalced)
    core = core_values(filled)
    assert native == core
    assert any(booked for booked, _ in core.values()), "the test must book something"
    # The LibreOffice-saved copy still reads: empty formatted rows are not bookings.
    again = validate_file(recalced)
    assert again.rows == validate_file(filled).rows
    return native


def test_recalculation_ignores_cached_values(require_libreoffice, tmp_path):
    """The throwaway profile forces recalculation: a stale cached result is not read back."""
    import xlsxwriter

    stale = tmp_path / "stale.xlsx"
    with xlsxwriter.Workbook(stale) as wb:
        ws = wb.add_worksheet()
        ws.write_number("A1", 2)
        ws.write_number("A2", 3)
        ws.write_formula("A3", "=A1+A2", None, 999)
    recalced = recalculate(require_libreoffice, stale, tmp_path / "lo")
    assert pc.load_workbook(str(recalced)).get_sheet_by_index(0).to_python() == [[2.0], [3.0], [5.0]]


def test_budget_totals_match_core_small(require_libreoffice, tmp_path):
    master = master_from_rows(small_master_sheets())
    (h1, _) = issue_workbooks(master, tmp_path / "ud")
    filled = fill_bookings(h1, ROWS, tmp_path / "H1.xlsx")
    native = check_native_totals(require_libreoffice, filled, tmp_path)
    booked, rest = native[("1001", "2210")]
    assert booked == 110010 and rest == 100000 - 110010  # the overrun shows as negative Rest


def test_budget_totals_match_core_for_typed_ids_and_times(require_libreoffice, tmp_path):
    """Ids typed as numbers, a date with a time on 31 December, amounts with øre."""
    import datetime as dt

    from conftest import booking

    master = master_from_rows(small_master_sheets())
    (h1, _) = issue_workbooks(master, tmp_path / "ud")
    rows = [booking(Omkostningssted=1001, Konto=2210, Beløb=0.1),
            booking(Omkostningssted=1001, Konto=2210, Beløb=0.2),
            booking(Konto=2220, Dato=dt.datetime(2026, 12, 31, 23, 59), Beløb=1234.56),
            booking(Konto=2220, Dato=dt.datetime(2027, 1, 1, 0, 0), Beløb=99),
            booking(Konto=2220, Beløb=-34.56)]
    filled = fill_bookings(h1, rows, tmp_path / "H1.xlsx")
    native = check_native_totals(require_libreoffice, filled, tmp_path)
    assert native[("1001", "2210")][0] == 30 and native[("1001", "2220")][0] == 120000


def test_budget_totals_match_core_demo(require_libreoffice, tmp_path):
    demo = pytest.importorskip("itbudget.demo")
    d = demo.build_demo()
    master = d.master()
    # The first holder, and one whose bookings include unreadable amounts and dates.
    for hid in (d.holder_ids[0], "H10"):
        (path,) = issue_workbooks(master, tmp_path / "ud", [hid])
        filled = fill_bookings(path, d.bookings[hid], tmp_path / f"{hid}.xlsx")
        check_native_totals(require_libreoffice, filled, tmp_path / hid)


def test_issued_workbook_renders(require_libreoffice, tmp_path):
    master = master_from_rows(small_master_sheets())
    (h1, _) = issue_workbooks(master, tmp_path / "ud")
    filled = fill_bookings(h1, ROWS[:3], tmp_path / "H1.xlsx")
    pdf, pages = render_png(require_libreoffice, filled, tmp_path / "png")
    assert pdf.stat().st_size > 10_000
    # Bookings, Budget, Vejledning and the visible master sheets; not 20,000 empty rows.
    assert 4 <= len(pages) <= 15
    assert all(p.stat().st_size > 1000 for p in pages)
