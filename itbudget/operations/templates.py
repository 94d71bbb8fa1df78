"""Writing workbooks from scratch: the blank templates, and master data from its sheets.

The use cases behind ``itbudget templates`` (every blank template, a file a
person may have filled never replaced) and the demo's first step (finance's
master data workbook from sheets of rows).
"""

from __future__ import annotations

from pathlib import Path

from workbook_templates.blank_templates import write_templates
from workbook_templates.stamdata import write_master_workbook


def write_blank_templates(outdir: Path | str, *, overwrite: bool = False) -> list[Path]:
    """The blank templates in ``outdir`` (created); ``overwrite`` replaces only templates still blank."""
    return write_templates(Path(outdir), overwrite=overwrite)


def write_master(sheets, path: Path | str) -> Path:
    """Finance's master data workbook holding ``sheets`` (master data, or sheet name -> rows), atomically."""
    return write_master_workbook(sheets, path)
