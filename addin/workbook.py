"""The validation macro's work on an open workbook, through the xlwings Book API.

Used by the xlwings scripts in :mod:`addin.scripts` (Office.js, on a workbook
snapshot sent to xlwings Server) and by classic desktop Excel (a live COM
workbook), since both speak the same ``xw.Book`` API. It reads the
``Bogføringer`` sheet and the embedded master data sheets, validates with the
core, and writes only to the ``Status``/``Besked`` columns and the
``Valideringsrapport`` sheet: never to a cell the user typed. Cells become
the core's values through :mod:`itbudget.cells`, the conversion the worksheet
functions use too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from itbudget import access
from itbudget.bookings import BOOKINGS_SHEET
from itbudget.cells import bookings_rows, master_rows
from itbudget.errors import UnusableInput
from itbudget.presentation import kr_float, plural, severity_word
from itbudget.master import OPTIONAL_SHEETS, SHEETS, master_from_rows
from itbudget.master_cache import server_master
from itbudget.operations import validate_as
from itbudget.reading import norm_header
from itbudget.settings import Settings, process_settings
from itbudget.statuses import MESSAGE_HEADER, STATUS_HEADER, header_index, row_messages, row_statuses
from itbudget.validation import Validation, check_template_version
from itbudget.writing import safe_text

REPORT_SHEET = "Valideringsrapport"
RED, AMBER, GREEN = "#F8CBAD", "#FFE699", "#E2EFDA"
_COLOR_CHUNK = 4000  # rows per set_colors call (xlwings caps a call at 10,000 cells)


@dataclass(frozen=True)
class Outcome:
    """What a run did, for the caller's message and for tests."""

    rows: int
    errors: int
    warnings: int
    status_column: int  # 1-based
    message_column: int


def _sheet(book, name: str):
    for s in book.sheets:
        if norm_header(s.name) == norm_header(name):
            return s
    return None


def sheet_values(sheet) -> list[list]:
    """All values from A1 to the last used cell, as a 2-D list, as xlwings reads them."""
    last = sheet.used_range.last_cell
    values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
    return [list(r) for r in values]


def bookings_values(sheet) -> list[list]:
    """The bookings sheet's cells as the core reads them (:func:`itbudget.cells.bookings_rows`).

    The Book API gives ``None`` for an empty cell, so a ``0`` is a typed 0 here.
    """
    values = sheet_values(sheet)
    return bookings_rows(values, zero_is_empty=False) if values else values


def book_master(book, settings: Settings | None = None):
    """The workbook's embedded master data, or the server's (``settings.stamdata``) when it has none."""
    present = {name: _sheet(book, name) for name in SHEETS}
    if all(present[n] is None for n in SHEETS if n not in OPTIONAL_SHEETS):
        return server_master(settings or process_settings())
    sheets = {name: master_rows(sheet_values(s), zero_is_empty=False)
              for name, s in present.items() if s is not None}
    master = master_from_rows(sheets, file=book.name)
    check_template_version(master, book.name)
    return master


def _column_of(header: list, name: str) -> int | None:
    for j, v in enumerate(header):
        if isinstance(v, str) and norm_header(v) == norm_header(name):
            return j
    return None


def validate_book(book, *, report: bool = True, settings: Settings | None = None) -> Outcome:
    """Validate the workbook's bookings and write statuses (and the report).

    ``settings``: the process's (default :func:`itbudget.settings.process_settings`),
    for the server's master data when the workbook carries none.
    """
    sheet = _sheet(book, BOOKINGS_SHEET)
    if sheet is None:
        raise UnusableInput(f"{book.name}: arket '{BOOKINGS_SHEET}' mangler.")
    master = book_master(book, settings)
    values = bookings_values(sheet)
    hi = header_index(values)
    # Refused before anything is written: a holder validates only its own cost centres.
    result = validate_as(access.current(), values, master, sheet=sheet.name)
    header = values[hi] if values else []
    last_filled = max((j for j, v in enumerate(header) if v not in (None, "")), default=-1)
    status_j = _column_of(header, STATUS_HEADER)
    message_j = _column_of(header, MESSAGE_HEADER)
    # Missing columns go to the first empty cells right of the headers (never over data).
    if status_j is None:
        last_filled += 1
        status_j = last_filled
        sheet.range((hi + 1, status_j + 1)).value = STATUS_HEADER
    if message_j is None:
        last_filled = max(last_filled, status_j) + 1
        message_j = last_filled
        sheet.range((hi + 1, message_j + 1)).value = MESSAGE_HEADER

    height = len(values) - hi - 1  # every row below the header, old statuses included
    statuses = [""] * height
    messages = [""] * height
    for r, s, m in zip(result.ledger.frame["row"].to_numpy(), row_statuses(result),
                       row_messages(result)):
        i = int(r) - (hi + 2)
        if 0 <= i < height:
            statuses[i], messages[i] = s, safe_text(m)
    if height > 0:
        first = hi + 2
        sheet.range((first, status_j + 1)).options(transpose=True).value = statuses
        sheet.range((first, message_j + 1)).options(transpose=True).value = messages
        _colour(sheet, first, status_j + 1, statuses)
        _colour(sheet, first, message_j + 1, statuses)
    if report:
        write_report(book, result, sheet.name)
    return Outcome(result.rows, result.errors, result.warnings, status_j + 1, message_j + 1)


def _fill(status: str) -> str | None:
    if status.startswith("Fejl"):
        return RED
    if status.startswith("Advarsel"):
        return AMBER
    if status == "OK":
        return GREEN
    return None


def _colour(sheet, first_row: int, column: int, statuses: list[str]) -> None:
    """Highlight flagged rows in one status column, in few actions."""
    for start in range(0, len(statuses), _COLOR_CHUNK):
        chunk = statuses[start:start + _COLOR_CHUNK]
        rng = sheet.range((first_row + start, column), (first_row + start + len(chunk) - 1, column))
        rng.set_colors([[_fill(s)] for s in chunk])


def report_rows(result: Validation, bookings_sheet: str, when: dt.datetime | None = None) -> list[list]:
    """The report sheet's cells: summary, budget lines, findings with links to rows."""
    when = when or dt.datetime.now()
    rows: list[list] = [
        ["Valideringsrapport", "", "", "", "", "", "", ""],
        ["Kørt", when.strftime("%d-%m-%Y %H:%M"), "", "", "", "", "", ""],
        ["Bogføringer", result.rows, "Fejl", result.errors, "Advarsler", result.warnings, "", ""],
        [""] * 8,
        ["Budgetlinjer", "", "", "", "", "", "", ""],
        ["Omkostningssted", "Konto", "Central budgetlinje", "Budget", "Disponeret", "Bogført",
         "Rest", "Udækket"],
    ]
    for r in result.lines.itertuples(index=False):
        # Ids come from master data a person typed: guarded like every other text (issue 12 point 4).
        rows.append([safe_text(r.cost_centre), safe_text(r.account), safe_text(r.central_line),
                     kr_float(r.budget), kr_float(r.commitments),
                     kr_float(r.booked), kr_float(r.remaining), kr_float(r.uncovered)])
    rows += [[""] * 8, ["Fund", "", "", "", "", "", "", ""],
             ["Række", "Bilag", "Regel", "Alvorlighed", "Besked", "", "", ""]]
    if not len(result.findings):
        rows.append(["Ingen fund: alle bogføringer er i orden.", "", "", "", "", "", "", ""])
    target = bookings_sheet.replace("'", "''").replace('"', '""')
    for f in result.findings.itertuples(index=False):
        link = f'=HYPERLINK("#\'{target}\'!A{int(f.row)}","{int(f.row)}")' if f.row else ""
        rows.append([link, safe_text(f.voucher), f.rule,
                     severity_word(f.severity), safe_text(f.message), "", "", ""])
    return rows


def write_report(book, result: Validation, bookings_sheet: str) -> None:
    """Replace the report sheet's content (the sheet is the add-in's own)."""
    sheet = _sheet(book, REPORT_SHEET)
    if sheet is None:
        sheet = book.sheets.add(name=REPORT_SHEET, after=book.sheets[len(book.sheets) - 1])
    else:
        sheet.clear()
    rows = report_rows(result, bookings_sheet)
    sheet.range("A1").value = rows
    n_lines = len(result.lines)
    if n_lines:
        sheet.range((7, 4), (6 + n_lines, 8)).number_format = "#,##0.00"
    sheet.range("A1").font.bold = True
    sheet.range("A6:H6").font.bold = True
    sheet.range((9 + n_lines, 1), (9 + n_lines, 5)).font.bold = True


def summary_text(outcome: Outcome) -> str:
    """The one-line Danish result shown to the user."""
    if not outcome.errors and not outcome.warnings:
        return f"{plural(outcome.rows, 'bogføring')} valideret: alle er i orden."
    return (f"{plural(outcome.rows, 'bogføring')} valideret: {plural(outcome.errors, 'fejl')} og "
            f"{plural(outcome.warnings, 'advarsel')}. Se kolonnen Status og arket {REPORT_SHEET}.")


CONSOLIDATION_SHEET = "Konsolidering"
_W = 8


def _pad(row: list) -> list:
    return (list(row) + [""] * _W)[:_W]


def consolidation_rows(c, output, lists=None, when: dt.datetime | None = None) -> list[list]:
    """The ``Konsolidering`` sheet's cells: what finance needs to see after a run.

    Totals, central lines, workstation costs, findings counted per rule, the
    files that could not be used, and where the workbook was written. ``c`` is
    an :class:`itbudget.consolidation.Consolidation`. File names and messages
    are written as text, never as formulas.
    """
    when = when or dt.datetime.now()
    statuses = [s.status for s in c.sources]
    rows = [
        ["Konsolidering", ""],
        ["Kørt", when.strftime("%d-%m-%Y %H:%M")],
        ["Konsolideringsprojektmappe", safe_text(str(output))],
        ["Forbrugslister", safe_text(str(lists)) if lists else "(ikke bestilt)"],
        ["Filer læst", statuses.count("ok"), "Kan ikke bruges", statuses.count("unreadable"),
         "Sprunget over", statuses.count("skipped")],
        ["Bogføringer", c.validation.rows, "Fejl", c.errors, "Advarsler", c.warnings],
        ["Bogført i alt (kr.)", kr_float(c.total_booked)],
        [""],
        ["Centrale budgetlinjer"],
        ["Budgetlinje", "Navn", "Budget", "Disponeret", "Brugt", "Rest", "Udækket",
         "Fordeles pr. arbejdsplads"],
    ]
    for r in c.central.itertuples(index=False):
        rows.append([safe_text(r.line), safe_text(r.name), kr_float(r.budget), kr_float(r.commitments),
                     kr_float(r.used), kr_float(r.remaining), kr_float(r.uncovered),
                     "ja" if r.per_workstation else "nej"])
    rows += [[""], ["Pris pr. arbejdsplads"],
             ["Aftaleholder", "Navn", "Arbejdspladser", "Hjemmearbejdspladser", "Direkte",
              "Fordelt", "I alt", "Pr. arbejdsplads"]]
    for r in c.workstations.itertuples(index=False):
        per = "" if r.per_workstation is None or r.per_workstation != r.per_workstation \
            else kr_float(r.per_workstation)
        rows.append([safe_text(r.holder), safe_text(r.name), int(r.workstations),
                     int(r.home_workstations), kr_float(r.direct), kr_float(r.allocated), kr_float(r.total), per])
    rows += [[""], ["Fund pr. regel"], ["Regel", "Alvorlighed", "Antal"]]
    findings = c.validation.findings
    if len(findings):
        counts = findings.groupby(["rule", "severity"]).size()
        for (rule, severity), n in counts.items():
            rows.append([rule, severity_word(severity), int(n)])
    else:
        rows.append(["Ingen fund."])
    missing = getattr(c, "missing", ())
    if missing:
        names = c.master.holder_by_id
        rows += [[""], ["Aftaleholdere uden brugbar projektmappe eller eksport (tallene er ufuldstændige)"],
                 ["", "Aftaleholder", "Navn", "Kontaktperson"]]
        rows += [["Mangler", safe_text(h), safe_text(names[h].name), safe_text(names[h].contact)]
                 for h in missing]
    bad = [s for s in c.sources if s.status == "unreadable"]
    if bad:
        rows += [[""], ["Filer, der ikke kunne bruges"], ["Fil", "Besked"]]
        rows += [[safe_text(s.file), safe_text(s.message)] for s in bad]
    return [_pad(r) for r in rows]


def write_consolidation_summary(book, rows: list[list]) -> None:
    """Replace the ``Konsolidering`` sheet's content (the sheet is the add-in's own)."""
    sheet = _sheet(book, CONSOLIDATION_SHEET)
    if sheet is None:
        sheet = book.sheets.add(name=CONSOLIDATION_SHEET, after=book.sheets[len(book.sheets) - 1])
    else:
        sheet.clear()
    sheet.range("A1").value = rows
    sheet.range("A1").font.bold = True


__all__ = ["CONSOLIDATION_SHEET", "Outcome", "REPORT_SHEET", "consolidation_rows",
           "write_consolidation_summary", "book_master", "report_rows", "sheet_values",
           "summary_text", "validate_book", "write_report"]
