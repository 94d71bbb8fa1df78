"""``issue`` into a folder of holders' workbooks carries their bookings over (issue 12, point 8).

The demo municipality (32 holders, up to 380 bookings each) is issued, filled
and returned as ``itbudget demo`` does; re-issuing into the returned folder must
keep every typed cell, keep each old workbook beside the new one, and give
workbooks that validate as the old bookings do under the new master data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
import python_calamine as pc

from itbudget.bookings import BOOKING_HEADERS, BOOKINGS_SHEET
from itbudget.cli import main
from itbudget.demo import build_demo
from workbook_templates.stamdata import write_master_workbook

NCOLS = len(BOOKING_HEADERS)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "demo"
    assert main(["demo", str(out)]) == 0
    return out


@pytest.fixture
def returned(demo, tmp_path) -> Path:
    folder = tmp_path / "returneret"
    shutil.copytree(demo / "returneret", folder)
    return folder


def bookings(path: Path) -> list[list]:
    """The Bogføringer sheet's input columns, cell by cell, as calamine reads them."""
    rows = pc.load_workbook(str(path)).get_sheet_by_name(BOOKINGS_SHEET).to_python()
    return [list(r[:NCOLS]) for r in rows]


def workbooks(folder: Path) -> dict[str, Path]:
    return {p.name: p for p in sorted(folder.glob("H*.xlsx"))}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_reissue_keeps_every_booking_cell_and_the_old_workbooks(demo, returned, capsys):
    before = {name: (bookings(p), sha(p)) for name, p in workbooks(returned).items()}
    assert len(before) == 31 and sum(len(b) - 1 for b, _ in before.values()) > 31 * 300
    code, out, err = run(capsys, "issue", demo / "Stamdata.xlsx", returned)
    assert code == 0, err
    day = dt.date.today().isoformat()
    for name, (cells, digest) in before.items():
        new = returned / name
        assert bookings(new) == cells, name  # every typed value, type and position
        kept = new.with_name(f"{new.stem} (før genudsendelse {day}).xlsx")
        assert sha(kept) == digest, name  # the old workbook itself, unchanged
        assert f"Genudsendt: {new}" in out and kept.name in out
    assert out.count("Genudsendt:") == 31 and out.count("Skrevet:") == 1  # H05 sent a CSV
    assert not [p for p in returned.iterdir() if p.name.startswith(".")]


def test_a_second_reissue_on_the_same_day_gets_a_counter(demo, returned, capsys):
    name = "H03 Bakkeskolen.xlsx"
    cells = bookings(returned / name)
    assert run(capsys, "issue", demo / "Stamdata.xlsx", returned, "--aftaleholder", "H03")[0] == 0
    assert run(capsys, "issue", demo / "Stamdata.xlsx", returned, "--aftaleholder", "H03")[0] == 0
    day = dt.date.today().isoformat()
    first = returned / f"H03 Bakkeskolen (før genudsendelse {day}).xlsx"
    second = returned / f"H03 Bakkeskolen (før genudsendelse {day}, 2).xlsx"
    assert bookings(first) == bookings(second) == bookings(returned / name) == cells


def test_reissue_with_changed_master_data_validates_as_the_old_bookings_would(
        demo, returned, tmp_path, capsys):
    sheets = build_demo().master_sheets
    sheets["Budget"].append(["1032", "2215", 50000, None])  # H03's row 194 was ITB005
    sheets["Projektskemaer"].append(["P26-99", "Nyt elevregistreringssystem", "H03", 120000,
                                     dt.date(2026, 5, 1), dt.date(2026, 5, 8), dt.date(2026, 5, 15)])
    new_master = write_master_workbook(sheets, tmp_path / "Stamdata ny.xlsx")
    old = tmp_path / "gammel.xlsx"
    shutil.copy(returned / "H03 Bakkeskolen.xlsx", old)
    assert run(capsys, "issue", new_master, returned, "--aftaleholder", "H03")[0] == 0

    def findings(*args) -> list[dict]:
        code, out, _ = run(capsys, "validate", *args, "--format", "json")
        assert code == 1
        return json.loads(out)["findings"]

    reissued = findings(returned / "H03 Bakkeskolen.xlsx")
    assert reissued == findings(old, "--master", new_master)
    assert reissued != findings(old)
    assert not [f for f in reissued if f["row"] == 194 and f["rule"] == "ITB005"]
    projects = openpyxl.load_workbook(returned / "H03 Bakkeskolen.xlsx", read_only=True)["Projektskemaer"]
    assert "P26-99" in [row[0] for row in projects.iter_rows(values_only=True)]


def test_consolidation_after_a_reissue_skips_the_kept_copies(demo, returned, capsys):
    master = demo / "Stamdata.xlsx"
    code, first, _ = run(capsys, "consolidate", returned, "--master", master, "--format", "json")
    assert run(capsys, "issue", master, returned)[0] == 0
    code2, again, _ = run(capsys, "consolidate", returned, "--master", master, "--format", "json")
    a, b = json.loads(first), json.loads(again)
    assert code2 == code
    assert {k: v for k, v in a.items() if k != "sources"} == {k: v for k, v in b.items() if k != "sources"}
    kept = [s for s in b["sources"] if "før genudsendelse" in s["file"]]
    assert len(kept) == 31 and {s["status"] for s in kept} == {"skipped"}


def test_a_file_that_is_not_a_holder_workbook_is_refused_and_kept(demo, tmp_path, capsys):
    folder = tmp_path / "ud"
    folder.mkdir()
    mine = folder / "H03 Bakkeskolen.xlsx"
    mine.write_text("mine egne noter")
    code, _, err = run(capsys, "issue", demo / "Stamdata.xlsx", folder, "--aftaleholder", "H03")
    assert code == 2 and "H03 Bakkeskolen.xlsx" in err and "ikke ændret" in err
    assert [p.name for p in folder.iterdir()] == [mine.name] and mine.read_text() == "mine egne noter"


def test_a_value_outside_the_table_columns_refuses_the_reissue(demo, returned, capsys):
    path = returned / "H03 Bakkeskolen.xlsx"
    wb = openpyxl.load_workbook(path)
    wb[BOOKINGS_SHEET]["K5"] = "husk at rykke leverandøren"
    wb.save(path)
    digest = sha(path)
    code, _, err = run(capsys, "issue", demo / "Stamdata.xlsx", returned, "--aftaleholder", "H03")
    assert code == 2 and "K5" in err and "H03 Bakkeskolen.xlsx" in err
    assert sha(path) == digest
    assert not list(returned.glob("*genudsendelse*")) and not list(returned.glob(".*"))


def test_an_issued_workbook_no_one_has_filled_is_simply_replaced(demo, tmp_path, capsys):
    folder = tmp_path / "ud"
    assert run(capsys, "issue", demo / "Stamdata.xlsx", folder, "--aftaleholder", "H03")[0] == 0
    code, out, _ = run(capsys, "issue", demo / "Stamdata.xlsx", folder, "--aftaleholder", "H03")
    assert code == 0 and "Skrevet:" in out and "Genudsendt" not in out
    assert [p.name for p in folder.iterdir()] == ["H03 Bakkeskolen.xlsx"]
