"""`make dist` builds an installable wheel of itbudget with the add-in's files in it."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_dist_builds_a_wheel_with_the_addin_files(tmp_path):
    subprocess.run(["make", "dist", f"DIST_DIR={tmp_path}"], cwd=ROOT, check=True,
                   capture_output=True, text=True, timeout=600)
    wheels = list(tmp_path.glob("itbudget-*-py3-none-any.whl"))
    assert len(wheels) == 1, list(tmp_path.iterdir())
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    for part in ("addin/manifest.py", "addin/static/js/ribbon.js", "addin/static/js/auth.js",
                 "addin/static/icons/itbudget-80.png", "addin/templates/taskpane.html",
                 "udfs/__init__.py", "itbudget/cli.py"):
        assert part in names, part
    entry = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "itbudget = itbudget.cli:entry" in zipfile.ZipFile(wheels[0]).read(entry).decode()
