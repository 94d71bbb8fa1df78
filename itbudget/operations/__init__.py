"""The use cases: one function per operation a person performs.

The command line, the worksheet functions and the add-in's scripts call these;
they are the one layer that joins the pure core (rules, ledger, readers) with
the workbook builders in ``workbook_templates``. The core never imports this
package (``tests/test_boundaries.py``).
"""
