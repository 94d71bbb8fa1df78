"""The README says what xlwings Server's licence says: its "Noncommercial Organizations" section, verbatim."""

from __future__ import annotations

import importlib.metadata
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Noncommercial Organizations"


def _installed_licence() -> str:
    try:
        dist = importlib.metadata.distribution("xlwings-server")
    except importlib.metadata.PackageNotFoundError:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip("xlwings-server is not installed (the optional [server] extra)")
    files = [f for f in dist.files or () if f.name.upper().startswith("LICENSE")]
    texts = [Path(dist.locate_file(f)).read_text(encoding="utf-8") for f in files]
    return next(t for t in texts if SECTION in t)


def _section(text: str) -> list[str]:
    """The section's lines, without its heading and surrounding blank lines."""
    body = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    return body.strip("\n").splitlines()


def _readme_quote() -> list[str]:
    licences = (ROOT / "README.md").read_text(encoding="utf-8").split("## Licences", 1)[1]
    return [line[2:] if line.startswith("> ") else line[1:]
            for line in licences.splitlines() if line.startswith(">")]


def test_readme_quotes_the_noncommercial_organizations_section_verbatim():
    section = _section(_installed_licence())
    assert "government institution" in " ".join(section)
    assert _readme_quote() == section


def test_readme_no_longer_says_a_municipality_needs_a_commercial_licence():
    licences = (ROOT / "README.md").read_text(encoding="utf-8").split("## Licences", 1)[1]
    assert "needs a commercial" not in licences
    assert "optional extra" in licences
