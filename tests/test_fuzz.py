"""Fuzzing the readers and the rules with hypothesis (bounded; runs in ``make test``).

- Arbitrary CSV text (any separator, quotes, line ends, encodings) through the
  CSV reader: it returns bookings or raises :class:`UnusableInput`, nothing else;
  the bookings then validate without raising, and every row is accounted for.
- Arbitrary cell values (text, numbers incl. NaN/inf/huge, dates, booleans,
  error-looking text) in a bookings sheet: the frame builds and ``validate``
  never raises; findings point only at input rows.
- The same values written to a real .xlsx and read back by the workbook reader.

``tests/fuzz_reader.py`` is an optional atheris target for the workbook reader
(not run by ``make test``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import small_master_sheets, write_workbook
from itbudget.bookings import BOOKING_HEADERS, bookings_frame, read_bookings
from itbudget.errors import UnusableInput
from itbudget.master import master_from_rows
from itbudget.parsing import MAX_AMOUNT_ORE, parse_amounts, parse_dates
from itbudget.reading import build_table
from itbudget.validation import FINDING_COLUMNS, validate

HEADERS = list(BOOKING_HEADERS)
REQUIRED = ["Dato", "Omkostningssted", "Konto", "Beløb"]
MASTER = master_from_rows(small_master_sheets())
# A RuntimeWarning from NumPy would reach the user's terminal; it is an error here.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")
FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Cell values a workbook reader can hand over.
cells = st.one_of(
    st.none(), st.just(""), st.text(max_size=12),
    st.sampled_from(["1001", "1002", "2001", "9999", "2210", "2310", "2250", "P1", "#REF!", "#N/A",
                     "1.234,50", "-0,01", "(12,50)", "12,50-", "31-02-2026", "01-03-2026",
                     "1. marts 2026", "=SUM(A1)", "+1", "@x", "\t-1", "nan", "inf", "1e400"]),
    st.integers(min_value=-(10**20), max_value=10**20), st.sampled_from([10**400, -(10**400), 2**63]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31)),
    st.booleans(),
)
rows = st.lists(st.lists(cells, min_size=0, max_size=12), max_size=25)


#: Words every Danish refusal uses one of (the file is named first, then why).
DANISH = re.compile(r"\b(er|ikke|kan|mangler|findes|filen|arket|linje|kolonne\w*|indeholder)\b")


def check_refusal(exc: UnusableInput, file: str) -> None:
    """A refusal of the file as a whole: names the file first, says why in Danish, exit code 2.

    (It may span lines: it quotes the header text it found, line breaks and all.)
    """
    text = str(exc)
    assert text.startswith((f"{file}:", f"{file},")), text
    assert DANISH.search(text.split(":", 1)[1]), text
    assert "Traceback" not in text, text
    assert text.endswith("."), text
    assert exc.exit_code == 2


def check_validation(frame, input_rows: set[int]) -> None:
    result = validate(frame, MASTER, central_coverage=True)
    f = result.findings
    assert list(f.columns) == FINDING_COLUMNS
    assert set(f["row"].tolist()) <= input_rows
    assert set(f["severity"]) <= {"error", "warning"}
    assert result.rows == len(frame)


@FUZZ
@given(body=rows, header=st.permutations(HEADERS))
def test_any_cells_in_a_bookings_sheet_validate_without_raising(body, header):
    data = [list(header)] + [list(r) for r in body]
    table = build_table("fuzz.xlsx", "Bogføringer", data, 1, REQUIRED, HEADERS)
    frame = bookings_frame(table)
    assert len(frame) + table.blank_rows == len(body)
    assert set(frame["row"].tolist()) <= set(range(2, len(body) + 2))
    check_validation(frame, set(range(2, len(body) + 2)))


@FUZZ
@given(body=st.lists(st.lists(st.one_of(
    st.none(), st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=10),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2100, 12, 31))),
    min_size=10, max_size=10), max_size=8))
def test_any_cells_in_a_real_workbook_read_and_validate(body):
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(Path(tmp) / "fuzz.xlsx", {"Bogføringer": [HEADERS] + body})
        try:
            source = read_bookings(path)
        except UnusableInput as exc:
            # Only a refusal of the file as a whole, named, in Danish; e.g. a
            # text cell that looks like a header row, above the real one.
            check_refusal(exc, "fuzz.xlsx")
            return
        check_validation(source.frame, set(range(2, len(body) + 2)))


csv_chars = st.sampled_from(list(";,\t|\"'\n\r ") + list("0123456789-.") + ["æ", "ø", "å", "\x00", "\ufeff"])
csv_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(st.sampled_from(HEADERS + ["1001", "2210", "01-03-2026", "1.234,50"]),
                       st.text(csv_chars, max_size=6)), max_size=60).map("".join),
    st.builds(lambda sep, recs, end: sep.join(HEADERS) + end + end.join(sep.join(r) for r in recs),
              st.sampled_from([";", ",", "\t", "|", ":"]),
              st.lists(st.lists(st.text(csv_chars, max_size=8), max_size=12), max_size=15),
              st.sampled_from(["\n", "\r\n", "\r"])),
)


def test_the_fuzzed_readers_both_refuse_and_read(tmp_path):
    """The two outcomes the CSV fuzz accepts are both reachable, and a refusal is checked, not waved through."""
    refused = tmp_path / "eksport.csv"
    refused.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(UnusableInput) as exc:
        read_bookings(refused)
    check_refusal(exc.value, "eksport.csv")
    with pytest.raises(AssertionError):
        check_refusal(exc.value, "en-anden.csv")
    with pytest.raises(AssertionError):
        check_refusal(UnusableInput("eksport.csv: could not parse the file."), "eksport.csv")
    read = tmp_path / "ok.csv"
    read.write_text(";".join(HEADERS) + "\n" + ";".join(["B1", "01-03-2026", "1001", "2210", "12,50"])
                    + "\n", encoding="utf-8")
    check_validation(read_bookings(read).frame, {2})


@FUZZ
@given(text=csv_text, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
def test_any_csv_text_gives_bookings_or_unusable_input(text, encoding):
    raw = text.encode(encoding, errors="replace")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "eksport.csv"
        path.write_bytes(raw)
        try:
            source = read_bookings(path)
        except UnusableInput as exc:
            check_refusal(exc, "eksport.csv")
            return
        frame = source.frame
        assert (frame["row"] >= 2).all()
        check_validation(frame, set(frame["row"].tolist()))


@FUZZ
@given(values=st.lists(st.one_of(st.text(max_size=20), st.floats(), st.integers(),
                                 st.integers(min_value=10**300, max_value=10**400), st.none(),
                                 st.dates(), st.booleans()), max_size=30))
def test_parsers_never_raise_and_stay_in_range(values):
    ore, ok = parse_amounts(np.array(values, dtype=object))
    assert ore.dtype == np.int64 and len(ok) == len(values)
    assert (np.abs(ore[ok]) <= MAX_AMOUNT_ORE).all() and (ore[~ok] == 0).all()
    days, dok = parse_dates(np.array(values, dtype=object))
    assert len(days) == len(values) and (np.isnat(days) == ~dok).all()
    for v, good in zip(values, ok):
        if isinstance(v, float) and not math.isfinite(v):
            assert not good
