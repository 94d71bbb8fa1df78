"""Coverage-guided fuzzing of the workbook reader with atheris (optional; not run by ``make test``).

Feeds mutated bytes to :func:`itbudget.bookings.read_bookings` as an .xlsx,
.xls and .csv file and validates whatever it reads. The only acceptable
exception is :class:`~itbudget.errors.UnusableInput`; anything else is a crash
that atheris reports with the input that caused it. Seed it with a few real
workbooks (e.g. the demo's ``returneret/`` folder) as the corpus directory:

    pip install atheris
    mkdir -p /tmp/fuzz-seeds && cp demo_output/returneret/H0*.xlsx /tmp/fuzz-seeds/
    PYTHONPATH=tests python tests/fuzz_reader.py /tmp/fuzz-seeds -max_total_time=600 -rss_limit_mb=2048

The file name does not start with ``test_``, so pytest does not collect it.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path


def main() -> None:
    import atheris

    with atheris.instrument_imports():
        from itbudget.bookings import read_bookings
        from itbudget.errors import UnusableInput
        from itbudget.master import master_from_rows
        from itbudget.validation import validate

    from conftest import small_master_sheets

    master = master_from_rows(small_master_sheets())
    folder = Path(tempfile.mkdtemp(prefix="itbudget-fuzz-"))

    def one_input(data: bytes) -> None:
        if not data:
            return
        suffix = (".xlsx", ".xls", ".csv")[data[0] % 3]
        path = folder / f"input{suffix}"
        path.write_bytes(data[1:])
        try:
            source = read_bookings(path)
        except UnusableInput:
            return
        validate(source.frame, master)

    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
