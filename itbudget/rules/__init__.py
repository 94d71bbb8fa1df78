"""The validation rules, one small vectorised function each.

A rule takes the prepared :class:`~itbudget.ledger.Ledger` and returns the
rows it flags as a :class:`Hits`: their positions in the ledger and a Danish
message for each (and a severity where the rule's severity depends on the
row). The runner in :mod:`itbudget.validation` turns hits into findings.

To add a rule: write a function in one of these modules (or a new one),
decorate it with :func:`rule` (from :mod:`itbudget.rules.registry`), and import the module below.
"""

from __future__ import annotations

from .registry import (LINE_NAME_COLUMNS, RULES, Hits, Rule, contact_hint, line_columns, line_name,
                       rule)
from . import coverage, duplicates, ean, phasing, placement, projects, required  # noqa: F401

__all__ = ["Hits", "Rule", "RULES", "rule", "contact_hint", "line_columns", "line_name"]
