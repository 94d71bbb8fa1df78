"""The validation rules, one small vectorised function each.

A rule takes the prepared :class:`~itbudget.ledger.Ledger` and returns the
rows it flags as a :class:`Hits`: their positions in the ledger and a Danish
message for each (and a severity where the rule's severity depends on the
row). The runner in :mod:`itbudget.validation` turns hits into findings.

To add a rule: write a function in one of these modules (or a new one),
decorate it with :func:`rule`, and import the module below.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

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
    """A rule: stable code, default severity, Danish title, and its check."""

    code: str
    severity: str
    title: str
    check: Callable[[Ledger], Hits]


RULES: list[Rule] = []


def rule(code: str, severity: str, title: str):
    """Register a check function under a stable rule code."""

    def register(fn: Callable[[Ledger], Hits]) -> Callable[[Ledger], Hits]:
        RULES.append(Rule(code, severity, title, fn))
        RULES.sort(key=lambda r: r.code)
        return fn

    return register


def contact_hint(contact: str) -> str:
    """The closing sentence that tells the user whom to call."""
    return f" Kontakt {contact}, Økonomistaben." if contact else " Kontakt Økonomistaben."


from . import coverage, duplicates, ean, placement, projects, required  # noqa: E402,F401

__all__ = ["Hits", "Rule", "RULES", "rule", "contact_hint"]
