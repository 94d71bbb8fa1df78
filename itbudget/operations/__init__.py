"""The use cases: one function for each operation a person performs.

This package is where an operation lives once, whatever starts it: the command
line (``itbudget/commands/``), a worksheet function (``udfs/``) or a macro
(``addin/``). Those adapters convert their input, call one function here and
shape its answer; the checks that must never differ between them (such as who
may see which holder's data) are made here, not in each adapter.

Today: :func:`validate_as`. Validating a file, issuing workbooks, importing an
export, reading project forms, consolidating a folder and checking invoices
join it as they move out of the commands and the workbook builders (issue 13
step 1): add a module named for the operation and export its function below.
"""

from __future__ import annotations

from .validate_as import validate_as

__all__ = ["validate_as"]
