"""Consolidation: roll-up, workstation costs, savings, and conservation to the øre."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import booking, frame_of, small_master_sheets
from itbudget.consolidation import OK, Source, consolidate, consolidation_dict
from itbudget.master import master_from_rows


def _source(frame, name="bog.xlsx"):
    return Source(name, None, OK, rows=len(frame), frame=frame)


def run(master, *rows, name="bog.xlsx"):
    return consolidate([_source(frame_of(*rows, file=name), name)], master)


def test_central_roll_up_lists_each_holders_share(master):
    c = run(master,
            booking(Omkostningssted="1001", Konto="2310", Beløb=1000),
            booking(Omkostningssted="1002", Konto="2310", Beløb=250.5),
            booking(Omkostningssted="2001", Konto="2310", Beløb=999.99),
            booking(Omkostningssted="2001", Konto="2320", Beløb=4000))
    tel = c.central.set_index("line").loc["TEL"]
    assert (tel["budget"], tel["used"], tel["remaining"]) == (300000, 225049, 74951)
    shares = {(r.line, r.holder): r.amount for r in c.central_shares.itertuples()}
    assert shares == {("TEL", "H1"): 125050, ("TEL", "H2"): 99999, ("DRIFT", "H2"): 400000}


def test_central_coverage_is_checked_over_all_holders_in_date_order(master):
    # TEL has 3,000 kr.: each holder alone stays inside, together they do not.
    a = frame_of(booking(Dato=dt.date(2026, 5, 1), Omkostningssted="1001", Konto="2310", Beløb=2000,
                         Bilag="A1"), file="a.csv")
    b = frame_of(booking(Dato=dt.date(2026, 2, 1), Omkostningssted="2001", Konto="2310", Beløb=2000,
                         Bilag="B1"), file="b.csv")
    c = consolidate([_source(a, "a.csv"), _source(b, "b.csv")], master)
    f = c.validation.findings
    hit = f[f["rule"] == "ITB006"]
    # The later booking (in a.csv, May) is the uncovered one, though its file comes first.
    assert hit[["file", "voucher"]].values.tolist() == [["a.csv", "A1"]]
    assert c.central.set_index("line").loc["TEL", "uncovered"] == 100000


def test_workstation_cost_direct_plus_allocated_share(master):
    # H1: 10+2 seats, H2: 30+0. DRIFT is "Fordeles pr. arbejdsplads", TEL is not.
    c = run(master,
            booking(Omkostningssted="1001", Konto="2210", Beløb=500),     # H1 direct
            booking(Omkostningssted="1001", Konto="2310", Beløb=200),     # H1 direct (TEL)
            booking(Omkostningssted="1001", Konto="2320", Beløb=100),     # pooled
            booking(Omkostningssted="2001", Konto="2320", Beløb=320.01))  # pooled
    w = c.workstations.set_index("holder")
    # Pool 42,001 øre split 12:30 -> 12,000.29 / 30,000.71 -> H2 has the larger remainder.
    assert c.pooled == 42001
    assert w.loc["H1", ["direct", "allocated", "total"]].tolist() == [70000, 12000, 82000]
    assert w.loc["H2", ["direct", "allocated", "total"]].tolist() == [0, 30001, 30001]
    assert w.loc["H1", "per_workstation"] == 6833  # 820.00 / 12 = 68.333.. kr.
    assert w.loc["H2", "per_workstation"] == 1000  # 300.01 / 30 = 10.0003 kr.
    assert int(w["total"].sum()) == c.total_booked == 112001


def test_only_placeable_bookings_count(master):
    c = run(master,
            booking(Beløb=100),
            booking(Dato=dt.date(2025, 12, 31), Beløb=1000),  # last year
            booking(Omkostningssted="9999", Beløb=1000),      # unknown cost centre
            booking(Konto="9999", Beløb=1000),                # unknown account
            booking(Beløb="tolv"))                            # unreadable amount
    assert c.total_booked == 10000
    assert int(c.workstations["total"].sum()) == 10000
    assert c.validation.rows == 5 and c.errors == 4


def test_county_systems_beside_block_grant_and_savings_status():
    sheets = small_master_sheets()
    kontoplan = [r + [""] for r in sheets["Kontoplan"]]
    kontoplan[0][-1] = "Bloktilskud"
    kontoplan.append(["2400", "Amtets sagssystem", "Amtssystemer", "decentral", "", "nej", "stop", "Per Ø",
                      1500])
    sheets["Kontoplan"] = kontoplan
    sheets["Budget"] = sheets["Budget"] + [["2001", "2400", 2000]]
    sheets["Besparelser"] = [["Tiltag", "Konto", "Omkostningssted", "Beløb"],
                             ["Færre printere", "2210", "1001", 300],
                             ["Fælles telefoni", "2310", "", 1000],
                             ["Bedre indkøb", "", "", 200]]
    m = master_from_rows(sheets)
    c = run(m,
            booking(Omkostningssted="2001", Konto="2400", Beløb=1800),
            booking(Omkostningssted="1001", Konto="2210", Beløb=1100),   # 100 over the 1,000 budget
            booking(Omkostningssted="2001", Konto="2310", Beløb=2500))   # TEL within 3,000
    county = c.county.set_index("account").loc["2400"]
    assert (county["booked"], county["block_grant"], county["difference"]) == (180000, 150000, 30000)
    s = c.savings
    assert (s["target"], s["registered"], s["register_gap"]) == (400000000, 150000, 400000000 - 150000)
    by = {m["measure"]: m for m in s["measures"]}
    assert (by["Færre printere"]["overrun"], by["Færre printere"]["secured"]) == (10000, 20000)
    assert by["Færre printere"]["status"] == "delvist"
    assert (by["Fælles telefoni"]["budget"], by["Fælles telefoni"]["secured"]) == (300000, 100000)
    assert by["Bedre indkøb"]["status"] == "ukendt" and by["Bedre indkøb"]["secured"] == 0
    assert s["secured"] == 120000


def test_json_shape_is_stable_with_kr_strings(master):
    c = run(master, booking(Omkostningssted="2001", Konto="2310", Beløb=30000.01, Bilag="V9"),
            booking(Beløb="x", Bilag="V10"))
    d = consolidation_dict(c)
    assert {"sources", "findings", "central_lines", "workstations", "total_booked", "savings"} <= set(d)
    assert d["sources"] == [{"file": "bog.xlsx", "status": "ok", "message": "", "rows": 2}]
    assert set(d["findings"][0]) == {"file", "row", "voucher", "holder", "contact", "amount", "rule",
                                     "severity", "message"}
    tel = d["central_lines"][0]
    assert {"line", "budget", "used", "remaining", "shares"} <= set(tel)
    assert (tel["line"], tel["used"], tel["shares"]) == ("TEL", "30000.01", {"H2": "30000.01"})
    assert tel["remaining"] == "-27000.01"
    assert set(d["workstations"][0]) == {"holder", "workstations", "home_workstations", "direct",
                                         "allocated", "total", "complete", "per_workstation",
                                         "central_systems", "it_cost", "it_per_workstation",
                                         "workplace", "workplace_per_workstation"}
    assert d["total_booked"] == "30000.01"
    assert d["savings"]["target"] == "4000000.00"


def test_no_bookings_at_all_is_a_clean_empty_consolidation(master):
    c = consolidate([], master)
    assert c.total_booked == 0 and c.errors == 0 and c.exit_code == 0
    assert c.workstations["total"].tolist() == [0, 0]
    assert consolidation_dict(c)["findings"] == []


# --------------------------------------------------------------------------- conservation

@st.composite
def municipality(draw):
    """Random master data (seats may be zero, any line may be pooled) and bookings."""
    n_holders = draw(st.integers(1, 5))
    holders = [[f"H{i}", f"Holder {i}", draw(st.integers(0, 40)), draw(st.integers(0, 5)), ""]
               for i in range(1, n_holders + 1)]
    ccs = [[f"{i}00{k}", f"cc {i}{k}", f"H{i}"] for i in range(1, n_holders + 1)
           for k in range(1, draw(st.integers(1, 2)) + 1)]
    lines = [["L1", "Linje 1", 1000, "ja" if draw(st.booleans()) else "nej"],
             ["L2", "Linje 2", 500, "ja" if draw(st.booleans()) else "nej"]]
    sheets = small_master_sheets(
        Aftaleholdere=[["Aftaleholder", "Navn", "Arbejdspladser", "Hjemmearbejdspladser",
                        "Kontaktperson"]] + holders,
        Omkostningssteder=[["Omkostningssted", "Navn", "Aftaleholder"]] + ccs,
        EAN=[["EAN", "Aftaleholder"]],
        Kontoplan=[["Konto", "Navn", "Finansiering", "Central budgetlinje"],
                   ["D1", "Decentral", "decentral", ""], ["C1", "Central 1", "central", "L1"],
                   ["C2", "Central 2", "central", "L2"], ["C3", "Central 2b", "central", "L2"]],
        Budget=[["Omkostningssted", "Konto", "Budget"]] + [[c[0], "D1", 100] for c in ccs[::2]],
        **{"Centrale budgetter": [["Budgetlinje", "Navn", "Budget", "Fordeles pr. arbejdsplads"]] + lines,
           "Projektskemaer": [["Projektnr", "Aftaleholder", "Godkendt beløb"]],
           "Besparelser": [["Tiltag", "Beløb"]]})
    cc_ids = [c[0] for c in ccs] + ["9999"]
    rows = draw(st.lists(st.builds(
        lambda cc, acct, ore, month: booking(Omkostningssted=cc, Konto=acct, Beløb=ore / 100,
                                             Dato=dt.date(2026 if month else 2025, month or 12, 1)),
        st.sampled_from(cc_ids), st.sampled_from(["D1", "C1", "C2", "C3", "X9"]),
        st.integers(-10**9, 10**9), st.integers(0, 12)), max_size=40))
    return master_from_rows(sheets), rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(municipality())
def test_conservation_to_the_ore(case):
    master, rows = case
    c = consolidate([_source(frame_of(*rows))] if rows else [], master)
    f = c.ledger
    placeable = int(f.loc[f["placeable"], "amount"].sum()) if len(f) else 0
    # The holders' workstation totals add up to all placeable IT bookings.
    assert int(c.workstations["total"].sum()) == placeable == c.total_booked
    assert int(c.workstations["allocated"].sum()) == c.pooled
    # Each central line's holder shares add up to its use; the uses to all central bookings.
    shares = c.central_shares.groupby("line")["amount"].sum()
    for r in c.central.itertuples():
        assert int(shares.get(r.line, 0)) == r.used
        assert r.remaining == r.budget - r.commitments - r.used
    central = int(f.loc[f["placeable"] & (f["financing"] == "central"), "amount"].sum()) if len(f) else 0
    assert int(c.central["used"].sum()) == central
    # JSON amounts are the same numbers, as exact decimal strings.
    d = consolidation_dict(c)
    total_ore = sum(int(w["total"].replace(".", "")) for w in d["workstations"])
    assert total_ore == placeable
