"""The demo municipality: deterministic, loadable, and it triggers every rule at a realistic rate."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

import pandas as pd
import pytest
from conftest import frame_of
from stdnum import ean as gs1

from itbudget.bookings import BOOKING_HEADERS, read_bookings
from itbudget.demo import Demo, build_demo, write_bookings_csv
from workbook_templates.stamdata import write_master_workbook
from itbudget.master import load_master
from itbudget.validation import validate

ALL_RULES = [f"ITB{n:03d}" for n in range(1, 12)]


@lru_cache(maxsize=None)
def demo(seed: int = 2026) -> Demo:
    return build_demo(seed)


@lru_cache(maxsize=None)
def demo_validation(seed: int = 2026):
    d = demo(seed)
    return validate(frame_of(*d.all_bookings()), d.master())


def test_same_seed_same_demo_other_seed_other_demo():
    a, b = build_demo(7), build_demo(7)
    assert a == b
    assert a.master_sheets == b.master_sheets and a.bookings == b.bookings
    c = build_demo(8)
    assert c.bookings != a.bookings


def test_master_is_complete_and_loads_without_problems():
    d = demo()
    m = d.master()
    assert m.settings.municipality and m.year == 2026
    assert m.settings.savings_target == 4_000_000_00
    assert len(m.holders) >= 30
    assert [h.id for h in m.holders][:3] == ["H01", "H02", "H03"]
    assert all(re.fullmatch(r"H\d{2}", h.id) for h in m.holders)
    assert 55 <= len(m.cost_centres) <= 70
    names = " ".join(h.name for h in m.holders)
    for word in ("IT-staben", "skole", "Plejecenter", "bibliotek", "Børne"):
        assert word.casefold() in names.casefold(), word
    assert all(h.workstations > 0 for h in m.holders) and sum(h.home_workstations for h in m.holders) > 0
    # Every EAN is a valid GS1 number with the Danish prefix, every holder has one.
    assert all(gs1.is_valid(e.ean) and e.ean.startswith("5798") for e in m.eans)
    assert {e.holder for e in m.eans} == {h.id for h in m.holders}
    assert all(c.holder in m.holder_by_id for c in m.cost_centres)


def test_chart_of_accounts_covers_the_slides():
    m = demo().master()
    cats = {a.category for a in m.accounts}
    assert {"Hardware", "Licenser", "Fagsystemer", "Telefoni", "Drift", "KMD", "Projekter",
            "Amtssystemer"} <= cats
    tel = [a for a in m.accounts if a.category == "Telefoni"]
    assert tel and all(a.financing == "central" for a in tel)
    assert any(m.central_line_by_id[a.central_line].per_workstation for a in m.accounts if a.category == "Drift")
    assert any(a.requires_project for a in m.accounts if a.category == "KMD")
    county = [a for a in m.accounts if a.category == "Amtssystemer"]
    assert county and all(a.block_grant and a.block_grant > 0 for a in county)
    assert any(a.on_overrun == "advar" for a in m.accounts) and any(a.on_overrun == "stop" for a in m.accounts)
    assert any(b.commitments > 0 for b in m.budget_lines)
    assert len(m.savings) >= 3


def test_project_forms_with_full_partial_and_late_approvals():
    d = demo()
    m = d.master()
    full = [p for p in m.projects if p.approved_on is not None]
    partial = [p for p in m.projects if p.approved_on is None]
    assert len(full) >= 3 and len(partial) >= 1
    first_booking = {}
    for r in d.all_bookings():
        p, day = r[9], r[1]
        if p and isinstance(day, dt.date):
            first_booking[p] = min(day, first_booking.get(p, day))
    late = [p for p in full if p.id in first_booking and p.approved_on > first_booking[p.id]]
    assert late, "one project should be bought before its form was approved"


def test_bookings_have_the_contract_shape():
    d = demo()
    total = 0
    for hid, rows in d.bookings.items():
        assert rows, hid
        total += len(rows)
        for r in rows:
            assert len(r) == len(BOOKING_HEADERS)
            amount = r[4]
            if isinstance(amount, float):
                assert round(amount, 2) == amount
    assert 8000 <= total <= 12000


def test_every_rule_is_triggered_and_most_bookings_are_clean():
    v = demo_validation()
    fi = v.findings
    counts = fi["rule"].value_counts()
    assert set(counts.index) == set(ALL_RULES), counts
    assert (fi["position"] >= 0).all()
    # Accounts that stop and accounts that only warn both run over.
    assert set(fi.loc[fi["rule"] == "ITB006", "severity"]) == {"error", "warning"}
    flagged = fi["position"].nunique()
    assert flagged < 0.10 * v.rows, (flagged, v.rows)
    # A realistic low rate: no rule fires on more than 1% of bookings.
    assert counts.max() < 0.01 * v.rows
    # Credit notes are there, and they are never uncovered.
    f = v.ledger.frame
    credits = f[f["amount_ok"] & (f["amount"] < 0)]
    assert len(credits) >= 20 and (credits["uncovered"] == 0).all()


def test_each_holder_books_on_its_own_cost_centres():
    d = demo()
    m = d.master()
    for hid, rows in list(d.bookings.items())[:6]:
        scoped = m.for_holder(hid)
        v = validate(frame_of(*rows), scoped, central_coverage=False)
        fi = v.findings
        # Only the deliberate mistakes point at a cost centre that is not the holder's own.
        unknown = fi[fi["rule"] == "ITB003"]
        assert len(unknown) <= 0.01 * len(rows) + 1, hid
        assert (fi["rule"] == "ITB006").sum() <= 0.1 * len(rows)


def test_scaled_demo_has_the_bookings_asked_for():
    """Its speed is measured in bench/ (the scaling curve), not here."""
    d = build_demo(5, bookings_per_holder=3200)
    holders = len(d.bookings)
    assert all(len(rows) == 3200 for rows in d.bookings.values())
    assert len(d.all_bookings()) == 3200 * holders >= 100_000
    small = build_demo(5, bookings_per_holder=50)
    assert sum(map(len, small.bookings.values())) == 50 * holders
    small.master()  # budgets follow the spending, so any size is valid master data


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig"])
def test_csv_export_round_trips_through_the_reader(tmp_path, encoding):
    d = demo()
    rows = d.bookings["H03"]
    path = write_bookings_csv(rows, tmp_path / "H03.csv", encoding=encoding)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    text = raw.decode(encoding)
    assert text.splitlines()[0] == ";".join(BOOKING_HEADERS)
    assert re.search(r";\d{2}-\d{2}-2026;", text) and re.search(r";\d{1,3}(\.\d{3})*,\d{2};", text)
    m = d.master()
    from_csv = validate(read_bookings(path).frame, m)
    in_memory = validate(frame_of(*rows), m)
    key = ["row", "rule", "severity", "message"]
    pd.testing.assert_frame_equal(from_csv.findings[key].reset_index(drop=True),
                                  in_memory.findings[key].reset_index(drop=True))
    assert from_csv.ledger.frame["amount"].tolist() == in_memory.ledger.frame["amount"].tolist()
    assert list(tmp_path.iterdir()) == [path]  # written atomically: no temporary file left


def test_csv_export_neutralises_formulas(tmp_path):
    row = ["1", dt.date(2026, 3, 1), "1001", "2210", -1234.5, "=HYPERLINK(\"http://x\")", "@Atea",
           "F1", "5798000416604", ""]
    path = write_bookings_csv([row], tmp_path / "x.csv", encoding="utf-8-sig")
    line = path.read_text(encoding="utf-8-sig").splitlines()[1]
    assert ";-1.234,50;" in line  # a negative amount stays a number
    assert "'=HYPERLINK" in line and ";'@Atea;" in line


def test_master_workbook_round_trips(tmp_path):
    d = demo()
    path = write_master_workbook(d.master_sheets, tmp_path / "stamdata.xlsx")
    m = load_master(path)
    ref = d.master()
    for attr in ("holders", "cost_centres", "eans", "accounts", "budget_lines", "central_lines",
                 "projects", "savings", "settings"):
        assert getattr(m, attr) == getattr(ref, attr), attr
