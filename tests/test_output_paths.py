"""How validate's answer leaves the process: UTF-8 pieces written as text would be, and no
workbook builder imported on the way (issue 18: the start-up and output costs)."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import booking, small_master_sheets, write_workbook
from itbudget.bookings import BOOKING_HEADERS

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("encoding,errors", [("utf-8", "strict"), ("utf-8", "replace"),
                                             ("latin-1", "replace"), ("cp1252", "strict")])
def test_write_parts_writes_what_one_text_write_would(encoding, errors):
    from itbudget.report import write_parts

    parts = ["{\"a\": ", memoryview("\"Bøger – æøå\"".encode()), ", \"b\": ", b"[1, 2]", "}\n"]
    text = "{\"a\": \"Bøger – æøå\", \"b\": [1, 2]}\n"
    expected, got = io.BytesIO(), io.BytesIO()
    for buffer, write in ((expected, lambda s: s.write(text)), (got, lambda s: write_parts(parts, s))):
        stream = io.TextIOWrapper(buffer, encoding=encoding, errors=errors, newline="")
        write(stream)
        stream.flush()
        stream.detach()  # the buffer stays open for getvalue()
    assert got.getvalue() == expected.getvalue()


def test_findings_json_parts_join_to_findings_json(tmp_path):
    from itbudget.operations import validate_file
    from itbudget.report import (findings_json, findings_json_parts, joined, validation_json,
                                 validation_json_parts)

    book = write_workbook(tmp_path / "b.xlsx", {"Bogføringer": [list(BOOKING_HEADERS), booking(Konto="9999"),
                                                                booking(Beløb="x"), booking()]})
    master = write_workbook(tmp_path / "m.xlsx", small_master_sheets())
    result = validate_file(book, master)
    assert len(result.findings) >= 2

    import json

    join = joined

    assert json.loads(join(findings_json_parts(result.findings)))[0]["rule"]
    assert join(findings_json_parts(result.findings)) == findings_json(result.findings)
    assert join(validation_json_parts(result)) == validation_json(result)
    assert any(not isinstance(p, str) for p in findings_json_parts(result.findings))  # not decoded


def test_validate_imports_no_workbook_builder(tmp_path):
    book = write_workbook(tmp_path / "b.xlsx", {"Bogføringer": [list(BOOKING_HEADERS), booking()]})
    master = write_workbook(tmp_path / "m.xlsx", small_master_sheets())
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "itbudget.cli", "validate", str(book),
                           "--master", str(master), "--format", "json"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert "itbudget.validation" in imported  # the measure sees the core
    assert not {"workbook_templates", "openpyxl", "xlsxwriter"} & imported
