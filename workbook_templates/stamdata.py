"""The master data workbook ("Stamdata") that Økonomistaben keeps.

:func:`write_master_workbook` writes every contract sheet of DOMAIN.md with
styled headers, drop-down lists and input checks, plus a "Vejledning" sheet;
with no data it is the blank template. :func:`master_to_rows` turns
:class:`MasterData` back into the contract's rows, so that
``load_master(written)`` equals the master data that was written. The same
rows feed the budget-holder workbook's embedded master data.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Mapping

from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from itbudget import column_names as colnames
from itbudget.budget_changes import (CHANGE_TYPES, CHANGES_SHEET, FOLLOWUP_COLUMNS, MONTHS, PHASING_SHEET,
                                     change_rows, phasing_rows)
from itbudget.master import MasterData, ProjectForm, master_from_rows
from itbudget.presentation import kr_cell
from itbudget.writing import atomic_path

from . import styles

#: Every contract sheet and its columns, in the order they are written.
MASTER_COLUMNS: dict[str, list[str]] = {
    "Indstillinger": ["Nøgle", "Værdi"],
    "Aftaleholdere": ["Aftaleholder", "Navn", "Arbejdspladser", "Hjemmearbejdspladser", "Kontaktperson"],
    "Omkostningssteder": ["Omkostningssted", "Navn", "Aftaleholder"],
    "EAN": ["EAN", "Aftaleholder"],
    "Kontoplan": ["Konto", "Navn", "Kategori", "Finansiering", "Central budgetlinje",
                  "Kræver projektskema", "Ved overskridelse", "Kontaktperson", "Bloktilskud"],
    "Budget": ["Omkostningssted", "Konto", "Budget", "Disponeret"],
    "Centrale budgetter": ["Budgetlinje", "Navn", "Budget", "Disponeret", "Fordeles pr. arbejdsplads",
                           "Kommunefælles"],
    "Projektskemaer": ["Projektnr", "Titel", "Aftaleholder", "Godkendt beløb", "Godkendt IT",
                       "Godkendt EPO", "Godkendt Økonomi"],
    "Besparelser": ["Tiltag", "Konto", "Omkostningssted", "Beløb"],
    **FOLLOWUP_COLUMNS,  # optional: Periodisering, Budgetændringer
}

#: What each sheet is for, shown on the "Vejledning" sheet.
SHEET_HELP: dict[str, str] = {
    "Indstillinger": "Nøgle og værdi: Kommune, Budgetår (fx 2026) og Sparemål i kr. "
                     "Aftaleholderens projektmappe har desuden Skabelonversion, Dato for stamdata og Aftaleholder.",
    "Aftaleholdere": "Én række pr. aftaleholder (fx H02): navn, antal IT-arbejdspladser og "
                     "hjemmearbejdspladser (hele tal) og kontaktperson. Arbejdspladserne er "
                     "fordelingsnøglen for udgiften pr. IT-arbejdsplads.",
    "Omkostningssteder": "Hvert omkostningssted og den aftaleholder, der ejer det.",
    "EAN": "EAN-numre (13 cifre med gyldigt kontrolciffer) og den aftaleholder, fakturaer skal sendes til.",
    "Kontoplan": "IT-kontoplanen: konto, navn, kategori, Finansiering (decentral/central), den "
                 "centrale budgetlinje der dækker en central konto, om kontoen kræver projektskema "
                 "(ja/nej), hvad der sker ved overskridelse (stop = fejl, advar = advarsel) og "
                 "kontaktperson i Økonomistaben.",
    "Budget": "Decentrale budgetlinjer: budget i kr. pr. omkostningssted og konto. Disponeret "
              "(bundne beløb) trækkes fra budgettet.",
    "Centrale budgetter": "IT-stabens centrale budgetlinjer (fx telefoni, central drift). "
                          "'Fordeles pr. arbejdsplads' = ja fordeler forbruget på aftaleholderne "
                          "efter arbejdspladser; 'Kommunefælles' = ja: systemer for hele kommunen, "
                          "vist for sig og ikke som en aftaleholders arbejdspladsomkostning.",
    "Projektskemaer": "Godkendte IT-projekter: projektnr, titel, aftaleholder, godkendt beløb og "
                      "datoerne for godkendelse fra IT, EPO og Økonomi. Kan opdateres fra udfyldte "
                      "projektskemaer med 'itbudget projects'.",
    "Besparelser": "Besparelsesregistret: tiltag, konto, omkostningssted og beløb i kr.",
    PHASING_SHEET: "Valgfrit: en budgetlinjes fordeling på måneder i procent (summen skal være 100). "
                   "Udfyld Omkostningssted og Konto for en decentral linje eller Budgetlinje for en "
                   "central linje. Linjer uden en række periodiseres ikke.",
    CHANGES_SHEET: "Valgfrit: daterede ændringer af en budgetlinje i kr. (positivt beløb giver mere "
                   "budget). Type: tillæg, omplacering (rækkerne med samme Reference skal give 0 kr.) "
                   "eller overførsel (fra sidste år, typisk dateret 1. januar).",
}

_YES_NO = ["ja", "nej"]
_LAST_ROW = 1048576


def _yes_no(flag: bool) -> str:
    return "ja" if flag else "nej"


def project_row(p: ProjectForm) -> list:
    """One Projektskemaer row, in the contract's column order."""
    return [p.id, p.title, p.holder, kr_cell(p.approved_amount), p.approved_it,
            p.approved_epo, p.approved_finance]


def master_to_rows(master: MasterData) -> dict[str, list[list]]:
    """The contract's sheets (header row first) holding exactly ``master``."""
    s = master.settings
    settings = [["Kommune", s.municipality], ["Budgetår", s.budget_year],
                ["Sparemål", kr_cell(s.savings_target)]]
    if s.template_version is not None:
        settings.append(["Skabelonversion", s.template_version])
    if s.master_date:
        settings.append(["Dato for stamdata", s.master_date])
    if s.holder_scope:
        settings.append(["Aftaleholder", s.holder_scope])
    body = {
        "Indstillinger": settings,
        "Aftaleholdere": [[h.id, h.name, h.workstations, h.home_workstations, h.contact]
                          for h in master.holders],
        "Omkostningssteder": [[c.id, c.name, c.holder] for c in master.cost_centres],
        "EAN": [[e.ean, e.holder] for e in master.eans],
        "Kontoplan": [[a.id, a.name, a.category, a.financing, a.central_line,
                       _yes_no(a.requires_project), a.on_overrun, a.contact,
                       "" if a.block_grant is None else kr_cell(a.block_grant)]
                      for a in master.accounts],
        "Budget": [[b.cost_centre, b.account, kr_cell(b.budget), kr_cell(b.commitments)]
                   for b in master.budget_lines],
        "Centrale budgetter": [[c.id, c.name, kr_cell(c.budget), kr_cell(c.commitments),
                                _yes_no(c.per_workstation), _yes_no(c.municipality_wide)]
                               for c in master.central_lines],
        "Projektskemaer": [project_row(p) for p in master.projects],
        "Besparelser": [[x.measure, x.account, x.cost_centre, kr_cell(x.amount)]
                        for x in master.savings],
        PHASING_SHEET: phasing_rows(master.phasings),
        CHANGES_SHEET: change_rows(master.changes, kr_cell),
    }
    rows = {sheet: [list(cols)] + body[sheet] for sheet, cols in MASTER_COLUMNS.items()}
    if master.column_names:  # optional: master data without it is written as before
        rows[colnames.SHEET] = [list(colnames.COLUMNS)] + [[n.field, n.header] for n in master.column_names]
    return rows


def as_master(data: MasterData | Mapping[str, list[list]]) -> MasterData:
    """Accept :class:`MasterData` or ``{sheet: [header, *rows]}``; check the latter."""
    if isinstance(data, MasterData):
        return data
    return master_from_rows(dict(data))


def write_rows(ws, rows: list[list], *, start_row: int = 2) -> None:
    """Write data rows (no header) with each column's format; text stays text."""
    headers = [ws.cell(row=1, column=j).value for j in range(1, ws.max_column + 1)]
    formats = [styles.COLUMN_FORMATS.get(h) for h in headers]
    for i, row in enumerate(rows, start=start_row):
        for j, v in enumerate(row, start=1):
            if v is None or v == "":
                continue
            cell = ws.cell(row=i, column=j)
            styles.set_text(cell, v)
            fmt = formats[j - 1] if j - 1 < len(formats) else None
            if isinstance(v, (dt.date, dt.datetime)):
                cell.number_format = styles.DATE
            elif fmt and not (fmt == styles.TEXT and not isinstance(v, str)):
                cell.number_format = fmt


def contract_sheet(wb: Workbook, name: str, rows: list[list]):
    """A contract sheet: styled header on row 1, data below, frozen header, print setup."""
    ws = wb.create_sheet(name)
    styles.write_header(ws, list(rows[0]))
    write_rows(ws, rows[1:])
    styles.fit_widths(ws, rows)
    ws.freeze_panes = "A2"
    styles.print_setup(ws, landscape=len(rows[0]) > 4)
    return ws


def _add_table(ws, name: str, headers: list[str], nrows: int) -> None:
    ref = f"A1:{get_column_letter(len(headers))}{max(2, nrows + 1)}"
    ws.add_table(styles.make_table(name, ref, headers))


def _col(sheet: str, header: str) -> str:
    return get_column_letter(MASTER_COLUMNS[sheet].index(header) + 1)


def _whole_column(sheet: str, header: str) -> str:
    c = _col(sheet, header)
    return f"{c}2:{c}{_LAST_ROW}"


def _add_master_validations(wb: Workbook) -> None:
    """Drop-downs and input checks on the stamdata sheets."""
    # Lists that grow with the sheet they come from (OFFSET over the filled cells).
    for sheet, name in (("Aftaleholdere", "Liste_Aftaleholdere"),
                        ("Omkostningssteder", "Liste_Omkostningssteder"),
                        ("Kontoplan", "Liste_Konti"), ("Centrale budgetter", "Liste_Budgetlinjer")):
        wb.defined_names[name] = DefinedName(
            name, attr_text=f"OFFSET('{sheet}'!$A$2,0,0,MAX(1,COUNTA('{sheet}'!$A:$A)-1),1)")

    def add(sheet: str, header: str, dv: DataValidation) -> None:
        ws = wb[sheet]
        dv.add(_whole_column(sheet, header))
        ws.add_data_validation(dv)

    lv = styles.list_validation
    add("Kontoplan", "Finansiering", lv(["decentral", "central"], message="Skriv 'decentral' eller 'central'."))
    add("Kontoplan", "Kræver projektskema", lv(_YES_NO, message="Skriv 'ja' eller 'nej'."))
    add("Kontoplan", "Ved overskridelse", lv(["stop", "advar"], message="Skriv 'stop' eller 'advar'."))
    add("Kontoplan", "Central budgetlinje", lv("Liste_Budgetlinjer", message="Vælg en linje fra 'Centrale budgetter'."))
    add("Centrale budgetter", "Fordeles pr. arbejdsplads", lv(_YES_NO, message="Skriv 'ja' eller 'nej'."))
    add("Centrale budgetter", "Kommunefælles", lv(_YES_NO, message="Skriv 'ja' eller 'nej'."))
    for sheet in ("Omkostningssteder", "EAN", "Projektskemaer"):
        add(sheet, "Aftaleholder", lv("Liste_Aftaleholdere", message="Vælg en aftaleholder fra 'Aftaleholdere'."))
    for sheet in ("Budget", "Besparelser"):
        add(sheet, "Omkostningssted", lv("Liste_Omkostningssteder", message="Vælg et omkostningssted fra 'Omkostningssteder'."))
        add(sheet, "Konto", lv("Liste_Konti", message="Vælg en konto fra 'Kontoplan'."))
    for header in ("Arbejdspladser", "Hjemmearbejdspladser"):
        dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                            showErrorMessage=True, errorTitle="Helt tal",
                            error="Skriv et helt tal, 0 eller større.")
        add("Aftaleholdere", header, dv)
    for header in ("Godkendt IT", "Godkendt EPO", "Godkendt Økonomi"):
        add("Projektskemaer", header, styles.date_validation("Skriv en dato, fx 15-01-2026."))
    for sheet, header in (("Budget", "Budget"), ("Budget", "Disponeret"), ("Centrale budgetter", "Budget"),
                          ("Centrale budgetter", "Disponeret"), ("Projektskemaer", "Godkendt beløb"),
                          ("Besparelser", "Beløb"), ("Kontoplan", "Bloktilskud")):
        add(sheet, header, styles.amount_validation("Skriv et beløb i kr. og øre, fx 1234,50."))
    add("EAN", "EAN", styles.ean_validation())
    _add_followup_validations(wb, add)


def _add_followup_validations(wb: Workbook, add) -> None:
    """Drop-downs and checks on Periodisering and Budgetændringer (the budget through the year)."""
    lv = styles.list_validation
    for sheet in (PHASING_SHEET, CHANGES_SHEET):
        if sheet not in wb.sheetnames:
            continue
        add(sheet, "Omkostningssted", lv("Liste_Omkostningssteder", message="Vælg et omkostningssted fra 'Omkostningssteder'."))
        add(sheet, "Konto", lv("Liste_Konti", message="Vælg en konto fra 'Kontoplan'."))
        add(sheet, "Budgetlinje", lv("Liste_Budgetlinjer", message="Vælg en linje fra 'Centrale budgetter'."))
    if PHASING_SHEET in wb.sheetnames:
        for month in MONTHS:
            add(PHASING_SHEET, month, DataValidation(
                type="decimal", operator="between", formula1="0", formula2="100", allow_blank=True,
                showErrorMessage=True, errorTitle="Procent", error="Skriv en procentsats mellem 0 og 100."))
    if CHANGES_SHEET in wb.sheetnames:
        add(CHANGES_SHEET, "Type", lv(list(CHANGE_TYPES), message="Skriv 'tillæg', 'omplacering' eller 'overførsel'."))
        add(CHANGES_SHEET, "Dato", styles.date_validation("Skriv en dato i budgetåret, fx 01-04-2026."))
        add(CHANGES_SHEET, "Beløb", styles.amount_validation("Skriv et beløb i kr. og øre, fx -1234,50."))


def guide_sheet(wb: Workbook, title: str, intro: list[str], entries: list[tuple[str, str]],
                index: int = 0):
    """A "Vejledning" sheet: a title, a few lines of introduction, a two-column list."""
    ws = wb.create_sheet("Vejledning", index)
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    ws["A1"] = title
    ws["A1"].font = styles.TITLE_FONT
    r = 2
    for line in intro:
        ws.cell(row=r, column=1, value=line).alignment = styles.WRAP
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        ws.row_dimensions[r].height = 15 * max(1, -(-len(line) // 115))
        r += 1
    r += 1
    for j, h in enumerate(("Ark", "Forklaring"), start=1):
        c = ws.cell(row=r, column=j, value=h)
        c.font, c.fill = styles.HEADER_FONT, styles.HEADER_FILL
    for sheet, text in entries:
        r += 1
        ws.cell(row=r, column=1, value=sheet).font = styles.BOLD
        c = ws.cell(row=r, column=2, value=text)
        c.alignment = styles.WRAP
        ws.cell(row=r, column=1).alignment = styles.WRAP
        ws.row_dimensions[r].height = 15 * max(1, -(-len(text) // 95))
    styles.print_setup(ws, landscape=False, title_rows=None)  # a guide is read as one text
    return ws


def build_master_workbook(rows: dict[str, list[list]]) -> Workbook:
    """The stamdata workbook from the contract's rows (header first)."""
    wb = Workbook()
    wb.remove(wb.active)
    guide_sheet(wb, "Stamdata for IT-budgetstyring", [
        "Økonomistaben vedligeholder stamdata her. Overskrifterne i række 1 er en fast aftale med "
        "programmet: omdøb dem ikke. Nye kolonner og ark må gerne tilføjes.",
        "Beløb skrives i kr. og øre; datoer som dd-mm-åååå. 'itbudget issue Stamdata.xlsx UDSEND' "
        "laver én projektmappe pr. aftaleholder.",
    ], [(s, SHEET_HELP[s]) for s in MASTER_COLUMNS])
    for sheet in MASTER_COLUMNS:
        data = rows.get(sheet) or [MASTER_COLUMNS[sheet]]
        ws = contract_sheet(wb, sheet, data)
        _add_table(ws, "Tabel_" + sheet.replace(" ", "_"), list(data[0]), len(data) - 1)
    for sheet, data in rows.items():  # sheets beyond the contract are kept as they are
        if sheet not in MASTER_COLUMNS and data:
            contract_sheet(wb, sheet, [list(r) for r in data])
    _add_master_validations(wb)
    wb.active = 0
    return wb


def write_master_workbook(data: MasterData | Mapping[str, list[list]], path: Path | str) -> Path:
    """Write a stamdata workbook holding ``data``, atomically; returns the path."""
    master = as_master(data)
    rows = master_to_rows(master)
    if not isinstance(data, MasterData):
        rows.update({k: v for k, v in data.items() if k not in MASTER_COLUMNS})
    wb = build_master_workbook(rows)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


def write_blank_master(path: Path | str) -> Path:
    """The blank stamdata template: every sheet, headers and checks, no data."""
    rows = {s: [cols] for s, cols in MASTER_COLUMNS.items()}
    rows["Indstillinger"] = [MASTER_COLUMNS["Indstillinger"], ["Kommune", ""], ["Budgetår", ""],
                             ["Sparemål", ""]]
    wb = build_master_workbook(rows)
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)
