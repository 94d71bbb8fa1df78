"""Rules are declared data over a declared ledger, and docs/rules.md agrees with the registry."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
from conftest import booking, frame_of, small_master_sheets
from ruletools import hits, run

from itbudget.bookings import FRAME_COLUMNS
from itbudget.ledger import DERIVATIONS, central_line_key, line_key, prepare
from itbudget.rules import CONTACT_HINT, RULES, Columns
from itbudget.rules.messages import FORMATS
from itbudget.master import master_from_rows
from itbudget.statuses import row_statuses

ROOT = Path(__file__).resolve().parents[1]


def _bookings_table() -> dict[str, tuple[str, str]]:
    """docs/rules.md's bookings table: code -> (severity text, module)."""
    doc = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    section = doc.split("## Bookings", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        m = re.match(r"\| (ITB\d{3}) \| (.*?) \| .* \| `(\w+\.py)` \|$", line)
        if m:
            rows[m.group(1)] = (m.group(2), m.group(3))
    return rows


def test_docs_list_exactly_the_registered_booking_rules():
    assert sorted(_bookings_table()) == [r.code for r in RULES]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_docs_give_each_rule_its_registered_severity_and_module(rule):
    severity, module = _bookings_table()[rule.code]
    assert module == rule.module
    if rule.severity_column is None:
        assert severity == rule.severity
    else:  # a per-row severity: the docs name the Kontoplan column it comes from
        assert rule.severity_column == "on_overrun" and "Ved overskridelse" in severity


def _ledger(rows):
    return run(*rows)


def test_prepare_adds_exactly_the_declared_columns_with_their_types():
    result = _ledger([booking(), booking(Projektnr="P1"), booking(Konto="9999", Omkostningssted="")])
    frame = result.ledger.frame
    declared = [c for d in DERIVATIONS for c in d.adds]
    assert list(frame.columns) == FRAME_COLUMNS + declared
    assert len(declared) == len(set(declared)) and not set(declared) & set(FRAME_COLUMNS)
    for d in DERIVATIONS:
        for name, (dtype, meaning) in d.adds.items():
            assert str(frame[name].dtype) == dtype, name
            assert meaning, f"{name} has no meaning declared"
    assert [d.name for d in DERIVATIONS] == ["placement", "coverage", "phasing", "projects", "ean routing",
                                             "duplicates"]


def test_the_line_column_holds_the_one_line_key():
    result = _ledger([booking()])
    line = result.ledger.frame["line"].iat[0]
    cc, acct = result.ledger.frame["cost_centre"].iat[0], result.ledger.frame["account"].iat[0]
    assert line in (line_key(cc, acct), central_line_key(result.ledger.master.account_by_id[acct].central_line))
    # The budget-line status finds the booking under that same key.
    lines = result.lines
    booked = lines.loc[(lines["cost_centre"] == cc) & (lines["account"] == acct), "booked"]
    assert booked.sum() == result.ledger.frame["amount"].iat[0]


def test_a_projects_approval_day_is_worked_out_once_in_the_ledger():
    # P1: IT 10-01, EPO 12-01, Økonomi 15-01-2026; P2 lacks the EPO approval.
    result = _ledger([booking(Projektnr="P1"), booking(Projektnr="P2"), booking(Projektnr="UKENDT"),
                      booking()])
    approved_on = result.ledger.frame["project_approved_on"].to_numpy()
    assert approved_on[0] == np.datetime64("2026-01-15")
    assert np.isnat(approved_on[1:]).all()


def test_row_status_reasons_come_from_the_registry():
    result = _ledger([booking(Konto="9999"), booking(Beløb=10**8)])
    statuses = row_statuses(result)
    by_code = {r.code: r for r in RULES}
    for pos, code in zip(result.findings["position"], result.findings["rule"]):
        short, = by_code[code].short_texts(result.ledger, np.array([pos]))
        assert f"{code} {short}" in statuses[pos]
    assert "ITB004 konto findes ikke i IT-kontoplanen" in statuses[0]
    assert "ITB006 mangler 99.999.000,00 kr." in statuses[1]


def _declared_columns() -> set[str]:
    return set(FRAME_COLUMNS) | {c for d in DERIVATIONS for c in d.adds}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_template_field_names_a_declared_ledger_column(rule):
    declared = _declared_columns()
    fields = rule.display_fields()
    for template in rule.templates:
        assert template.fields or template.text, rule.code
        for name, spec in template.fields:
            assert spec in FORMATS, f"{rule.code}: unknown format {spec!r} in {template.text!r}"
            if name in fields:
                assert spec == "", f"{rule.code}: display field {name} takes no format"
                assert set(fields[name].columns) <= declared, (rule.code, name)
            else:
                assert name in declared, f"{rule.code}: {name} is no declared ledger column"
        assert template.columns(fields) <= declared


def test_each_display_field_declares_how_it_is_made():
    for rule in RULES:
        for field in rule.display_fields().values():
            assert (field.each is None) != (field.rows is None), field.name


def test_a_display_field_reads_only_the_columns_it_declares():
    result = _ledger([booking()])
    columns = Columns(result.ledger.frame).only(CONTACT_HINT.columns)
    assert columns["contact"][0] == "Karen Ø"
    with pytest.raises(KeyError):
        columns["amount"]


def test_a_rule_with_several_messages_picks_one_per_row():
    result = _ledger([booking(Fakturanr="F1"), booking(Fakturanr="F2", EAN="123")])
    assert [m.split(" ")[:2] for _, _, m in hits(result, "ITB009")] == [["EAN", "mangler"], ["EAN", "'123'"]]


def test_prepare_never_mutates_the_bookings():
    frame = frame_of(booking(), booking(Projektnr="P1"))
    before = frame.copy()
    prepare(frame, master_from_rows(small_master_sheets()))
    assert list(frame.columns) == FRAME_COLUMNS and frame.equals(before)


def test_each_finding_carries_its_rows_holder_and_its_lines_contact():
    result = _ledger([booking(Beløb=5000), booking(Omkostningssted="2001", Konto="2250"),
                      booking(Omkostningssted="9999")])
    found = result.findings
    by_row = {r: (h, c) for r, h, c in zip(found["row"], found["holder"], found["contact"])}
    assert by_row[2] == ("H1", "Karen Ø")   # over its line's budget
    assert by_row[3] == ("H2", "Per Ø")     # a project account without Projektnr
    assert by_row[4] == ("", "Karen Ø")     # unknown cost centre: no holder, the account's contact
    for r, h, c in zip(found["row"], found["holder"], found["contact"]):
        assert by_row[r] == (h, c)  # every finding on a row says the same
