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

A new operation is a module here named for what the person does, exported below.
"""

from __future__ import annotations

from .consolidating import (consolidate_folder, consolidate_to_files, consumption_bookings,
                            write_consumption_lists, write_outputs)
from .importing import import_export
from .invoices import check_invoice_files
from .issuing import issue
from .project_forms import merge_forms, read_project_forms
from .templates import write_blank_templates, write_master
from .validate_as import validate_as
from .validating import validate_file

__all__ = ["check_invoice_files", "consolidate_folder", "consolidate_to_files", "consumption_bookings",
           "import_export", "issue", "merge_forms", "read_project_forms", "validate_as",
           "validate_file", "write_blank_templates", "write_consumption_lists", "write_master",
           "write_outputs"]
