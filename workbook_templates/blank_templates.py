"""The blank templates (``itbudget templates``), written without ever replacing a filled workbook.

A template someone has started filling (the municipality's master data, a
project form) must never be replaced by a blank one. A file already at a
template's name is "blank and ours" when every sheet holds exactly the cell
values of the template this release builds; only such files may be replaced,
and only when asked (``overwrite``). Anything else (a filled template, an older
release's template, a file of the person's own) is refused before anything is
written, so a refusal leaves the folder as it was.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from itbudget.errors import UnusableInput
from itbudget.files import open_workbook
from itbudget.writing import atomic_write_bytes

#: The templates' file names, in the order they are written and listed.
TEMPLATE_NAMES = ("Stamdata.xlsx", "Aftaleholder (skabelon).xlsx", "Projektskema.xlsx",
                  "Konsolidering (skabelon).xlsx")


def _writers():
    from .consolidation import write_blank_consolidation
    from .holder_workbook import write_blank_holder
    from .project_form import write_project_form
    from .stamdata import write_blank_master

    return dict(zip(TEMPLATE_NAMES, (write_blank_master, write_blank_holder, write_project_form,
                                     write_blank_consolidation)))


def cell_values(path: Path) -> dict[str, list[list]] | None:
    """Every sheet's values; None when the file cannot be read as a workbook."""
    try:
        book = open_workbook(path)
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=True)
                for name in book.sheet_names}
    except (UnusableInput, OSError, ValueError):
        return None
    except Exception:  # noqa: BLE001 - calamine raises its own types for damaged sheets
        return None


def write_templates(outdir: Path, *, overwrite: bool = False) -> list[Path]:
    """Write the four blank templates into ``outdir``; the paths written.

    Raises :class:`UnusableInput`, naming the files, before anything is written
    when a template's name is taken by a file that may hold a person's work, or
    by a blank template while ``overwrite`` is false.
    """
    if outdir.exists() and not outdir.is_dir():
        raise UnusableInput(f"{outdir}: findes og er ikke en mappe.")
    with tempfile.TemporaryDirectory(prefix="itbudget-skabeloner-") as scratch:
        fresh = {name: write(Path(scratch) / name) for name, write in _writers().items()}
        filled, blank = [], []
        for name, built in fresh.items():
            target = outdir / name
            if not target.exists() and not target.is_symlink():
                continue
            if target.is_file() and not target.is_symlink() \
                    and cell_values(target) == cell_values(built):
                blank.append(target)
            else:
                filled.append(target)
        if filled:
            raise UnusableInput(
                f"{_names(filled)} findes allerede og kan indeholde indtastede data; intet er "
                "skrevet. Flyt eller omdøb filen, eller vælg en anden mappe.")
        if blank and not overwrite:
            raise UnusableInput(
                f"{_names(blank)} findes allerede (tomme skabeloner); intet er skrevet. "
                "Brug --overwrite for at erstatte dem.")
        outdir.mkdir(parents=True, exist_ok=True)
        written = []
        for name, built in fresh.items():
            atomic_write_bytes(outdir / name, built.read_bytes())
            written.append(outdir / name)
    return written


def _names(paths: list[Path]) -> str:
    quoted = [f"'{p}'" for p in paths]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " og " + quoted[-1]
