"""The findings frame's text columns are the columns pandas itself would infer.

``run_rules`` hands its texts to Arrow in one pass instead of letting pandas
check every value first; the frame must come out the same, dtype and values,
for any mix of values a column could hold (texts, a missing value, a number,
a lone surrogate, which pandas refuses too).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import booking, frame_of, small_master_sheets
from itbudget.master import master_from_rows
from itbudget.validation import _text_column, validate

VALUES = st.one_of(st.text(max_size=6), st.sampled_from(["", "\ud800", "æøå", "\x00", "𝄞"]),
                   st.none(), st.just(float("nan")), st.integers(-3, 3))


@settings(max_examples=300, deadline=None)
@given(st.lists(VALUES, max_size=8))
def test_text_column_is_what_pandas_infers(values):
    array = np.empty(len(values), dtype=object)
    array[:] = values
    try:
        expected = pd.DataFrame({"c": array.copy()})
    except UnicodeEncodeError:  # pandas' own inference refuses a lone surrogate: so must this
        with pytest.raises(UnicodeEncodeError):
            pd.DataFrame({"c": _text_column(array)})
        return
    converted = _text_column(array)
    got = pd.DataFrame({"c": converted})
    pd.testing.assert_frame_equal(got, expected)
    if values and all(isinstance(v, str) for v in values):  # plain texts: Arrow's one pass, not pandas'
        assert isinstance(converted, pd.arrays.ArrowStringArray)


def test_validation_findings_have_text_columns():
    master = master_from_rows(small_master_sheets())
    rows = [booking(Konto="9999"), booking(Omkostningssted="ukendt"), booking(Beløb="x")]
    bookings = frame_of(*rows)
    findings = validate(bookings, master).findings
    assert len(findings) >= 3
    rebuilt = pd.DataFrame({c: findings[c].to_numpy(dtype=object) if findings[c].dtype != np.int64
                            else findings[c].to_numpy() for c in findings.columns})
    pd.testing.assert_frame_equal(findings, rebuilt)
    assert str(findings["message"].dtype) == "str"
