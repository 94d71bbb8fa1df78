"""The workbooks the product sends out, built from code with openpyxl.

One module per workbook: :mod:`.stamdata` (finance's master data workbook),
:mod:`.holder_workbook` (one budget-holder workbook per aftaleholder),
:mod:`.project_form` (the project form and its reader); :mod:`.styles` holds
the shared Danish look. Every workbook is reproducible from the master data.
"""
