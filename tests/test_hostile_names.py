"""File names and links in a returned folder that must not crash, leak or drive the terminal.

Issue 12, points 9 and 11: names that are not UTF-8 and names with control
characters (``consolidate`` and the Konsolider script share
``consolidation.read_sources``), and a ``.csv`` symlink to a file outside the
folder, whose content must appear nowhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest


ENV = {**os.environ, "XLWINGS_LICENSE_KEY": "noncommercial"}
CSV = "Bilag;Dato;Omkostningssted;Konto;Beløb;Tekst\n7;02-01-2026;1001;2210;100,00;Mus\n"
CANARY = "CANARY-7f3a9q-passwd"


def consolidate(folder: Path, *args) -> subprocess.CompletedProcess:
    """The real command line, output as bytes: what a terminal would be sent."""
    return subprocess.run([sys.executable, "-m", "itbudget.cli", "consolidate", str(folder / "retur"),
                           "--master", str(folder / "stamdata.xlsx"), *map(str, args)],
                          capture_output=True, timeout=180, env=ENV)


def parts_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


@pytest.fixture
def folder(small_returns) -> Path:
    return small_returns


def test_names_that_are_not_utf8_or_hold_control_characters(folder):
    returned = os.fsencode(folder / "retur")
    with open(os.path.join(returned, b"H99 \xff\xfe.xlsx"), "wb") as fh:
        fh.write((folder / "retur" / "bogføringer.xlsx").read_bytes())
    with open(os.path.join(returned, b"eksport \x1b[31mr\xc3\xb8d\x07\xc2\x9b.csv"), "wb") as fh:
        fh.write(CSV.encode("cp1252"))
    out = folder / "Konsolidering.xlsx"
    proc = consolidate(folder, "-o", out)
    assert proc.returncode == 1, proc.stderr  # a file that could not be used
    assert b"Traceback" not in proc.stderr and proc.stderr == b""
    text = proc.stdout.decode("utf-8")
    assert not any(ch in text for ch in "\x1b\x07\x9b")  # nothing a terminal would act on
    assert "H99 \\xff\\xfe.xlsx: filnavnet indeholder tegn, der ikke er gyldig tekst" in text
    assert "4 bogføringer" in text  # the CSV with control characters in its name is read
    sources = parts_text(out)
    assert "H99 \\xff\\xfe.xlsx" in sources and "eksport \\x1b[31mrød\\x07\\x9b.csv" in sources
    as_json = json.loads(consolidate(folder, "--format", "json").stdout)
    files = {s["file"]: s["status"] for s in as_json["sources"]}
    assert files["H99 \\xff\\xfe.xlsx"] == "unreadable"
    assert files["eksport \\x1b[31mrød\\x07\\x9b.csv"] == "ok"


def test_the_konsolider_script_path_gives_the_same_sources(folder):
    from itbudget.operations import consolidate_to_files

    with open(os.path.join(os.fsencode(folder / "retur"), b"H99 \xff.xlsx"), "wb") as fh:
        fh.write(b"PK")
    result = consolidate_to_files(folder / "retur", folder / "stamdata.xlsx", folder / "K.xlsx",
                                  workers=1)
    assert [s.file for s in result.sources if s.status == "unreadable"] == ["H99 \\xff.xlsx"]
    assert "H99 \\xff.xlsx" in parts_text(folder / "K.xlsx")


def test_a_csv_link_to_a_file_outside_the_folder_is_not_read(folder, tmp_path):
    secret = tmp_path / "passwd"
    secret.write_text(f"{CANARY}:x:0:0:root:/root:/bin/bash\nsecond {CANARY} line\n")
    (folder / "retur" / "eksport.csv").symlink_to(secret)
    out = folder / "Konsolidering.xlsx"
    for proc in (consolidate(folder, "-o", out), consolidate(folder, "--format", "json")):
        assert proc.returncode == 1
        assert CANARY.encode() not in proc.stdout + proc.stderr
        assert b"symbolsk link" in proc.stdout
    assert CANARY not in parts_text(out)
    assert "eksport.csv" in parts_text(out)


def test_a_link_inside_the_folder_is_read(folder):
    (folder / "retur" / "eksport.csv").write_text(CSV, encoding="cp1252")
    (folder / "retur" / "link.csv").symlink_to("eksport.csv")
    as_json = json.loads(consolidate(folder, "--format", "json").stdout)
    assert {s["file"]: s["status"] for s in as_json["sources"]}["link.csv"] == "ok"
