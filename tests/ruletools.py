"""Helpers for the rule tests: validate inline bookings and pick one rule's findings."""

from __future__ import annotations

from conftest import frame_of, small_master_sheets

from itbudget.master import master_from_rows
from itbudget.validation import Validation, validate


def run(*rows, master=None, central_coverage: bool = True, **sheet_overrides) -> Validation:
    """Validate inline booking rows (first booking on Excel row 2)."""
    if master is None:
        master = master_from_rows(small_master_sheets(**sheet_overrides))
    return validate(frame_of(*rows), master, central_coverage=central_coverage)


def hits(result: Validation, code: str) -> list[tuple[int, str, str]]:
    """``(row, severity, message)`` of every finding of one rule, in row order."""
    f = result.findings[result.findings["rule"] == code]
    return list(zip(f["row"].astype(int), f["severity"], f["message"]))


def rows_of(result: Validation, code: str) -> list[int]:
    return [r for r, _, _ in hits(result, code)]


def uncovered(result: Validation) -> list[int]:
    """Uncovered øre of each booking, in input order."""
    return result.ledger.frame["uncovered"].astype(int).tolist()


def line(result: Validation, cost_centre: str = "", account: str = "", central: str = "") -> dict:
    """The status row of one budget line, amounts in øre."""
    ls = result.lines
    if central:
        sel = ls[ls["central_line"] == central]
    else:
        sel = ls[(ls["cost_centre"] == cost_centre) & (ls["account"] == account)]
    assert len(sel) == 1, sel
    return {k: (int(v) if k in ("budget", "commitments", "booked", "remaining", "uncovered") else v)
            for k, v in sel.iloc[0].to_dict().items()}
