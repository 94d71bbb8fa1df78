"""A run killed mid-write leaves a temporary file; the next run removes it, and nothing else (issue 12, point 7)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from corpus import good_master
from itbudget.cli import main
from itbudget.writing import STALE_AFTER_SECONDS, remove_stale_temporaries

ENV = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
NAME = "H1 Bakkeskolen.xlsx"


def kill_mid_write(stamdata: Path, out: Path) -> Path:
    """SIGKILL ``issue`` while its temporary workbook is on disk; that file."""
    for _ in range(10):
        proc = subprocess.Popen([sys.executable, "-m", "itbudget.cli", "issue", str(stamdata), str(out),
                                 "--aftaleholder", "H1"], env=ENV,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            temps = list(out.glob(f".{NAME}.*.xlsx")) if out.is_dir() else []
            if temps:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                if temps[0].exists():
                    return temps[0]
            time.sleep(0.0005)
        (out / NAME).unlink(missing_ok=True)
    raise AssertionError("the kill never landed while the workbook was being written")


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def test_the_next_run_removes_a_killed_runs_temporary_file_and_nothing_else(tmp_path, capsys):
    stamdata = good_master(tmp_path)
    out = tmp_path / "udsendt"
    stale = kill_mid_write(stamdata, out)
    age(stale, STALE_AFTER_SECONDS + 60)
    young = out / f".{NAME}.abcd_123.xlsx"  # another run, still writing
    young.write_bytes(b"PK")
    looks_alike = [out / f".{NAME}.notes.xlsx", out / f".{NAME}.abcdefgh.xlsx.bak",
                   out / f"{NAME}.abcdefgh.xlsx", out / f".{NAME}.abcdefghi.xlsx",
                   out / ".Andet.xlsx.abcdefgh.xlsx"]
    for p in looks_alike:
        p.write_text("brugerens fil")
    folder = out / f".{NAME}.zzzzzzzz.xlsx"
    folder.mkdir()
    link = out / f".{NAME}.yyyyyyyy.xlsx"
    link.symlink_to(tmp_path / "stamdata.xlsx")
    for p in [*looks_alike, folder, link]:
        age(p, STALE_AFTER_SECONDS * 5)

    assert main(["issue", str(stamdata), str(out), "--aftaleholder", "H1"]) == 0
    capsys.readouterr()
    assert not stale.exists()
    assert young.read_bytes() == b"PK"
    assert all(p.read_text() == "brugerens fil" for p in looks_alike)
    assert folder.is_dir() and link.is_symlink() and (tmp_path / "stamdata.xlsx").exists()
    assert (out / NAME).stat().st_size > 0


def test_the_age_threshold_is_the_line(tmp_path):
    target = tmp_path / "Konsolidering.xlsx"
    temp = tmp_path / ".Konsolidering.xlsx.k3j_9x0q.xlsx"
    temp.write_bytes(b"")
    now = temp.stat().st_mtime
    assert remove_stale_temporaries(target, now=now + STALE_AFTER_SECONDS - 1) == []
    assert remove_stale_temporaries(target, now=now + STALE_AFTER_SECONDS + 1) == [temp]
    assert not temp.exists()
