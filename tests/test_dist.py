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


def test_docs_install_from_the_wheel_not_from_an_index():
    import re

    for doc in ("README.md", "docs/addin.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        # `pip install itbudget` / `pip install 'itbudget[server]'` would need a package index.
        assert not re.search(r"pip install (itbudget|'itbudget\[server\]')(\s|`|$)", text), doc
        assert "make dist" in text, doc


def test_windows_section_is_numbered_steps_with_the_gpo_macro_policy():
    text = (ROOT / "docs" / "addin.md").read_text(encoding="utf-8")
    section = text.split("## Classic desktop Excel (Windows)", 1)[1].split("\n## ", 1)[0]
    import re

    steps = [int(n) for n in re.findall(r"^(\d+)\. ", section, flags=re.M)]
    assert steps == list(range(1, len(steps) + 1)) and len(steps) >= 6
    for needle in ("Group Policy", "VBA Macro Notification Settings", "Trusted Locations",
                   "Trust access to Visual Basic Project", ".xlsm", "Import Functions"):
        assert needle in section, needle
