"""The ``itbudget`` program ends without tearing the interpreter down, losing nothing."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest


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


def test_the_installed_program_ends_with_the_commands_exit_code_and_danish_message(tmp_path):
    from pathlib import Path

    program = Path(sys.executable).with_name("itbudget")
    if not program.exists():
        pytest.skip("the itbudget program is not installed next to this Python (pip install -e .)")
    out = subprocess.run([str(program), "validate", str(tmp_path / "findes-ikke.xlsx")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip().endswith("findes-ikke.xlsx: filen findes ikke.")
    assert "Traceback" not in out.stderr


def test_called_as_a_library_nothing_is_held_back(tmp_path, master_file, capsys):
    """The server and tests call main() many times: no validation outlives its call."""
    import gc

    from conftest import booking, write_workbook
    from itbudget.bookings import BOOKING_HEADERS
    from itbudget.cli import main
    from itbudget.validation import Validation

    book = write_workbook(tmp_path / "bogf.xlsx", {"Bogføringer": [list(BOOKING_HEADERS), booking()]})
    code = main(["validate", str(book), "--master", str(master_file), "--format", "json"])
    assert code in (0, 1) and '"rows": 1' in capsys.readouterr().out
    assert main(["validate", str(book), "--master", str(master_file)]) == code
    gc.collect()
    assert not [o for o in gc.get_objects() if isinstance(o, Validation)]
