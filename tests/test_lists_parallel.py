"""Consumption lists written by worker processes: the same files, the workbook written meanwhile,
failures as Danish messages with nothing half-written left behind."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from itbudget.cli import main
from itbudget.demo import build_demo, write_bookings_csv
from itbudget.consolidation import consolidate_dir
from itbudget.errors import UnusableInput
from itbudget.operations import write_consumption_lists
from conftest import workbook_parts
from workbook_templates import consolidation as wc
from workbook_templates import parallel
from workbook_templates.stamdata import write_master_workbook

FORK = parallel.pool_context().get_start_method() == "fork"


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    """The demo municipality's bookings as CSV files, consolidated once."""
    root = tmp_path_factory.mktemp("demo")
    demo = build_demo()
    master = write_master_workbook(demo.master_sheets, root / "stamdata.xlsx")
    folder = root / "indsamlet"
    folder.mkdir()
    for hid, rows in demo.bookings.items():
        write_bookings_csv(rows, folder / f"{hid}.csv")
    return root, master, folder, consolidate_dir(folder, master, workers=1)


def no_leftovers(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


@pytest.mark.skipif(not FORK, reason="lists are written by workers only where processes fork")
def test_lists_from_workers_equal_lists_written_in_process(tmp_path, demo_run, monkeypatch, pool_calls):
    _, _, _, c = demo_run
    serial = write_consumption_lists(c, tmp_path / "serial", workers=1)
    book = tmp_path / "konsolidering.xlsx"
    written_meanwhile = []

    def meanwhile():
        wc.write_consolidation(c, book)
        written_meanwhile.append(len(pool_calls))  # still inside the pool's call

    par = write_consumption_lists(c, tmp_path / "par", workers=2, meanwhile=meanwhile)
    assert pool_calls and pool_calls[0] is not None, "the lists were not written by worker processes"
    assert written_meanwhile == [0]
    assert [p.name for p in par] == [p.name for p in serial] and len(par) == len(c.master.holders)
    for a, b in zip(serial, par):
        assert workbook_parts(a) == workbook_parts(b), a.name
    assert book.is_file()
    no_leftovers(tmp_path / "par")


def test_lists_stay_in_process_where_workers_would_spawn(tmp_path, demo_run, monkeypatch, pool_calls):
    """spawn would pickle every booking to each worker: not worth it."""
    _, _, _, c = demo_run
    monkeypatch.setattr(parallel, "pool_context", lambda: multiprocessing.get_context("spawn"))
    order = []
    paths = write_consumption_lists(c, tmp_path / "ud", workers=2, meanwhile=lambda: order.append("book"))
    assert pool_calls == [] and order == ["book"] and len(paths) == len(c.master.holders)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_list_that_cannot_be_written_stops_with_a_danish_message(tmp_path, demo_run, workers):
    _, _, _, c = demo_run
    out = tmp_path / "ud"
    holder = sorted(c.master.holders, key=lambda h: h.id)[3]
    blocked = out / wc.consumption_list_name(holder.id, holder.name)
    blocked.mkdir(parents=True)  # a folder where the list should go: the rename fails
    with pytest.raises(UnusableInput) as err:
        write_consumption_lists(c, out, workers=workers)
    assert str(err.value).startswith(f"{blocked}: forbrugslisten til aftaleholder {holder.id} "
                                     "kunne ikke skrives (der ligger en mappe med det navn)")
    assert blocked.is_dir() and not any(blocked.iterdir())
    no_leftovers(out)


@pytest.mark.skipif(not FORK, reason="lists are written by workers only where processes fork")
def test_a_failing_workbook_meanwhile_cancels_the_lists_and_is_reported(tmp_path, demo_run, capsys):
    root, master, folder, _ = demo_run
    out = tmp_path / "mangler" / "konsolidering.xlsx"
    (tmp_path / "mangler").write_text("en fil, ikke en mappe")
    code = main(["consolidate", str(folder), "--master", str(master), "-o", str(out),
                 "--lists", str(tmp_path / "lister")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert err.startswith(f"itbudget: {out}: konsolideringsprojektmappen kunne ikke skrives "
                          "(der ligger allerede en fil eller mappe med det navn)")
    no_leftovers(tmp_path / "lister")


def test_cli_writes_workbook_and_every_list(tmp_path, demo_run, capsys):
    root, master, folder, c = demo_run
    code = main(["consolidate", str(folder), "--master", str(master), "-o", str(tmp_path / "k.xlsx"),
                 "--lists", str(tmp_path / "lister")])
    out = capsys.readouterr().out
    assert code == c.exit_code
    assert f"Skrevet: {tmp_path / 'k.xlsx'}" in out
    assert f"{len(c.master.holders)} forbrugslister skrevet i {tmp_path / 'lister'}" in out
    assert len(list((tmp_path / "lister").glob("*.xlsx"))) == len(c.master.holders)


def test_an_os_error_no_command_handled_is_one_danish_line(monkeypatch, capsys):
    import itbudget.commands.validate as validate_command

    def refused(args):
        raise PermissionError(13, "Permission denied", "bogf.xlsx")

    monkeypatch.setattr(validate_command, "run", refused)
    assert main(["validate", "bogf.xlsx"]) == 2
    err = capsys.readouterr().err
    assert err == "itbudget: bogf.xlsx: filen kunne ikke læses eller skrives (ingen adgang).\n"


def test_a_closed_pipe_is_not_an_error(monkeypatch):
    import itbudget.commands.validate as validate_command

    def pipe_closed(args):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(validate_command, "run", pipe_closed)
    assert main(["validate", "bogf.xlsx"]) == 0
