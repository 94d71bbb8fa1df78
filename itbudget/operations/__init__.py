"""The use cases: one function for each operation a person performs.

This package is where an operation lives once, whatever starts it: the command
line (``itbudget/commands/``), a worksheet function (``udfs/``) or a macro
(``addin/``). Those adapters convert their input, call one function here and
shape its answer; the checks that must never differ between them (such as who
may see which holder's data) are made here, not in each adapter.

It joins the pure core (rules, ledger, readers) with the workbook builders in
``workbook_templates``; the core never imports it (``tests/test_boundaries.py``).

Today: :func:`validate_as` and :func:`import_export`. Validating a file,
issuing workbooks, reading project forms, consolidating a folder and checking
invoices join it as they move out of the commands and the workbook builders
(issue 13 step 1): add a module named for the operation and export it below.
"""

from __future__ import annotations

from .importing import import_export
from .validate_as import validate_as

__all__ = ["import_export", "validate_as"]
