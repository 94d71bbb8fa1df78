"""ITB006: budget coverage. Past its line's budget, a booking is uncovered by the excess."""

from __future__ import annotations

import numpy as np

from ..ledger import Ledger
from ..parsing import format_kr
from .registry import Hits, contact_hint, rule


@rule("ITB006", "error", "Ikke budgetmæssig dækning", severity_column="on_overrun",
      short=lambda f, i: f"mangler {format_kr(int(f['uncovered'].iat[i]))}")
def not_covered(ledger: Ledger) -> Hits:
    f = ledger.frame
    pos = np.flatnonzero(f["uncovered"].to_numpy() > 0)
    cols = {c: f[c].to_numpy()[pos] for c in ("financing", "central_line", "cost_centre", "account",
                                              "uncovered", "line_limit", "line_running", "contact")}
    msgs = []
    for k in range(pos.size):
        if cols["financing"][k] == "central":
            name = f"den centrale budgetlinje {cols['central_line'][k]}"
        else:
            name = f"budgetlinjen {cols['cost_centre'][k]}/{cols['account'][k]}"
        msgs.append(
            f"Mangler {format_kr(cols['uncovered'][k])} i dækning på {name}: "
            f"{format_kr(cols['line_limit'][k])} til rådighed, {format_kr(cols['line_running'][k])} "
            f"bogført til og med denne række.{contact_hint(cols['contact'][k])}")
    return Hits(pos, msgs)
