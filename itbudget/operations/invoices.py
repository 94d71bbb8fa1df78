"""Checking e-invoices: the use case behind ``itbudget invoices``.

OIOUBL invoices and credit notes (files, or folders of ``.xml`` files) are
checked against the master data's EAN numbers and cost centres and, when
bookings are given (a file or a folder of workbooks and CSV files), matched
with the bookings (:func:`itbudget.invoices.check_invoices`). The files are only read.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UnusableInput
from ..invoices import InvoiceReport, check_invoices, collect_xml_paths, read_bookings_paths
from ..master import load_master


def check_invoice_files(paths: list[Path | str], master_path: Path | str,
                        bookings: Path | str | None = None) -> InvoiceReport:
    """Check every invoice in ``paths``; raises :class:`UnusableInput` (Danish) when there is none."""
    master = load_master(master_path)
    found = collect_xml_paths(paths)
    if not found:
        raise UnusableInput("ingen XML-filer fundet i " + ", ".join(map(str, paths)) + ".")
    frame = read_bookings_paths(bookings) if bookings else None
    return check_invoices(found, master, frame)
