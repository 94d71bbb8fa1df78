"""The Arrow read path (fastexcel) gives the bookings frame python-calamine's rows give, cell for cell.

Workbooks are generated with every kind of cell a bookings sheet may hold in each
column: numbers (with float noise, more than two decimals, tiny and huge ones),
text (also text that looks like a number, a date or a boolean as fastexcel
renders them), dates and date-times (early serials, a hair before midnight),
booleans, error cells, blanks, durations, a header below row 1, a repeated
header. Each is read both ways: the frame, the blank-row count and any refusal
must be identical. Where the Arrow path cannot promise that it must decline, so
a realistic sheet is also checked to be read by it (the comparison is not
vacuous).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itbudget.bookings import BOOKING_HEADERS, bookings_frame, read_bookings
from itbudget.column_names import header_key, header_map
from itbudget.errors import UnusableInput
from itbudget.exports import arrow_bookings_table, bookings_table
from itbudget.files import arrow_sheet, bookings_arrow, open_workbook, sheet_rows

pytest.importorskip("fastexcel")

HEADERS = list(BOOKING_HEADERS)
NOISY_FLOATS = [12.345, 1234.5, 1234.5000000001, 1012.9999999999998, 0.1 + 0.2, 1e-05, 1e20, -0.0,
                1001.0, 46000.0, 46000.99999999, 1.0000000001, -12.5, 10_000_000_000.0, 99.995]
LOOKALIKES = ["1234.5", "12.345", "1001", "-0", "true", "false", "NaN", "inf", "2026-03-01 00:00:00",
              "2026-03-01 12:30:00.500", "2026-03-01T10:00:00", "NA", "null", "", "  ", "\u00a0",
              "1.234,50", "ca. 500", "01-03-2026", "i går", " 1001 ", "00123"]
DATES = [dt.datetime(2026, 3, 1), dt.datetime(2026, 12, 31, 23, 59, 59, 999000), dt.datetime(1900, 1, 1),
         dt.datetime(1900, 2, 28), dt.datetime(1900, 3, 1), dt.datetime(2026, 6, 15, 12, 30)]

cell = st.one_of(
    st.sampled_from(NOISY_FLOATS),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e13, max_value=1e13),
    st.integers(-10**6, 10**6).map(lambda i: i / 100),
    st.sampled_from(LOOKALIKES),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=8),
    st.sampled_from(DATES).map(lambda d: ("date", d)),
    st.booleans(),
    st.just(("error", "#DIV/0!")),
    st.just(("error", "#N/A")),
    st.just(None),
)


def write(path: Path, rows: list[list], *, title: bool = False, duration: bool = False,
          header: list[str] = HEADERS) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    ws = wb.add_worksheet("Bogføringer")
    datefmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    timefmt = wb.add_format({"num_format": "[h]:mm"})
    top = 0
    if title:
        ws.write_string(0, 0, "Bogføringer 2026")
        top = 2
    ws.write_row(top, 0, header)
    for i, r in enumerate(rows, start=top + 1):
        for j, v in enumerate(r):
            if v is None:
                continue
            if isinstance(v, tuple) and v[0] == "date":
                ws.write_datetime(i, j, v[1], datefmt)
            elif isinstance(v, tuple):
                ws.write_formula(i, j, "=1/0", None, v[1])
            elif isinstance(v, bool):
                ws.write_boolean(i, j, v)
            elif isinstance(v, float):
                # (python-calamine panics on a duration beyond chrono's range: kept small)
                ws.write_number(i, j, v, timefmt if duration and j == 1 and abs(v) < 1e6 else None)
            else:
                ws.write_string(i, j, v)
    wb.close()
    return path


def by_calamine(path: Path):
    book = open_workbook(path)
    data, first = sheet_rows(book, "Bogføringer", path.name)
    table = bookings_table(path.name, "Bogføringer", data, first, header_map(()))
    return bookings_frame(table), table.blank_rows


def outcome(read):
    try:
        return read()
    except UnusableInput as exc:
        return str(exc)


def assert_same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        assert a == b
        return
    (fa, blank_a), (fb, blank_b) = a, b
    assert blank_a == blank_b
    assert list(fa.columns) == list(fb.columns)
    for c in fa.columns:
        x, y = fa[c].tolist(), fb[c].tolist()
        assert [type(v) for v in x] == [type(v) for v in y], c
        assert pd.Series(x, dtype=object).equals(pd.Series(y, dtype=object)), c


def by_product(path: Path):
    src = read_bookings(path)
    return src.frame, src.blank_rows


text = st.one_of(st.sampled_from(LOOKALIKES), st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]),
                                                      max_size=8))
blankish = st.sampled_from([None, "", "  ", ("error", "#N/A")])
#: Cells of the kinds a column usually holds, so that the Arrow path is taken often.
usual = {
    1: st.one_of(st.sampled_from(DATES).map(lambda d: ("date", d)), st.sampled_from(["31-02-2026", "i går",
                 "2026-03-01 00:00:00", "1. marts 2026", "2026-13-01"]), blankish),
    4: st.one_of(st.integers(-10**8, 10**8).map(lambda i: i / 100), st.sampled_from(
                 ["1.234,50", "ca. 500", "1234.5", "-0", "(100,00)", "12,345", "1234.50"]), blankish),
}


@st.composite
def a_row(draw, odd: bool):
    row = []
    for j in range(10):
        if odd and draw(st.integers(0, 9)) == 0:
            row.append(draw(cell))  # anything at all, in any column
        elif j in usual:
            row.append(draw(usual[j]))
        else:
            row.append(draw(st.one_of(text, blankish)))
    return row


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data(), odd=st.booleans(), title=st.booleans(), duration=st.booleans())
def test_arrow_path_reads_what_python_calamine_reads(tmp_path_factory, data, odd, title, duration):
    rows = data.draw(st.lists(a_row(odd), max_size=25))
    path = write(tmp_path_factory.mktemp("wb") / "bogf.xlsx", rows, title=title and odd, duration=duration and odd)
    assert_same(outcome(lambda: by_calamine(path)), outcome(lambda: by_product(path)))


def test_a_realistic_sheet_is_read_by_the_arrow_path_and_alike(tmp_path):
    rows = [[float(i), ("date", dt.datetime(2026, 1 + i % 12, 1 + i % 28)), "1001", "2210",
             [1234.5, "1.234,50", 99.0, "ca. 500"][i % 4], "Tekst", "Atea", f"F{i}", "", ""]
            for i in range(200)]
    rows[7][1] = "31-02-2026"
    rows[9] = [None] * 10  # a blank row
    path = write(tmp_path / "bogf.xlsx", rows)
    arrow = bookings_arrow(path, "Bogføringer")
    assert arrow is not None
    assert arrow_bookings_table(path.name, "Bogføringer", arrow, header_map(())) is not None
    assert_same(by_calamine(path), by_product(path))
    assert by_product(path)[1] == 1


@pytest.mark.parametrize("case", ["serial date", "noisy amount", "boolean amount", "repeated header",
                                  "header below row 1", "duration format"])
def test_the_arrow_path_declines_what_it_cannot_promise(tmp_path, case):
    rows = [[1.0, ("date", dt.datetime(2026, 3, 1)), "1001", "2210", 10.5, "T", "", "", "", ""]] * 3
    header = HEADERS
    if case == "serial date":
        rows = rows + [[2.0, 46000.0, "1001", "2210", 1.0, "T", "", "", "", ""]]
    elif case == "noisy amount":
        rows = rows + [[2.0, ("date", dt.datetime(2026, 3, 1)), "1001", "2210", 12.345, "", "", "", "", ""]]
    elif case == "boolean amount":
        rows = rows + [[2.0, ("date", dt.datetime(2026, 3, 1)), "1001", "2210", True, "", "", "", "", ""]]
    elif case == "duration format":  # a duration cell reads as time, not as a date
        rows = rows + [[2.0, 0.5, "1001", "2210", 1.0, "", "", "", "", ""]]
    elif case == "repeated header":
        header = HEADERS[:-1] + ["Konto"]
    path = write(tmp_path / "bogf.xlsx", rows, title=case == "header below row 1",
                 duration=case == "duration format", header=header)
    arrow = bookings_arrow(path, "Bogføringer")
    assert arrow is None or arrow_bookings_table(path.name, "Bogføringer", arrow, header_map(())) is None
    assert_same(outcome(lambda: by_calamine(path)), outcome(lambda: by_product(path)))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(data=st.data(), odd=st.booleans())
def test_columns_of_one_type_read_alike_without_text_columns(tmp_path_factory, data, odd):
    """Every column inferred (dates as dates, amounts as numbers): as a Kolonnenavne header not
    known when the read began would be."""
    rows = data.draw(st.lists(a_row(odd), max_size=25))
    if not odd:  # one type per column: dates, numbers, text
        rows = [[r[0], r[1] if isinstance(r[1], tuple) and r[1][0] == "date" else None, r[2], r[3],
                 r[4] if isinstance(r[4], float) else None, *r[5:]] for r in rows]
    path = write(tmp_path_factory.mktemp("wb") / "bogf.xlsx", rows)
    hmap = header_map(())
    arrow = arrow_sheet(path, "Bogføringer", lambda h: header_key(h) in hmap, set())
    table = arrow_bookings_table(path.name, "Bogføringer", arrow, hmap) if arrow is not None else None
    if table is not None:
        assert_same(by_calamine(path), (bookings_frame(table), table.blank_rows))
