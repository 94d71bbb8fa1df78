"""Validate bookings as a person may: a budget holder sees only its own data.

The worksheet functions (``ITB.VALIDER`` and friends) and the ``Valider`` and
``Opdater`` macros both validate rows on behalf of the request's principal.
The scoping and the refusal are a security check, so they live here once.
"""

from __future__ import annotations

from typing import Sequence

from .. import access
from ..access import Principal
from ..bookings import BOOKINGS_SHEET
from ..master import MasterData
from ..statuses import validate_rows
from ..validation import Validation


def validate_as(principal: Principal | None, rows: Sequence[Sequence[object]], master: MasterData,
                *, sheet: str = BOOKINGS_SHEET) -> Validation:
    """Validate ``rows`` (header row included) with ``master`` as seen by ``principal``.

    A holder's validation uses only its own master data (so central coverage,
    which needs every holder's use of a central line, is off), and is refused
    with :class:`~itbudget.errors.AccessDenied` when a row names another
    holder's cost centre. ``master`` is the full master data; ``sheet`` names
    the rows' sheet in findings.
    """
    scoped = access.master_for(master, principal)
    result = validate_rows(rows, scoped, central_coverage=not scoped.scope, sheet=sheet)
    access.check_cost_centres(result.ledger.frame["cost_centre"].to_numpy(), master, principal)
    return result
