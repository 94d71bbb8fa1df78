"""The use cases: one function for each operation a person performs.

This package is where an operation lives once, whatever starts it: the command
line (``itbudget/commands/``), a worksheet function (``udfs/``) or a macro
(``addin/``). Those adapters convert their input, call one function here and
shape its answer (rendering text, JSON or cells); the checks that must never
differ between them (such as who may see which holder's data, or which
bookings a consumption list may show) are made here, not in each adapter.

It joins the pure core (rules, ledger, readers) with the workbook builders in
``workbook_templates``, which only draw workbooks from data they are given; the
core never imports it (``tests/test_boundaries.py``).

==========================  =====================================  ===========================
operation                   function                               started by
==========================  =====================================  ===========================
validate a file             :func:`validate_file`                  ``itbudget validate``
validate as a principal     :func:`validate_as`                    ``ITB.VALIDER``, ``Valider``
issue workbooks             :func:`issue`                          ``itbudget issue``
import an export            :func:`import_export`                  ``itbudget import``
read project forms          :func:`read_project_forms`             ``itbudget projects``
consolidate a folder        :func:`consolidate_folder`,            ``itbudget consolidate``,
                            :func:`write_outputs`,                 ``Konsolider``
                            :func:`write_consumption_lists`,
                            :func:`consolidate_to_files`
check invoices              :func:`check_invoice_files`            ``itbudget invoices``
write blank templates       :func:`write_blank_templates`          ``itbudget templates``
==========================  =====================================  ===========================

A new operation is a module here named for what the person does, listed in ``WHERE`` below.
"""

from __future__ import annotations

import importlib

# Its module has the function's name: imported here, so the package's attribute is the function.
from .validate_as import validate_as
#: Each exported function and the module it lives in. Imported when first asked for
#: (PEP 562), so ``itbudget validate`` does not import the workbook builders that
#: consolidating and issuing need (about 0.2 s of start-up, openpyxl included).
WHERE = {
    "consolidate_folder": "consolidating", "consolidate_to_files": "consolidating",
    "consumption_bookings": "consolidating", "write_consumption_lists": "consolidating",
    "write_outputs": "consolidating", "import_export": "importing",
    "check_invoice_files": "invoices", "issue": "issuing", "merge_forms": "project_forms",
    "read_project_forms": "project_forms", "write_blank_templates": "templates",
    "write_master": "templates", "validate_file": "validating",
}


def __getattr__(name: str):
    if name not in WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{WHERE[name]}", __name__), name)
    globals()[name] = value
    return value


__all__ = sorted([*WHERE, "validate_as"])
