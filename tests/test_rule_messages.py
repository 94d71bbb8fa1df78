"""Rule messages are formatted by column from templates; they read exactly as row-by-row formatting would."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import booking
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruletools import run

from itbudget.budget_changes import MONTH_NAMES
from itbudget.findings import COLUMNS
from itbudget.parsing import format_date
from itbudget.presentation import format_kr, format_kr_array
from itbudget.rules import RULES, Columns, Field, Rule, Template
from itbudget.validation import run_rules

PROPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
AMOUNTS = st.one_of(st.integers(-10**4, 10**4), st.integers(-10**17, 10**17), st.sampled_from([0, -1, 100, -100]))


@PROPS
@given(st.lists(AMOUNTS, max_size=40), st.sampled_from(["", "Mangler "]), st.sampled_from(["", " til rådighed"]))
def test_amounts_by_column_read_as_format_kr(values, prefix, suffix):
    out = format_kr_array(np.array(values, dtype=np.int64), prefix, suffix)
    assert out.dtype == object and all(type(t) is str for t in out)
    assert out.tolist() == [prefix + format_kr(v) + suffix for v in values]


def _name(master, name: str) -> str:
    return f"<{name.upper()}>"


@PROPS
@given(st.lists(st.tuples(st.sampled_from([5, 5, 12345, -70, 10**9]) | st.integers(-10**8, 10**8),
                          st.sampled_from(["a", "b", "Åse", "{x}"]),
                          st.dates(min_value=pd.Timestamp("2020-01-01").date(),
                                   max_value=pd.Timestamp("2030-12-31").date())),
                min_size=1, max_size=30),
       st.data())
def test_a_template_reads_as_formatting_each_row(rows, data):
    frame = pd.DataFrame({"amount": np.array([r[0] for r in rows], dtype=np.int64),
                          "name": pd.Series([r[1] for r in rows], dtype=object),
                          "date": np.array([r[2] for r in rows], dtype="datetime64[s]")})
    positions = np.array(sorted(data.draw(st.sets(st.integers(0, len(rows) - 1), min_size=1))))
    template = Template("Beløb {amount:kr} for {name}{upper} den {date:date} ({date:month}); {{ikke et felt}}.")
    fields = {"upper": Field("upper", ("name",), _name)}
    out = template.render(Columns(frame), None, positions, fields)
    expected = [f"Beløb {format_kr(rows[i][0])} for {rows[i][1]}<{rows[i][1].upper()}> den "
                f"{format_date(np.datetime64(rows[i][2]))} ({MONTH_NAMES[rows[i][2].month - 1]}); "
                "{ikke et felt}." for i in positions]
    assert out.tolist() == expected


def test_a_template_without_fields_is_its_text():
    frame = pd.DataFrame({"amount": np.arange(3)})
    assert Template("Kontakt Økonomistaben.").render(Columns(frame), None, np.array([0, 2]), {}).tolist() == \
        ["Kontakt Økonomistaben."] * 2


def test_a_rule_that_crashes_becomes_a_finding_and_the_others_still_run():
    result = run(booking(Konto="9999"))
    broken = Rule("ITB099", "warning", "Prøveregel", mask=lambda c: c["no_such_column"] > 0,
                  messages=(Template("x"),), short=Template("x"))
    findings = run_rules(result.ledger, rules=[*RULES, broken])
    first = findings.iloc[0]
    assert (first["rule"], first["severity"], first["position"], first["row"]) == ("ITB099", "error", -1, 0)
    assert first["message"].startswith("Intern fejl i reglen ITB099; kontakt IT-staben. KeyError")
    assert findings.iloc[1:].reset_index(drop=True).equals(result.findings)


def test_findings_come_by_row_then_rule_code():
    result = run(booking(Konto="9999", Dato=None), booking(Omkostningssted="9999"), booking(Konto="9999"))
    f = result.findings
    assert list(zip(f["row"], f["rule"])) == [(2, "ITB001"), (2, "ITB004"), (3, "ITB003"), (4, "ITB004")]
    assert list(f.columns) == COLUMNS  # the finding record's fields; no booking finding has a part
    assert (f["part"] == "").all()
    assert list(f["holder"]) == ["H1", "H1", "", "H1"]  # the row's holder; none for an unknown cost centre
