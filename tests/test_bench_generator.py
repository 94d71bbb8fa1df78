"""The benchmark's municipality generator: deterministic, any size, files the product reads."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import generate  # noqa: E402
from itbudget.consolidation import consolidate_dir  # noqa: E402
from itbudget.master import load_master, master_from_rows  # noqa: E402
from itbudget.operations import validate_file  # noqa: E402
from workbook_templates.stamdata import write_master_workbook  # noqa: E402


def test_same_seed_same_municipality_other_seed_other_bookings():
    a, b = generate.municipality(3_000), generate.municipality(3_000)
    assert a.all_bookings() == b.all_bookings() and a.master_sheets == b.master_sheets
    assert generate.municipality(3_000, seed=7).all_bookings() != a.all_bookings()
    assert 3_000 <= len(a.all_bookings()) < 3_000 + len(a.holder_ids)


def test_written_files_are_read_back_row_for_row(tmp_path):
    demo = generate.municipality(2_000)
    rows = demo.all_bookings()[:2_000]
    master = generate.write_master(demo, tmp_path / "stamdata.xlsx")
    book = generate.write_bookings_xlsx(rows, tmp_path / "bogf.xlsx")
    v = validate_file(book, master)
    assert v.rows == 2_000 and v.findings["rule"].nunique() > 1  # the demo's deliberate mistakes
    paths = generate.split_into_workbooks(rows, 3, tmp_path / "retur")
    assert len(paths) == 3
    c = consolidate_dir(tmp_path / "retur", master, workers=1)
    assert sum(s.rows for s in c.sources) == 2_000


def test_scaled_master_data_has_the_holders_asked_for_and_is_valid(tmp_path):
    demo = generate.municipality(500)
    sheets = generate.scaled_master_sheets(demo, 45)
    master = master_from_rows(sheets)
    assert len(master.holders) == 45 and len({h.id for h in master.holders}) == 45
    path = write_master_workbook(sheets, tmp_path / "stamdata.xlsx")
    assert len(load_master(path).holders) == 45


def test_make_bench_prints_a_row_with_its_ratio_and_verdict():
    """`make bench` itself (one small measure): the harness runs and reports a ratio against a target."""
    import re
    import subprocess

    root = Path(__file__).resolve().parents[1]
    out = subprocess.run([sys.executable, "-m", "bench", "--quick", "--runs", "1", "--only", "issue",
                          "--no-scaling"], cwd=root, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    row = next(line for line in out.stdout.splitlines() if line.startswith("| issue 20 holder workbooks"))
    # ratio, target, verdict, then the distance from the fastexcel floor (empty: issue reads no bookings)
    assert re.search(r"\| \d+\.\d+x \| <= 1\.5x \| (OK|MISSED) \| [^|]* \|$", row), row
    assert "plain openpyxl" in row and "Machine:" in out.stdout


def test_master_data_without_budgets_makes_nearly_every_booking_a_finding(tmp_path):
    demo = generate.municipality(2_000)
    book = generate.write_bookings_xlsx(demo.all_bookings()[:2_000], tmp_path / "bogf.xlsx")
    v = validate_file(book, generate.write_master_without_budgets(demo, tmp_path / "stamdata_0.xlsx"))
    assert v.lines["budget"].eq(0).all()
    assert v.findings["position"].nunique() > 0.9 * v.rows


def test_publish_replaces_only_the_generated_block():
    from bench.publish import BEGIN, END, replace_block

    text = f"intro\n{BEGIN}\nold table\n{END}\nprose after\n"
    assert replace_block(text, "| new |\n") == f"intro\n{BEGIN}\n| new |\n{END}\nprose after\n"
    with pytest.raises(ValueError):
        replace_block("no block here", "| new |")
