"""The findings JSON rendered by column is byte for byte what json.dumps of the records gives."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import booking, frame_of
from itbudget.report import findings_json, findings_records, validation_dict, validation_json
from itbudget.validation import validate

TEXT_COLUMNS = ("file", "voucher", "rule", "severity", "message", "sheet")
# Quotes, backslashes, control characters, non-ASCII, U+2028 and empty texts, beside any text.
TRICKY = st.sampled_from(["", '"', "\\", '\\"', "\n", "\t\r\b\f", "\x00", "\x1f", "\x7f", "æøå Økonomistaben",
                          "\u2028", "€", "𝄞", '", "', "}, {"])
TEXT = st.one_of(TRICKY, st.text(max_size=12), st.lists(TRICKY, max_size=4).map("".join))


@st.composite
def findings_frames(draw):
    n = draw(st.integers(0, 25))
    data = {"row": np.array(draw(st.lists(st.integers(-2**63, 2**63 - 1), min_size=n, max_size=n)),
                            dtype=np.int64)}
    storage = draw(st.sampled_from(["arrow", "object"]))
    for c in TEXT_COLUMNS:
        values = draw(st.lists(TEXT if storage == "arrow" else st.one_of(TEXT, st.none()), min_size=n, max_size=n))
        if storage == "arrow":
            data[c] = pd.array(values, dtype=pd.StringDtype("pyarrow", na_value=np.nan))
        else:
            data[c] = pd.Series(values, dtype=object)  # pandas would infer Arrow text
    frame = pd.DataFrame(data)
    assert frame["voucher"].dtype == (object if storage == "object" else "str")
    return frame


def old(findings, with_file=False) -> str:
    return json.dumps(findings_records(findings, with_file), ensure_ascii=False)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(findings_frames(), st.booleans())
def test_findings_json_equals_json_dumps_of_the_records(findings, with_file):
    assert findings_json(findings, with_file) == old(findings, with_file)
    # A slice's Arrow texts start part-way into their buffers: only its own bytes count.
    tail = findings.iloc[len(findings) // 2:]
    assert findings_json(tail, with_file) == old(tail, with_file)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(findings_frames(), st.integers(1, 3), st.integers(0, 2))
def test_indented_findings_json_is_json_dumps_of_the_records_nested_as_deep(findings, indent, depth):
    fields = ("file", "row", "message", "voucher")  # other columns, in another order
    document = records = findings_records(findings, fields=fields)
    for _ in range(depth):
        document = {"x": document}
    expected = json.dumps(document, ensure_ascii=False, indent=indent)
    got = findings_json(findings, fields=fields, indent=indent, depth=depth)
    pad = " " * indent
    assert expected == "".join(f'{{\n{pad * (k + 1)}"x": ' for k in range(depth)) + got + "".join(
        f"\n{pad * k}}}" for k in reversed(range(depth)))
    assert json.loads(got) == json.loads(json.dumps(records))  # NaN included


def test_missing_values_and_lone_surrogates_render_as_before():
    arrow = pd.StringDtype("pyarrow", na_value=np.nan)
    frame = pd.DataFrame({
        "row": np.array([4, 5, 6], dtype=np.int64),
        "file": pd.array(["a.xlsx", None, "c"], dtype=arrow),  # NaN: json.dumps writes NaN
        "voucher": pd.Series(["B1", None, "B\ud800"], dtype=object),  # a lone surrogate (not UTF-8)
        "rule": pd.array(["ITB001"] * 3, dtype=arrow), "severity": pd.array(["error"] * 3, dtype=arrow),
        "message": pd.array(["", "x", "y"], dtype=arrow), "sheet": pd.array(["S"] * 3, dtype=arrow),
    })
    for with_file in (False, True):
        assert findings_json(frame, with_file) == old(frame, with_file)
    assert findings_json(frame.iloc[:2], True) == old(frame.iloc[:2], True)
    assert "NaN" in findings_json(frame.iloc[:2], True)
    nested = json.dumps({"x": findings_records(frame, True)}, ensure_ascii=False, indent=1)
    assert nested == '{\n "x": ' + findings_json(frame, True, indent=1, depth=1) + "\n}"


@pytest.mark.parametrize("rows", [
    [],
    [booking(Bilag='B"1\\', Omkostningssted="9999"), booking(Bilag="B2", Konto="9999"),
     booking(Bilag="B3", Beløb=10**9)],
])
def test_validation_json_is_json_dumps_of_the_validation(master, rows):
    result = validate(frame_of(*rows), master)
    assert validation_json(result) == json.dumps(validation_dict(result), ensure_ascii=False) + "\n"
    if rows:
        assert json.loads(validation_json(result))["findings"][0]["voucher"] == 'B"1\\'


def test_consolidation_json_is_json_dumps_of_the_consolidation(master):
    from itbudget.consolidation import OK, Source, consolidate, consolidation_dict, consolidation_json

    def run(*rows):
        frame = frame_of(*rows, file='b"1.xlsx')
        return consolidate([Source('b"1.xlsx', None, OK, rows=len(frame), frame=frame)], master)

    def dumped(c):
        return json.dumps(consolidation_dict(c), ensure_ascii=False, indent=1) + "\n"

    c = run(booking(Bilag='B"1\\', Omkostningssted="9999"), booking(Bilag="B2", Beløb="x"),
            booking(Bilag="B3", Omkostningssted="2001", Konto="2310", Beløb=10**6))
    d = consolidation_dict(c)
    assert {f["voucher"] for f in d["findings"]} == {'B"1\\', "B2", "B3"}
    assert {f["amount"] for f in d["findings"]} >= {None, "1000000.00"}
    assert consolidation_json(c) == dumped(c)
    empty = run(booking())
    assert consolidation_dict(empty)["findings"] == [] and consolidation_json(empty) == dumped(empty)


@settings(max_examples=300, deadline=None)
@given(st.lists(TEXT, max_size=8), st.integers(0, 3), st.booleans(), st.booleans())
def test_escaping_check_finds_exactly_what_json_escapes(values, cut, chunked, large):
    """The byte check says "plain" exactly where json.dumps would write a text as it is,
    for Arrow's 64-bit (large_string) and 32-bit (string) offsets alike."""
    import pyarrow as pa

    from itbudget.report import _needs_escaping

    kind = pa.large_string() if large else pa.string()
    arr = pa.array(values, kind).slice(min(cut, len(values)))  # a slice: offsets part-way in
    if chunked:
        arr = pa.chunked_array([arr, arr.slice(len(arr) // 2)], kind)
    plain = all(json.dumps(v, ensure_ascii=False) == f'"{v}"' for v in arr.to_pylist())
    assert _needs_escaping(arr) is (not plain)
