"""A full disk under an output: one Danish line, exit 2, the previous output intact (issue 12, point 10).

Two ways of filling the disk: for real, in a child process whose temporary
output files are /dev/full (tests/full_disk.py: the kernel's ENOSPC through
xlsxwriter, openpyxl, zipfile and worker processes, and what the interpreter
prints as it frees them), and in process, with the zip writers' writes failing.
"""

from __future__ import annotations

import errno
import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from itbudget.cli import main

HERE = Path(__file__).resolve().parent
NO_SPACE = "der er ikke plads på disken"


@pytest.fixture
def folder(small_returns) -> Path:
    return small_returns


def leftovers(*dirs: Path) -> list[str]:
    return [p.name for d in dirs if d.is_dir() for p in d.iterdir() if p.name.startswith(".")]


def on_full_disk(*args) -> subprocess.CompletedProcess:
    env = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
    return subprocess.run([sys.executable, str(HERE / "full_disk.py"), *map(str, args)],
                          capture_output=True, text=True, timeout=180, env=env)


def assert_one_danish_line(proc: subprocess.CompletedProcess, names: str) -> None:
    assert proc.returncode == 2, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr  # no "Exception ignored ... Traceback" blocks
    assert NO_SPACE in lines[0] and names in lines[0], lines[0]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
def test_consolidation_output_on_a_full_disk(folder):
    out = folder / "Konsolidering.xlsx"
    assert main(["consolidate", str(folder / "retur"), "--master", str(folder / "stamdata.xlsx"),
                 "-o", str(out)]) == 0
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    mode = os.stat("/dev/full").st_mode
    proc = on_full_disk("consolidate", folder / "retur", "--master", folder / "stamdata.xlsx",
                        "-o", out)
    assert_one_danish_line(proc, "Konsolidering.xlsx")
    assert hashlib.sha256(out.read_bytes()).hexdigest() == before
    assert leftovers(folder) == []
    assert os.stat("/dev/full").st_mode == mode


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full on this system")
@pytest.mark.parametrize("workers", ["1", "2"])
def test_lists_and_issue_on_a_full_disk(folder, workers):
    lists = folder / "lister"
    proc = on_full_disk("consolidate", folder / "retur", "--master", folder / "stamdata.xlsx",
                        "--lists", lists, "--workers", workers)
    assert_one_danish_line(proc, "forbrugsliste")
    issued = folder / "udsendt"
    proc = on_full_disk("issue", folder / "stamdata.xlsx", issued)
    assert_one_danish_line(proc, "projektmappen til aftaleholder")
    assert leftovers(lists, issued) == [] and list(lists.iterdir()) == list(issued.iterdir()) == []


class FullZip(zipfile.ZipFile):
    """A zip writer whose every write meets a full disk."""

    def writestr(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def write(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_xlsxwriter_file_create_error_is_one_danish_line(folder, monkeypatch, capsys):
    import xlsxwriter.workbook

    out = folder / "Konsolidering.xlsx"
    out.write_bytes(b"den forrige konsolidering")
    monkeypatch.setattr(xlsxwriter.workbook, "ZipFile", FullZip)
    code = main(["consolidate", str(folder / "retur"), "--master", str(folder / "stamdata.xlsx"),
                 "-o", str(out), "--workers", "1"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and NO_SPACE in err and str(out) in err, err
    assert out.read_bytes() == b"den forrige konsolidering"
    assert leftovers(folder) == []


def test_openpyxl_on_a_full_disk_is_one_danish_line(folder, monkeypatch, capsys):
    import openpyxl.writer.excel

    monkeypatch.setattr(openpyxl.writer.excel, "ZipFile", FullZip)
    issued = folder / "udsendt"
    code = main(["issue", str(folder / "stamdata.xlsx"), str(issued), "--aftaleholder", "H1"])
    _, err = capsys.readouterr()
    assert code == 2 and err.count("\n") == 1 and NO_SPACE in err and "H1" in err, err
    assert list(issued.iterdir()) == []
