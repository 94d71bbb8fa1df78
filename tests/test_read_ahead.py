"""The bookings sheet read on a background thread (itbudget.runtime.read_ahead).

The read-ahead must change nothing but the time: the same result, the same
Danish message for a bad file (raised in the caller's thread), and the same
order of messages when both the bookings and the master data are bad. The CLI
must stay light enough that the read really starts before pandas is imported.
"""

from __future__ import annotations

import gc
import json
import subprocess
import sys

import pytest
from conftest import booking, small_master_sheets, write_workbook

from itbudget.errors import UnusableInput
from itbudget.runtime import bulk_reading, read_ahead
from itbudget.report import validation_dict
from itbudget.operations import validate_file


def _bookings(tmp_path):
    rows = [booking(Bilag=str(i), Beløb=100 + i) for i in range(30)] + [booking(Konto="9999")]
    return write_workbook(tmp_path / "bogf.xlsx", {"Bogføringer": [
        ["Bilag", "Dato", "Omkostningssted", "Konto", "Beløb", "Tekst", "Leverandør", "Fakturanr",
         "EAN", "Projektnr"], *rows]})


def test_result_is_the_same_with_and_without_read_ahead(tmp_path, master_file):
    book = _bookings(tmp_path)
    plain = validation_dict(validate_file(book, master_file))
    assert read_ahead(book, "Bogføringer") is not None
    fast = validation_dict(validate_file(book, master_file))
    assert fast == plain
    assert plain["findings"], "the fixture must produce findings, or the comparison proves little"


def test_read_ahead_result_is_used_not_read_again(tmp_path, master_file, monkeypatch):
    book = _bookings(tmp_path)
    read_ahead(book, "Bogføringer").result()
    import itbudget.files as files

    def no_second_read(*a, **k):
        raise AssertionError("the sheet was read a second time")

    monkeypatch.setattr(files, "open_workbook", no_second_read)
    monkeypatch.setattr(files, "sheet_rows", no_second_read)
    assert validate_file(book, master_file).rows == 31
    # Handed over once: the next read opens the file again.
    with pytest.raises(AssertionError, match="read a second time"):
        validate_file(book, master_file)


def test_an_error_in_the_thread_is_raised_in_the_caller(tmp_path, master_file):
    bad = tmp_path / "bogf.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    read_ahead(bad, "Bogføringer")
    with pytest.raises(UnusableInput, match="bogf.xlsx: projektmappen er beskadiget"):
        validate_file(bad, master_file)


def test_csv_is_not_read_ahead(tmp_path):
    assert read_ahead(tmp_path / "x.csv", "Bogføringer") is None


def test_bookings_problem_is_still_reported_before_a_master_problem(tmp_path):
    bad_master = write_workbook(tmp_path / "stamdata.xlsx",
                                small_master_sheets(Kontoplan=[["Konto", "Navn"], ["2210", "x"]]))
    missing = tmp_path / "findes_ikke.xlsx"
    for ahead in (False, True):
        if ahead:
            read_ahead(missing, "Bogføringer")
        with pytest.raises(UnusableInput, match="findes_ikke.xlsx: filen findes ikke"):
            validate_file(missing, bad_master)
    proc = subprocess.run([sys.executable, "-m", "itbudget.cli", "validate", str(missing), "--master",
                           str(bad_master)], capture_output=True, text=True)
    assert proc.returncode == 2 and "findes_ikke.xlsx: filen findes ikke" in proc.stderr


def test_cli_reports_a_bad_workbook_in_danish_through_the_read_ahead(tmp_path, master_file):
    bad = tmp_path / "bogf.xlsx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    proc = subprocess.run([sys.executable, "-m", "itbudget.cli", "validate", str(bad), "--master",
                           str(master_file), "--format", "json"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "projektmappen er beskadiget" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_json_is_the_same_as_the_library(tmp_path, master_file):
    book = _bookings(tmp_path)
    proc = subprocess.run([sys.executable, "-m", "itbudget.cli", "validate", str(book), "--master",
                           str(master_file), "--format", "json"], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert json.loads(proc.stdout) == json.loads(json.dumps(validation_dict(validate_file(book, master_file)),
                                                            ensure_ascii=False))


def test_the_cli_parser_does_not_import_pandas():
    """Otherwise the read-ahead would start only after pandas is imported, and gain nothing."""
    code = ("import sys, itbudget.cli as c; c.build_parser(); "
            "print(sorted(m for m in ('pandas', 'numpy', 'pydantic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_bulk_reading_pauses_and_restores_the_collector():
    assert gc.isenabled()
    with bulk_reading():
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with bulk_reading():
            pass
        assert not gc.isenabled(), "a collector the caller had paused stays paused"
    finally:
        gc.enable()
