"""Issue 15: finance can trust and act on the consolidated picture.

Who is missing, one meaning of Rest, findings routed to the holder whose file
holds the row, the findings validate reports on each file, findings folded
for reading.
"""

from __future__ import annotations

import json

import openpyxl
import pytest

from conftest import booking, frame_of
from itbudget.cli import main
from itbudget.consolidation import OK, Source, consolidate, consolidation_dict
from itbudget.consolidation_text import summary_text
from workbook_templates.consolidation import write_consolidation

ISSUED = "aftaleholders projektmappe"


def assert_no_floats(data) -> None:
    """Amounts in JSON are decimal strings: no float anywhere in ``data``."""
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        for v in data:
            assert_no_floats(v)
    else:
        assert not isinstance(data, float), data


def _issued(holder, *rows, name=None):
    name = name or f"{holder}.xlsx"
    frame = frame_of(*rows, file=name)
    return Source(name, None, OK, rows=len(frame), kind=ISSUED, holder=holder, frame=frame)


def _bare(*rows, name="eksport.csv"):
    frame = frame_of(*rows, file=name)
    return Source(name, None, OK, rows=len(frame), kind="CSV", frame=frame)


# --------------------------------------------------------------------------- point 1: missing

def test_a_holder_without_a_returned_workbook_is_named_and_its_workstation_cost_incomplete(master):
    c = consolidate([_issued("H1", booking(Omkostningssted="1001", Beløb=100))], master)
    assert c.missing == ("H2",)
    d = consolidation_dict(c)
    assert d["missing"] == ["H2"]
    assert d["missing_holders"] == [{"holder": "H2", "name": "Rådhuset", "contact": "Bo"}]
    ws = {w["holder"]: w for w in d["workstations"]}
    assert ws["H2"]["per_workstation"] is None and ws["H2"]["complete"] is False
    assert ws["H1"]["per_workstation"] is not None and ws["H1"]["complete"] is True
    text = summary_text(c, "mappe", [])
    assert "Mangler: H2 Rådhuset (kontaktperson: Bo)" in text
    assert "(ufuldstændig)" in text


def test_a_bare_export_counts_as_returned_for_the_holders_whose_cost_centres_it_holds(master):
    c = consolidate([_bare(booking(Omkostningssted="2001", Beløb=5))], master)
    assert c.missing == ("H1",)


def test_the_overview_sheet_names_the_missing_holders_with_their_contact(master, tmp_path):
    c = consolidate([_issued("H1", booking(Omkostningssted="1001", Beløb=100))], master)
    out = write_consolidation(c, tmp_path / "k.xlsx")
    ws = openpyxl.load_workbook(out)["Overblik"]
    rows = [[v for v in r if v is not None] for r in ws.iter_rows(values_only=True)]
    assert ["H2", "Rådhuset", "Bo"] in rows
    assert any(r and isinstance(r[0], str) and "1 aftaleholder har ikke returneret" in r[0] for r in rows)
    per = {r[0]: r for r in openpyxl.load_workbook(out)["Arbejdspladser"].iter_rows(min_row=5, values_only=True)}
    assert per["H2"][8] is None and "ufuldstændig" in per["H2"][9]


def test_the_konsolider_script_summary_names_the_missing_holders(master):
    pytest.importorskip("xlwings")
    from addin.workbook import consolidation_rows

    c = consolidate([_issued("H1", booking(Omkostningssted="1001", Beløb=100))], master)
    rows = consolidation_rows(c, "ud.xlsx")
    assert any(r[0] == "Mangler" and r[1] == "H2" and "Bo" in r for r in rows)


# --------------------------------------------------------------------------- point 2: Rest

def test_every_sheet_with_a_rest_column_has_disponeret_beside_it_and_rest_is_budget_less_both(
        master, tmp_path):
    from conftest import small_master_sheets
    from itbudget.master import master_from_rows

    sheets = small_master_sheets()
    sheets["Budget"] = [["Omkostningssted", "Konto", "Budget", "Disponeret"],
                        ["1001", "2210", 1000, 300], ["1001", "2220", 500, 0], ["1001", "2250", 10000, 0],
                        ["2001", "2210", 2000, 0]]
    sheets["Centrale budgetter"] = [["Budgetlinje", "Navn", "Budget", "Disponeret", "Fordeles pr. arbejdsplads"],
                                    ["TEL", "Telefoni", 3000, 1000, "nej"], ["DRIFT", "Central drift", 5000, 0, "ja"]]
    m = master_from_rows(sheets)
    c = consolidate([_issued("H1", booking(Omkostningssted="1001", Beløb=100),
                             booking(Omkostningssted="1001", Konto="2310", Beløb=200)),
                     _issued("H2", booking(Omkostningssted="2001", Beløb=1))], m)
    out = write_consolidation(c, tmp_path / "k.xlsx")
    wb = openpyxl.load_workbook(out)
    checked = 0
    for ws in wb.worksheets:
        for table in ws.tables.values():
            rows = list(ws[table.ref])
            head = [cell.value for cell in rows[0]]
            if "Rest (kr.)" not in head:
                continue
            assert "Disponeret (kr.)" in head, (ws.title, head)
            used = "Forbrug (kr.)" if "Forbrug (kr.)" in head else "Bogført (kr.)"
            i = {h: head.index(h) for h in ("Budget (kr.)", "Disponeret (kr.)", used, "Rest (kr.)")}
            for r in rows[1:]:
                v = [cell.value for cell in r]
                if v[i["Budget (kr.)"]] is None:
                    continue
                assert round(v[i["Budget (kr.)"]] - v[i["Disponeret (kr.)"]] - v[i[used]], 2) == \
                    round(v[i["Rest (kr.)"]], 2), (ws.title, v)
                checked += 1
    assert checked >= 6
    cats = wb["Overblik"]
    values = [r for r in cats.iter_rows(values_only=True) if r[0] == "Hardware"]
    assert values and values[0][1:5] == (3000, 300, 101, 2599)  # Rest net of Disponeret


def test_text_reports_show_disponeret_beside_every_rest(master, tmp_path):
    from itbudget.report import validation_text
    from itbudget.validation import validate

    text = validation_text(validate(frame_of(booking(Beløb=100)), master))
    head = next(line for line in text.splitlines() if "Rest" in line and "Budget" in line)
    assert "Disponeret" in head
    c = consolidate([_issued("H1", booking(Omkostningssted="1001", Konto="2310", Beløb=100))], master)
    head = next(line for line in summary_text(c, "d", []).splitlines() if "Rest" in line and "Budget" in line)
    assert "Disponeret" in head


def test_the_three_overrun_figures_have_headers_that_say_what_they_are_and_one_explanation(
        master, tmp_path):
    c = consolidate([_issued("H1", booking(Omkostningssted="1001", Konto="2310", Beløb=5000))], master)
    wb = openpyxl.load_workbook(write_consolidation(c, tmp_path / "k.xlsx"))
    head = [cell.value for cell in next(iter(wb["Central fordeling"].iter_rows(min_row=4, max_row=4)))]
    assert "Ikke dækket ved bogføring (kr.)" in head and "Ikke dækket (kr.)" not in head
    head = [cell.value for cell in next(iter(wb["Amtssystemer"].iter_rows(min_row=4, max_row=4)))]
    assert "Ud over bloktilskuddet (kr.)" in head and "Difference (kr.)" not in head
    notes = [r[0] for r in wb["Overblik"].iter_rows(values_only=True) if r[0]]
    assert any(n.startswith("Rest = budget - disponeret - forbrug") and "bloktilskuddet" in n for n in notes)


# --------------------------------------------------------------------------- point 4: routing

def test_a_booking_in_one_holders_workbook_on_another_holders_cost_centre_is_itb003_there_too(master):
    from itbudget.validation import validate

    rows = [booking(Bilag="A1", Omkostningssted="2001", Beløb=10), booking(Bilag="A2", Beløb=5)]
    alone = validate(frame_of(*rows, file="H1.xlsx"), master.for_holder("H1"), central_coverage=False)
    assert alone.findings["rule"].tolist() == ["ITB003"]
    c = consolidate([_issued("H1", *rows)], master)
    f = c.findings
    hit = f[f["rule"] == "ITB003"]
    assert hit["voucher"].tolist() == ["A1"]
    # It belongs to H1, whose workbook holds the row, not to H2 who owns the cost centre.
    assert hit[["holder", "contact", "amount"]].values.tolist() == [["H1", "Anna", 1000]]
    assert c.errors == 1


def test_a_booking_naming_another_holders_project_is_reported_as_validate_reports_it(master):
    rows = [booking(Bilag="B1", Omkostningssted="2001", Konto="2210", Projektnr="P1", Beløb=10)]
    c = consolidate([_issued("H2", *rows)], master)
    assert "ITB007" in c.findings["rule"].tolist()


def test_every_finding_carries_holder_contact_and_amount_in_json_and_sheet(master, tmp_path):
    c = consolidate([_issued("H1", booking(Bilag="X", Beløb="abc")),
                     _bare(booking(Bilag="Y", Omkostningssted="2001", Konto="9999", Beløb=7))], master)
    d = consolidation_dict(c)
    by_voucher = {f["voucher"]: f for f in d["findings"]}
    assert (by_voucher["X"]["holder"], by_voucher["X"]["contact"], by_voucher["X"]["amount"]) == \
        ("H1", "Anna", None)
    assert (by_voucher["Y"]["holder"], by_voucher["Y"]["contact"], by_voucher["Y"]["amount"]) == \
        ("H2", "Bo", "7.00")
    ws = openpyxl.load_workbook(write_consolidation(c, tmp_path / "k.xlsx"))["Fund"]
    rows = list(ws.iter_rows(min_row=4, values_only=True))
    col = rows[0].index("Aftaleholder")
    assert rows[1:] and all(r[col] for r in rows[1:])


# --------------------------------------------------------------------------- point 5: reading

def test_one_overrun_is_one_text_line_with_its_bookings(master):
    rows = [booking(Bilag=f"V{i}", Omkostningssted="2001", Beløb=500) for i in range(6)]
    c = consolidate([_issued("H2", *rows)], master)
    assert (c.findings["rule"] == "ITB006").sum() == 2  # the findings table keeps every row
    text = summary_text(c, "d", [])
    lines = [line for line in text.splitlines() if "ITB006" in line]
    assert len(lines) == 1
    assert "2001/2210 er overskredet: 2 bogføringer mangler i alt 1.000,00 kr." in lines[0]


def test_text_shows_the_first_n_findings_per_holder_and_all_with_all(master, tmp_path, capsys):
    rows = [booking(Bilag=f"V{i}", Konto=f"99{i:02d}") for i in range(8)]
    c = consolidate([_issued("H1", *rows)], master)
    short = summary_text(c, "d", [], limit=5)
    assert sum("ITB004" in line for line in short.splitlines()) == 5
    assert "... og 3 fund mere." in short
    full = summary_text(c, "d", [], limit=None)
    assert sum("ITB004" in line for line in full.splitlines()) == 8


def test_consolidate_cli_has_all_and_without_output_does_not_point_at_a_sheet(tmp_path, master_file, capsys):
    from test_consolidation_sources import csv_text

    d = tmp_path / "ind"
    d.mkdir()
    (d / "h2.csv").write_text(csv_text(*[booking(Bilag=f"B{i}", Omkostningssted="2001", Konto=f"99{i:02d}")
                                         for i in range(7)]), encoding="utf-8")
    assert main(["consolidate", str(d), "--master", str(master_file)]) == 1
    text = capsys.readouterr().out
    assert "se arket 'Fund'" not in text and "-o" in text
    assert sum("ITB004" in line for line in text.splitlines()) == 5
    assert main(["consolidate", str(d), "--master", str(master_file), "--all"]) == 1
    assert sum("ITB004" in line for line in capsys.readouterr().out.splitlines()) == 7


def test_validate_of_one_holders_export_shows_only_that_holders_lines(master):
    from itbudget.report import validation_text
    from itbudget.validation import validate

    text = validation_text(validate(frame_of(booking(Omkostningssted="2001", Beløb=1), file="e.csv"), master))
    assert "2001/2210" in text and "1001/2210" not in text


# --------------------------------------------------------------------------- point 7: counts add up

def test_the_file_counts_add_up_with_the_invoices(master):
    from pathlib import Path

    srcs = [_issued("H1", booking()),
            Source("f.xml", Path("f.xml"), OK, kind="faktura", message="e-faktura"),
            Source("~$x.xlsx", Path("~$x.xlsx"), "skipped", kind="anden fil")]
    c = consolidate(srcs, master, invoices=False)
    line = summary_text(c, "d", []).splitlines()[1]
    assert line == "3 filer: 1 læst, 0 kan ikke bruges, 1 sprunget over, 1 e-faktura."


def test_consolidate_on_a_file_says_it_is_a_file(tmp_path, master_file, capsys):
    f = tmp_path / "H1.xlsx"
    f.write_bytes(b"x")
    assert main(["consolidate", str(f), "--master", str(master_file)]) == 2
    err = capsys.readouterr().err
    assert "er en fil, ikke en mappe" in err and "findes ikke" not in err


def test_json_has_no_floats_anywhere(master):
    c = consolidate([_issued("H1", booking(Beløb=100.5), booking(Omkostningssted="1001", Konto="2310",
                                                                   Beløb=0.1))], master)
    assert_no_floats(json.loads(json.dumps(consolidation_dict(c))))
    assert consolidation_dict(c)["total_booked"] == "100.60"


# --------------------------------------------------------------------------- point 3: workstations

def _wide_master():
    from conftest import small_master_sheets
    from itbudget.master import master_from_rows

    sheets = small_master_sheets()
    sheets["Centrale budgetter"] = [
        ["Budgetlinje", "Navn", "Budget", "Fordeles pr. arbejdsplads", "Kommunefælles"],
        ["TEL", "Telefoni", 3000, "nej", "ja"], ["DRIFT", "Central drift", 5000, "ja", "nej"]]
    return master_from_rows(sheets)


def test_municipality_wide_systems_are_shown_apart_and_workplace_cost_is_end_user_only():
    m = _wide_master()
    c = consolidate([_issued("H1", booking(Omkostningssted="1001", Konto="2310", Beløb=1200),  # TEL: wide
                             booking(Omkostningssted="1001", Konto="2210", Beløb=120),   # hardware
                             booking(Omkostningssted="1001", Konto="2250", Beløb=600)),  # projects
                     _issued("H2", booking(Omkostningssted="2001", Konto="2210", Beløb=300))], m)
    w = c.workstations.set_index("holder")
    # DOMAIN.md's workstation cost is unchanged and still adds up to all bookings.
    assert int(w["total"].sum()) == c.total_booked
    assert w.loc["H1", "total"] == 192000 and w.loc["H1", "per_workstation"] == 16000
    assert w.loc["H1", "central_systems"] == 120000
    assert w.loc["H1", "it_cost"] == 72000 and w.loc["H1", "it_per_workstation"] == 6000
    assert w.loc["H1", "workplace"] == 12000 and w.loc["H1", "workplace_per_workstation"] == 1000
    d = {x["holder"]: x for x in consolidation_dict(c)["workstations"]}
    assert (d["H1"]["central_systems"], d["H1"]["it_per_workstation"],
            d["H1"]["workplace_per_workstation"]) == ("1200.00", "60.00", "10.00")


def test_the_demo_marks_pool_and_county_systems_municipality_wide_so_it_staben_is_not_most_expensive():
    from itbudget.demo import build_demo

    demo = build_demo(2026)
    m = demo.master()
    assert {c.id for c in m.central_lines if c.municipality_wide} == {"AMT", "PULJE"}
    sources = [_issued(h, *rows) for h, rows in demo.bookings.items()]
    c = consolidate(sources, m, invoices=False)
    w = c.workstations.set_index("holder")
    it_staben = demo.holder_ids[0]
    assert w["per_workstation"].astype(float).idxmax() == it_staben  # the old figure: misleading
    assert w["it_per_workstation"].astype(float).idxmax() != it_staben
    assert int(w["total"].sum()) == c.total_booked


# --------------------------------------------------------------------------- as printed

def test_one_missing_holder_is_not_called_plural_and_the_average_says_it_is_incomplete(master, tmp_path):
    c = consolidate([_issued("H1", booking(Omkostningssted="1001", Beløb=100))], master)
    text = summary_text(c, "mappe", [])
    assert "1 aftaleholder har ikke returneret" in text and "deres" not in text
    ws = openpyxl.load_workbook(write_consolidation(c, tmp_path / "k.xlsx"))["Overblik"]
    labels = [r[0] for r in ws.iter_rows(values_only=True) if r and isinstance(r[0], str)]
    assert not any("deres" in label for label in labels)
    assert "Gennemsnitlig pris pr. IT-arbejdsplads (ufuldstændig: 1 aftaleholder mangler)" in labels


def test_long_notes_wrap_over_their_tables_width_so_pages_do_not_print_tiny(master, tmp_path):
    """fit_to_pages squeezes a sheet to its widest cell: a note left to overflow shrinks every table."""
    c = consolidate([_issued("H1", booking(Omkostningssted="1001", Beløb=100))], master)
    wb = openpyxl.load_workbook(write_consolidation(c, tmp_path / "k.xlsx"))
    checked = 0
    for ws in wb.worksheets:
        widths = sum(ws.column_dimensions[col].width or 0 for col in "ABCDEFGHIJKLMNOP")
        merged = {str(m).split(":")[0]: m for m in ws.merged_cells.ranges}
        for row in ws.iter_rows(max_col=1):
            cell = row[0]
            if isinstance(cell.value, str) and len(cell.value) > widths:
                assert cell.coordinate in merged and cell.alignment.wrap_text, (ws.title, cell.value)
                span = merged[cell.coordinate]
                assert span.max_col > 1 and ws.row_dimensions[cell.row].height >= 30
                checked += 1
    assert checked >= 3  # Overblik's note on Rest, Central fordeling's and Arbejdspladser's subtitles
