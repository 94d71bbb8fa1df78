"""ITB018: use running ahead of the line's monthly phasing (a warning)."""

from __future__ import annotations

import numpy as np

from ..budget_changes import MONTH_NAMES
from ..ledger import Ledger, month_of
from ..presentation import format_kr
from .registry import Hits, contact_hint, line_columns, line_name, rule


@rule("ITB018", "warning", "Forbrug foran periodiseringen",
      short=lambda f, i: f"foran periodiseringen med {format_kr(int(f['ahead'].iat[i]))}")
def ahead_of_phasing(ledger: Ledger) -> Hits:
    f = ledger.frame
    pos = np.flatnonzero(f["ahead"].to_numpy() > 0)
    cols = line_columns(f, pos, "ahead", "phased_limit", "line_running")
    months = month_of(f["date"].to_numpy()[pos].astype("datetime64[D]").astype(np.int64))
    msgs = []
    for k in range(pos.size):
        msgs.append(
            f"Forbruget på {line_name(cols, k)} ligger {format_kr(cols['ahead'][k])} foran periodiseringen: "
            f"{format_kr(cols['phased_limit'][k])} periodiseret til og med {MONTH_NAMES[months[k] - 1]}, "
            f"{format_kr(cols['line_running'][k])} bogført til og med denne række."
            f"{contact_hint(cols['contact'][k])}")
    return Hits(pos, msgs)
