"""Consolidating a folder of returned workbooks and writing its outputs.

The use case behind ``itbudget consolidate`` and finance's ``Konsolider``
script: every workbook and CSV export in the folder is read and validated
together (:func:`itbudget.consolidation.consolidate_dir`), then the
consolidation workbook and one consumption list per holder are written
(:mod:`workbook_templates.consolidation` draws them). A consumption list shows
a holder only its own placeable bookings on centrally financed accounts
(:func:`consumption_bookings`): that choice is made here, not where the list is drawn.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from workbook_templates import consolidation as drawn

from ..consolidation import Consolidation, consolidate_dir
from ..errors import UnusableInput


def _refuse(directory: Path, lists: Path | str | None, workers: int | None) -> None:
    if directory.is_file():
        raise UnusableInput(f"{directory}: er en fil, ikke en mappe. Angiv mappen med de "
                            "returnerede projektmapper.")
    if not directory.is_dir():
        raise UnusableInput(f"{directory}: mappen findes ikke.")
    if workers is not None and workers < 1:
        raise UnusableInput("--workers skal være 1 eller større.")
    if lists and Path(lists).resolve() == directory.resolve():
        raise UnusableInput(f"{lists}: forbrugslisterne kan ikke skrives i mappen med "
                            "projektmapperne; vælg en anden mappe.")


def consolidate_folder(directory: Path | str, master_path: Path | str, *,
                       output: Path | str | None = None, lists: Path | str | None = None,
                       workers: int | None = None, as_of: dt.date | None = None,
                       progress: Callable[[int, int, str], None] | None = None) -> Consolidation:
    """Read and consolidate every file in ``directory``; nothing is written yet.

    ``output`` and ``lists`` are where :func:`write_outputs` will write (an
    output inside the folder is not read as a returned workbook);
    ``progress(done, total, file)`` is called as each file is read. Raises
    :class:`~itbudget.errors.ItbudgetError` (Danish) only for unusable master
    data, a missing folder or outputs that would land on the inputs; bad files
    are sources with status ``unreadable``.
    """
    directory = Path(directory)
    _refuse(directory, lists, workers)
    exclude = tuple(Path(p) for p in (output, lists) if p)
    return consolidate_dir(directory, master_path, workers=workers, exclude=exclude,
                           progress=progress, as_of=as_of)


@dataclass(frozen=True)
class _ConsumptionBookings:
    """A holder's consumption-list rows, picked from the ledger when its list is written."""

    ledger: pd.DataFrame

    def __call__(self, holder_id: str) -> pd.DataFrame:
        return consumption_bookings(self.ledger, holder_id)


def consumption_bookings(ledger: pd.DataFrame, holder_id: str) -> pd.DataFrame:
    """One holder's placeable bookings on centrally financed accounts, by date then source order.

    Only rows whose cost centre belongs to ``holder_id`` are returned; this is
    the whole of what a consumption list may show.
    """
    mask = (ledger["placeable"].to_numpy() & (ledger["holder"] == holder_id).to_numpy()
            & (ledger["financing"] == "central").to_numpy())
    return ledger.loc[mask].sort_values(["date", "file", "row"], kind="stable")


def write_consumption_lists(consolidation: Consolidation, listdir: Path | str, *,
                            workers: int | None = None,
                            meanwhile: Callable[[], None] | None = None) -> list[Path]:
    """One consumption list per holder in ``listdir``, each showing :func:`consumption_bookings`.

    Written by worker processes where they fork; ``meanwhile()`` runs in this
    process while they write (:func:`workbook_templates.consolidation.write_consumption_lists`).
    """
    return drawn.write_consumption_lists(consolidation.master, _ConsumptionBookings(consolidation.ledger),
                                         listdir, workers=workers, meanwhile=meanwhile)


def write_outputs(consolidation: Consolidation, output: Path | str | None = None,
                  lists: Path | str | None = None, *, workers: int | None = None) -> list[Path]:
    """The consolidation workbook and/or the consumption lists; returns the lists' paths.

    With both, the workbook is written in this process while worker processes
    write the lists. Each file is written whole or not at all.
    """
    book = (lambda: drawn.write_consolidation(consolidation, output)) if output else None
    if lists:
        return write_consumption_lists(consolidation, lists, workers=workers, meanwhile=book)
    if book is not None:
        book()
    return []


def consolidate_to_files(directory: Path | str, master_path: Path | str, output: Path | str, *,
                         lists: Path | str | None = None, workers: int | None = None) -> Consolidation:
    """Consolidate a folder and write the workbook (and the consumption lists, if asked).

    The whole of finance's run in one call, for the ``Konsolider`` script.
    """
    result = consolidate_folder(directory, master_path, output=output, lists=lists, workers=workers)
    write_outputs(result, output, lists, workers=workers)
    return result
