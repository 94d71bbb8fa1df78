"""The rule registry: a rule is declared data (:class:`Rule`), registered with :func:`rule` in :data:`RULES`.

A rule is its stable code, severity, Danish title, a mask over declared ledger
columns and a message template (:mod:`itbudget.rules.messages`); the runner
(:func:`itbudget.validation.run_rules`) applies the masks and formats the
messages. Its own module so that each rule module imports it without importing
the half-initialised ``itbudget.rules`` package (an import cycle).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from ..ledger import Ledger
from .messages import SHARED_FIELDS, Columns, Field, Template


@dataclass(frozen=True)
class Rule:
    """A rule: stable code, default severity, Danish title, mask and message templates.

    ``mask(columns)`` is a boolean array over the ledger's rows (the rows the
    rule flags), or, for a rule with several ``messages``, the number of the
    message each flagged row gets (1, 2, ...; 0 not flagged; see
    :func:`first_of`). ``severity_column``: the ledger column whose value decides
    each finding's severity instead (ITB006: the account's Ved overskridelse).
    ``short``: the short reason a row's status shows (``ITB006 mangler 12,00
    kr.``); by default the title, lower-cased. ``fields``: display fields of
    this rule's own, beside :data:`~itbudget.rules.messages.SHARED_FIELDS`.
    """

    code: str
    severity: str
    title: str
    mask: Callable[[Columns], np.ndarray]
    messages: tuple[Template, ...]
    short: Template
    severity_column: str | None = None
    fields: Mapping[str, Field] = field(default_factory=dict)

    @property
    def module(self) -> str:
        """The file in ``itbudget/rules/`` that declares the rule (docs/rules.md names it)."""
        return self.mask.__module__.rpartition(".")[2] + ".py"

    @property
    def templates(self) -> tuple[Template, ...]:
        return (*self.messages, self.short)

    def display_fields(self) -> dict[str, Field]:
        return {**SHARED_FIELDS, **self.fields}

    def hits(self, columns: Columns) -> tuple[np.ndarray, np.ndarray]:
        """The positions the rule flags and the number of each one's message (1-based)."""
        mask = np.asarray(self.mask(columns))
        positions = np.flatnonzero(mask)
        which = mask[positions].astype(np.int64) if mask.dtype != bool else np.ones(len(positions), np.int64)
        return positions, which

    def render(self, columns: Columns, master, positions: np.ndarray, which: np.ndarray) -> np.ndarray:
        """The Danish message of each hit, from the template ``which`` names."""
        fields = self.display_fields()
        if len(self.messages) == 1:
            return self.messages[0].render(columns, master, positions, fields)
        out = np.empty(len(positions), dtype=object)
        for k, template in enumerate(self.messages, start=1):
            at = np.flatnonzero(which == k)
            if len(at):
                out[at] = template.render(columns, master, positions[at], fields)
        return out

    def short_texts(self, ledger: Ledger, positions: np.ndarray) -> np.ndarray:
        """The short reason of each of the rule's findings at ``positions`` (row statuses)."""
        return self.short.render(Columns(ledger.frame), ledger.master,
                                 np.asarray(positions, dtype=np.int64), self.display_fields())


RULES: list[Rule] = []


def rule(code: str, severity: str, title: str, *, mask: Callable[[Columns], np.ndarray],
         message: str | Sequence[str], severity_column: str | None = None, short: str | None = None,
         fields: Sequence[Field] = ()) -> Rule:
    """Declare a rule under a stable rule code and register it."""
    messages = (message,) if isinstance(message, str) else tuple(message)
    r = Rule(code, severity, title, mask, tuple(Template(m) for m in messages),
             Template(short if short is not None else title[0].lower() + title[1:]),
             severity_column, {f.name: f for f in fields})
    RULES.append(r)
    RULES.sort(key=lambda x: x.code)
    return r


def first_of(*masks: np.ndarray) -> np.ndarray:
    """Per row, the number (1-based) of the first of ``masks`` that holds; 0 where none does.

    A rule with several messages returns this as its mask: row by row, which message applies.
    """
    out = np.zeros(len(masks[0]), dtype=np.int8)
    for k in range(len(masks), 0, -1):
        out[np.asarray(masks[k - 1], dtype=bool)] = k
    return out
