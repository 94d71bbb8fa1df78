"""Property tests: every row accounted for, line totals exact to the øre, coverage as DOMAIN.md defines it.

Random bookings over the small master (conftest) are validated and compared with
a plain-Python oracle of the coverage definition: per budget line, bookings in
order of date then source order; a positive booking is uncovered by the excess
of the running total over the line's budget less commitments, at most its own
amount; credit notes never; every placeable booking counts whatever else is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from conftest import EAN_H1, EAN_H2, booking, frame_of, small_master_sheets
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itbudget.master import master_from_rows
from itbudget.presentation import format_kr
from itbudget.validation import validate

MASTER = master_from_rows(small_master_sheets(Budget=[
    ["Omkostningssted", "Konto", "Budget", "Disponeret"],
    ["1001", "2210", 1000, 0], ["1001", "2220", 500, 120.5], ["1001", "2250", 10000, 0],
    ["2001", "2210", 2000, 0]]))
CC_HOLDER = {c.id: c.holder for c in MASTER.cost_centres}
ACCOUNTS = MASTER.account_by_id
BUDGETS = {(b.cost_centre, b.account): b.budget - b.commitments for b in MASTER.budget_lines}
CENTRAL = {c.id: c.budget - c.commitments for c in MASTER.central_lines}
PROJECTS = {p.id: p.approved_amount for p in MASTER.projects}

# Few dates, so that bookings share dates (ties) and approvals of P1 (10-15 January) matter.
DAYS = [dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 1, 14), dt.date(2026, 3, 1),
        dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 6, 30), dt.date(2026, 12, 31),
        dt.date(2027, 1, 1)]
PROPS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def a_booking(draw, positive_only=False):
    """One booking as (row for the frame, what the oracle knows about it).

    Most bookings are placeable and land on a few lines, so that lines run over
    their budgets; the rest carry the problems that keep a booking off a line.
    """
    # Hypothesis favours small integers; draw sizes from buckets that matter next to
    # budgets of 500-3.000 kr. (exact-limit sizes included), then a few øre on top.
    ore = draw(st.sampled_from([1, 99, 5000, 25000, 40000, 50000, 60000, 99999, 100000,
                                150000, 250000])) + draw(st.sampled_from([0, 0, 1, 37]))
    if not positive_only and draw(st.sampled_from([False] * 4 + [True])):
        ore = -ore  # a credit note
    amount_form = draw(st.sampled_from(["number"] * 3 + ["danish"] * 2 + ["plain", "unreadable", "missing"]))
    amount = {"number": ore / 100, "danish": format_kr(ore), "plain": f"{ore / 100:.2f}",
              "unreadable": "12,345", "missing": None}[amount_form]
    day = draw(st.sampled_from(DAYS))
    date_form = draw(st.sampled_from(["date"] * 3 + ["danish", "iso", "impossible"]))
    date = {"date": day, "danish": day.strftime("%d-%m-%Y"), "iso": day.isoformat(),
            "impossible": "31-02-2026"}[date_form]
    fields = dict(
        Dato=date, Beløb=amount,
        Omkostningssted=draw(st.sampled_from(["1001"] * 4 + ["1002", "2001", "9999", ""])),
        Konto=draw(st.sampled_from(["2210"] * 3 + ["2220", "2250", "2310", "2310", "2320", "4410", ""])),
        Projektnr=draw(st.sampled_from(["", "", "P1", "P1", "P2", "PX"])),
        Leverandør=draw(st.sampled_from(["", "Atea", "ATEA", "Dustin"])),
        Fakturanr=draw(st.sampled_from(["", "1", "2"])),
        EAN=draw(st.sampled_from(["", EAN_H1, EAN_H2, "123", "5798000099999"])),
    )
    facts = dict(ore=ore, amount_ok=amount_form in ("number", "danish", "plain"),
                 day=day, date_ok=date_form != "impossible")
    return fields, facts


def bookings_list(positive_only=False):
    return st.lists(a_booking(positive_only), min_size=10, max_size=60)


def build(items):
    """Frame rows with a unique voucher each (its input index)."""
    rows = [booking(Bilag=f"V{i}", **fields) for i, (fields, _) in enumerate(items)]
    return rows, [facts | {"voucher": f"V{i}", **fields} for i, (fields, facts) in enumerate(items)]


def oracle(facts):
    """Uncovered and project excess per voucher, line use, by the definition in DOMAIN.md."""
    placed = []
    for i, f in enumerate(facts):
        acc = ACCOUNTS.get(f["Konto"])
        if not (f["date_ok"] and f["amount_ok"] and f["day"].year == 2026
                and f["Omkostningssted"] in CC_HOLDER and acc is not None):
            continue
        if acc.financing == "central":
            line, limit = "C:" + acc.central_line, CENTRAL[acc.central_line]
        elif (f["Omkostningssted"], f["Konto"]) in BUDGETS:
            line, limit = f"D:{f['Omkostningssted']}/{f['Konto']}", BUDGETS[(f["Omkostningssted"], f["Konto"])]
        else:
            line, limit = None, 0
        placed.append((i, f, line, limit))
    uncovered, excess = defaultdict(int), defaultdict(int)
    used = defaultdict(int)
    for key in ("line", "project"):
        groups = defaultdict(list)
        for i, f, line, limit in placed:
            if key == "line" and line:
                groups[line].append((f["day"], i, f, limit))
            if key == "project" and f["Projektnr"] in PROJECTS:
                groups[f["Projektnr"]].append((f["day"], i, f, PROJECTS[f["Projektnr"]]))
        for g, items in groups.items():
            running = 0
            for _day, _i, f, limit in sorted(items, key=lambda t: (t[0], t[1])):
                running += f["ore"]
                if f["ore"] > 0 and running > limit:
                    (uncovered if key == "line" else excess)[f["voucher"]] = min(f["ore"], running - limit)
            if key == "line":
                used[g] = running
    return uncovered, excess, used


def frame_by_voucher(result, col):
    f = result.ledger.frame
    return dict(zip(f["voucher"], f[col].astype(int)))


@PROPS
@given(bookings_list())
def test_every_row_accounted_for_exactly_once(items):
    rows, facts = build(items)
    result = validate(frame_of(*rows), MASTER)
    f = result.ledger.frame
    assert result.rows == len(rows) == len(f)
    assert f["row"].tolist() == list(range(2, len(rows) + 2))
    assert f["voucher"].tolist() == [x["voucher"] for x in facts]
    fi = result.findings
    pos = fi["position"].to_numpy()
    assert ((pos >= 0) & (pos < len(f))).all()  # no finding from a crashed rule (position -1)
    assert (fi["row"].to_numpy() == f["row"].to_numpy()[pos]).all()
    assert (fi["voucher"].to_numpy() == f["voucher"].to_numpy()[pos]).all()
    flagged = set(fi["row"])
    accepted = set(f["row"]) - flagged
    assert accepted | flagged == set(range(2, len(rows) + 2)) and not accepted & flagged
    # A rule flags a row at most once.
    assert not fi.duplicated(["position", "rule"]).any()
    assert set(fi["severity"]) <= {"error", "warning"}
    assert result.errors + result.warnings == len(fi)


@PROPS
@given(bookings_list())
def test_coverage_and_line_totals_match_the_definition(items):
    rows, facts = build(items)
    result = validate(frame_of(*rows), MASTER)
    want_unc, want_exc, used = oracle(facts)
    got_unc = frame_by_voucher(result, "uncovered")
    assert {v: u for v, u in got_unc.items() if u} == dict(want_unc)
    got_exc = frame_by_voucher(result, "project_excess")
    assert {v: x for v, x in got_exc.items() if x} == dict(want_exc)
    itb006 = set(result.findings.loc[result.findings["rule"] == "ITB006", "voucher"])
    assert itb006 == set(want_unc)
    itb008 = set(result.findings.loc[result.findings["rule"] == "ITB008", "voucher"])
    assert itb008 == set(want_exc)
    # Line status: booked is the exact sum of the placed bookings, in øre.
    for r in result.lines.itertuples(index=False):
        key = f"C:{r.central_line}" if r.central_line else f"D:{r.cost_centre}/{r.account}"
        assert r.booked == used.get(key, 0), key
        assert r.remaining == r.budget - r.commitments - r.booked
        assert r.uncovered == sum(u for v, u in want_unc.items()
                                  if _line_of(facts, v) == key)
    for f in facts:  # uncovered within [0, amount]; credit notes never uncovered
        u = got_unc[f["voucher"]]
        assert 0 <= u <= max(f["ore"], 0)


def _line_of(facts, voucher):
    f = next(x for x in facts if x["voucher"] == voucher)
    acc = ACCOUNTS[f["Konto"]]
    return f"C:{acc.central_line}" if acc.financing == "central" else f"D:{f['Omkostningssted']}/{f['Konto']}"


@PROPS
@given(bookings_list(positive_only=True))
def test_positive_bookings_uncovered_total_is_the_overrun(items):
    rows, facts = build(items)
    result = validate(frame_of(*rows), MASTER)
    for r in result.lines.itertuples(index=False):
        assert r.uncovered == max(0, r.booked - (r.budget - r.commitments))


@PROPS
@given(bookings_list(), st.randoms(use_true_random=False))
def test_shuffling_rows_changes_only_the_tie_order(items, rnd):
    rows, facts = build(items)
    order = list(range(len(rows)))
    rnd.shuffle(order)
    a = validate(frame_of(*rows), MASTER)
    b = validate(frame_of(*[rows[i] for i in order]), MASTER)
    # Line totals do not depend on the order of rows.
    key = ["cost_centre", "account", "central_line"]
    la, lb = a.lines.sort_values(key).reset_index(drop=True), b.lines.sort_values(key).reset_index(drop=True)
    assert la[key + ["booked", "remaining"]].equals(lb[key + ["booked", "remaining"]])
    # Findings of rules that look at one booking at a time are the same bookings.
    per_row = {"ITB001", "ITB002", "ITB003", "ITB004", "ITB005", "ITB007", "ITB009", "ITB010"}

    def keyed(result):
        fi = result.findings
        return Counter((v, r, m) for v, r, m in zip(fi["voucher"], fi["rule"], fi["message"]) if r in per_row)

    assert keyed(a) == keyed(b)
    # Duplicates: which occurrence is "first" follows source order, but not how many.
    assert (a.findings["rule"] == "ITB011").sum() == (b.findings["rule"] == "ITB011").sum()
    # Coverage: both orders match the definition in their own source order ...
    for result, fs in ((a, facts), (b, [facts[i] for i in order])):
        want_unc, want_exc, _ = oracle(fs)
        assert {v: u for v, u in frame_by_voucher(result, "uncovered").items() if u} == dict(want_unc)
    # ... and the running total at the end of each day of each line is the same,
    # so only bookings sharing a line and a date can trade places.
    assert _day_ends(a) == _day_ends(b)


def _day_ends(result):
    """Running total of each line after the last booking of each date."""
    f = result.ledger.frame
    f = f[f["line"] != ""]
    # Within a date, source order decides; the frame index is source order.
    return {k: int(g["line_running"].iloc[-1]) for k, g in f.groupby(["line", "date"])}


@PROPS
@given(bookings_list(positive_only=True), st.randoms(use_true_random=False))
def test_shuffling_keeps_uncovered_per_line_and_day(items, rnd):
    rows, facts = build(items)
    order = list(range(len(rows)))
    rnd.shuffle(order)
    a = validate(frame_of(*rows), MASTER)
    b = validate(frame_of(*[rows[i] for i in order]), MASTER)

    def per_day(result, col):
        f = result.ledger.frame
        key = "line" if col == "uncovered" else "project"
        return {k: int(v) for k, v in f.groupby([key, "date"])[col].sum().items() if v}

    assert per_day(a, "uncovered") == per_day(b, "uncovered")
    assert per_day(a, "project_excess") == per_day(b, "project_excess")
    ua = frame_by_voucher(a, "uncovered")
    ub = frame_by_voucher(b, "uncovered")
    assert sum(ua.values()) == sum(ub.values())
