"""The validation rules, declared as data over the ledger's declared columns.

Each rule is one :func:`rule` call: its code, severity, Danish title, a mask
over the columns of the prepared :class:`~itbudget.ledger.Ledger` and a message
template naming those columns (:mod:`itbudget.rules.messages`). The runner in
:mod:`itbudget.validation` applies the masks and formats the messages.

To add a rule: declare it with :func:`rule` in one of these modules (or in a new
one, imported below), add its row to docs/rules.md and its test module.
"""

from __future__ import annotations

from .messages import CONTACT_HINT, LINE_NAME, SHARED_FIELDS, Columns, Field, Template
from .registry import RULES, Rule, first_of, rule
from . import coverage, duplicates, ean, phasing, placement, projects, required  # noqa: F401

__all__ = ["CONTACT_HINT", "LINE_NAME", "RULES", "SHARED_FIELDS", "Columns", "Field", "Rule", "Template",
           "first_of", "rule"]
