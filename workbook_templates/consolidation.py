"""Finance's consolidation workbook and the consumption lists, written with xlsxwriter.

:func:`write_consolidation` writes the workbook finance hands to the leadership
forum: ``Overblik`` (key figures, savings vs. target, budget vs. booked per
category with a chart), ``Central fordeling``, ``Budgetlinjer``, ``Fund``,
``Arbejdspladser`` (with a chart), ``Amtssystemer``, ``Besparelser``, ``Kilder``
and ``Fakturaer``. :func:`write_blank_consolidation` writes the same layout
without data. :func:`write_consumption_lists` writes one consumption list
("forbrugsliste") per holder with only that holder's bookings.

xlsxwriter is used for speed and native charts. Every file is written through
:func:`itbudget.writing.atomic_path` (whole or not at all); user text is
written with ``write_string`` and the workbook refuses to turn strings into
formulas, numbers or links. Amounts are kr. (øre / 100) only here, at the edge.
Totals are written as computed numbers, not formulas, so every viewer shows
the same exact figures without recalculating.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import xlsxwriter

from itbudget.allocation import id_order_key, round_div
from itbudget.errors import UnusableInput, os_reason
from itbudget.consolidation_text import OVERRUN_NOTE
from itbudget.invoices.render import SHEET_HEADERS, invoice_sheet_rows
from itbudget.master import MasterData
from itbudget.presentation import kr_float, plural, severity_word, source_status_word
from itbudget.writing import atomic_path

from . import followup, parallel

KR = '#,##0.00;[Red]-#,##0.00'
KR_UNIT = '#,##0.00 "kr.";[Red]-#,##0.00 "kr."'
DATE = "dd-mm-yyyy"
WHOLE = "#,##0"
BLUE = "#1F4E78"

_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
            "default_date_format": DATE}
_MONTHS_DA = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

# Column kinds: "s" text, "kr" amount in øre, "n" whole number, "d" date, "p" share 0..1.
Column = tuple[str, str, float]


class _Book:
    """An xlsxwriter workbook plus the few formats every sheet uses."""

    def __init__(self, path: Path):
        self.wb = xlsxwriter.Workbook(str(path), _OPTIONS)
        add = self.wb.add_format
        self.title = add({"bold": True, "font_size": 16, "font_color": BLUE})
        self.subtitle = add({"italic": True, "font_color": "#595959"})
        self.note_format = add({"italic": True, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.widths: dict[str, list[float]] = {}  # sheet -> the widths its tables set
        self.notes: list[tuple] = []  # (sheet, row, text), written when the widths are known
        self.section = add({"bold": True, "font_size": 12, "font_color": BLUE})
        self.label = add({"bold": False})
        self.bold = add({"bold": True})
        self.fmt = {"s": add({"valign": "top"}), "kr": add({"num_format": KR, "valign": "top"}),
                    "n": add({"num_format": WHOLE, "valign": "top"}),
                    "d": add({"num_format": DATE, "valign": "top"}),
                    "p": add({"num_format": "0.0%", "valign": "top"}),
                    "w": add({"text_wrap": True, "valign": "top"})}
        self.total = {k: add({"bold": True, "top": 1, "num_format": v}) for k, v in
                      {"s": "@", "kr": KR, "n": WHOLE, "d": DATE, "p": "0.0%", "w": "@"}.items()}
        self.header = add({"bold": True, "font_color": "#FFFFFF", "bg_color": BLUE, "text_wrap": True,
                           "valign": "vcenter", "border": 1, "border_color": "#A6A6A6"})
        self.kr_unit = add({"num_format": KR_UNIT, "bold": True})
        self.whole_bold = add({"num_format": WHOLE, "bold": True})
        self.red = add({"bg_color": "#F4B6B6"})
        self.amber = add({"bg_color": "#FFE699"})

    def cell(self, ws, r: int, c: int, kind: str, value) -> None:
        """One cell by kind; text always as a string cell."""
        fmt = self.fmt[kind]
        if value is None or (isinstance(value, float) and value != value):
            ws.write_blank(r, c, None, fmt)
        elif kind in ("s", "w"):
            ws.write_string(r, c, str(value), fmt)
        elif kind == "kr":
            ws.write_number(r, c, kr_float(value), fmt)
        elif kind == "d":
            if isinstance(value, np.datetime64):
                if np.isnat(value):
                    ws.write_blank(r, c, None, fmt)
                    return
                value = value.astype("datetime64[D]").astype(dt.date)
            if not isinstance(value, dt.datetime):
                value = dt.datetime.combine(value, dt.time())
            ws.write_datetime(r, c, value, fmt)
        else:
            ws.write_number(r, c, float(value), fmt)

    def table(self, ws, top: int, columns: list[Column], rows: list[tuple], *, name: str,
              totals: tuple | None = None, widths: bool = True) -> int:
        """A filterable Excel table at ``top``; returns the row after it (and its totals)."""
        for j, (header, kind, width) in enumerate(columns):
            if widths:
                ws.set_column(j, j, width)
        if widths:
            known = self.widths.setdefault(ws.name, [])
            for j, (_, _, width) in enumerate(columns):
                known[j:j + 1] = [max(known[j], width) if j < len(known) else width]
        last = top + max(1, len(rows))  # an Excel table needs one data row, even if blank
        ws.add_table(top, 0, last, len(columns) - 1, {
            "name": name, "style": "Table Style Medium 2", "autofilter": True,
            "columns": [{"header": h, "header_format": self.header} for h, _, _ in columns]})
        ws.set_row(top, 30)
        wrapped = [(j, w) for j, (_, kind, w) in enumerate(columns) if kind == "w" and w]
        for i, row in enumerate(rows, start=top + 1):
            for j, (value, (_, kind, _)) in enumerate(zip(row, columns)):
                self.cell(ws, i, j, kind, value)
            # Viewers do not grow rows for wrapped text on their own; estimate the lines.
            lines = max((-(-len(str(row[j] or "")) // max(1, int(w * 1.1))) for j, w in wrapped),
                        default=1)
            if lines > 1:
                ws.set_row(i, 15 * min(lines, 12))
        if totals is not None:
            for j, (value, (_, kind, _)) in enumerate(zip(totals, columns)):
                fmt = self.total[kind]
                if value is None:
                    ws.write_blank(last + 1, j, None, fmt)
                elif isinstance(value, str):
                    ws.write_string(last + 1, j, value, self.total["s"])
                else:
                    ws.write_number(last + 1, j, kr_float(value) if kind == "kr" else value, fmt)
            return last + 2
        return last + 1

    def note(self, ws, r: int, text: str) -> None:
        """A sentence for the reader above or beside a table, wrapped to the table's width."""
        self.notes.append((ws, r, text))

    def close(self) -> None:
        # A long note left to overflow widens what fit_to_pages squeezes onto one printed
        # page, so every table prints tiny; wrapped over the table's columns it does not.
        for ws, r, text in self.notes:
            widths = self.widths.get(ws.name, [])
            total = sum(widths)
            if len(widths) < 2 or len(text) <= total:
                ws.write_string(r, 0, text, self.subtitle)
                continue
            ws.merge_range(r, 0, r, len(widths) - 1, text, self.note_format)
            ws.set_row(r, 15 * -(-len(text) // max(1, int(total * 1.05))))
        self.wb.close()

    def sheet(self, name: str, title: str, subtitle: str = "", *, landscape: bool = True,
              repeat_header: bool = True):
        ws = self.wb.add_worksheet(name)
        ws.write_string(0, 0, title, self.title)
        if subtitle:
            self.note(ws, 1, subtitle)
        ws.set_row(0, 24)
        ws.hide_gridlines(2)
        ws.set_paper(9)
        if landscape:
            ws.set_landscape()
        ws.fit_to_pages(1, 0)
        if repeat_header:
            ws.repeat_rows(3)  # the table's header on every printed page
        ws.set_margins(left=0.4, right=0.4)
        return ws


# --------------------------------------------------------------------------- the data per sheet

def _holder_names(c) -> dict[str, str]:
    return {h.id: h.name for h in c.master.holders} if c is not None else {}


def _lines_rows(c) -> list[tuple]:
    if c is None:
        return []
    names, acc = _holder_names(c), c.master.account_by_id
    rows = []
    for r in c.lines.itertuples(index=False):
        status = "ikke dækket" if r.uncovered > 0 else ("overskredet" if r.remaining < 0 else "ok")
        rows.append((r.holder, names.get(r.holder, ""), r.cost_centre, r.account,
                     acc[r.account].name if r.account in acc else "", r.budget, r.commitments,
                     r.booked, r.remaining, r.uncovered, status))
    rows.sort(key=lambda x: (id_order_key(x[0]), x[2], x[3]))
    return rows


def _findings_rows(c) -> list[tuple]:
    if c is None:
        return []
    f = c.findings
    names = _holder_names(c)
    return [(r.file, r.sheet, int(r.row), r.voucher, r.holder, names.get(r.holder, ""), r.contact,
             r.amount, r.rule, severity_word(r.severity), r.message)
            for r in f.itertuples(index=False)]


def _source_rows(c) -> list[tuple]:
    if c is None:
        return []
    return [(s.file, source_status_word(s.status), s.kind, s.holder,
             s.template_version, s.rows, s.message) for s in c.sources]


_INVOICE_WIDTHS = {"Fil": 26, "Type": 11, "Fakturanr": 12, "Dato": 11, "Leverandør CVR": 14,
                   "Leverandør": 22, "EAN": 15, "EAN gyldig": 10, "Aftaleholder": 12,
                   "Omkostningssted": 15, "Beløb": 14, "Valuta": 8, "Bogført": 9, "Status": 10,
                   "Fund": 70}
_INVOICE_KINDS = {"Dato": "d", "Beløb": "kr", "Fund": "w"}


def _invoice_table(c) -> tuple[list[Column], list[tuple]]:
    """Columns and rows of the Fakturaer sheet, as :mod:`itbudget.invoices` renders them."""
    if c is None or c.invoices is None:
        headers, rows = list(SHEET_HEADERS), []
    else:
        headers, raw = invoice_sheet_rows(c.invoices)
        at = headers.index("Beløb")
        rows = [tuple(round(v * 100) if j == at and isinstance(v, (int, float)) else v
                      for j, v in enumerate(r)) for r in raw]
    cols = [(h, _INVOICE_KINDS.get(h, "s"), _INVOICE_WIDTHS.get(h, max(10, len(h) + 3)))
            for h in headers]
    return cols, rows


# --------------------------------------------------------------------------- the workbook

def _overview(b: _Book, c, charts: bool) -> None:
    m = c.master if c is not None else None
    title = "IT-konsolidering" + (f" - {m.settings.municipality} {m.year}" if m else "")
    ws = b.sheet("Overblik", title, "Dannet " + dt.date.today().strftime("%d-%m-%Y")
                 + " af itbudget. Beløb i kr.; alle bogføringer med dato i budgetåret, kendt "
                 "omkostningssted og konto og et læsbart beløb er talt med.", landscape=False,
                 repeat_header=False)
    ws.set_column(0, 0, 46)
    ws.set_column(1, 3, 18)
    ws.write_string(3, 0, "Nøgletal", b.section)
    if c is not None:
        seats = int(c.workstations["seats"].sum())
        sources = c.sources
        central_budget = int(c.central["budget"].sum())
        central_used = int(c.central["used"].sum())
        key = [
            ("Bogført på IT-konti i alt", "kr", c.total_booked),
            ("Heraf centralt finansieret", "kr", central_used),
            ("Centrale budgetter i alt", "kr", central_budget),
            ("Decentrale budgetter i alt", "kr", int(c.lines["budget"].sum())),
            ("Bogført på decentrale budgetlinjer", "kr", int(c.lines["booked"].sum())),
            ("IT-arbejdspladser i alt (inkl. hjemmearbejdspladser)", "n", seats),
            # A missing holder's seats count but its bookings do not: say so at the figure.
            ("Gennemsnitlig pris pr. IT-arbejdsplads" + (
                f" (ufuldstændig: {plural(len(c.missing), 'aftaleholder')} mangler)" if c.missing else ""),
             "kr", round_div(c.total_booked, seats) if seats else None),
            ("Bogføringer læst", "n", c.validation.rows),
            ("Fejl", "n", c.errors),
            ("Advarsler", "n", c.warnings),
            ("Filer læst", "n", sum(s.status == "ok" and s.kind != "faktura" for s in sources)),
            ("Filer der ikke kan bruges (se 'Kilder')", "n",
             sum(s.status == "unreadable" for s in sources)),
            ("Filer sprunget over", "n", sum(s.status == "skipped" for s in sources)),
        ]
        s = c.savings
        saving = [("Sparemål", "kr", s["target"]), ("Registrerede besparelser", "kr", s["registered"]),
                  ("Mangler i registeret i forhold til sparemålet", "kr", s["register_gap"]),
                  ("Realiseret ifølge bogføringerne", "kr", s["secured"]),
                  ("Mangler i forhold til sparemålet ifølge bogføringerne", "kr", s["secured_gap"])]
    else:
        key = [(label, "kr", None) for label in (
            "Bogført på IT-konti i alt", "Heraf centralt finansieret", "Centrale budgetter i alt",
            "Decentrale budgetter i alt", "Bogført på decentrale budgetlinjer")]
        saving = [(label, "kr", None) for label in (
            "Sparemål", "Registrerede besparelser", "Mangler i registeret i forhold til sparemålet",
            "Realiseret ifølge bogføringerne", "Mangler i forhold til sparemålet ifølge bogføringerne")]
    r = 4
    for label, kind, value in key:
        ws.write_string(r, 0, label, b.label)
        if value is not None:
            if kind == "kr":
                ws.write_number(r, 1, kr_float(value), b.kr_unit)
            else:
                ws.write_number(r, 1, value, b.whole_bold)
        r += 1
    r += 1
    b.note(ws, r, OVERRUN_NOTE)
    r += 2
    if c is not None and c.missing:
        r = _missing_section(b, ws, c, r)
    ws.write_string(r, 0, "Besparelser", b.section)
    r += 1
    for label, kind, value in saving:
        ws.write_string(r, 0, label, b.label)
        if value is not None:
            ws.write_number(r, 1, kr_float(value), b.kr_unit)
        r += 1
    r += 1
    ws.write_string(r, 0, "Budget og forbrug pr. kategori", b.section)
    cats = [] if c is None else [tuple(x) for x in c.categories.itertuples(index=False)]
    top = r + 1
    after = b.table(ws, top, [("Kategori", "s", 46), ("Budget (kr.)", "kr", 18),
                              ("Disponeret (kr.)", "kr", 18), ("Bogført (kr.)", "kr", 18),
                              ("Rest (kr.)", "kr", 18)],
                    [(k, bud, disp, bk, bud - disp - bk) for k, bud, disp, bk in cats],
                    name="Kategorier")
    if charts:
        n = max(1, len(cats))
        chart = b.wb.add_chart({"type": "column"})
        for col, name, color in ((1, "Budget", "#9DC3E6"), (3, "Bogført", BLUE)):
            chart.add_series({"name": name,
                              "categories": ["Overblik", top + 1, 0, top + n, 0],
                              "values": ["Overblik", top + 1, col, top + n, col],
                              "fill": {"color": color}, "gap": 80})
        chart.set_title({"name": "Budget og bogført pr. kategori"})
        chart.set_y_axis({"num_format": "#,##0", "name": "kr.",
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 760, "height": 340})
        ws.insert_chart(after + 1, 0, chart)
    ws.activate()


def _missing_section(b: _Book, ws, c, r: int) -> int:
    """Who has not returned a usable workbook or export, with the contact person to chase."""
    ws.write_string(r, 0, "Mangler", b.section)
    r += 1
    ws.write_string(r, 0, f"{plural(len(c.missing), 'aftaleholder')} har ikke returneret en brugbar "
                    "projektmappe eller eksport; tallene er derfor ufuldstændige.", b.label)
    r += 1
    for j, h in enumerate(("Aftaleholder", "Navn", "Kontaktperson")):
        ws.write_string(r, j, h, b.header)
    names = c.master.holder_by_id
    for h in c.missing:
        r += 1
        ws.write_string(r, 0, h)
        ws.write_string(r, 1, names[h].name)
        ws.write_string(r, 2, names[h].contact)
    return r + 2


def _central(b: _Book, c) -> None:
    ws = b.sheet("Central fordeling", "Centrale budgetlinjer og aftaleholdernes andele",
                 "Forbrug = alle aftaleholderes bogføringer på konti, der hører under linjen. "
                 + OVERRUN_NOTE)
    rows = [] if c is None else [
        (r.line, r.name, r.budget, r.commitments, r.used, r.remaining, r.uncovered,
         "ja" if r.per_workstation else "nej") for r in c.central.itertuples(index=False)]
    totals = None if c is None else (
        "I alt", "", int(c.central["budget"].sum()), int(c.central["commitments"].sum()),
        int(c.central["used"].sum()), int(c.central["remaining"].sum()),
        int(c.central["uncovered"].sum()), "")
    after = b.table(ws, 3, [("Budgetlinje", "s", 14), ("Navn", "w", 40), ("Budget (kr.)", "kr", 16),
                            ("Disponeret (kr.)", "kr", 16), ("Forbrug (kr.)", "kr", 16),
                            ("Rest (kr.)", "kr", 16), ("Ikke dækket ved bogføring (kr.)", "kr", 19),
                            ("Fordeles pr. arbejdsplads", "s", 14)],
                    rows, name="CentraleLinjer", totals=totals)
    ws.write_string(after + 1, 0, "Aftaleholdernes andele af forbruget", b.section)
    share_rows = []
    if c is not None:
        names = _holder_names(c)
        used = dict(zip(c.central["line"], c.central["used"]))
        for r in c.central_shares.itertuples(index=False):
            u = used.get(r.line, 0)
            share_rows.append((r.line, names.get(r.holder, ""), r.holder, r.amount,
                               r.amount / u if u else None))
    b.table(ws, after + 2, [("Budgetlinje", "s", 0), ("Navn", "s", 0), ("Aftaleholder", "s", 0),
                            ("Andel (kr.)", "kr", 0), ("Andel af forbrug", "p", 0)],
            share_rows, name="CentraleAndele", widths=False)
    ws.freeze_panes(4, 0)


def _budget_lines(b: _Book, c) -> None:
    ws = b.sheet("Budgetlinjer", "Aftaleholdernes budgetlinjer",
                 "Decentrale budgetlinjer pr. omkostningssted og konto. Rest = budget - disponeret - "
                 "bogført. Ikke dækket ved bogføring = bogført ud over budgettet.")
    rows = _lines_rows(c)
    b.table(ws, 3, [("Aftaleholder", "s", 13), ("Navn", "s", 26), ("Omkostningssted", "s", 16),
                    ("Konto", "s", 9), ("Kontonavn", "s", 22), ("Budget (kr.)", "kr", 15),
                    ("Disponeret (kr.)", "kr", 15), ("Bogført (kr.)", "kr", 15),
                    ("Rest (kr.)", "kr", 15), ("Ikke dækket ved bogføring (kr.)", "kr", 18),
                    ("Status", "s", 13)],
            rows, name="Budgetlinjer")
    n = len(rows)
    if n:
        ws.conditional_format(4, 10, 3 + n, 10, {"type": "cell", "criteria": "!=",
                                                "value": '"ok"', "format": b.red})
    ws.freeze_panes(4, 0)


def _findings(b: _Book, c) -> None:
    ws = b.sheet("Fund", "Alle fund", "Filtrér på aftaleholder for at sende hver aftaleholder sine "
                 "fund, eller på fil, regel eller alvorlighed, med pilene i overskrifterne.")
    b.table(ws, 3, [("Fil", "s", 26), ("Ark", "s", 13), ("Række", "n", 8), ("Bilag", "s", 10),
                    ("Aftaleholder", "s", 13), ("Navn", "s", 22), ("Kontaktperson", "s", 24),
                    ("Beløb (kr.)", "kr", 14), ("Regel", "s", 9),
                    ("Alvorlighed", "s", 11), ("Besked", "w", 90)],
            _findings_rows(c), name="Fund")
    ws.freeze_panes(4, 0)


def _workstations(b: _Book, c, charts: bool) -> None:
    ws = b.sheet("Arbejdspladser", "Hvad koster en IT-arbejdsplads?",
                 "Direkte = aftaleholderens egne IT-bogføringer; fordelt = andel af centrale linjer, "
                 "der fordeles pr. arbejdsplads (efter arbejdspladser + hjemmearbejdspladser). "
                 "Kommunefælles systemer (fx amtssystemer, den centrale pulje) vises for sig; "
                 "arbejdspladsomkostning = hardware, licenser, support og telefoni.",
                 repeat_header=False)
    rows, totals = [], None
    if c is not None:
        w = c.workstations
        rows = [(r.holder, r.name, r.workstations, r.home_workstations, r.seats, r.direct,
                 r.allocated, r.total, r.per_workstation,
                 "" if r.complete else "ufuldstændig: intet returneret",
                 r.central_systems, r.it_per_workstation, r.workplace, r.workplace_per_workstation)
                for r in w.itertuples(index=False)]
        seats = int(w["seats"].sum())
        total = int(w["total"].sum())
        totals = ("I alt", "", int(w["workstations"].sum()), int(w["home_workstations"].sum()),
                  seats, int(w["direct"].sum()), int(w["allocated"].sum()), total,
                  round_div(total, seats) if seats else None, "", int(w["central_systems"].sum()),
                  round_div(int(w["it_cost"].sum()), seats) if seats else None,
                  int(w["workplace"].sum()),
                  round_div(int(w["workplace"].sum()), seats) if seats else None)
    after = b.table(ws, 3, [("Aftaleholder", "s", 13), ("Navn", "s", 28), ("Arbejdspladser", "n", 15),
                            ("Hjemmearbejdspladser", "n", 21), ("Pladser i alt", "n", 13),
                            ("Direkte (kr.)", "kr", 16), ("Fordelt (kr.)", "kr", 16),
                            ("I alt (kr.)", "kr", 16), ("Pr. arbejdsplads (kr.)", "kr", 21),
                            ("Bemærkning", "s", 28), ("Kommunefælles systemer (kr.)", "kr", 18),
                            ("IT pr. arbejdsplads uden kommunefælles (kr.)", "kr", 20),
                            ("Arbejdspladsomkostning (kr.)", "kr", 18),
                            ("Arbejdspladsomkostning pr. arbejdsplads (kr.)", "kr", 20)],
                    rows, name="Arbejdspladser", totals=totals)
    if charts:
        n = max(1, len(rows))
        chart = b.wb.add_chart({"type": "bar"})
        # IT cost per workstation with the municipality-wide systems apart (docs/figures.md).
        chart.add_series({"name": "IT pr. arbejdsplads uden kommunefælles",
                          "categories": ["Arbejdspladser", 4, 1, 3 + n, 1],
                          "values": ["Arbejdspladser", 4, 11, 3 + n, 11],
                          "fill": {"color": BLUE}, "gap": 60})
        chart.set_title({"name": "Omkostning pr. IT-arbejdsplads"})
        chart.set_x_axis({"num_format": "#,##0", "name": "kr. pr. arbejdsplads",
                          "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
        chart.set_y_axis({"reverse": True, "crossing": "max", "interval_unit": 1,
                          "num_font": {"size": 7}})
        chart.set_legend({"none": True})
        chart.set_size({"width": 760, "height": max(300, 90 + 26 * n)})
        ws.set_h_pagebreaks([after + 1])  # the chart starts on a page of its own
        ws.insert_chart(after + 1, 0, chart)
    ws.freeze_panes(4, 0)


def _county(b: _Book, c) -> None:
    ws = b.sheet("Amtssystemer", "Systemer overtaget fra amtet",
                 "Bogført ved siden af kompensationen via bloktilskuddet. Ud over bloktilskuddet = "
                 "bogført - bloktilskud (positiv: ikke kompenseret).")
    rows = [] if c is None else [tuple(r) for r in c.county.itertuples(index=False)]
    totals = None if c is None or not rows else (
        "I alt", "", "", int(c.county["booked"].sum()), int(c.county["block_grant"].sum()),
        int(c.county["difference"].sum()))
    b.table(ws, 3, [("Konto", "s", 10), ("Navn", "s", 30), ("Kategori", "s", 16),
                    ("Bogført (kr.)", "kr", 16), ("Bloktilskud (kr.)", "kr", 17),
                    ("Ud over bloktilskuddet (kr.)", "kr", 19)], rows, name="Amtssystemer",
            totals=totals)


def _savings(b: _Book, c) -> None:
    ws = b.sheet("Besparelser", "Besparelser: register og bogføringer",
                 "Et tiltag regnes som realiseret, så længe dets budgetlinje ikke er overskredet; "
                 "en overskridelse spiser af besparelsen krone for krone.")
    status_da = {"holder": "realiseret", "delvist": "delvist realiseret",
                 "ikke holdt": "ikke realiseret",
                 "ukendt": "kan ikke følges (ingen konto)"}
    rows = [] if c is None else [
        (m["measure"], m["account"], m["cost_centre"], m["amount"], m["budget"], m["booked"],
         m["overrun"], m["secured"], status_da.get(m["status"], m["status"]))
        for m in c.savings["measures"]]
    totals = None if c is None else ("I alt", "", "", c.savings["registered"], None, None, None,
                                     c.savings["secured"], "")
    b.table(ws, 3, [("Tiltag", "s", 30), ("Konto", "s", 9), ("Omkostningssted", "s", 16),
                    ("Besparelse (kr.)", "kr", 16), ("Budget (kr.)", "kr", 15),
                    ("Bogført (kr.)", "kr", 15), ("Overskridelse (kr.)", "kr", 18),
                    ("Realiseret (kr.)", "kr", 15), ("Status", "s", 26)], rows, name="Besparelser",
            totals=totals)


def _sources(b: _Book, c) -> None:
    ws = b.sheet("Kilder", "Filerne i mappen", "Filer der ikke kan bruges, er ikke talt med; beskeden siger hvorfor.")
    rows = _source_rows(c)
    b.table(ws, 3, [("Fil", "s", 30), ("Status", "s", 16), ("Type", "s", 24), ("Aftaleholder", "s", 13),
                    ("Skabelonversion", "n", 15), ("Rækker", "n", 9), ("Besked", "w", 80)],
            rows, name="Kilder")
    if rows:
        ws.conditional_format(4, 1, 3 + len(rows), 1, {"type": "cell", "criteria": "==",
                                                       "value": '"kan ikke bruges"', "format": b.red})
    ws.freeze_panes(4, 0)


def _invoices(b: _Book, c) -> None:
    ws = b.sheet("Fakturaer", "E-fakturaer (OIOUBL) og deres EAN",
                 "Hver faktura i mappen: køberens EAN, aftaleholder, match med bogføringerne og fund.")
    cols, rows = _invoice_table(c)
    b.table(ws, 3, cols, rows, name="Fakturaer")
    ws.freeze_panes(4, 0)


def _write(path: Path, c, charts: bool = True) -> None:
    b = _Book(path)
    b.wb.set_properties({"title": "IT-konsolidering", "author": "itbudget",
                         "comments": "Dannet af itbudget consolidate"})
    _overview(b, c, charts)
    _central(b, c)
    _budget_lines(b, c)
    followup.consolidation_sheet(b, c, charts)  # Budgetopfølgning (issue 17)
    _findings(b, c)
    _workstations(b, c, charts)
    _county(b, c)
    _savings(b, c)
    _sources(b, c)
    _invoices(b, c)
    b.close()


def write_consolidation(consolidation, path: Path | str) -> Path:
    """Write the consolidation workbook to ``path`` atomically; returns the path."""
    path = Path(path)
    try:
        with atomic_path(path) as tmp:
            _write(tmp, consolidation)
    except OSError as exc:
        raise UnusableInput(f"{path}: konsolideringsprojektmappen kunne ikke skrives "
                            f"({os_reason(exc)}).") from exc
    return path


def write_blank_consolidation(path: Path | str) -> Path:
    """The consolidation workbook's layout with no data (for ``itbudget templates``)."""
    path = Path(path)
    with atomic_path(path) as tmp:
        _write(tmp, None)
    return path


# --------------------------------------------------------------------------- consumption lists

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def consumption_list_name(holder_id: str, name: str) -> str:
    """``<holder id> <name> forbrugsliste.xlsx``, with characters no file system allows removed."""
    text = _UNSAFE.sub(" ", f"{holder_id} {name}".strip())
    text = re.sub(r"\s+", " ", text).strip(" .")[:120]
    return f"{text} forbrugsliste.xlsx"


def _write_list(path: Path, m: MasterData, holder, rows: pd.DataFrame) -> None:
    acc = m.account_by_id
    b = _Book(path)
    b.wb.set_properties({"title": f"Forbrugsliste {holder.id} {holder.name}", "author": "itbudget"})
    ws = b.sheet("Forbrugsliste", f"Forbrugsliste {m.year}: {holder.id} {holder.name}",
                 "Jeres bogføringer på centralt finansierede IT-konti (fx telefoni). "
                 "Budgettet holdes centralt af IT-staben.")
    data = [(r.date, r.voucher, r.cost_centre, r.account, acc[r.account].name if r.account in acc else "",
             r.central_line, r.amount, r.text, r.supplier, r.invoice_no)
            for r in rows.itertuples(index=False)]
    total = int(rows["amount"].sum()) if len(rows) else 0
    b.table(ws, 3, [("Dato", "d", 12), ("Bilag", "s", 10), ("Omkostningssted", "s", 16),
                    ("Konto", "s", 9), ("Kontonavn", "s", 32), ("Central budgetlinje", "s", 12),
                    ("Beløb (kr.)", "kr", 15), ("Tekst", "s", 36), ("Leverandør", "s", 22),
                    ("Fakturanr", "s", 13)], data, name="Forbrug",
            totals=("I alt", "", "", "", "", "", total, "", "", "") if data else None)
    ws.freeze_panes(4, 0)

    ws2 = b.sheet("Pr. konto og måned", f"Forbrug pr. konto og måned {m.year}: {holder.id} {holder.name}")
    month = rows["date"].to_numpy().astype("datetime64[M]").astype(np.int64) % 12 if len(rows) else []
    pivot: dict[str, list[int]] = {}
    for a, mo, amt in zip(rows["account"], month, rows["amount"]):
        pivot.setdefault(a, [0] * 12)[int(mo)] += int(amt)
    prow = [(a, acc[a].name if a in acc else "", *vals, sum(vals)) for a, vals in sorted(pivot.items())]
    cols = [("Konto", "s", 9), ("Kontonavn", "s", 32)] + [(f"{mn} (kr.)", "kr", 12) for mn in _MONTHS_DA] \
        + [("I alt (kr.)", "kr", 14)]
    col_totals = ("I alt", "", *[sum(p[2 + i] for p in prow) for i in range(13)]) if prow else None
    b.table(ws2, 3, cols, prow, name="PrMaaned", totals=col_totals)
    b.close()


#: The fewest lists worth worker processes, by how workers start. fork shares
#: the consolidation with the workers for free (one list takes about 0.1 s at
#: 200,000 bookings); spawn and forkserver would pickle every booking to each
#: worker and import pandas again there: lists are then written in this process.
LISTS_PARALLEL_MIN = {"fork": 4}


def _list_job(shared: tuple[MasterData, Callable[[str], pd.DataFrame]], job: tuple[str, Path]) -> None:
    """One holder's list, written atomically; a file-system failure as a Danish message."""
    (master, bookings_of), (holder_id, path) = shared, job
    try:
        with atomic_path(path) as tmp:
            _write_list(tmp, master, master.holder_by_id[holder_id], bookings_of(holder_id))
    except OSError as exc:
        raise UnusableInput(f"{path}: forbrugslisten til aftaleholder {holder_id} kunne ikke "
                            f"skrives ({os_reason(exc)}).") from exc


def _list_crashed(job: tuple[str, Path], exc: BaseException) -> str:
    return (f"{job[1]}: forbrugslisten til aftaleholder {job[0]} kunne ikke skrives; "
            f"skriveprocessen stoppede uventet ({type(exc).__name__}).")


def write_consumption_lists(master: MasterData, bookings_of: Callable[[str], pd.DataFrame],
                            listdir: Path | str, *, workers: int | None = None,
                            meanwhile: Callable[[], None] | None = None) -> list[Path]:
    """One consumption list per holder of ``master`` in ``listdir``; each written atomically. Returns the paths.

    ``bookings_of(holder_id)`` gives the rows a holder's list shows, in the
    order shown (the use case decides which: :mod:`itbudget.operations.consolidating`).
    A holder with no central bookings still gets a list (saying so with an
    empty table), so finance can send every holder its list. Lists are written
    by worker processes where they fork (``workers``, default: every core);
    ``meanwhile()``, if given, runs in this process while they write (the
    consolidation workbook), else before the lists. A list that cannot be
    written stops the run with an :class:`UnusableInput` naming it.
    """
    listdir = Path(listdir)
    listdir.mkdir(parents=True, exist_ok=True)
    jobs = [(h.id, listdir / consumption_list_name(h.id, h.name))
            for h in sorted(master.holders, key=lambda h: id_order_key(h.id))]
    return parallel.write_all(_list_job, (master, bookings_of), jobs, workers=workers,
                              min_jobs=LISTS_PARALLEL_MIN, crashed=_list_crashed, meanwhile=meanwhile)
