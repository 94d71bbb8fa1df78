"""The fast paths of the core give exactly what the plain, value-by-value paths give.

Parsing distinct values once, cleaning all-text or all-float columns in one go,
skipping blank rows column by column, one stable sort for running totals and
folding case once per distinct invoice number are optimisations only: each is
compared here, through the public functions only, with the plain path on
inputs that mix types on purpose (``True == 1 == 1.0`` must not merge, NumPy
floats print differently): one value at a time (``parse_date``, ``clean_id``,
``parse_amount``), or a column too long and too varied for the fast path.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conftest import booking, frame_of, small_master_sheets
from itbudget.invoice_keys import folded_codes
from itbudget.ledger import prepare
from itbudget.master import master_from_rows
from itbudget.parsing import clean_id, clean_ids, parse_amount, parse_amounts, parse_date, parse_dates
from itbudget.reading import build_table

CELLS = st.one_of(
    st.none(), st.just(""), st.just("  "), st.just(" 1001 "), st.just("KN-7"), st.just("kn-7"),
    st.just("ß"), st.just("SS"), st.booleans(), st.integers(-3, 3), st.just(1.0), st.just(1001.0),
    st.just(2.5), st.just(-0.0), st.just(float("nan")), st.just(float("inf")), st.just(1e20),
    st.just(np.float64(7.0)), st.just(46000.0), st.just("01-03-2026"), st.just("2026-13-01"),
    st.just(dt.date(2026, 3, 1)), st.just(dt.datetime(2026, 3, 1, 12, 30)),
    st.just(np.datetime64("2026-03-01")), st.text(max_size=4))

SLOW = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: A column this long, repeating a few values, is parsed by distinct value.
LONG = 4096
#: More than a handful of texts, all different: parsed by the vectorised path, not one by one.
MANY_TEXT_DATES = [(dt.date(2000, 1, 1) + dt.timedelta(days=k)).strftime("%d-%m-%Y") for k in range(1000)]
MANY_TEXT_AMOUNTS = [f"{k}.{k % 7}00,{k % 100:02d}" for k in range(1000)]


def as_days(dates) -> np.ndarray:
    """``parse_date`` answers as ``parse_dates`` gives them: NaT for None."""
    return np.array([np.datetime64("NaT") if d is None else np.datetime64(d, "D") for d in dates],
                    dtype="datetime64[D]")


def _same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and bool(np.all((a == b) | (np.isnat(a) & np.isnat(b))
                                                                    if a.dtype.kind == "M" else a == b))


@SLOW
@given(st.lists(CELLS, min_size=1, max_size=12), st.integers(0, 2**16))
@example([True, 1.0, 46000.0, "01-03-2026", dt.datetime(2026, 3, 1, 12, 30)], 0)
def test_parse_dates_by_distinct_value_matches_value_by_value(cells, seed):
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(cells), LONG)
    column = np.empty(LONG, dtype=object)
    column[:] = [cells[i] for i in picks]
    fast, fast_ok = parse_dates(column)
    slow = as_days([parse_date(c) for c in cells])[picks]  # each cell alone
    assert _same(fast, slow)
    assert (fast_ok == ~np.isnat(slow)).all()


def test_parse_dates_does_not_merge_true_with_serial_one():
    # True == 1.0 in Python: merged, the bool would read as the serial date 1899-12-31.
    column = np.array([1.0, True] * LONG, dtype=object)
    days, ok = parse_dates(column)
    assert ok[0] and not ok[1]
    assert days[0] == np.datetime64("1899-12-31")


@SLOW
@given(st.lists(CELLS, min_size=0, max_size=40))
@example([" 1001 ", "KN-7", "  "])  # all text
@example([1001.0, 2.5, -0.0])  # all float
@example([True, 1.0, 1, " 1 "])  # equal values of different types
def test_clean_ids_fast_paths_match_clean_id(cells):
    column = np.empty(len(cells), dtype=object)
    column[:] = cells
    # The reference cleans each distinct value (as pandas factorises: True == 1.0) on its own.
    codes, uniques = pd.factorize(column)
    expected = [clean_id(uniques[c]) if c >= 0 else "" for c in codes]
    assert list(clean_ids(column)) == expected
    assert list(clean_ids(column, distinct=False)) == expected


@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=30))
def test_clean_ids_all_float_column_matches_clean_id(values):
    column = np.array(values, dtype=object)
    expected = [clean_id(v) for v in values]
    assert list(clean_ids(column)) == expected
    assert list(clean_ids(column, distinct=False)) == expected


def test_clean_ids_numpy_floats_keep_their_own_text():
    column = np.array([np.float64(7.0), 7.5], dtype=object)
    assert list(clean_ids(column)) == ["7.0", "7.5"]


BLANKISH = st.sampled_from([None, "", " ", "\t", "x", 0.0, float("nan"), False, dt.date(2026, 1, 1)])


@given(st.lists(st.lists(BLANKISH, min_size=3, max_size=3), max_size=25))
def test_blank_rows_are_skipped_as_a_cell_by_cell_check_would(body):
    data = [["Dato", "Konto", "Beløb"]] + body
    table = build_table("t.xlsx", "Bogføringer", data, 1, ["Dato", "Konto", "Beløb"])

    def blank(v):
        return v is None or v == "" or (isinstance(v, str) and v.isspace())

    kept = [i + 2 for i, r in enumerate(body) if not all(blank(v) for v in r)]
    assert table.rows.tolist() == kept
    assert table.blank_rows == len(body) - len(kept)


MASTER = master_from_rows(small_master_sheets())
#: Budget lines of the small municipality (conftest): three decentral, and TEL, central over cost centres.
LINES = [("1001", "2210"), ("1001", "2220"), ("2001", "2210"), ("1001", "2310"), ("2001", "2310")]


@settings(deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 5), st.integers(-50, 50), st.booleans()),
                max_size=40))
def test_running_total_matches_a_loop_in_date_then_source_order(rows):
    # A booking dated outside the budget year (2025) cannot be placed and counts toward no line.
    frame = frame_of(*(booking(Omkostningssted=LINES[k][0], Konto=LINES[k][1], Beløb=amount,
                               Dato=dt.date(2026 if counted else 2025, 3, 1 + day))
                       for k, day, amount, counted in rows))
    got = prepare(frame, MASTER).frame["line_running"]
    expected = [0] * len(rows)
    key = [LINES[k][1] if LINES[k][1] == "2310" else LINES[k] for k, *_ in rows]  # TEL: one line
    for line in set(key):
        total = 0
        for i in sorted((i for i, r in enumerate(rows) if r[3] and key[i] == line),
                        key=lambda i: (rows[i][1], i)):
            total += rows[i][2] * 100
            expected[i] = total
    assert got.tolist() == expected


@given(st.lists(st.sampled_from(["", "KN-1", "kn-1", "Kn-1", "ß", "SS", "ss", "a\x1fb", "A", "b"]),
                max_size=30))
def test_invoice_keys_fold_case_like_casefold(values):
    column = np.array(values, dtype=object)
    codes, _, blank = folded_codes(column)
    for i, a in enumerate(values):
        assert blank[i] == (a == "")
        for j, b in enumerate(values):
            assert (codes[i] == codes[j]) == (a.casefold() == b.casefold())


TEXT_DATES = st.one_of(
    st.sampled_from(["01-03-2026", "1.3.2026", "01/03/2026", "1-3-26", "2026-03-01",
                     "2026-03-01 10:00:00", "1. marts 2026", "3 dec 2026", "31-02-2026", "29-02-2024",
                     "2026-13-01", "1. foo 2026", " 05-06-2026 ", "01-01-1600", "9999-12-31", "x", "",
                     "0000-01-01", "1. okt 0000", "١٢-٣-٢٠٢٦", "３-３-2026"]),
    st.builds(lambda d, m, y, sep: f"{d}{sep}{m}{sep}{y}", st.integers(0, 40), st.integers(0, 14),
              st.integers(0, 3000), st.sampled_from(["-", ".", "/"])),
    st.text(alphabet="0123456789-./ marts", max_size=12))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT_DATES, min_size=1, max_size=60))
def test_few_text_dates_parse_like_a_long_column(values):
    few = as_days([parse_date(v) for v in values])  # one text: parsed on its own
    many = parse_dates(np.array(values + MANY_TEXT_DATES, dtype=object))[0][:len(values)]
    assert ((few == many) | (np.isnat(few) & np.isnat(many))).all(), list(zip(values, few, many))
    assert parse_dates(np.array(values, dtype=object))[0].tolist() == few.tolist()  # a few texts together


TEXT_AMOUNTS = st.one_of(
    st.sampled_from(["1.234,50", "-1234,5", "1234.50", "1 234,50 kr.", "1.234,50-", "(1.234,50)",
                     "DKK 12", "12,345", "1.234", "1.234.567", "12.3456", "kr", "", " ", "+7", "--5",
                     "9999999999999,99", "10000000000,01", "1,2,3", "(5", "0,0", "'1'000,00", "1e3"]),
    st.text(alphabet="0123456789.,-+() krDK'", max_size=16))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(TEXT_AMOUNTS, st.floats(-1e6, 1e6), st.none()), min_size=1, max_size=60))
def test_few_text_amounts_parse_like_a_long_column(values):
    alone = [parse_amount(v) for v in values]  # one text: parsed on its own
    few = ([0 if a is None else a for a in alone], [a is not None for a in alone])
    many = parse_amounts(np.array(values + MANY_TEXT_AMOUNTS, dtype=object))
    assert many[0][:len(values)].tolist() == few[0], list(zip(values, few[0], many[0]))
    assert many[1][:len(values)].tolist() == few[1], list(zip(values, few[1], many[1]))
    together = parse_amounts(np.array(values, dtype=object))  # a few texts together
    assert (together[0].tolist(), together[1].tolist()) == few
