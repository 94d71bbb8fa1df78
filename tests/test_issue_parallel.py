"""``itbudget issue`` with worker processes: the same files as in one process, or a clean stop.

Many holders are written by a pool of processes; a few stay in the calling
process. The parallel files must equal the serial ones cell for cell, the list
of written files keeps the holders' order, and a file that cannot be written
(in a worker or in process) gives the same Danish message and exit code 2,
with no temporary file left behind and every file that is there complete.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import python_calamine as pc
import pytest

from conftest import many_holders_sheets, workbook_parts
from itbudget.errors import UnusableInput
from itbudget.master import master_from_rows
from itbudget.writing import atomic_path
from workbook_templates import holder_workbook as hw
from workbook_templates import parallel
from workbook_templates.stamdata import write_master_workbook

N_HOLDERS = 9  # enough for worker processes where they fork (Linux); spawn needs far more
SPAWN_HOLDERS = 100  # enough for worker processes where they spawn (Windows, macOS)
FORK = parallel.pool_context().get_start_method() == "fork"


@pytest.fixture(scope="module")
def master():
    return master_from_rows(many_holders_sheets())


def cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "itbudget.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120, **kw)


def calamine_cells(path: Path) -> dict[str, list[list]]:
    book = pc.load_workbook(str(path))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def openpyxl_look(path: Path) -> dict:
    """Formulas, formats, protection, checks and names as openpyxl reads them."""
    wb = openpyxl.load_workbook(path)
    look = {"names": sorted((n, d.attr_text) for n, d in wb.defined_names.items()),
            "active": wb.active.title}
    for ws in wb.worksheets:
        look[ws.title] = {
            "state": ws.sheet_state, "protected": ws.protection.sheet, "freeze": ws.freeze_panes,
            "header": ws.oddHeader.center.text,
            "cells": [(c.coordinate, c.value, c.data_type, c.number_format, c.protection.locked, c.font.b,
                       c.fill.fgColor.rgb) for row in ws.iter_rows() for c in row],
            "cols": sorted((k, d.width, d.number_format, d.protection.locked)
                           for k, d in ws.column_dimensions.items()),
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "checks": sorted((str(v.sqref), v.type, v.formula1, v.formula2, v.errorStyle)
                             for v in ws.data_validations.dataValidation),
            "colours": sorted((str(cf_.sqref), tuple(r.formula)) for cf_ in ws.conditional_formatting
                              for r in cf_.rules),
            "tables": sorted((t.name, t.ref) for t in ws.tables.values()),
        }
    return look


def assert_same_files(serial: list[Path], parallel: list[Path]) -> None:
    assert [p.name for p in parallel] == [p.name for p in serial]
    for s, p in zip(serial, parallel):
        assert calamine_cells(p) == calamine_cells(s), p.name
        assert openpyxl_look(p) == openpyxl_look(s), p.name
        assert workbook_parts(p) == workbook_parts(s), p.name


def no_leftovers(folder: Path) -> None:
    """No temporary file, and every workbook there opens completely."""
    names = [p.name for p in folder.iterdir()]
    assert not [n for n in names if n.startswith(".")], names
    for p in folder.glob("*.xlsx"):
        if p.is_file():
            calamine_cells(p)
            openpyxl.load_workbook(p).close()


# ----------------------------------------------------------------- same output

@pytest.mark.skipif(not FORK, reason="nine workbooks are written in process where workers spawn")
def test_parallel_files_equal_serial_files_cell_for_cell(tmp_path, master, pool_calls):
    serial = hw.issue_workbooks(master, tmp_path / "serial", master_date="01-12-2025", workers=1)
    parallel = hw.issue_workbooks(master, tmp_path / "parallel", master_date="01-12-2025", workers=2)
    assert len(pool_calls) == 1 and pool_calls[0] == parallel  # the pool wrote them, no fallback
    assert [p.name for p in parallel] == [hw.holder_file_name(h) for h in master.holders]
    assert_same_files(serial, parallel)
    assert len({repr(calamine_cells(p)["Budget"]) for p in parallel}) == N_HOLDERS  # really per holder
    no_leftovers(tmp_path / "parallel")


@pytest.mark.slow
def test_parallel_files_are_the_same_with_spawned_workers(tmp_path, monkeypatch, pool_calls):
    """Windows and macOS start workers with spawn: the master data is pickled, modules re-imported."""
    monkeypatch.setattr(parallel, "pool_context", lambda: multiprocessing.get_context("spawn"))
    master = master_from_rows(many_holders_sheets(SPAWN_HOLDERS))  # spawn pays only for many
    spawned = hw.issue_workbooks(master, tmp_path / "spawn", master_date="01-12-2025", workers=2)
    assert len(pool_calls) == 1 and pool_calls[0] == spawned
    assert [p.name for p in spawned] == [hw.holder_file_name(h) for h in master.holders]
    # Holders of each shape (one to three cost centres, a project, brackets in the name), not all 100.
    sample = ["H1", "H2", "H3", "H50", "H99", "H100"]
    serial = hw.issue_workbooks(master, tmp_path / "serial", sample, master_date="01-12-2025", workers=1)
    assert_same_files(serial, [p for p in spawned if p.name in {s.name for s in serial}])
    no_leftovers(tmp_path / "spawn")


def test_cli_lists_written_files_in_holder_order(tmp_path, master):
    stam = write_master_workbook(many_holders_sheets(), tmp_path / "Stamdata.xlsx")
    proc = cli("issue", stam, tmp_path / "ud")
    assert proc.returncode == 0, proc.stderr
    expected = [f"Skrevet: {tmp_path / 'ud' / hw.holder_file_name(h)}" for h in master.holders]
    assert proc.stdout.splitlines()[:-1] == expected
    assert proc.stdout.splitlines()[-1].startswith(f"{N_HOLDERS} projektmapper udsendt til ")
    # The order asked for, not the order the workers finish in.
    wanted = [h.id for h in reversed(master.holders)]
    proc = cli("issue", stam, tmp_path / "ud2", *[a for h in wanted for a in ("--aftaleholder", h)])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:-1] == [
        f"Skrevet: {tmp_path / 'ud2' / hw.holder_file_name(master.holder_by_id[h])}" for h in wanted]
    no_leftovers(tmp_path / "ud")


def test_few_holders_are_issued_in_process(tmp_path, master, monkeypatch):
    def no_pool(*a, **kw):
        raise AssertionError("no worker processes for a few workbooks")

    monkeypatch.setattr(parallel.cf, "ProcessPoolExecutor", no_pool)
    ids = [h.id for h in master.holders][:3]
    paths = hw.issue_workbooks(master, tmp_path / "ud", ids, workers=2)
    assert [p.name for p in paths] == [hw.holder_file_name(master.holder_by_id[h]) for h in ids]
    (one,) = hw.issue_workbooks(master, tmp_path / "en", ["H3"], workers=8)
    assert one.name == "H3 Skole [3] Ærø-Ø.xlsx"


@pytest.mark.skipif(not FORK, reason="nine workbooks are written in process where workers spawn")
def test_no_process_support_falls_back_to_one_process(tmp_path, master, monkeypatch):
    tried = []

    def broken_pool(*a, **kw):
        tried.append(kw)
        raise OSError(38, "Function not implemented")  # e.g. no /dev/shm for the pool's locks

    monkeypatch.setattr(parallel.cf, "ProcessPoolExecutor", broken_pool)
    paths = hw.issue_workbooks(master, tmp_path / "ud", workers=2)
    assert len(tried) == 1 and tried[0]["max_workers"] == 2
    assert [p.name for p in paths] == [hw.holder_file_name(h) for h in master.holders]
    no_leftovers(tmp_path / "ud")


# ----------------------------------------------------------------- failures

def test_a_file_that_cannot_be_written_stops_with_a_danish_message(tmp_path, master):
    stam = write_master_workbook(many_holders_sheets(), tmp_path / "Stamdata.xlsx")
    out = tmp_path / "ud"
    blocked = out / hw.holder_file_name(master.holder_by_id["H5"])
    blocked.mkdir(parents=True)  # a folder where the workbook should go: the rename fails
    message = f"{blocked}: projektmappen til aftaleholder H5 kunne ikke skrives"
    proc = cli("issue", stam, out)  # nine holders: written by workers (where they fork)
    assert proc.returncode == 2 and message in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert blocked.is_dir() and not any(blocked.iterdir())
    no_leftovers(out)
    # The same message when the one file is written in process.
    alone = cli("issue", stam, out, "--aftaleholder", "H5")
    assert alone.returncode == 2 and message in alone.stderr and "Traceback" not in alone.stderr
    assert alone.stderr == proc.stderr
    no_leftovers(out)


@pytest.mark.skipif(not FORK, reason="the crashing writer is patched in; only fork workers inherit it")
def test_a_worker_dying_mid_file_leaves_no_half_written_file(tmp_path, master, monkeypatch):
    real = hw.write_holder_workbook

    def dies_on_h4(master, holder_id, path, **kw):
        if holder_id == "H4":
            with atomic_path(path) as tmp:
                tmp.write_bytes(b"PK\x03\x04 half a workbook")
                os._exit(1)  # killed mid-write: atomic_path's clean-up never runs
        return real(master, holder_id, path, **kw)

    monkeypatch.setattr(hw, "write_holder_workbook", dies_on_h4)
    out = tmp_path / "ud"
    with pytest.raises(UnusableInput, match="kunne ikke skrives; skriveprocessen stoppede uventet"):
        hw.issue_workbooks(master, out, workers=2)
    assert not (out / hw.holder_file_name(master.holder_by_id["H4"])).exists()
    no_leftovers(out)


def test_ctrl_c_stops_issuing_with_complete_files_only(tmp_path):
    stam = write_master_workbook(many_holders_sheets(120), tmp_path / "Stamdata.xlsx")
    out = tmp_path / "ud"
    proc = subprocess.Popen([sys.executable, "-m", "itbudget.cli", "issue", str(stam), str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)

    def complete() -> list[Path]:  # not the hidden temporary files of files being written
        return [p for p in out.glob("*.xlsx") if not p.name.startswith(".")] if out.is_dir() else []

    deadline = time.monotonic() + 60
    while not complete() and proc.poll() is None:
        assert time.monotonic() < deadline
        time.sleep(0.005)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)  # as a terminal does: the parent and its workers
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("issuing finished before the interrupt arrived")
    assert proc.returncode == 130 and err.strip() == "itbudget: afbrudt.", err
    assert 0 < len(complete()) < 120
    no_leftovers(out)


@pytest.mark.skipif(not FORK, reason="the failing start is patched in; only fork workers inherit it")
def test_workers_that_cannot_start_give_a_danish_message(tmp_path, master, monkeypatch):
    monkeypatch.setattr(parallel, "_init_worker", lambda *a: os._exit(3))
    out = tmp_path / "ud"
    with pytest.raises(UnusableInput, match=r"kunne ikke skrives; skriveprocessen stoppede uventet \(Broken"):
        hw.issue_workbooks(master, out, workers=2)
    assert list(out.iterdir()) == []
