"""ITB006: budget coverage. Past its line's budget, a booking is uncovered by the excess."""

from __future__ import annotations

import numpy as np

from ..ledger import Ledger
from ..presentation import format_kr
from .registry import Hits, contact_hint, line_columns, line_name, rule


@rule("ITB006", "error", "Ikke budgetmæssig dækning", severity_column="on_overrun",
      short=lambda f, i: f"mangler {format_kr(int(f['uncovered'].iat[i]))}")
def not_covered(ledger: Ledger) -> Hits:
    f = ledger.frame
    pos = np.flatnonzero(f["uncovered"].to_numpy() > 0)
    cols = line_columns(f, pos, "uncovered", "line_limit", "line_running")
    msgs = []
    for k in range(pos.size):
        msgs.append(
            f"Mangler {format_kr(cols['uncovered'][k])} i dækning på {line_name(cols, k)}: "
            f"{format_kr(cols['line_limit'][k])} til rådighed, {format_kr(cols['line_running'][k])} "
            f"bogført til og med denne række.{contact_hint(cols['contact'][k])}")
    return Hits(pos, msgs)
