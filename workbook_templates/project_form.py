"""The project form ("Projektskema") and reading filled forms back into the stamdata.

A new IT project needs a form approved by IT, EPO and Økonomi before anything
is bought. :func:`write_project_form` writes the blank form: labels on the
left, yellow input cells on the right, each input a named cell, the rest
protected. The applicant fills in the application only: the approved amount
and the three approvals are recorded by Økonomistaben in the master data
(sheet Projektskemaer), never taken from the form. Sheet protection in Excel
has no secret an applicant could not remove, so a self-filled approval
section must not count: :func:`read_project_form` ignores it. :func:`read_project_form` reads a filled form by those names (or by
its labels, if a program dropped the names); :func:`write_updated_master` writes a copy
of the master data with the projects it is given (what each form adds, and what
conflicts, is decided in :mod:`itbudget.operations.project_forms`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import openpyxl
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter, range_boundaries
from openpyxl.workbook.defined_name import DefinedName

from itbudget.errors import UnusableInput, finding_of
from itbudget.findings import PROJECT_FORM, Finding
from itbudget.master import ProjectForm, load_master
from itbudget.parsing import clean_id, parse_amount
from itbudget.reading import check_file, norm_header
from itbudget.writing import atomic_path

from . import styles
from .stamdata import MASTER_COLUMNS, project_row

SHEET = "Projektskema"
FORM_VERSION = 1

class Field(NamedTuple):
    """One input of the form: the label shown, its defined name, and its cell."""

    label: str
    name: str
    cell: str


#: Every input of the form, in order; approvals have a date and a name.
FIELDS: list[Field] = [
    Field("Projektnr", "Projektnr", "B4"),
    Field("Titel", "Titel", "B5"),
    Field("Aftaleholder", "Aftaleholder", "B6"),
    Field("Beskrivelse", "Beskrivelse", "B7"),
    Field("Ansøgt beløb (kr.)", "Ansoegt_beloeb", "B11"),
    Field("Godkendt beløb (kr.)", "Godkendt_beloeb", "B12"),
    Field("IT-staben", "Godkendt_IT_dato", "B15"),
    Field("EPO", "Godkendt_EPO_dato", "B16"),
    Field("Økonomi", "Godkendt_Oekonomi_dato", "B17"),
]
APPROVERS = [("IT", "Godkendt_IT", 15), ("EPO", "Godkendt_EPO", 16), ("Økonomi", "Godkendt_Oekonomi", 17)]
_ALL_NAMES = [n for _, n, _ in FIELDS] + [f"{p}_navn" for _, p, _ in APPROVERS]


def write_project_form(path: Path | str) -> Path:
    """Write the blank project form, atomically."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 22
    ws.column_dimensions["C"].width = 30
    ws.column_dimensions["D"].width = 22
    ws["A1"] = "Projektskema – nyt IT-projekt"
    ws["A1"].font = styles.TITLE_FONT
    ws["A2"] = ("Udfyld de gule felter. Intet nyt IT-tiltag og ingen nye KMD-systemer uden et "
                "projektskema godkendt af IT-staben, EPO og Økonomi.")
    ws["A2"].font = styles.NOTE_FONT
    ws.merge_cells("A2:D3")
    ws["A2"].alignment = styles.WRAP
    for label, name, ref in FIELDS[:6]:
        row = int(ref[1:])
        ws[f"A{row}"] = label
        ws[f"A{row}"].font = styles.BOLD
        ws[f"A{row}"].alignment = Alignment(vertical="top")
    ws.merge_cells("B7:D10")
    ws.merge_cells("B5:D5")
    ws["A13"] = ("Godkendt beløb og godkendelserne herunder registreres af Økonomistaben i stamdata "
                 "(arket Projektskemaer); det, der står her, indlæses ikke.")
    ws["A13"].font = styles.NOTE_FONT
    for j, h in enumerate(("Godkendt af", "Dato", "Navn"), start=1):
        c = ws.cell(row=14, column=j, value=h)
        c.font, c.fill = styles.HEADER_FONT, styles.HEADER_FILL
    for label, prefix, row in APPROVERS:
        ws[f"A{row}"] = {"IT": "IT-staben", "EPO": "EPO", "Økonomi": "Økonomi"}[label]
        ws[f"A{row}"].font = styles.BOLD
    ws["A18"] = ("EPO er kommunens udviklings- og organisationsstab; den godkender nye IT-projekter "
                 "sammen med IT-staben og Økonomi.")
    ws["A18"].font = styles.NOTE_FONT
    ws.merge_cells("A18:D19")
    ws["A18"].alignment = styles.WRAP
    # Only the application is input; the approvers' cells stay locked (see the module docstring).
    inputs = ["B4", "B5", "B6", "B7", "B11"]
    for ref in inputs:
        cell = ws[ref]
        cell.fill, cell.protection, cell.border = styles.INPUT_FILL, styles.UNLOCKED, styles.BOX
        if ref in ("B4", "B6"):
            cell.number_format = styles.TEXT
    ws["B7"].alignment = styles.WRAP
    for r in (4, 5, 6, 11, 12, 15, 16, 17):
        ws.row_dimensions[r].height = 20
        ws[f"A{r}"].alignment = Alignment(vertical="center")
    for ref in ("B11", "B12"):
        ws[ref].number_format = styles.KR
    for r in (15, 16, 17):
        ws[f"B{r}"].number_format = styles.DATE
    for label, name, ref in FIELDS:
        wb.defined_names[name] = DefinedName(name, attr_text=f"'{SHEET}'!${ref[0]}${ref[1:]}")
    for _, prefix, row in APPROVERS:
        wb.defined_names[f"{prefix}_navn"] = DefinedName(f"{prefix}_navn", attr_text=f"'{SHEET}'!$C${row}")
    dv = styles.amount_validation("Skriv beløbet i kr., fx 250000.", minimum="0")
    dv.add("B11")
    ws.add_data_validation(dv)
    ws["F1"] = "Skabelonversion"
    ws["G1"] = FORM_VERSION
    ws.column_dimensions["F"].hidden = ws.column_dimensions["G"].hidden = True
    styles.protect(ws, allow_sort_filter=False)
    styles.print_setup(ws, landscape=False)
    ws.print_title_rows = None
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


@dataclass(frozen=True)
class FilledForm:
    """One filled project form as read from its file."""

    file: str
    project: ProjectForm
    description: str = ""
    applied_amount: int | None = None
    approver_names: dict[str, str] = field(default_factory=dict)
    #: The form carried approvals or an approved amount; they were not read (see the module).
    ignored_approvals: bool = False

    def key(self) -> tuple:
        p = self.project
        return (p.holder, p.approved_amount, p.approved_it, p.approved_epo, p.approved_finance)


def _cells_by_name(wb) -> dict[str, object]:
    values = {}
    for name in _ALL_NAMES:
        dn = wb.defined_names.get(name)
        if dn is None:
            continue
        for sheet, ref in dn.destinations:
            if sheet in wb.sheetnames:
                values[name] = wb[sheet][ref.replace("$", "").split(":")[0]].value
    return values


def _cells_by_label(ws) -> dict[str, object]:
    """Fallback when the names are gone: find each label in column A, value to its right."""
    labels = {norm_header(label): (name, ref) for label, name, ref in FIELDS}
    labels.update({norm_header(k): v for k, v in {
        "IT": ("Godkendt_IT_dato", "B15"), "IT-staben": ("Godkendt_IT_dato", "B15"),
        "EPO": ("Godkendt_EPO_dato", "B16"), "Økonomi": ("Godkendt_Oekonomi_dato", "B17")}.items()})
    values = {}
    for row in ws.iter_rows(min_row=1, max_row=60, max_col=3):
        key = norm_header(row[0].value)
        if key in labels and len(row) > 1:
            name = labels[key][0]
            values[name] = row[1].value
            if name.endswith("_dato") and len(row) > 2:
                values[name[:-5] + "_navn"] = row[2].value
    return values


def read_project_form(path: Path | str) -> FilledForm:
    """Read a filled project form; raise :class:`UnusableInput` (Danish, with the finding) if it cannot be used."""
    form, findings = load_project_form(path)
    if form is None:
        raise UnusableInput(str(findings[0]), findings=findings)
    return form


def load_project_form(path: Path | str) -> tuple[FilledForm | None, list[Finding]]:
    """The loader: a filled project form, or None and the finding that says why it cannot be used."""
    path = Path(path)

    def unusable(message: str, sheet: str = "") -> tuple[None, list[Finding]]:
        return None, [Finding(file=path.name, sheet=sheet, rule=PROJECT_FORM, message=message)]

    try:
        check_file(path)
    except UnusableInput as exc:
        return None, [finding_of(exc, path.name, PROJECT_FORM)]
    try:
        wb = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for broken files
        return unusable(f"projektskemaet kan ikke åbnes ({type(exc).__name__}).")
    values = _cells_by_name(wb)
    if "Projektnr" not in values:
        ws = next((wb[s] for s in wb.sheetnames if norm_header(s) == norm_header(SHEET)), None)
        if ws is None:
            return unusable(f"er ikke et projektskema (arket '{SHEET}' mangler).")
        values = _cells_by_label(ws)
    problems = []
    pid, holder = clean_id(values.get("Projektnr")), clean_id(values.get("Aftaleholder"))
    if not pid:
        problems.append("Projektnr mangler")
    if not holder:
        problems.append("Aftaleholder mangler")

    def amount(name: str, label: str) -> int | None:
        raw = values.get(name)
        if clean_id(raw) == "":
            return None
        ore = parse_amount(raw)
        if ore is None or ore < 0:
            problems.append(f"{label} '{clean_id(raw)}' er ikke et beløb i kr.")
        return ore

    applied = amount("Ansoegt_beloeb", "Ansøgt beløb")
    if applied is None and not any("beløb" in p for p in problems):
        problems.append("Ansøgt beløb mangler")
    if problems:
        return unusable("; ".join(problems) + ".", SHEET)
    approver_cells = ["Godkendt_beloeb"] + [f"{prefix}_{k}" for _, prefix, _ in APPROVERS
                                            for k in ("dato", "navn")]
    ignored = any(clean_id(values.get(n)) != "" for n in approver_cells)
    # The application's amount until Økonomistaben records the approved one in the master data.
    project = ProjectForm(id=pid, title=clean_id(values.get("Titel")), holder=holder,
                          approved_amount=applied)
    return FilledForm(path.name, project, clean_id(values.get("Beskrivelse")), applied,
                      ignored_approvals=ignored), []


def load_project_forms(paths: list[Path]) -> tuple[list[FilledForm], list[Finding]]:
    """Every readable form of ``paths``, and a finding for each one that cannot be used."""
    forms, findings = [], []
    for path in paths:
        form, problems = load_project_form(path)
        if form is not None:
            forms.append(form)
        findings += problems
    return forms, findings


# --------------------------------------------------------------------------- writing back

_PROJECT_COLUMNS = MASTER_COLUMNS["Projektskemaer"]


def _project_values(p: ProjectForm) -> dict[str, object]:
    return dict(zip(_PROJECT_COLUMNS, project_row(p)))


def write_updated_master(stamdata: Path | str, out: Path | str, changes: list[ProjectForm]) -> Path:
    """Write a copy of the stamdata workbook with ``changes`` in Projektskemaer, atomically.

    The input is only read. Other sheets, formats and extra columns are kept
    as openpyxl reads them; the copy is checked with ``load_master`` before it
    replaces anything, so a broken result is never left behind.
    """
    stamdata, out = Path(stamdata), Path(out)
    wb = openpyxl.load_workbook(stamdata, keep_vba=stamdata.suffix.lower() == ".xlsm")
    name = next((s for s in wb.sheetnames if norm_header(s) == norm_header("Projektskemaer")), None)
    if name is None:
        ws = wb.create_sheet("Projektskemaer")
        styles.write_header(ws, _PROJECT_COLUMNS)
    else:
        ws = wb[name]
    header = {norm_header(c.value): c.column for c in ws[1] if c.value not in (None, "")}
    for col in _PROJECT_COLUMNS:
        if norm_header(col) not in header:
            j = ws.max_column + 1 if ws.max_column > 1 or ws["A1"].value else 1
            ws.cell(row=1, column=j, value=col)
            header[norm_header(col)] = j
    id_col = header[norm_header("Projektnr")]
    rows = {}
    last = 1
    for r in range(2, ws.max_row + 1):
        if any(ws.cell(row=r, column=header[norm_header(c)]).value not in (None, "")
               for c in _PROJECT_COLUMNS):
            last = r
        pid = clean_id(ws.cell(row=r, column=id_col).value)
        if pid:
            rows.setdefault(pid, r)
    for p in changes:
        r = rows.get(p.id)
        if r is None:
            last += 1
            r = last
        for col, value in _project_values(p).items():
            cell = ws.cell(row=r, column=header[norm_header(col)])
            if value is None or value == "":
                cell.value = None
                continue
            styles.set_text(cell, value)
            if isinstance(value, dt.date):
                cell.number_format = styles.DATE
            elif col == "Godkendt beløb":
                cell.number_format = styles.KR
    for table in ws.tables.values():  # grow the sheet's table over appended rows
        min_col, min_row, max_col, max_row = range_boundaries(table.ref)
        if max_row < last:
            table.ref = (f"{get_column_letter(min_col)}{min_row}:"
                         f"{get_column_letter(max_col)}{last}")
            if table.autoFilter is not None:
                table.autoFilter.ref = table.ref
    with atomic_path(out) as tmp:
        wb.save(tmp)
        load_master(tmp)  # refuse to publish a master that no longer reads
    return out
