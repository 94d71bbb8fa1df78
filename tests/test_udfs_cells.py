"""Cells as each Excel runtime sends them (itbudget.cells): empty-cell encodings, pywin32's
aware datetimes, floats and COM error codes, Office.js error dicts."""

from __future__ import annotations

import datetime as dt

import pytest
from xlwings import XlwingsError

import udfs
from conftest import booking, small_master_sheets
from itbudget.bookings import BOOKING_HEADERS
from itbudget import cells
from udfs import masterdata

HEADER = list(BOOKING_HEADERS)
EMPTY = {"tom tekst": "", "null": None, "nul": 0}
#: Every error value pywin32 can hand over, by its COM code.
COM = {"#NULL!": -2146826288, "#DIV/0!": -2146826281, "#VALUE!": -2146826273, "#REF!": -2146826265,
       "#NAME?": -2146826259, "#NUM!": -2146826252, "#N/A": -2146826246, "#GETTING_DATA": -2146826245}


@pytest.fixture(autouse=True)
def _no_server_master(monkeypatch):
    from itbudget.settings import Settings, use_process_settings

    use_process_settings(Settings(stamdata=None))  # no server master
    masterdata.clear_cache()


def ranges(empty=""):
    """The small master data as ranges with two unused rows each, as Excel sends them."""
    out = []
    for rows in small_master_sheets().values():
        width = len(rows[0])
        out.append([[empty if v in ("", None) else v for v in r] for r in rows] + [[empty] * width] * 2)
    return out


def encoded(rows, empty):
    return [[empty if v in ("", None) else v for v in r] for r in rows]


def status(rows, empty, master_empty=None):
    m = ranges(empty if master_empty is None else master_empty)
    return [r[0] for r in udfs.itb_valider(encoded(rows, empty), *m)]


@pytest.mark.parametrize("empty", EMPTY.values(), ids=EMPTY.keys())
def test_each_empty_encoding_gives_the_same_statuses(empty):
    rows = [HEADER,
            booking(Beløb=900),                                 # Tekst, Projektnr, EAN ... empty
            booking(Beløb="100,01"),                            # 0,01 kr. past the budget
            [""] * 10,                                          # an unused table row: blank
            booking(Projektnr="P1", Konto="2250", Beløb=50),
            booking(Dato="", Beløb=20),                         # the date is missing, not unreadable
            booking(Beløb=0, Tekst="Kreditering udlignet"),     # a 0-kr. booking with other fields
            [""] * 10]
    assert status(rows, empty) == [
        "Status", "OK", "Fejl: ITB006 mangler 0,01 kr.", "", "OK",
        "Fejl: ITB001 påkrævet felt mangler eller kan ikke læses", "OK", ""]


@pytest.mark.parametrize("empty", EMPTY.values(), ids=EMPTY.keys())
def test_each_empty_encoding_gives_the_same_rest_daekket_and_price(empty):
    rows = encoded([HEADER, booking(Beløb=300), [""] * 10, booking(Konto="2320", Beløb=420)], empty)
    m = ranges(empty)
    assert udfs.itb_rest(1001, 2210, rows, *m) == 700.0
    assert udfs.itb_daekket(1001, 2210, 700, rows, *m) is True
    assert udfs.itb_daekket(1001, 2210, 700.01, rows, *m) is False
    assert udfs.itb_pris_pr_arbejdsplads("H1", rows, *m) == pytest.approx((300 + 120) / 12, abs=0.005)


def test_zero_means_empty_in_id_text_and_date_fields_only():
    rows = cells.bookings_rows([HEADER, booking(Projektnr=0, EAN=0, Tekst=0, Beløb=0),
                                [0] * 10, booking(Dato=0, Beløb=0.0, Bilag=0.0), [False] + [0] * 9])
    assert rows[1][9] == "" and rows[1][8] == "" and rows[1][5] == "" and rows[1][4] == 0
    assert rows[2] == [""] * 10                     # every field empty: a blank row
    assert rows[3][1] == "" and rows[3][0] == "" and rows[3][4] == 0.0
    assert rows[4][0] is False and rows[4][4] == 0  # a FALSE cell is a value, so Beløb 0 stays


def test_where_empty_is_none_a_zero_is_a_typed_zero_and_other_cells_convert_alike():
    """The macros' Book API says None for empty: a 0 stays 0; dicts, aware dates and COM codes convert."""
    aware = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    typed = [HEADER, booking(Projektnr=0, Tekst=0, Beløb=0), [None] * 10,
             booking(Dato=aware, Bilag={"type": "Error", "basicValue": "#N/A"}, Konto=-2146826246)]
    rows = cells.bookings_rows([list(r) for r in typed], zero_is_empty=False)
    assert rows[1][9] == 0 and rows[1][5] == 0 and rows[1][4] == 0
    assert rows[2] == [None] * 10
    assert rows[3][1] == dt.datetime(2026, 3, 1) and rows[3][0] == "#N/A" and rows[3][3] == "#N/A"
    both = cells.bookings_rows([list(r) for r in typed])
    assert both[3] == rows[3]  # only the meaning of 0 differs between the encodings
    master = cells.master_rows([["Konto", "Navn"], [0, None], [None, None]], zero_is_empty=False)
    assert master == [["Konto", "Navn"], [0, None], [None, None]]


def test_a_zero_in_master_ranges_is_an_empty_cell_or_an_unused_row():
    sheets = small_master_sheets()
    sheets["Aftaleholdere"] = [sheets["Aftaleholdere"][0], ["H1", "Bakkeskolen", 10, 0, 0],
                               ["H2", "Rådhuset", 30, 0, "Bo"], [0, 0, 0, 0, 0]]
    master = masterdata.master_from_ranges([encoded(r, 0) + [[0] * len(r[0])] for r in sheets.values()])
    h1 = master.holder_by_id["H1"]
    assert (h1.workstations, h1.home_workstations, h1.contact) == (10, 0, "")
    assert len(master.holders) == 2 and master.account_by_id["2210"].central_line == ""
    assert master.settings.savings_target == 4000000 * 100


def test_pywin32_cells_aware_datetimes_floats_and_none():
    aware = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
    rows = ((*HEADER,), (None, aware, 1001.0, 2210.0, 900.0, None, None, None, None, None),
            (None, aware, 1001.0, 2210.0, 100.01, "Skærm", None, None, None, None),
            (None,) * 10)
    assert [r[0] for r in udfs.itb_valider(rows, *ranges(None))] == [
        "Status", "OK", "Fejl: ITB006 mangler 0,01 kr.", ""]
    assert cells.cell(aware) == dt.datetime(2026, 3, 1)
    assert cells.cell(dt.date(2026, 3, 1)) == dt.date(2026, 3, 1)


@pytest.mark.parametrize("text,code", COM.items(), ids=COM.keys())
def test_com_error_codes_are_unreadable_values_hence_findings(text, code):
    assert cells.cell(code) == text
    rows = ((*HEADER,), (None, 46082.0, 1001.0, 2210.0, code, *[None] * 5),
            (None, code, 1001.0, 2210.0, 10.0, *[None] * 5),
            (None, 46082.0, code, 2210.0, 10.0, *[None] * 5))
    out = [r[0] for r in udfs.itb_valider(rows, *ranges(None))]
    assert out[1].startswith("Fejl: ITB001") and out[2].startswith("Fejl: ITB001")
    assert out[3].startswith("Fejl: ITB003")
    with pytest.raises(XlwingsError, match="kan ikke læses"):
        udfs.itb_daekket(1001.0, 2210.0, code, rows[:1], *ranges(None))


def test_a_float_equal_to_an_error_code_is_a_number():
    # pywin32 gives every number as a float: only an int is an error code.
    assert cells.cell(-2146826246.0) == -2146826246.0
    assert cells.cell(3101.0) == 3101.0 and cells.cell(True) is True


def test_office_js_error_dicts_and_data_types():
    assert cells.cell({"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}) == "#N/A"
    assert cells.cell({"type": "FormattedNumber", "basicValue": 12.5, "numberFormat": "0.00"}) == 12.5
    assert cells.cell([1, 2]) == "[1, 2]"
