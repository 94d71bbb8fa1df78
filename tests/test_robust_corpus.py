"""Bad input never crashes: every corpus entry (tests/corpus.py) through every command that reads it.

Each command runs in its own process under a 2 GB address-space limit and a
60 s timeout. Every answer must be a Danish message naming the file (and the
sheet and row where the corpus says so), the right exit code (0 clean,
1 findings, 2 unusable), no traceback, within seconds and in bounded memory.

The matrix has some 240 runs; starting a fresh interpreter for each would
take minutes, so each run is a process forked from this (already imported)
test process that calls ``itbudget.cli.main(argv)`` with stdout and stderr
on a file, exactly what ``python -m itbudget.cli`` does after its imports,
with an uncaught exception printed as a traceback as the interpreter would.
:func:`test_real_interpreter_gives_the_same_answers` runs one entry per
command through ``sys.executable -m itbudget.cli`` and checks that the forked
runs answer the same.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import subprocess
import sys
import time
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest

import itbudget.cli
from conftest import booking, write_workbook
from corpus import CORPUS, HEADER, Entry, good_bookings, good_invoice, good_master

ROOT = Path(__file__).resolve().parents[1]
MEMORY_LIMIT = 2 * 1024**3
TIMEOUT = 60
#: What a user may wait for one bad file; the timeout only stops a hung run.
SECONDS = 20
#: Peak resident memory allowed for one run (the address-space limit is the hard stop).
MAX_RSS = 1024**3
PARALLEL = 2

LAUNCH = (
    "import resource, runpy, sys\n"
    f"resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_LIMIT}, {MEMORY_LIMIT}))\n"
    "sys.argv = ['itbudget'] + sys.argv[1:]\n"
    "runpy.run_module('itbudget.cli', run_name='__main__')\n"
)
# Words one of which every Danish answer holds (messages name what is wrong in Danish).
DANISH = ("filen", "projektmappe", "arket", "mangler", "kan ikke", "række", "linje", "fejl",
          "bogføring", "stamdata", "ikke", "faktura")


@dataclass
class Run:
    argv: list[str]
    code: int
    out: str
    seconds: float
    max_rss: int


def run_cli(argv: list[str], cwd: Path) -> Run:
    """``python -m itbudget.cli ARGV`` in a fresh interpreter with the memory limit."""
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", LAUNCH, *argv], cwd=cwd, capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=TIMEOUT,
                          env=dict(os.environ, PYTHONPATH=str(ROOT)))
    out = (proc.stdout + proc.stderr).decode("utf-8", errors="replace")
    return Run(argv, proc.returncode, out, time.monotonic() - start, 0)


def _child(argv: list[str], out_path: Path, cwd: Path) -> None:
    """In the forked process: limit memory, redirect output, run the CLI, exit."""
    code = 1
    try:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        fd = os.open(out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.chdir(cwd)
        sys.stdin = open(os.devnull)
        sys.stdout = sys.stderr = open(1, "w", encoding="utf-8", closefd=False)
        code = itbudget.cli.main(argv)
    except SystemExit as exc:  # as the interpreter treats it
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - what the interpreter would print
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
        finally:
            os._exit(code if isinstance(code, int) else 1)


def run_forked(jobs: list[tuple[list[str], Path]], work: Path) -> list[Run]:
    """Run ``itbudget.cli.main(argv)`` for each job in a forked process, PARALLEL at a time."""
    sys.stdout.flush()
    sys.stderr.flush()
    results: list[Run | None] = [None] * len(jobs)
    running: dict[int, tuple[int, float, Path]] = {}
    pending = list(enumerate(jobs))
    while pending or running:
        while pending and len(running) < PARALLEL:
            i, (argv, cwd) = pending.pop(0)
            out_path = work / f".out-{i}"
            pid = os.fork()
            if pid == 0:
                _child(argv, out_path, cwd)
            running[pid] = (i, time.monotonic(), out_path)
        pid, status, usage = os.wait4(-1, os.WNOHANG)
        if pid == 0:
            for p, (_, started, _) in running.items():
                if time.monotonic() - started > TIMEOUT:
                    os.kill(p, 9)
            time.sleep(0.005)
            continue
        i, started, out_path = running.pop(pid)
        text = out_path.read_text(encoding="utf-8", errors="replace")
        out_path.unlink()
        results[i] = Run(jobs[i][0], os.waitstatus_to_exitcode(status), text,
                         time.monotonic() - started, usage.ru_maxrss * 1024)
    return results


# --------------------------------------------------------------------------- the matrix

def commands_for(e: Entry, bad: Path, good: dict[str, Path], scratch: Path) -> dict[str, tuple[list[str], set[int]]]:
    """Every command that reads this entry's kind of input: argv and the exit codes allowed."""
    m, b, inv = str(good["master"]), str(good["bookings"]), str(good["invoice"])
    out = str(scratch / "ud.xlsx")
    folder = bad.parent
    cmds: dict[str, tuple[list[str], set[int]]] = {}
    unusable = e.expect == "unusable"
    code = {"unusable": 2, "findings": 1, "clean": 0}[e.expect]
    if e.role in ("file", "bookings"):
        cmds["validate"] = (["validate", str(bad), "--master", m], {code})
        # One bad file among the returned workbooks: listed as unusable, the run goes on (exit 1).
        cmds["consolidate"] = (["consolidate", str(folder), "--master", m, "-o", out],
                               {1} if unusable else {code})
        cmds["invoices --bookings"] = (["invoices", inv, "--master", m, "--bookings", str(bad)],
                                       {2} if unusable else {0, 1})
    if e.role in ("file", "master"):
        cmds["validate --master"] = (["validate", b, "--master", str(bad)], {2})
        cmds["consolidate --master"] = (["consolidate", str(good["folder"]), "--master", str(bad),
                                         "-o", out], {2})
        cmds["invoices --master"] = (["invoices", inv, "--master", str(bad)], {2})
        cmds["issue"] = (["issue", str(bad), str(scratch / "udsendt")], {2})
        cmds["projects --master"] = (["projects", str(good["folder"]), "--master", str(bad),
                                      "-o", out], {2})
    if e.role == "file" and e.suffix == ".xlsx":
        # A broken file among the filled project forms is reported; the others are read.
        cmds["projects"] = (["projects", str(folder), "--master", m, "-o", out], {1})
    if e.role == "invoice":
        cmds["invoices"] = (["invoices", str(bad), "--master", m], {1})
        cmds["consolidate"] = (["consolidate", str(folder), "--master", m, "-o", out], {1})
    return cmds


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict[tuple[str, str], tuple[Entry, Path, Run, set[int]]]:
    base = tmp_path_factory.mktemp("korpus")
    good_dir = base / "god"
    good_dir.mkdir()
    good = {"master": good_master(good_dir), "bookings": good_bookings(good_dir / ".."),
            "invoice": good_invoice(good_dir / ".."), "folder": good_dir}
    jobs = []
    for e in CORPUS:
        folder = base / e.name
        folder.mkdir()
        bad = e.make(folder)
        scratch = base / f"{e.name}-ud"
        scratch.mkdir()
        for cmd, (argv, codes) in commands_for(e, bad, good, scratch).items():
            jobs.append((e, bad, cmd, argv, codes))
    runs = run_forked([(argv, base) for _, _, _, argv, _ in jobs], base)
    out = {(e.name, cmd): (e, bad, run, codes) for (e, bad, cmd, _, codes), run in zip(jobs, runs)}
    yield out
    shutil.rmtree(base, ignore_errors=True)


PRIMARY = {"file": ("validate", "consolidate", "invoices --bookings"),
           "bookings": ("validate", "consolidate", "invoices --bookings")}


def _pairs():
    scratch = Path("/nonexistent")
    stub = {"master": scratch, "bookings": scratch, "invoice": scratch, "folder": scratch}
    for e in CORPUS:
        for cmd in commands_for(e, scratch / f"x{e.suffix}", stub, scratch):
            yield pytest.param(e.name, cmd, id=f"{e.name}-{cmd.replace(' ', '')}")


def consolidation_text(path: Path) -> str:
    """The Fund and Fakturaer sheets of a consolidation workbook as text lines."""
    import python_calamine as pc

    book = pc.load_workbook(str(path))
    lines = []
    for file, sheet, row, *rest in book.get_sheet_by_name("Fund").to_python()[4:]:
        lines.append(f"{file}, ark '{sheet}', {'række' if sheet else 'linje'} {int(row)}: "
                     + " ".join(map(str, rest)))
    for values in book.get_sheet_by_name("Fakturaer").to_python()[4:]:
        lines.append(" ".join(map(str, values)))
    return "\n".join(lines)


def test_corpus_is_large_and_documented():
    assert len(CORPUS) >= 30
    assert len({e.name for e in CORPUS}) == len(CORPUS)
    for e in CORPUS:
        assert e.doc, f"{e.name} has no docstring saying what it simulates"
    assert {e.role for e in CORPUS} == {"file", "bookings", "master", "invoice"}


@pytest.mark.parametrize("name, cmd", list(_pairs()))
def test_bad_input_is_answered(results, name, cmd):
    e, bad, run, codes = results[(name, cmd)]
    where = f"itbudget {' '.join(run.argv)}\n{run.out[-3000:]}"
    assert "Traceback" not in run.out and "Warning:" not in run.out, where
    assert run.code in codes, f"exit {run.code}, expected {codes}: {where}"
    assert run.seconds < SECONDS, f"{run.seconds:.1f} s: {where}"
    assert run.max_rss < MAX_RSS, f"{run.max_rss / 1024**2:.0f} MB: {where}"
    if run.code == 0:
        return
    text = run.out
    if cmd == "consolidate" and (e.expect != "unusable" or e.role == "invoice"):
        # Findings of a consolidation are in the workbook, with file, sheet and row.
        text += consolidation_text(Path(run.argv[run.argv.index("-o") + 1]))
    assert bad.name in text, f"the message does not name {bad.name}: {where}"
    assert any(w in text.lower() for w in DANISH), f"no Danish message: {where}"
    if e.role not in PRIMARY or cmd in PRIMARY[e.role]:
        for word in e.mentions:
            assert word in text, f"the message does not mention {word!r}: {where}"


# A broken file through all five commands, findings in bookings, a hostile invoice.
REAL = ["zip_bomb_part", "error_cells", "invoice_entity_bomb"]


def test_real_interpreter_gives_the_same_answers(results):
    """``python -m itbudget.cli`` answers as the forked runs did, for one entry per kind and command."""
    checked = set()
    for (name, cmd), (e, bad, forked, codes) in results.items():
        if name not in REAL:
            continue
        real = run_cli(forked.argv, bad.parent.parent)
        assert "Traceback" not in real.out, real.out
        assert real.code == forked.code, (cmd, real.out, forked.out)
        if cmd != "consolidate":  # a consolidation's summary holds the folder's path only
            assert real.out.replace(str(bad.parent.parent), "") == forked.out.replace(str(bad.parent.parent), "")
        checked.add(cmd.split()[0])
    assert checked == {"validate", "consolidate", "invoices", "issue", "projects"}


@pytest.mark.libreoffice
def test_a_real_legacy_xls_is_read_like_the_xlsx(tmp_path, require_libreoffice):
    """A real BIFF8 .xls (Excel 97-2003, made by LibreOffice) validates exactly like its .xlsx."""
    rows = [booking(Bilag="1", Beløb=100), booking(Bilag="2", Konto="9999"),
            booking(Bilag="3", Dato="31-02-2026")]
    xlsx = write_workbook(tmp_path / "gammel.xlsx", {"Bogføringer": [HEADER] + rows})
    env = dict(os.environ, HOME=str(tmp_path))  # a private LibreOffice profile
    subprocess.run([require_libreoffice, "--headless", "--convert-to", "xls", "--outdir",
                    str(tmp_path / "xls"), str(xlsx)], check=True, capture_output=True, timeout=180, env=env)
    xls = tmp_path / "xls" / "gammel.xls"
    assert xls.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"
    master = good_master(tmp_path)
    answers = [run_cli(["validate", str(p), "--master", str(master), "--format", "json"], tmp_path)
               for p in (xlsx, xls)]
    a, b = (json.loads(r.out) for r in answers)
    assert answers[0].code == answers[1].code == 1
    assert [(f["row"], f["rule"]) for f in a["findings"]] == [(f["row"], f["rule"]) for f in b["findings"]]
    assert [(f["row"], f["rule"]) for f in b["findings"]] == [(3, "ITB004"), (4, "ITB001")]
