"""The budget follow-up in the holder workbook's ``Budget`` sheet, as native formulas.

Columns after the existing ones (see :data:`FOLLOWUP_HEADERS`): Ændringer (the
line's rows of the embedded ``Budgetændringer`` dated on or before the follow-up
date), Korrigeret budget, Periodiseret til dato (the embedded ``Periodisering``
row's share through the follow-up month; empty for a line without one),
Fremskrivning, and the unlocked input column Forventet regnskab where the holder
types the estimate. The follow-up date (named ``Opfoelgningsdato``) is the latest
booking date in the budget year, as ``itbudget validate`` uses by default; the
formulas round each fraction to øre once, halves away from zero (Excel's ROUND),
as :mod:`itbudget.followup` does.

A small month table beside the summary (booked and phased budget, cumulative)
feeds a native line chart.
"""

from __future__ import annotations

from openpyxl.chart import LineChart, Reference
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName

from itbudget.budget_changes import CHANGES_SHEET, MONTH_NAMES, PHASING_SHEET
from itbudget.followup import ESTIMATE_HEADER
from itbudget.master import MasterData
from itbudget.presentation import kr_float

from . import styles

FOLLOWUP_HEADERS = ["Ændringer", "Korrigeret budget", "Periodiseret til dato", "Fremskrivning",
                    ESTIMATE_HEADER]
AS_OF_NAME = "Opfoelgningsdato"


def as_of_formula(dates: str, year: str) -> str:
    """The latest booking date in the budget year (1 January without one), as a day."""
    latest = f'_xlfn.MAXIFS({dates},{dates},">="&DATE({year},1,1),{dates},"<"&DATE({year}+1,1,1))'
    return f"=IF({latest}=0,DATE({year},1,1),INT({latest}))"


def _rng(sheet: str, col: str, last: int) -> str:
    return f"{quote_sheetname(sheet)}!${col}$2:${col}${last}"


def line_formulas(r: int, n_phasing: int, n_changes: int) -> list[tuple[str, str]]:
    """The formulas of Budget row ``r`` for the follow-up columns J..M (A: cost centre, C: account)."""
    a = AS_OF_NAME
    ch_last, ph_last = max(2, n_changes + 1), max(2, n_phasing + 1)
    changes = (f'=SUMIFS({_rng(CHANGES_SHEET, "E", ch_last)},{_rng(CHANGES_SHEET, "B", ch_last)},$A{r},'
               f'{_rng(CHANGES_SHEET, "C", ch_last)},$C{r},{_rng(CHANGES_SHEET, "A", ch_last)},"<="&{a})')
    ph = quote_sheetname(PHASING_SHEET)
    match = f'({_rng(PHASING_SHEET, "A", ph_last)}=$A{r})*({_rng(PHASING_SHEET, "B", ph_last)}=$C{r})'
    months = f"{ph}!$D$2:$O${ph_last}"
    through = f"(COLUMN({months})-COLUMN({ph}!$D$2)+1<=MONTH({a}))"
    phased = (f'=IF(COUNTIFS({_rng(PHASING_SHEET, "A", ph_last)},$A{r},{_rng(PHASING_SHEET, "B", ph_last)},$C{r})=0,"",'
              f"ROUND(K{r}*SUMPRODUCT({match}*{through}*{months})/SUMPRODUCT({match}*{months}),2))")
    projection = f'=G{r}+F{r}+IF(L{r}="",ROUND(G{r}*(12-MONTH({a}))/MONTH({a}),2),K{r}-L{r})'
    return [(changes, styles.KR), (f"=E{r}+J{r}", styles.KR), (phased, styles.KR), (projection, styles.KR)]


def write_line(ws, r: int, master: MasterData, first_col: int) -> None:
    """Row ``r``'s follow-up cells from column ``first_col`` on; the estimate cell unlocked."""
    for k, (formula, fmt) in enumerate(line_formulas(r, len(master.phasings), len(master.changes))):
        ws.cell(row=r, column=first_col + k, value=formula).number_format = fmt
    estimate = ws.cell(row=r, column=first_col + len(FOLLOWUP_HEADERS) - 1)
    estimate.number_format = styles.KR
    estimate.protection = styles.UNLOCKED


def add_validations(ws, first_col: int, last: int) -> None:
    col = get_column_letter(first_col + len(FOLLOWUP_HEADERS) - 1)
    dv = styles.amount_validation("Skriv dit forventede regnskab for linjen i kr. og øre, fx 12500,00.")
    dv.errorStyle = "warning"  # a text is a finding at Valider, not a refused cell
    dv.add(f"{col}2:{col}{max(2, last)}")
    ws.add_data_validation(dv)


def define_as_of(wb, ws, cell: str) -> None:
    wb.defined_names[AS_OF_NAME] = DefinedName(
        AS_OF_NAME, attr_text=f"{quote_sheetname(ws.title)}!${cell[0]}${cell[1:]}")


def month_chart(ws, master: MasterData, label_col: int, first_row: int, booked_formula, title: str) -> None:
    """A month table (cumulative booked, cumulative phased budget) at ``label_col``/``first_row`` and its chart.

    The phased budget per month is the core's: each phased line's budget as of the
    month's end × its share through the month, each unphased line's by twelfths.
    """
    from itbudget.followup import phased_by_month

    lc = label_col
    heads = ("Måned", "Bogført (akk.)", "Periodiseret budget (akk.)")
    for j, h in enumerate(heads):
        c = ws.cell(row=first_row, column=lc + j, value=h)
        c.font, c.fill = styles.HEADER_FONT, styles.HEADER_FILL
    phased = phased_by_month(master)
    for m in range(1, 13):
        r = first_row + m
        ws.cell(row=r, column=lc, value=MONTH_NAMES[m - 1].capitalize())
        ws.cell(row=r, column=lc + 1, value=booked_formula(m)).number_format = styles.KR
        ws.cell(row=r, column=lc + 2, value=kr_float(phased[m - 1])).number_format = styles.KR
    chart = LineChart()
    chart.title = title
    chart.y_axis.title = "kr."
    chart.height, chart.width = 7.5, 16
    data = Reference(ws, min_col=lc + 1, max_col=lc + 2, min_row=first_row, max_row=first_row + 12)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=lc, min_row=first_row + 1, max_row=first_row + 12))
    ws.add_chart(chart, f"{get_column_letter(lc)}{first_row + 14}")


# --------------------------------------------------------------------------- consolidation workbook

FOLLOWUP_SHEET = "Budgetopfølgning"


def _line_name(c, r) -> tuple[str, str]:
    if r.cost_centre:
        acc = c.master.account_by_id.get(r.account)
        return f"{r.cost_centre}/{r.account}", acc.name if acc else ""
    line = c.master.central_line_by_id.get(r.central_line)
    return f"central {r.central_line}", line.name if line else ""


def followup_rows(c) -> list[tuple]:
    """One row per budget line (decentral, then central) of the consolidation's follow-up."""
    from itbudget.allocation import id_order_key
    from itbudget.followup import deviation, over_budget

    if c is None:
        return []
    rows = []
    for r in c.validation.lines.itertuples(index=False):
        name, title = _line_name(c, r)
        over = over_budget(r.revised_budget, r.projection, r.estimate)
        rows.append((r.holder, name, title, r.budget, r.revised_budget - r.budget, r.revised_budget,
                     r.booked_to_date, r.commitments, r.phased_to_date, r.projection, r.estimate,
                     deviation(r.revised_budget, r.projection, r.estimate),
                     "over budget" if over else "ok"))
    rows.sort(key=lambda x: (x[0] == "", id_order_key(x[0]), x[1]))
    return rows


def booked_by_month(c) -> list[int | None]:
    """Booked on budget lines, cumulative through each month's end; None after the follow-up month."""
    import numpy as np

    f = c.ledger
    on = f["line"].to_numpy(dtype=object) != ""
    months = f["date"].to_numpy()[on].astype("datetime64[M]").astype(np.int64) % 12
    sums = np.zeros(12, dtype=np.int64)
    np.add.at(sums, months, f["amount"].to_numpy()[on])
    cum = np.cumsum(sums).tolist()
    last = c.validation.as_of.month if c.validation.as_of else 12
    return [int(v) if m < last else None for m, v in enumerate(cum)]


def consolidation_sheet(b, c, charts: bool) -> None:
    """The ``Budgetopfølgning`` sheet of the consolidation workbook (a ``_Book`` from consolidation.py)."""
    from itbudget.followup import phased_by_month

    as_of = f" pr. {c.validation.as_of:%d-%m-%Y}" if c is not None and c.validation.as_of else ""
    ws = b.sheet(FOLLOWUP_SHEET, "Budgetopfølgning" + as_of,
                 "Korrigeret budget = budget + ændringer til og med datoen. Fremskrivning = bogført + disponeret "
                 "+ forventet rest. Forventet afvigelse = korrigeret budget − skøn (uden skøn: − fremskrivning). "
                 "Rødt: fremskrivning eller skøn over korrigeret budget.")
    rows = followup_rows(c)
    b.table(ws, 3, [("Aftaleholder", "s", 13), ("Linje", "s", 16), ("Navn", "s", 24),
                    ("Budget (kr.)", "kr", 15), ("Ændringer (kr.)", "kr", 15),
                    ("Korrigeret budget (kr.)", "kr", 16), ("Bogført (kr.)", "kr", 15),
                    ("Disponeret (kr.)", "kr", 15), ("Periodiseret til dato (kr.)", "kr", 16),
                    ("Fremskrivning (kr.)", "kr", 16), ("Aftaleholderens skøn (kr.)", "kr", 16),
                    ("Forventet afvigelse (kr.)", "kr", 16), ("Status", "s", 12)],
            rows, name="Budgetopfoelgning")
    n = len(rows)
    if n:
        ws.conditional_format(4, 0, 3 + n, 12, {"type": "formula", "criteria": '=$M5="over budget"',
                                                "format": b.red})
    ws.freeze_panes(4, 0)
    if c is None:
        return
    top = 3 + max(1, n) + 3
    ws.write_string(top - 1, 0, "Bogført og periodiseret budget pr. måned, akkumuleret (hele IT-budgettet)", b.section)
    booked, phased = booked_by_month(c), phased_by_month(c.master, central=True)
    months = ["jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    month_rows = [(m, bk, ph) for m, bk, ph in zip(months, booked, phased)]
    b.table(ws, top, [("Måned", "s", 0), ("Bogført (kr.)", "kr", 0), ("Periodiseret budget (kr.)", "kr", 0)],
            month_rows, name="Maanedsforloeb", widths=False)
    if charts:
        chart = b.wb.add_chart({"type": "line"})
        for col, name, color in ((1, "Bogført", "#1F4E78"), (2, "Periodiseret budget", "#9DC3E6")):
            chart.add_series({"name": name, "categories": [FOLLOWUP_SHEET, top + 1, 0, top + 12, 0],
                              "values": [FOLLOWUP_SHEET, top + 1, col, top + 12, col],
                              "line": {"color": color, "width": 2.25}})
        chart.set_title({"name": "Bogført og periodiseret budget pr. måned"})
        chart.set_y_axis({"num_format": "#,##0", "name": "kr."})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 760, "height": 340})
        ws.insert_chart(top + 14, 0, chart)
