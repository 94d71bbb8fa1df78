"""ITB001 and ITB002: the required fields are there and readable; the date is in the year."""

from __future__ import annotations

import numpy as np

from ..parsing import clean_id
from .messages import Field, text_array
from .registry import rule

#: ITB001's checks, in the order its message names them: (what is wrong, its text).
_REQUIRED = (
    (lambda c: c["date_blank"], "Dato mangler"),
    (lambda c: ~c["date_blank"] & ~c["date_ok"],
     lambda c, at: [f"Dato '{clean_id(v)}' kan ikke læses som dato (brug dd-mm-åååå)" for v in c["date_raw"][at]]),
    (lambda c: c["cost_centre"] == "", "Omkostningssted mangler"),
    (lambda c: c["account"] == "", "Konto mangler"),
    (lambda c: c["amount_blank"], "Beløb mangler"),
    (lambda c: ~c["amount_blank"] & ~c["amount_ok"],
     lambda c, at: [f"Beløb '{clean_id(v)}' kan ikke læses som kr. og øre (højst to decimaler, fx 1.234,50)"
                    for v in c["amount_raw"][at]]),
)
_REQUIRED_COLUMNS = ("date_blank", "date_ok", "date_raw", "cost_centre", "account", "amount_blank",
                     "amount_ok", "amount_raw")


def _any_missing(c) -> np.ndarray:
    out = np.zeros(len(c["date_ok"]), dtype=bool)
    for flags, _ in _REQUIRED:
        out |= flags(c)
    return out


def _what_is_missing(master, c, positions: np.ndarray) -> np.ndarray:
    """Each hit's problems joined by "; ". Raw cells are cleaned one by one, as they were read."""
    out = text_array([""])[np.zeros(len(positions), dtype=np.intp)]
    for flags, text in _REQUIRED:
        at = np.flatnonzero(flags(c)[positions])
        if not len(at):
            continue
        part = text_array([text] * len(at) if isinstance(text, str) else text(c, positions[at]))
        before = out[at]
        out[at] = np.where(before == "", part, before + "; " + part)
    return out


rule("ITB001", "error", "Påkrævet felt mangler eller kan ikke læses",
     mask=_any_missing,
     # The account's contact when the account is known, else Økonomistaben (as ITB003/ITB004).
     message="{missing}. Ret rækken.{contact_hint}",
     fields=[Field("missing", _REQUIRED_COLUMNS, rows=_what_is_missing)])

rule("ITB002", "error", "Dato uden for budgetåret",
     mask=lambda c: c["date_ok"] & ~c["in_year"],
     message="Datoen {date:date} ligger uden for budgetåret {budget_year}; bogføringen tæller "
             "ikke med i årets budget.{contact_hint}",
     fields=[Field("budget_year", (), lambda master: str(master.year))])
