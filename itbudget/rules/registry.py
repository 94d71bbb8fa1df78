"""The rule registry: :class:`Hits`, :class:`Rule`, the :func:`rule` decorator and :data:`RULES`.

Its own module so that each rule module imports it without importing the
half-initialised ``itbudget.rules`` package (an import cycle).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np
import pandas as pd

from ..ledger import Ledger


@dataclass(frozen=True)
class Hits:
    """Rows a rule flags: positions, messages, and optional per-row severities."""

    positions: np.ndarray
    messages: Sequence[str]
    severities: Sequence[str] | None = None

    @classmethod
    def none(cls) -> "Hits":
        return cls(np.zeros(0, dtype=np.int64), [])


@dataclass(frozen=True)
class Rule:
    """A rule: stable code, default severity, Danish title, and its check.

    ``severity_column``: the ledger column whose value decides each finding's
    severity instead (ITB006: the account's Ved overskridelse). ``short``: the
    short reason a row's status shows (``ITB006 mangler 12,00 kr.``), from the
    ledger's columns at a position; by default the title, lower-cased.
    """

    code: str
    severity: str
    title: str
    check: Callable[[Ledger], Hits]
    severity_column: str | None = None
    short: Callable[[pd.DataFrame, int], str] | None = None

    @property
    def module(self) -> str:
        """The file in ``itbudget/rules/`` that holds the rule (docs/rules.md names it)."""
        return self.check.__module__.rpartition(".")[2] + ".py"

    def short_reason(self, frame: pd.DataFrame, position: int) -> str:
        if self.short is not None:
            return self.short(frame, position)
        return self.title[0].lower() + self.title[1:]


RULES: list[Rule] = []


def rule(code: str, severity: str, title: str, *, severity_column: str | None = None,
         short: Callable[[pd.DataFrame, int], str] | None = None):
    """Register a check function under a stable rule code."""

    def register(fn: Callable[[Ledger], Hits]) -> Callable[[Ledger], Hits]:
        RULES.append(Rule(code, severity, title, fn, severity_column, short))
        RULES.sort(key=lambda r: r.code)
        return fn

    return register


def contact_hint(contact: str) -> str:
    """The closing sentence that tells the user whom to call."""
    return f" Kontakt {contact}, Økonomistaben." if contact else " Kontakt Økonomistaben."


#: The ledger columns that name a booking's budget line (see :func:`line_name`).
LINE_NAME_COLUMNS = ("financing", "central_line", "cost_centre", "account", "contact")


def line_columns(frame: pd.DataFrame, pos: np.ndarray, *extra: str) -> dict[str, np.ndarray]:
    """The line-naming columns and ``extra`` ones, at ``pos``."""
    return {c: frame[c].to_numpy()[pos] for c in (*LINE_NAME_COLUMNS, *extra)}


def line_name(cols: dict[str, np.ndarray], k: int) -> str:
    """The covering line of hit ``k`` as a message names it."""
    if cols["financing"][k] == "central":
        return f"den centrale budgetlinje {cols['central_line'][k]}"
    return f"budgetlinjen {cols['cost_centre'][k]}/{cols['account'][k]}"
