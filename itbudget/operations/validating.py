"""Validating one file: the use case behind ``itbudget validate``.

The file is an issued budget-holder workbook (it carries its holder's master
data) or a bare workbook/CSV export with the master data beside it. A folder
or Excel's lock file is refused with a message saying what it is; bad
bookings are findings, never an exception (:func:`itbudget.validation.validate`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..bookings import read_bookings
from ..errors import ItbudgetError, UnusableInput
from ..followup import read_estimates
from ..master import load_master, load_master_from_book, require_full_master
from ..validation import Validation, check_template_version, validate


def refuse_unusable_path(path: Path) -> None:
    """A folder or Excel's lock file given as bookings: say what it is, not that it is broken."""
    if path.is_dir():
        raise UnusableInput(f"{path}: er en mappe, ikke en fil med bogføringer. Angiv én "
                            "projektmappe eller CSV-fil; en hel mappe konsolideres med "
                            "'itbudget consolidate'.")
    if path.name.startswith("~$"):
        raise UnusableInput(f"{path.name}: er Excels låsefil (projektmappen er åben i Excel), ikke "
                            f"en projektmappe. Validér '{path.name[2:]}' i stedet.")


def validate_file(path: Path | str, master_path: Path | str | None = None, *,
                  as_of: dt.date | None = None) -> Validation:
    """Validate one bookings file: an issued workbook, or a bare workbook/CSV plus master data.

    An issued budget-holder workbook carries its holder's master data; then the
    holder's own lines are checked and central lines are left to consolidation.
    Raises :class:`~itbudget.errors.ItbudgetError` (a Danish message) only for
    a file or master data that cannot be used at all.
    """
    path = Path(path)
    refuse_unusable_path(path)
    master = master_error = None
    if master_path is not None:
        # Read the master data first (while the bookings are still being parsed,
        # when read ahead): its Kolonnenavne name the export's headers. A problem
        # with the bookings file is still reported first.
        try:
            master = load_master(master_path)
        except ItbudgetError as exc:
            master_error = exc
    source = read_bookings(path, master.column_names if master is not None else None)
    if master_error is not None:
        raise master_error
    if master_path is not None:
        master = require_full_master(master, Path(master_path).name,
                                     "Angiv stamdata-projektmappen med --master.")
        central = True
        if source.is_issued_workbook:
            embedded = load_master_from_book(source.book, path.name)
            check_template_version(embedded, path.name)
            if embedded.scope:
                master = master.for_holder(embedded.scope)
                central = False
    elif source.is_issued_workbook:
        master = load_master_from_book(source.book, path.name)
        check_template_version(master, path.name)
        central = not master.scope
    else:
        raise UnusableInput(
            f"{path.name}: filen indeholder kun bogføringer, ingen stamdata. Angiv "
            "stamdata med --master STAMDATA.xlsx.")
    estimates = read_estimates(source.book, path.name) if source.is_issued_workbook else ()
    return validate(source.frame, master, central_coverage=central, blank_rows=source.blank_rows,
                    file=path.name, as_of=as_of, estimates=estimates)
