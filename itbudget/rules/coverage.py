"""ITB006: budget coverage. Past its line's budget, a booking is uncovered by the excess."""

from __future__ import annotations

import numpy as np

from ..ledger import Ledger
from ..parsing import format_kr
from . import Hits, contact_hint, rule


@rule("ITB006", "error", "Ikke budgetmæssig dækning")
def not_covered(ledger: Ledger) -> Hits:
    f = ledger.frame
    pos = np.flatnonzero(f["uncovered"].to_numpy() > 0)
    sub = f.iloc[pos]
    msgs, sev = [], []
    for r in sub.itertuples(index=False):
        if r.financing == "central":
            name = f"den centrale budgetlinje {r.central_line}"
        else:
            name = f"budgetlinjen {r.cost_centre}/{r.account}"
        msgs.append(
            f"Mangler {format_kr(r.uncovered)} i dækning på {name}: {format_kr(r.line_limit)} "
            f"til rådighed, {format_kr(r.line_running)} bogført til og med denne række."
            f"{contact_hint(r.contact)}")
        sev.append("warning" if r.on_overrun == "advar" else "error")
    return Hits(pos, msgs, sev)
