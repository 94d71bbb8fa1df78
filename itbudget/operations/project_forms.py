"""Reading filled project forms into the master data: the use case behind ``itbudget projects``.

Every project form (``Projektskema``) in a folder is read
(:func:`workbook_templates.project_form.load_project_forms`: the forms and a
finding for each one that cannot be used); :func:`merge_forms` decides what
each adds to the master data's Projektskemaer sheet and what conflicts (each
conflict a finding); a copy of the master data with the additions is written
beside it (the master data file itself is never changed). Conflicts and
unreadable forms are never applied: they are reported for a person to settle.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from workbook_templates.project_form import FilledForm, load_project_forms, write_updated_master

from ..errors import UnusableInput
from ..findings import PROJECT_FORM, Finding
from ..master import MasterData, ProjectForm, load_master
from ..parsing import format_date
from ..presentation import format_kr

_SUFFIXES = {".xlsx", ".xlsm"}


_APPROVAL_FIELDS = [("approved_it", "Godkendt IT"), ("approved_epo", "Godkendt EPO"),
                    ("approved_finance", "Godkendt Økonomi")]


@dataclass
class MergePlan:
    """What the filled forms do to the Projektskemaer sheet."""

    added: list[FilledForm] = field(default_factory=list)
    updated: list[tuple[FilledForm, ProjectForm, list[str]]] = field(default_factory=list)
    unchanged: list[FilledForm] = field(default_factory=list)
    #: Each conflict as a finding on the form's file (an error: the form is not read in).
    conflicts: list[Finding] = field(default_factory=list)

    @property
    def changes(self) -> list[ProjectForm]:
        return [f.project for f in self.added] + [p for _, p, _ in self.updated]


def _show(value) -> str:
    if value is None or value == "":
        return "(tom)"
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, int):
        return format_kr(value)
    return str(value)


def merge_forms(master: MasterData, forms: list[FilledForm]) -> MergePlan:
    """Compare forms with the master data and with each other; conflicts are never applied.

    A form fills in what the master lacks (a new project, a missing approval
    date, a title). Same Projektnr with a different holder, amount or approval
    date, in the master or in another form, is a conflict for a person to settle.
    """
    plan = MergePlan()

    def conflict(form: FilledForm, message: str) -> None:
        # The message names the project and the file(s) itself, as it is printed.
        plan.conflicts.append(Finding(file=form.file, part=f"projekt {form.project.id}", rule=PROJECT_FORM,
                                      message=message, holder=form.project.holder))

    by_id: dict[str, list[FilledForm]] = {}
    for f in forms:
        by_id.setdefault(f.project.id, []).append(f)
    existing = master.project_by_id
    for pid, group in by_id.items():
        first = group[0]
        others = [f for f in group[1:] if f.key() != first.key()]
        if others:
            files = ", ".join(f.file for f in group)
            conflict(first, f"Projekt {pid}: projektskemaerne {files} er uenige om aftaleholder, "
                            "beløb eller godkendelser; ingen af dem er indlæst.")
            continue
        new = first.project
        if new.holder not in master.holder_by_id:
            conflict(first, f"Projekt {pid} ({first.file}): aftaleholder '{new.holder}' findes ikke "
                            "i stamdata; ikke indlæst.")
            continue
        old = existing.get(pid)
        if old is None:
            plan.added.append(first)
            continue
        clashes, changes, update = [], [], {}
        if old.holder != new.holder:
            clashes.append(f"aftaleholder {old.holder} i stamdata, {new.holder} i skemaet")
        if old.approved_amount != new.approved_amount:
            clashes.append(f"godkendt beløb {format_kr(old.approved_amount)} i stamdata, "
                           f"{format_kr(new.approved_amount)} i skemaet")
        for attr, label in _APPROVAL_FIELDS:
            a, b = getattr(old, attr), getattr(new, attr)
            if b is None or a == b:
                continue
            if a is None:
                update[attr] = b
                changes.append(f"{label} {_show(b)}")
            else:
                clashes.append(f"{label} {_show(a)} i stamdata, {_show(b)} i skemaet")
        if new.title and new.title != old.title:
            update["title"] = new.title
            changes.append(f"Titel '{new.title}'")
        if clashes:
            conflict(first, f"Projekt {pid} ({first.file}): " + "; ".join(clashes) + "; ikke opdateret.")
        elif update:
            plan.updated.append((first, old.model_copy(update=update), changes))
        else:
            plan.unchanged.append(first)
    return plan


@dataclass(frozen=True)
class ProjectFormsRead:
    """One run over a folder of forms: what was read, what it changed, and where it was written."""

    #: The form files found (lock files, the master data and the output left out).
    files: list[Path]
    forms: list[FilledForm]
    #: A finding for each form that could not be used at all.
    unreadable: list[Finding]
    plan: MergePlan
    output: Path

    @property
    def findings(self) -> list[Finding]:
        """Conflicts and unusable forms: nothing of them is in the copy."""
        return self.plan.conflicts + self.unreadable

    @property
    def problems(self) -> list[str]:
        """:attr:`findings` as the command prints them."""
        return [f.message for f in self.plan.conflicts] + [f"Kan ikke bruges: {f}" for f in self.unreadable]


def updated_master_path(stamdata: Path, output: Path | str | None = None) -> Path:
    """``output``, else ``<stamdata> (opdateret).xlsx`` (``.xlsm`` for a macro workbook) beside it."""
    if output:
        return Path(output)
    suffix = ".xlsm" if stamdata.suffix.lower() == ".xlsm" else ".xlsx"
    return stamdata.with_name(f"{stamdata.stem} (opdateret){suffix}")


def read_project_forms(folder: Path | str, stamdata: Path | str,
                       output: Path | str | None = None) -> ProjectFormsRead:
    """Read every form in ``folder`` and write the updated copy of ``stamdata`` to ``output``.

    Raises :class:`~itbudget.errors.ItbudgetError` (Danish) for a missing
    folder, a folder without forms, unusable master data, or an output that is
    the master data file itself.
    """
    folder, stamdata = Path(folder), Path(stamdata)
    if not folder.is_dir():
        raise UnusableInput(f"{folder}: er ikke en mappe.")
    out = updated_master_path(stamdata, output)
    if out.resolve() == stamdata.resolve():
        raise UnusableInput(f"{out.name}: uddata må ikke være selve stamdata-filen; vælg et andet navn med -o.")
    master = load_master(stamdata)
    skip = {stamdata.resolve(), out.resolve()}
    files = sorted(p for p in folder.iterdir()
                   if p.is_file() and p.suffix.lower() in _SUFFIXES and not p.name.startswith("~$")
                   and p.resolve() not in skip)
    if not files:
        raise UnusableInput(f"{folder}: mappen indeholder ingen projektskemaer (.xlsx).")
    forms, unreadable = load_project_forms(files)
    plan = merge_forms(master, forms)
    write_updated_master(stamdata, out, plan.changes)
    return ProjectFormsRead(files, forms, unreadable, plan, out)
