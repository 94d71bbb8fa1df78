"""`make test` runs the add-in's JavaScript tests (tests/js, node:test with office-addin-mock)
after installing them with `npm ci` from the committed lock file."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_runs_npm_ci_then_node_test_before_pytest():
    lines = subprocess.run(["make", "-n", "-B", "test"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.splitlines()
    steps = [next(i for i, line in enumerate(lines) if marker in line)
             for marker in ("npm ci", "node --test tests/js/", "-m pytest")]
    assert steps == sorted(steps), lines


def test_office_addin_mock_is_locked_and_node_modules_ignored():
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert "node_modules/office-addin-mock" in lock["packages"]
    assert "node_modules/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert sorted(p.name for p in (ROOT / "tests" / "js").glob("*.test.mjs")) == [
        "auth.test.mjs", "ribbon.test.mjs"]
