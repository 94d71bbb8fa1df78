"""Issuing budget-holder workbooks: the use case behind ``itbudget issue``.

Finance's master data becomes one workbook per budget holder (or per holder
asked for) in a folder; a holder's workbook already there is re-issued with
what the holder typed, and the old one is kept beside it
(:func:`workbook_templates.holder_workbook.issue_workbooks` builds them).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from workbook_templates.holder_workbook import issue_workbooks

from ..errors import UnusableInput
from ..master import load_master


@dataclass(frozen=True)
class Issued:
    """The workbooks written, in the order of the holders, and the master data's date."""

    outdir: Path
    paths: list[Path]
    #: The master data's own date, else the day its file was last saved (dd-mm-yyyy).
    master_date: str
    #: Re-issued workbooks mapped to the earlier edition kept beside them.
    kept: dict[Path, Path] = field(default_factory=dict)


def issue(stamdata: Path | str, outdir: Path | str, holders: list[str] | None = None, *,
          macros: bool = False) -> Issued:
    """Issue one workbook per holder (all, or ``holders``) from the master data at ``stamdata``.

    ``macros``: macro-enabled workbooks (.xlsm) for classic Excel on Windows.
    Raises :class:`~itbudget.errors.ItbudgetError` (Danish) for unusable master
    data, an unknown holder, or an output path that is a file.
    """
    stamdata, outdir = Path(stamdata), Path(outdir)
    if outdir.exists() and not outdir.is_dir():
        raise UnusableInput(f"{outdir}: findes og er ikke en mappe.")
    master = load_master(stamdata)
    stamp = master.settings.master_date or dt.date.fromtimestamp(
        stamdata.stat().st_mtime).strftime("%d-%m-%Y")
    kept: dict[Path, Path] = {}
    paths = issue_workbooks(master, outdir, holders, master_date=stamp, kept=kept, macros=macros)
    return Issued(outdir, paths, stamp, kept)
