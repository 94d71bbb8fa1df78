"""A Rust panic inside the workbook readers refuses the file in Danish; it does not end the run.

python-calamine and fastexcel are Rust: a cell they cannot convert (a duration
or time of minus 10^15 days) makes them panic, and pyo3 raises the panic as
``PanicException``, a BaseException. The file it came from is unusable like any
broken file; Ctrl-C and SystemExit still pass through.

Real panics are caused in a process of their own: with ``RUST_BACKTRACE`` set,
a panic maps the libraries' debug information into the process for good, and
this test process forks the bad-input corpus's runs under a memory limit.
"""

from __future__ import annotations

import pytest

from conftest import small_master_sheets, write_workbook
from corpus import panicking_cell
from itbudget.errors import UnusableInput
from itbudget.files import sheet_rows
from test_cli_validate import cli


@pytest.mark.parametrize("number_format", ["[h]:mm:ss", "hh:mm:ss"])  # calamine; fastexcel, then calamine
def test_a_cell_the_reader_panics_on_makes_the_file_unusable(tmp_path, number_format):
    path = panicking_cell(tmp_path / "panik.xlsx", number_format)
    master = write_workbook(tmp_path / "stamdata.xlsx", small_master_sheets())
    code, stdout, stderr = cli("validate", path, "--master", master)  # no traceback (cli checks)
    assert code == 2 and stdout == ""
    assert stderr.splitlines()[-1].startswith(
        "itbudget: panik.xlsx, ark 'Bogføringer': arket kan ikke læses (PanicException: "), stderr


class PanicException(BaseException):
    """As pyo3 names it (each Rust extension has a class of its own)."""


class Book:
    def __init__(self, raised: BaseException):
        self.raised = raised

    def get_sheet_by_name(self, name):
        return self

    def to_python(self, **kw):
        raise self.raised


def test_a_panic_is_refused_but_an_interrupt_or_exit_passes_through():
    with pytest.raises(UnusableInput, match="arket kan ikke læses \\(PanicException: overflow\\)"):
        sheet_rows(Book(PanicException("overflow")), "Bogføringer", "b.xlsx")
    for stop in (KeyboardInterrupt(), SystemExit(3), GeneratorExit()):
        with pytest.raises(type(stop)):
            sheet_rows(Book(stop), "Bogføringer", "b.xlsx")
