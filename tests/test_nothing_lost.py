"""Nothing lost: inputs never change, a killed run leaves the previous output whole, every row counts.

The demo municipality (``itbudget demo``) is built once for the module; every
command then runs on it as a subprocess. Kills are real ``SIGKILL``s of a
running ``itbudget consolidate`` / ``itbudget issue`` at random moments and at
the moment the temporary output appears; no hook in the product is used.
That the validation macro changes no typed cell is tested in
``tests/test_addin.py`` (``test_no_typed_cell_changes_...``).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from conftest import booking, write_workbook
from corpus import HEADER, good_master
from itbudget.bookings import BOOKING_HEADERS
from itbudget.master import load_master
from itbudget.report import validation_dict
from itbudget.operations import validate_file

ROOT = Path(__file__).resolve().parents[1]
ENV = dict(os.environ, PYTHONPATH=str(ROOT))


def itbudget(*argv, cwd=None, check_codes=(0, 1)) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "itbudget.cli", *map(str, argv)], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=120, env=ENV)
    assert "Traceback" not in proc.stderr + proc.stdout, proc.stderr
    assert proc.returncode in check_codes, (argv, proc.returncode, proc.stdout[-2000:], proc.stderr)
    return proc


def digest(path: Path) -> dict[str, str]:
    """sha256 of every file under ``path`` (relative name -> hex)."""
    return {str(p.relative_to(path)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    from itbudget.cli import main

    out = tmp_path_factory.mktemp("demo") / "demo"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["demo", str(out)]) == 0
    return out


# --------------------------------------------------------------------------- inputs are never modified

def test_no_command_modifies_its_inputs(demo, tmp_path):
    inputs = [demo / "Stamdata.xlsx", demo / "returneret", demo / "udsendt", demo / "skabeloner"]
    before = {str(p): digest(p) if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
              for p in inputs}
    stamps = {p: p.stat().st_mtime_ns for p in (demo / "returneret").iterdir()}
    returned = sorted((demo / "returneret").glob("H0*.xlsx"))
    forms = tmp_path / "skemaer"
    forms.mkdir()
    (forms / "Projektskema.xlsx").write_bytes((demo / "skabeloner" / "Projektskema.xlsx").read_bytes())
    itbudget("validate", returned[0])
    itbudget("validate", returned[1], "--master", demo / "Stamdata.xlsx")
    itbudget("validate", demo / "returneret" / "H05 eksport fra økonomisystemet.csv",
             "--master", demo / "Stamdata.xlsx")
    itbudget("consolidate", demo / "returneret", "--master", demo / "Stamdata.xlsx",
             "-o", tmp_path / "k.xlsx", "--lists", tmp_path / "lister")
    itbudget("invoices", demo / "returneret", "--master", demo / "Stamdata.xlsx",
             "--bookings", demo / "returneret")
    itbudget("issue", demo / "Stamdata.xlsx", tmp_path / "udsendt")
    itbudget("projects", forms, "--master", demo / "Stamdata.xlsx", "-o", tmp_path / "ny.xlsx")
    after = {str(p): digest(p) if p.is_dir() else hashlib.sha256(p.read_bytes()).hexdigest()
             for p in inputs}
    assert after == before
    assert {p: p.stat().st_mtime_ns for p in (demo / "returneret").iterdir()} == stamps


# --------------------------------------------------------------------------- killed mid-write

def _leftovers(folder: Path, keep: set[str]) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def _kill_when(proc: subprocess.Popen, ready, deadline: float = 60) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()`` holds; False if it finished first."""
    end = time.monotonic() + deadline
    while proc.poll() is None and time.monotonic() < end:
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        time.sleep(0.001)
    proc.wait()
    return False


def _start(*argv) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "itbudget.cli", *map(str, argv)], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)


def _sheet_values(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [r for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_killed_consolidation_leaves_the_previous_output_and_the_next_run_works(demo, tmp_path):
    # The output lives in the folder being consolidated, the hardest case: a
    # temporary file left by a kill must not be read as a returned workbook.
    folder = tmp_path / "ind"
    folder.mkdir()
    for p in (demo / "returneret").iterdir():
        (folder / p.name).write_bytes(p.read_bytes())
    out = folder / "Konsolidering.xlsx"
    out.write_bytes(b"forrige konsolidering")
    inputs = digest(folder)
    argv = ("consolidate", folder, "--master", demo / "Stamdata.xlsx", "-o", out)
    rng = random.Random(int(os.environ.get("KILL_SEED", "8")))
    killed_writing = 0
    for attempt in range(5):
        proc = _start(*argv)
        if attempt < 3:   # at the moment the temporary output appears (mid-write)
            def ready():
                return any(p.name.startswith(".Konsolidering.xlsx.") for p in folder.iterdir())
        else:             # at a random moment of the run
            at = time.monotonic() + rng.uniform(0.2, 1.5)

            def ready(at=at):
                return time.monotonic() >= at
        if _kill_when(proc, ready):
            killed_writing += attempt < 3
        if out.read_bytes() != b"forrige konsolidering":
            # The run (or its rename) finished before the kill: then the output is whole.
            assert "Fund" in _sheet_values(out), f"attempt {attempt}: a half-written output"
            out.write_bytes(b"forrige konsolidering")
        stray = _leftovers(folder, set(inputs))
        assert all(n.startswith(".Konsolidering.xlsx.") and n.endswith(".xlsx") for n in stray), stray
        assert {k: v for k, v in digest(folder).items() if k in inputs} == inputs
    assert killed_writing >= 2, "the kill never landed while the output was being written"
    # The next run works, skips the stray temporary files and writes the whole output.
    done = itbudget(*argv, "--format", "json")
    result = json.loads(done.stdout)
    assert not [s for s in result["sources"] if s["file"].startswith(".") and s["status"] != "skipped"]
    clean = itbudget("consolidate", demo / "returneret", "--master", demo / "Stamdata.xlsx",
                     "-o", tmp_path / "ren.xlsx", "--format", "json")
    assert result["rows"] == json.loads(clean.stdout)["rows"]
    a, b = _sheet_values(out), _sheet_values(tmp_path / "ren.xlsx")
    assert a.keys() == b.keys()
    for sheet in a:
        if sheet not in ("Overblik", "Kilder"):   # Kilder lists the stray files as skipped
            assert a[sheet] == b[sheet], sheet


def test_killed_issue_leaves_whole_workbooks_or_none(demo, tmp_path):
    outdir = tmp_path / "udsendt"
    for attempt in range(2):
        proc = _start("issue", demo / "Stamdata.xlsx", outdir)
        # Kill while the fourth workbook is being written.
        _kill_when(proc, lambda: outdir.is_dir() and sum(1 for _ in outdir.iterdir()) >= 4)
        for p in outdir.iterdir():
            if p.name.startswith("."):
                assert p.suffix == ".xlsx"
                continue
            assert load_master(p).scope, p.name   # every visible workbook is whole
    itbudget("issue", demo / "Stamdata.xlsx", outdir)
    visible = sorted(p.name for p in outdir.iterdir() if not p.name.startswith("."))
    assert visible == sorted(p.name for p in (demo / "udsendt").iterdir())


# --------------------------------------------------------------------------- every row accounted for

def _data_rows(path: Path, sheet: str = "Bogføringer") -> tuple[int, set[int]]:
    """Rows below the header up to the last filled contract cell, and the filled ones."""
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    filled, last = set(), 1
    for i, row in enumerate(ws.iter_rows(min_row=2, max_col=len(BOOKING_HEADERS), values_only=True), 2):
        if any(v not in (None, "") and not (isinstance(v, str) and not v.strip()) for v in row):
            filled.add(i)
            last = i
    return last - 1, filled


def test_every_row_of_every_returned_workbook_is_accounted_for(demo):
    proc = itbudget("consolidate", demo / "returneret", "--master", demo / "Stamdata.xlsx",
                    "--format", "json")
    result = json.loads(proc.stdout)
    ok = [s for s in result["sources"] if s["status"] == "ok" and s["file"].endswith((".xlsx", ".csv"))]
    assert sum(s["rows"] for s in ok) == result["rows"]
    for s in ok:
        if not s["file"].endswith(".xlsx"):
            continue
        path = demo / "returneret" / s["file"]
        span, filled = _data_rows(path)
        v = validation_dict(validate_file(path))  # what `validate --format json` prints
        assert v["rows"] == s["rows"] == len(filled), s["file"]
        assert v["rows"] + v["blank_rows"] == span, s["file"]
        assert {f["row"] for f in v["findings"]} <= filled, s["file"]
    findings = {(f["file"], f["row"]) for f in result["findings"]}
    assert findings, "the demo has findings"
    for file, row in findings:
        if file.endswith(".xlsx"):
            assert row >= 2


def test_blank_and_whitespace_rows_are_counted_not_lost(tmp_path):
    rows = [booking(Bilag="1"), [None] * 10, ["  ", "\t", "", "", "", "", "", "", "", ""],
            booking(Bilag="2", Konto="9999"), [None] * 10, booking(Bilag="3", Beløb="abc")]
    path = write_workbook(tmp_path / "huller.xlsx", {"Bogføringer": [HEADER] + rows})
    master = good_master(tmp_path)
    v = json.loads(itbudget("validate", path, "--master", master, "--format", "json").stdout)
    assert (v["rows"], v["blank_rows"]) == (3, 3)
    assert {f["row"] for f in v["findings"]} == {5, 7}
