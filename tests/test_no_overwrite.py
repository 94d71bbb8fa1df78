"""``templates`` and ``issue`` never replace a workbook a person has typed into (issue 12, point 8)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest

from conftest import small_master_sheets
from itbudget.cli import main
from workbook_templates.stamdata import write_master_workbook


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


# ----------------------------------------------------------------- templates

@pytest.mark.parametrize("overwrite", [False, True], ids=["plain", "overwrite"])
def test_templates_refuses_a_filled_master_and_writes_nothing(tmp_path, capsys, overwrite):
    folder = tmp_path / "skabeloner"
    folder.mkdir()
    write_master_workbook(small_master_sheets(), folder / "Stamdata.xlsx")
    before = snapshot(folder)
    code, out, err = run(capsys, "templates", folder, *(["--overwrite"] if overwrite else []))
    assert code == 2
    assert "Stamdata.xlsx" in err and "intet er skrevet" in err
    assert snapshot(folder) == before  # no other template written either, no temporary file
    assert out == ""


def test_blank_templates_are_replaced_only_with_overwrite(tmp_path, capsys):
    folder = tmp_path / "skabeloner"
    assert run(capsys, "templates", folder)[0] == 0
    before = snapshot(folder)
    code, _, err = run(capsys, "templates", folder)
    assert code == 2 and "--overwrite" in err and "tomme skabeloner" in err
    assert snapshot(folder) == before
    code, out, _ = run(capsys, "templates", folder, "--overwrite")
    assert code == 0 and out.count("Skrevet:") == 4
    assert sorted(snapshot(folder)) == sorted(before)


def test_a_blank_template_someone_typed_into_is_not_blank(tmp_path, capsys):
    folder = tmp_path / "skabeloner"
    assert run(capsys, "templates", folder)[0] == 0
    form = folder / "Projektskema.xlsx"
    wb = openpyxl.load_workbook(form)
    ws = wb.active
    cell = next(c for row in ws.iter_rows() for c in row if c.protection.locked is False)
    cell.value = "Nyt fagsystem"
    wb.save(form)
    before = snapshot(folder)
    code, _, err = run(capsys, "templates", folder, "--overwrite")
    assert code == 2 and "Projektskema.xlsx" in err and "Stamdata.xlsx" not in err
    assert snapshot(folder) == before


def test_a_persons_own_file_by_a_template_name_is_kept(tmp_path, capsys):
    folder = tmp_path / "skabeloner"
    folder.mkdir()
    (folder / "Konsolidering (skabelon).xlsx").write_text("mine noter")
    code, _, err = run(capsys, "templates", folder, "--overwrite")
    assert code == 2 and "Konsolidering (skabelon).xlsx" in err
    assert [p.name for p in folder.iterdir()] == ["Konsolidering (skabelon).xlsx"]
    assert (folder / "Konsolidering (skabelon).xlsx").read_text() == "mine noter"
