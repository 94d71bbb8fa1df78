"""The ``itbudget`` program ends without tearing the interpreter down, losing nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap


def _run(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, timeout=120)


def test_exit_code_output_and_exit_handlers_survive_the_fast_exit(tmp_path):
    out = _run("""
        import atexit, sys
        from itbudget import cli
        atexit.register(lambda: print("exit handler ran"))
        sys.stdout.write("buffered, not flushed\\n")
        sys.argv = ["itbudget", *sys.argv[1:]]
        cli.entry()
        print("not reached")
    """, "validate", str(tmp_path / "findes-ikke.xlsx"))
    assert out.returncode == 2
    assert "findes ikke" in out.stderr and "Traceback" not in out.stderr
    assert out.stdout.splitlines() == ["buffered, not flushed", "exit handler ran"]


def test_a_live_thread_gets_the_normal_exit_that_waits_for_it(tmp_path):
    out = _run("""
        import sys, threading, time
        from itbudget import cli
        def late():
            time.sleep(0.3)
            print("thread finished")
        threading.Thread(target=late).start()
        sys.argv = ["itbudget", *sys.argv[1:]]
        cli.entry()
    """, "validate", str(tmp_path / "findes-ikke.xlsx"))
    assert out.returncode == 2
    assert out.stdout.strip() == "thread finished"


def test_the_installed_program_is_the_entry(tmp_path):
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    assert project["project"]["scripts"]["itbudget"] == "itbudget.cli:entry"


def test_the_program_keeps_the_validation_alive_until_it_ends(tmp_path, master_file, capsys):
    """entry() passes ``keep``: the bookings are not freed one by one before the process ends."""
    from conftest import booking, write_workbook
    from itbudget.bookings import BOOKING_HEADERS
    from itbudget.cli import main

    book = write_workbook(tmp_path / "bogf.xlsx", {"Bogføringer": [list(BOOKING_HEADERS), booking()]})
    keep: list = []
    code = main(["validate", str(book), "--master", str(master_file), "--format", "json"], keep=keep)
    out = capsys.readouterr().out
    assert code in (0, 1) and '"rows": 1' in out
    assert len(keep) == 1 and keep[0].rows == 1
    # Called as a library (tests, the server), nothing is held back.
    assert main(["validate", str(book), "--master", str(master_file)]) == code
