"""The budget through the year: monthly phasing and dated budget changes.

Two optional master-data sheets (DOMAIN.md):

* ``Periodisering``: a line's year budget spread over the months, in per cent
  (summing to 100 ± 0.01); a line without a row is not phased;
* ``Budgetændringer``: dated changes to a line's budget, a ``tillæg`` (extra
  appropriation), an ``omplacering`` (moved between lines; the rows of one
  Reference sum to 0 kr.) or an ``overførsel`` (last year's surplus or deficit).

A row names a decentral line (Omkostningssted + Konto) or a central line
(Budgetlinje), never both. :func:`read_followup` checks every row and reports
each problem with its sheet and Excel row through the master-data collector;
:class:`MasterData` carries the records (``phasings``, ``changes``).

Shares are kept as exact fractions: the cumulative share through month m is
the sum of the months through m divided by the sum of all twelve, so December
is always exactly the whole budget even when the row sums to 99.99.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Literal

from pydantic import BaseModel, ConfigDict

from .parsing import clean_id
from .presentation import format_kr

MONTHS = ("Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec")
#: The months' Danish names, for messages.
MONTH_NAMES = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
               "oktober", "november", "december")
PHASING_SHEET = "Periodisering"
CHANGES_SHEET = "Budgetændringer"
CHANGE_TYPES = ("tillæg", "omplacering", "overførsel")

#: The two sheets as master.SHEETS declares sheets: (required columns, optional columns).
FOLLOWUP_SHEETS: dict[str, tuple[list[str], list[str]]] = {
    PHASING_SHEET: (["Jan", "Feb", "Mar", "Apr", "Maj", "Jun", "Jul", "Aug", "Sep", "Okt", "Nov", "Dec"],
                    ["Omkostningssted", "Konto", "Budgetlinje"]),
    CHANGES_SHEET: (["Dato", "Beløb", "Type"],
                    ["Omkostningssted", "Konto", "Budgetlinje", "Reference", "Tekst"]),
}
#: The columns the template writes, in order.
FOLLOWUP_COLUMNS: dict[str, list[str]] = {
    PHASING_SHEET: ["Omkostningssted", "Konto", "Budgetlinje", *MONTHS],
    CHANGES_SHEET: ["Dato", "Omkostningssted", "Konto", "Budgetlinje", "Beløb", "Type",
                    "Reference", "Tekst"],
}
#: The tolerance on a phasing row's sum, in per cent.
SUM_TOLERANCE = Fraction(1, 100)


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)


class LineRef(_Record):
    """A budget line named by a row: decentral (cost centre, account) or central (line id)."""

    cost_centre: str = ""
    account: str = ""
    central_line: str = ""

    @property
    def label(self) -> str:
        """The line as users name it: ``1100/2210`` or ``central T1``."""
        return f"{self.cost_centre}/{self.account}" if self.cost_centre else f"central {self.central_line}"


class Phasing(_Record):
    """One line's monthly phasing: twelve per cent values (exact fractions)."""

    line: LineRef
    percents: tuple[Fraction, ...]

    def cumulative(self, month: int) -> Fraction:
        """The share of the year's budget phased through ``month`` (1-12), 0..1."""
        total = sum(self.percents)
        return sum(self.percents[:month]) / total if total else Fraction(0)


class BudgetChange(_Record):
    """One dated change to a line's budget, in øre (positive adds budget)."""

    date: dt.date
    line: LineRef
    amount: int
    kind: Literal["tillæg", "omplacering", "overførsel"]
    reference: str = ""
    text: str = ""


def parse_percent(value: object) -> Fraction | None:
    """A per cent value as an exact fraction (``8,33``, ``8.33``, ``8,33 %``, a number); None if unreadable."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        text = repr(value)
    else:
        text = clean_id(value).replace("%", "").replace(" ", "").replace(",", ".")
    if text == "":
        return Fraction(0)
    try:
        d = Decimal(text)
    except InvalidOperation:
        return None
    return Fraction(d) if d.is_finite() else None


def _percent_text(p: Fraction) -> str:
    return f"{float(p):.2f}".replace(".", ",")


def _line_ref(c, sheet: str, row: int, r: dict, decentral: set, central: set) -> LineRef | None:
    """The line a row names, or None after reporting why it names none."""
    cc, acc, line = c.text(r.get("Omkostningssted")), c.text(r.get("Konto")), c.text(r.get("Budgetlinje"))
    if line and (cc or acc):
        c.add(sheet, row, "rækken skal enten have Omkostningssted og Konto (en decentral linje) "
                          "eller en Budgetlinje (en central linje), ikke begge.")
        return None
    if line:
        if line not in central:
            c.add(sheet, row, f"den centrale budgetlinje '{line}' findes ikke i 'Centrale budgetter'.")
            return None
        return LineRef(central_line=line)
    if not (cc and acc):
        c.add(sheet, row, "rækken skal have både Omkostningssted og Konto (en decentral linje) "
                          "eller en Budgetlinje (en central linje).")
        return None
    if (cc, acc) not in decentral:
        c.add(sheet, row, f"budgetlinjen {cc}/{acc} findes ikke i arket 'Budget'.")
        return None
    return LineRef(cost_centre=cc, account=acc)


def read_phasings(c, records, decentral: set, central: set) -> list[Phasing]:
    out, seen = [], {}
    for row, r in records:
        line = _line_ref(c, PHASING_SHEET, row, r, decentral, central)
        values = [parse_percent(r.get(m)) for m in MONTHS]
        bad = [m for m, v in zip(MONTHS, values) if v is None or v < 0]
        if bad:
            c.add(PHASING_SHEET, row, f"{', '.join(bad)} skal være en procentsats, 0 eller større.")
            continue
        total = sum(values)
        if abs(total - 100) > SUM_TOLERANCE:
            c.add(PHASING_SHEET, row, f"månederne summer til {_percent_text(total)} %, ikke 100 %.")
            continue
        if line is None:
            continue
        if line in seen:
            c.add(PHASING_SHEET, row, f"linjen {line.label} er allerede periodiseret i række {seen[line]}.")
            continue
        seen[line] = row
        out.append(Phasing(line=line, percents=tuple(values)))
    return out


def read_changes(c, records, decentral: set, central: set, year: int, *,
                 check_netting: bool = True) -> list[BudgetChange]:
    """The changes, checked; ``check_netting`` off for one holder's part (the counterparts are elsewhere)."""
    out: list[BudgetChange] = []
    moves: dict[str, list[tuple[int, int]]] = {}  # Reference -> [(row, amount)]
    for row, r in records:
        line = _line_ref(c, CHANGES_SHEET, row, r, decentral, central)
        day = c.date(CHANGES_SHEET, row, "Dato", r.get("Dato"))
        if day is None and clean_id(r.get("Dato")) == "":
            c.add(CHANGES_SHEET, row, "Dato mangler.")
        elif day is not None and year and day.year != year:
            c.add(CHANGES_SHEET, row, f"datoen {day:%d-%m-%Y} ligger uden for budgetåret {year}.")
            day = None
        if clean_id(r.get("Beløb")) == "":
            c.add(CHANGES_SHEET, row, "Beløb mangler.")
            amount = None
        else:
            before = len(c.problems)
            amount = c.amount(CHANGES_SHEET, row, "Beløb", r.get("Beløb"))
            amount = None if len(c.problems) > before else amount
        kind = c.text(r.get("Type")).casefold()
        if kind not in CHANGE_TYPES:
            c.add(CHANGES_SHEET, row, f"Type skal være 'tillæg', 'omplacering' eller 'overførsel', "
                                      f"ikke '{c.text(r.get('Type'))}'.")
            kind = None
        reference = c.text(r.get("Reference"))
        if kind == "omplacering":
            if reference == "":
                c.add(CHANGES_SHEET, row, "en omplacering skal have en Reference, som dens rækker deler.")
            elif amount is not None:
                moves.setdefault(reference, []).append((row, amount))
        if line is None or day is None or amount is None or kind is None:
            continue
        out.append(BudgetChange(date=day, line=line, amount=amount, kind=kind, reference=reference,
                                text=c.text(r.get("Tekst"))))
    if check_netting:
        for reference, rows in moves.items():
            total = sum(a for _, a in rows)
            if total:
                where = ", ".join(str(rw) for rw, _ in rows)
                c.add(CHANGES_SHEET, rows[0][0],
                      f"omplaceringen '{reference}' (række {where}) summer til {format_kr(total)}, "
                      "ikke 0,00 kr.; en omplacering flytter budget mellem linjer og skal gå i nul.")
    return out


def read_followup(c, tables: dict, decentral: set, central: set, year: int,
                  holder_scope: str) -> tuple[tuple[Phasing, ...], tuple[BudgetChange, ...]]:
    """Both sheets, checked against the known lines; absent sheets give no records."""
    def recs(sheet):
        t = tables.get(sheet)
        return list(t.records()) if t is not None else []

    phasings = read_phasings(c, recs(PHASING_SHEET), decentral, central)
    changes = read_changes(c, recs(CHANGES_SHEET), decentral, central, year,
                           check_netting=not holder_scope)
    return tuple(phasings), tuple(changes)


def phasing_rows(phasings) -> list[list]:
    """``Periodisering`` rows (no header) for the template writers."""
    return [[p.line.cost_centre, p.line.account, p.line.central_line,
             *[float(v) if v.denominator != 1 else int(v) for v in p.percents]] for p in phasings]


def change_rows(changes, kr_value) -> list[list]:
    """``Budgetændringer`` rows (no header) for the template writers."""
    return [[x.date, x.line.cost_centre, x.line.account, x.line.central_line, kr_value(x.amount),
             x.kind, x.reference, x.text] for x in changes]
