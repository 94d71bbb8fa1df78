"""The budget-holder workbook: one per aftaleholder, issued from the stamdata.

Sheets: ``Bogføringer`` (the bookings table the holder fills or pastes into,
with drop-downs and Status/Besked columns for the add-in), ``Budget`` (each
budget line with native SUMIFS totals over exactly the bookings the core
counts), ``Vejledning``, and the holder's own master data in protected sheets
under the contract's sheet names, so ``itbudget validate HOLDER.xlsx`` needs no
``--master``. A hidden ``xlwings.conf`` sheet points desktop xlwings at the UDFs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from itbudget import column_names as colnames
from itbudget.bookings import BOOKING_HEADERS, BOOKINGS_SHEET
from itbudget.budget_changes import CHANGES_SHEET, PHASING_SHEET
from itbudget.errors import UnusableInput, os_reason
from itbudget.master import TEMPLATE_VERSION, Holder, MasterData
from itbudget.presentation import kr_cell, thousands
from itbudget.writing import atomic_path, keep_copy, kept_name

from . import followup, parallel, reissue, styles
from .macro_workbook import macro_file_name, make_macro_enabled
from .stamdata import MASTER_COLUMNS, contract_sheet, guide_sheet, master_to_rows

#: Rows of bookings the table, drop-downs and checks are laid out for (below the header).
BOOKING_ROWS = 20_000
LAST_BOOKING_ROW = BOOKING_ROWS + 1
STATUS_HEADERS = ["Status", "Besked"]
#: Budget sheet columns; the core reads Omkostningssted, Konto, Budget, Disponeret.
BUDGET_HEADERS = ["Omkostningssted", "Stedets navn", "Konto", "Kontonavn", "Budget", "Disponeret",
                  "Bogført", "Rest", "Forbrugt", *followup.FOLLOWUP_HEADERS]
#: Master data sheets embedded in a holder workbook, in tab order.
EMBEDDED_SHEETS = ["Indstillinger", "Aftaleholdere", "Omkostningssteder", "EAN", "Kontoplan",
                   "Centrale budgetter", "Projektskemaer", "Besparelser", PHASING_SHEET, CHANGES_SHEET]
#: Workbook-level names of the master data ranges (header row included); the add-in
#: passes them to its worksheet functions.
NAMED_RANGES = {s: "Stamdata_" + s.replace(" ", "_") for s in EMBEDDED_SHEETS + ["Budget"]}
BOOKINGS_NAME = "Bogfoeringer"
#: The bookings table's name. The add-in teaches ``=ITB.VALIDER(Bogføringer[#Alle])``:
#: a structured reference needs a table (a defined name cannot stand in for one),
#: and a table name may hold any letter, æ, ø and å included. Danish Excel shows
#: ``[#Alle]``; the file stores ``[#All]``. Table and sheet names live apart, so
#: the table may share the sheet's name.
BOOKINGS_TABLE = BOOKINGS_SHEET
BUDGET_YEAR_NAME = "Budgetaar"
XLWINGS_CONF = {"UDF Modules": "udfs"}

_BOOK = quote_sheetname(BOOKINGS_SHEET)
_HEADERS = list(BOOKING_HEADERS)
_COL = {h: get_column_letter(i + 1) for i, h in enumerate(_HEADERS)}
_STATUS_COL = get_column_letter(len(_HEADERS) + 2)  # one spacer column keeps it out of the table
_MESSAGE_COL = get_column_letter(len(_HEADERS) + 3)

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')


def holder_file_name(holder: Holder) -> str:
    """``<id> <name>.xlsx`` made safe for Windows, macOS and Linux file systems."""
    stem = _UNSAFE.sub("_", f"{holder.id} {holder.name}".strip())
    stem = re.sub(r"\s+", " ", stem).strip(" .")[:120].rstrip(" .") or "aftaleholder"
    return f"{stem}.xlsx"


def _col_range(header: str, first: int = 2, last: int = 1048576) -> str:
    c = _COL[header]
    return f"{c}{first}:{c}{last}"


def _whole(header: str) -> str:
    return f"{_BOOK}!${_COL[header]}:${_COL[header]}"


def _bookings_sheet(wb: Workbook, master: MasterData, title: str) -> None:
    ws = wb.create_sheet(BOOKINGS_SHEET)
    styles.write_header(ws, _HEADERS)
    ncol = len(_HEADERS)
    for h, letter in _COL.items():
        ws.column_dimensions[letter].protection = styles.UNLOCKED
    ws.column_dimensions[get_column_letter(ncol + 1)].width = 2
    for j, h in enumerate(STATUS_HEADERS):
        letter = get_column_letter(ncol + 2 + j)
        c = ws[f"{letter}1"]
        c.value = h
        c.font, c.fill, c.border = styles.HEADER_FONT, styles.STATUS_FILL, styles.BOX
        c.alignment = styles.Alignment(vertical="center")
        dim = ws.column_dimensions[letter]
        dim.width = styles.width_for(h)
        dim.protection = styles.UNLOCKED
    ws.add_table(styles.make_table(BOOKINGS_TABLE, f"A1:{get_column_letter(ncol)}{LAST_BOOKING_ROW}",
                                   _HEADERS, style="TableStyleLight1", stripes=False))
    ws.freeze_panes = "A2"

    def add(dv: DataValidation, header: str) -> None:
        dv.add(_col_range(header))
        ws.add_data_validation(dv)

    n_cc = len(master.cost_centres)
    if n_cc:
        add(styles.list_validation(f"'Omkostningssteder'!$A$2:$A${n_cc + 1}", title="Omkostningssted",
                                   message="Vælg et af dine egne omkostningssteder fra listen."),
            "Omkostningssted")
    if master.accounts:
        add(styles.list_validation(f"'Kontoplan'!$A$2:$A${len(master.accounts) + 1}", title="Konto",
                                   message="Vælg en konto fra IT-kontoplanen."), "Konto")
    if master.projects:
        add(styles.list_validation(
            f"'Projektskemaer'!$A$2:$A${len(master.projects) + 1}", stop=False, title="Projektnr",
            message="Projektet findes ikke blandt dine godkendte projektskemaer. "
                    "Kontakt Økonomistaben, før du bogfører på det."), "Projektnr")
    year = BUDGET_YEAR_NAME
    add(styles.date_validation("Datoen ligger uden for budgetåret eller er ikke en dato (dd-mm-åååå).",
                               first=f"DATE({year},1,1)", last=f"DATE({year},12,31)", warning=True),
        "Dato")
    add(styles.amount_validation("Skriv beløbet i kr. og øre, fx 1234,50."), "Beløb")
    add(styles.ean_validation(), "EAN")
    ws.conditional_formatting.add(
        f"{_STATUS_COL}2:{_MESSAGE_COL}{LAST_BOOKING_ROW}",
        FormulaRule(formula=[f'LEFT(${_STATUS_COL}2,4)="Fejl"'], fill=styles.RED_FILL))
    ws.conditional_formatting.add(
        f"{_STATUS_COL}2:{_MESSAGE_COL}{LAST_BOOKING_ROW}",
        FormulaRule(formula=[f'LEFT(${_STATUS_COL}2,9)="Advarsel"'], fill=styles.AMBER_FILL))
    styles.protect(ws, allow_sort_filter=True, allow_rows=True)
    ws.protection.formatCells = False  # the add-in's Valider highlights flagged rows
    styles.print_setup(ws)
    ws.oddHeader.center.text = title + " – Bogføringer"
    ws.oddFooter.right.text = "Side &P af &N"


def _budget_sheet(wb: Workbook, master: MasterData, title: str) -> None:
    ws = wb.create_sheet("Budget")
    styles.write_header(ws, BUDGET_HEADERS)
    ws.column_dimensions["I"].number_format = styles.PERCENT
    cc_name = {c.id: c.name for c in master.cost_centres}
    acc_name = {a.id: a.name for a in master.accounts}
    y = BUDGET_YEAR_NAME
    booked = (f'=SUMIFS({_whole("Beløb")},{_whole("Omkostningssted")},$A{{r}},'
              f'{_whole("Konto")},$C{{r}},{_whole("Dato")},">="&DATE({y},1,1),'
              f'{_whole("Dato")},"<"&DATE({y}+1,1,1))')
    given = ((1, styles.TEXT), (2, None), (3, styles.TEXT), (4, None), (5, styles.KR), (6, styles.KR))
    for r, b in enumerate(master.budget_lines, start=2):
        values = (b.cost_centre, cc_name.get(b.cost_centre, ""), b.account, acc_name.get(b.account, ""),
                  kr_cell(b.budget), kr_cell(b.commitments))
        for (col, fmt), value in zip(given, values):
            cell = ws.cell(row=r, column=col)
            styles.set_text(cell, value)
            if fmt:
                cell.number_format = fmt
        for col, formula, fmt in ((7, booked.format(r=r), styles.KR), (8, f"=E{r}-F{r}-G{r}", styles.KR),
                                  (9, f'=IF(E{r}=0,"",(F{r}+G{r})/E{r})', styles.PERCENT)):
            ws.cell(row=r, column=col, value=formula).number_format = fmt
        followup.write_line(ws, r, master, 10)
    last = len(master.budget_lines) + 1
    followup.add_validations(ws, 10, last)
    styles.fit_widths(ws, [BUDGET_HEADERS] + [[b.cost_centre, cc_name.get(b.cost_centre, ""), b.account,
                                               acc_name.get(b.account, "")] for b in master.budget_lines])
    if master.budget_lines:
        rest = f"H2:H{last}"
        ws.conditional_formatting.add(rest, FormulaRule(formula=["$H2<0"], fill=styles.RED_FILL,
                                                        stopIfTrue=True))
        ws.conditional_formatting.add(rest, FormulaRule(formula=["AND($H2>=0,$H2<0.1*$E2)"],
                                                        fill=styles.AMBER_FILL))
    # Summary to the right: rows with only these cells are skipped by the core's reader.
    gap, k, v = (get_column_letter(len(BUDGET_HEADERS) + i) for i in (1, 2, 3))
    ws.column_dimensions[gap].width = 3
    ws.column_dimensions[k].width = 44
    ws.column_dimensions[v].width = 16
    head = ws[f"{k}1"]
    head.value, head.font, head.fill = "Oversigt", styles.HEADER_FONT, styles.HEADER_FILL
    head.alignment = styles.Alignment(vertical="center")
    ws[f"{v}1"].fill = styles.HEADER_FILL
    text_cells = (f"SUMPRODUCT(--ISTEXT({_BOOK}!${_COL['Dato']}$2:${_COL['Dato']}${LAST_BOOKING_ROW}))"
                  f"+SUMPRODUCT(--ISTEXT({_BOOK}!${_COL['Beløb']}$2:${_COL['Beløb']}${LAST_BOOKING_ROW}))")
    summary = [
        ("Budget i alt", f"=SUM(E2:E{max(2, last)})", styles.KR),
        ("Disponeret i alt", f"=SUM(F2:F{max(2, last)})", styles.KR),
        ("Bogført på budgetlinjerne", f"=SUM(G2:G{max(2, last)})", styles.KR),
        ("Rest i alt", f"=SUM(H2:H{max(2, last)})", styles.KR),
        ("Budgetår", f"={y}", "0"),
        ("Opfølgningsdato (seneste bogføring i budgetåret)", followup.as_of_formula(_whole("Dato"), y),
         styles.DATE),
        ("Celler med tekst i Dato eller Beløb", "=" + text_cells, "0"),
    ]
    for i, (label, formula, fmt) in enumerate(summary, start=2):
        ws[f"{k}{i}"] = label
        ws[f"{v}{i}"] = formula
        ws[f"{v}{i}"].number_format = fmt
    followup.define_as_of(wb, ws, f"{v}{len(summary)}")
    note = ws[f"{k}{len(summary) + 3}"]
    note.value = ("Bogført tæller bogføringer i budgetåret med dato og beløb som tal. Tekst i "
                  "Dato eller Beløb tælles ikke her; ret cellerne eller kør Valider.")
    note.font, note.alignment = styles.NOTE_FONT, styles.WRAP
    ws.merge_cells(f"{k}{len(summary) + 3}:{v}{len(summary) + 5}")  # three rows tall: no row heights change
    ws.conditional_formatting.add(f"{v}{len(summary) + 1}", FormulaRule(
        formula=[f"${v}${len(summary) + 1}>0"], fill=styles.AMBER_FILL))
    n = max(2, last)

    def booked_through(m: int) -> str:
        return (f'=SUMPRODUCT(SUMIFS({_whole("Beløb")},{_whole("Omkostningssted")},$A$2:$A${n},'
                f'{_whole("Konto")},$C$2:$C${n},{_whole("Dato")},">="&DATE({y},1,1),'
                f'{_whole("Dato")},"<"&DATE({y},{m}+1,1)))')

    followup.month_chart(ws, master, len(BUDGET_HEADERS) + 2, len(summary) + 7, booked_through,
                         "Bogført og periodiseret budget pr. måned")
    ws.freeze_panes = "A2"
    styles.protect(ws)
    styles.print_setup(ws)
    ws.oddHeader.center.text = title + " – Budget"


def _guide(wb: Workbook, title: str, column_names: bool = False) -> None:
    guide_sheet(wb, title, [
        "Skriv eller indsæt bogføringerne i arket 'Bogføringer' fra række 2 og nedefter "
        f"(plads til mindst {thousands(BOOKING_ROWS)} rækker). Overskrifterne i række 1 må ikke ændres.",
        "Arket 'Budget' regner selv Bogført og Rest ud for hver budgetlinje; rødt = overskredet, "
        "gult = under 10 % tilbage.",
        "Med IT-tilføjelsesprogrammet viser kolonnen Status hver linjes resultat, og knappen "
        "Valider skriver en rapport. Uden tilføjelsesprogrammet virker alt andet som normalt.",
    ], [
        ("Bogføringer", "Dine IT-bogføringer: Bilag, Dato, Omkostningssted, Konto, Beløb (kr.), Tekst, "
                        "Leverandør, Fakturanr, EAN og Projektnr. Status og Besked udfyldes af "
                        "tilføjelsesprogrammet."),
        ("Budget", "Dine budgetlinjer med Budget, Disponeret, Bogført og Rest i kr., budgetopfølgningen "
                   "(Ændringer, Korrigeret budget, Periodiseret til dato, Fremskrivning) og kolonnen "
                   "Forventet regnskab, hvor du skriver dit skøn over årets forbrug på linjen."),
        ("Indstillinger", "Kommune, budgetår, skabelonversion og stamdataenes dato. Låst."),
        ("Aftaleholdere", "Dine oplysninger: arbejdspladser og kontaktperson. Låst."),
        ("Omkostningssteder", "Dine omkostningssteder. Låst."),
        ("EAN", "Dine EAN-numre til elektroniske fakturaer. Låst."),
        ("Kontoplan", "IT-kontoplanen med kontaktperson i Økonomistaben for hver konto. Låst."),
        ("Centrale budgetter", "IT-stabens centrale budgetlinjer, der dækker de centrale konti. Låst."),
        ("Projektskemaer", "Dine godkendte IT-projekter. Nye projekter kræver et projektskema "
                           "godkendt af IT, EPO og Økonomi, før der købes ind. Låst."),
        ("Besparelser", "Besparelsestiltag på dine omkostningssteder. Låst."),
        (PHASING_SHEET, "Dine budgetlinjers fordeling på måneder i procent. Låst."),
        (CHANGES_SHEET, "Tillæg, omplaceringer og overførsler på dine budgetlinjer. Låst."),
    ] + ([(colnames.SHEET, "Eksportens egne kolonneoverskrifter og det felt, hver betyder, til "
                           "'itbudget import'. Låst.")] if column_names else []), index=2)
    wb["Vejledning"].sheet_properties.tabColor = "1F4E78"


def _define_names(wb: Workbook, master_rows: dict[str, list[list]], n_budget_lines: int) -> None:
    for sheet, name in NAMED_RANGES.items():
        if sheet == "Budget":
            ncols, nrows = len(BUDGET_HEADERS), n_budget_lines + 1
        else:
            ncols, nrows = len(master_rows[sheet][0]), len(master_rows[sheet])
        ref = f"{quote_sheetname(sheet)}!$A$1:${get_column_letter(ncols)}${max(nrows, 2)}"
        wb.defined_names[name] = DefinedName(name, attr_text=ref)
    wb.defined_names[BOOKINGS_NAME] = DefinedName(
        BOOKINGS_NAME, attr_text=f"{_BOOK}!$A$1:${get_column_letter(len(_HEADERS))}${LAST_BOOKING_ROW}")


def _conf_sheet(wb: Workbook) -> None:
    # Classic xlwings reads keys from A1 down (no header row) and values from column B.
    ws = wb.create_sheet("xlwings.conf")
    for i, (key, value) in enumerate(XLWINGS_CONF.items(), start=1):
        ws.cell(row=i, column=1, value=key)
        ws.cell(row=i, column=2, value=value)
    ws.column_dimensions["A"].width = 16
    ws.column_dimensions["B"].width = 16
    styles.protect(ws)
    ws.sheet_state = "hidden"


def build_holder_workbook(master_rows: dict[str, list[list]], master: MasterData, title: str) -> Workbook:
    """The workbook from the holder's contract rows and master data (may be empty)."""
    wb = Workbook()
    wb.remove(wb.active)
    _bookings_sheet(wb, master, title)
    _budget_sheet(wb, master, title)
    _guide(wb, title, colnames.SHEET in master_rows)
    for sheet in EMBEDDED_SHEETS + [s for s in (colnames.SHEET,) if s in master_rows]:
        ws = contract_sheet(wb, sheet, master_rows[sheet])
        styles.protect(ws)
        ws.sheet_properties.tabColor = "A6A6A6"
        ws.oddHeader.center.text = f"{title} – {sheet}"
        if sheet == "Indstillinger":
            year_row = next(i for i, r in enumerate(master_rows[sheet], start=1) if r[0] == "Budgetår")
            wb.defined_names[BUDGET_YEAR_NAME] = DefinedName(
                BUDGET_YEAR_NAME, attr_text=f"'Indstillinger'!$B${year_row}")
    _define_names(wb, master_rows, len(master.budget_lines))
    _conf_sheet(wb)
    wb.active = 0
    return wb


def holder_master(master: MasterData, holder_id: str, master_date: str = "") -> MasterData:
    """The holder's share of the master data, stamped with template version and date."""
    part = master.for_holder(holder_id)
    settings = part.settings.model_copy(update={
        "template_version": TEMPLATE_VERSION,
        "master_date": master_date or master.settings.master_date})
    return dataclasses.replace(part, settings=settings)


def write_holder_workbook(master: MasterData, holder_id: str, path: Path | str, *,
                          master_date: str = "", keep_as: Path | None = None,
                          macros: bool = False) -> Path:
    """Write one budget-holder workbook for ``holder_id``, atomically.

    ``keep_as``: ``path`` holds the holder's workbook; what the holder typed in
    it is carried into the new one (:mod:`.reissue`), and, if it holds anything
    typed, it is kept under this name before the new one replaces it.
    ``macros``: the macro-enabled ``.xlsm`` with the Valider and Opdater buttons.
    """
    if holder_id not in master.holder_by_id:
        raise UnusableInput(f"aftaleholder '{holder_id}' findes ikke i stamdata.")
    part = holder_master(master, holder_id, master_date)
    holder = master.holder_by_id[holder_id]
    title = f"{holder.id} {holder.name} – IT-budget {part.year}"
    wb = build_holder_workbook(master_to_rows(part), part, title)
    if keep_as is not None and not reissue.carry_over(wb, Path(path), tuple(STATUS_HEADERS)):
        keep_as = None  # nothing typed in it: an issued workbook no one has filled yet
    if macros:
        make_macro_enabled(wb)
    with atomic_path(path) as tmp:
        wb.save(tmp)
        if keep_as is not None:
            keep_copy(Path(path), keep_as)
    return Path(path)


def write_blank_holder(path: Path | str) -> Path:
    """The blank budget-holder template: every sheet and check, no master data."""
    from itbudget.master import Settings

    empty = MasterData(settings=Settings(budget_year=2000), holders=(), cost_centres=(), eans=(),
                       accounts=(), budget_lines=(), central_lines=(), projects=(), savings=())
    rows = {s: [MASTER_COLUMNS[s]] for s in EMBEDDED_SHEETS}
    rows["Indstillinger"] = [MASTER_COLUMNS["Indstillinger"], ["Kommune", ""], ["Budgetår", ""],
                             ["Sparemål", ""], ["Skabelonversion", TEMPLATE_VERSION],
                             ["Dato for stamdata", ""], ["Aftaleholder", ""]]
    wb = build_holder_workbook(rows, empty, "Aftaleholder – IT-budget")
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return Path(path)


#: The fewest workbooks worth starting worker processes for, by how workers start.
#: fork copies this process, about 20 ms a worker (measured on two cores: 10
#: workbooks 0.14 s against 0.22 s in process; 4 break even); spawn and forkserver
#: (Windows, macOS) start Python and import pandas and openpyxl again, about 0.7 s:
#: two cores gain only from about 100 workbooks.
PARALLEL_MIN = {"fork": 6, "spawn": 100, "forkserver": 100}


def issue_workbooks(master: MasterData, outdir: Path | str, holders: list[str] | None = None, *,
                    master_date: str = "", workers: int | None = None,
                    kept: dict[Path, Path] | None = None, macros: bool = False) -> list[Path]:
    """Issue one workbook per holder (all, or the ids given) into ``outdir``.

    Many workbooks are written by worker processes (``workers``, default: every
    core the process may use); a few stay in this process. Either way every file
    is written atomically, the paths come back in the order of ``holders`` (or of
    the master data), and a file that cannot be written stops the run with an
    :class:`UnusableInput` naming it; files already complete are kept.

    A holder's workbook already in ``outdir`` is re-issued: the new one carries
    what the holder typed, and the old one, if anything was typed in it, is kept
    beside it under :func:`~itbudget.writing.kept_name`; ``kept`` (if given)
    gets each such workbook's path mapped to the old one's.
    """
    if master.scope:
        raise UnusableInput(
            f"{master.source}: er en aftaleholders projektmappe ({master.scope}), ikke stamdata; "
            "udsend fra Økonomistabens stamdata-projektmappe.")
    outdir = Path(outdir)
    wanted = holders or [h.id for h in master.holders]
    unknown = [h for h in wanted if h not in master.holder_by_id]
    if unknown:
        raise UnusableInput(f"aftaleholder {', '.join(unknown)} findes ikke i stamdata.")
    files = [(hid, holder_file_name(master.holder_by_id[hid])) for hid in wanted]
    if macros:
        files = [(hid, macro_file_name(name)) for hid, name in files]
    taken: dict[str, str] = {}
    for hid, name in files:
        if name.casefold() in taken:
            raise UnusableInput(
                f"aftaleholder {hid} og {taken[name.casefold()]} ville få samme filnavn '{name}'; "
                "ret Aftaleholder eller Navn i stamdata.")
        taken[name.casefold()] = hid
    outdir.mkdir(parents=True, exist_ok=True)
    jobs = [(hid, outdir / name) for hid, name in files]
    today = dt.date.today()
    previous = {path: kept_name(path, today) for _, path in jobs if path.is_file()}
    written = parallel.write_all(_write_job, (master, master_date, previous, macros), jobs,
                                 workers=workers, min_jobs=PARALLEL_MIN, crashed=_crashed)
    if kept is not None:  # the names were free before: a file there now is a kept workbook
        kept.update({path: old for path, old in previous.items() if old.exists()})
    return written


def _write_job(shared: tuple[MasterData, str, dict[Path, Path], bool], job: tuple[str, Path]) -> None:
    """One workbook (in a worker or in this process); a file-system failure as a Danish message."""
    (master, master_date, previous, macros), (holder_id, path) = shared, job
    try:
        write_holder_workbook(master, holder_id, path, master_date=master_date,
                              keep_as=previous.get(path), macros=macros)
    except OSError as exc:
        raise UnusableInput(f"{path}: projektmappen til aftaleholder {holder_id} kunne ikke "
                            f"skrives ({os_reason(exc)}).") from exc


def _crashed(job: tuple[str, Path], exc: BaseException) -> str:
    hid, path = job
    return (f"{path}: projektmappen til aftaleholder {hid} kunne ikke skrives; "
            f"skriveprocessen stoppede uventet ({type(exc).__name__}).")
