"""Findings a person can work through: repeated findings grouped for reading.

The findings table keeps one row per booking and rule (the workbook's sheet,
the JSON). Read as text, fifteen identical lines for one overrun hide the
other findings, so :func:`group_findings` folds them: one overrun (ITB006) per
budget line with the bookings it concerns, and identical messages of one rule
(e.g. ITB007 "P26-04 mangler godkendelse fra EPO") once with their rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .presentation import kr, noun, plural, severity_word

#: Rows listed with a group before "..."; the findings sheet has them all.
SHOWN_ROWS = 8


@dataclass(frozen=True)
class Group:
    """One line of the text report: a finding, or several folded into one."""

    holder: str
    rule: str
    severity: str
    text: str
    count: int
    first: int  # position of the first finding, for ordering


def _where(sheet: str, row: int) -> str:
    return f"{sheet} række {row}" if sheet else f"linje {row}"


def _rows_text(sheets, rows) -> str:
    shown = [str(int(r)) for r in rows[:SHOWN_ROWS]]
    more = "" if len(rows) <= SHOWN_ROWS else f" m.fl. ({len(rows)} i alt)"
    where = "række" if len(rows) == 1 else "rækker"
    sheet = sheets[0] if len(sheets) and sheets[0] else ""
    return (f"{sheet} {where} " if sheet else f"{'linje' if len(rows) == 1 else 'linjer'} ") + \
        ", ".join(shown) + more


def group_findings(findings: pd.DataFrame, frame: pd.DataFrame,
                   holders: np.ndarray | None = None) -> list[Group]:
    """Findings folded for reading, in source order of each group's first finding.

    ``holders``: the holder of each ledger row (consolidation); groups never
    span holders, so each holder's list can be sent on as it is.
    """
    if not len(findings):
        return []
    f = findings.reset_index(drop=True)
    pos = f["position"].to_numpy()
    safe = np.clip(pos, 0, None)
    has = (pos >= 0) & (len(frame) > 0)
    holder = (np.where(has, holders[safe], "") if holders is not None and len(holders)
              else np.full(len(f), "", dtype=object))
    line = np.where(has, frame["line"].to_numpy(dtype=object)[safe], "") if len(frame) else \
        np.full(len(f), "", dtype=object)
    rule = f["rule"].to_numpy(dtype=object)
    key = np.where(rule == "ITB006", line, f["message"].to_numpy(dtype=object))
    # A finding without a row of its own (a crashed rule) is never folded.
    key = np.where(pos >= 0, key, np.arange(len(f)).astype(str))
    groups = []
    frame_uncovered = frame["uncovered"].to_numpy() if len(frame) else np.zeros(0, np.int64)
    for (h, r, sev, k), idx in pd.DataFrame(
            {"h": holder, "r": rule, "s": f["severity"].to_numpy(), "k": key}).groupby(
            ["h", "r", "s", "k"], sort=False).indices.items():
        sub = f.iloc[idx]
        n = len(idx)
        voucher = f", bilag {sub['voucher'].iat[0]}" if n == 1 and sub["voucher"].iat[0] else ""
        label = severity_word(sev)
        if n == 1:
            text = (f"{_where(sub['sheet'].iat[0], int(sub['row'].iat[0]))}{voucher}: {label} {r} - "
                    f"{sub['message'].iat[0]}")
        elif r == "ITB006":
            short = int(frame_uncovered[safe[idx]].sum())
            name = k[2:] if k.startswith("D:") else f"central {k[2:]}"
            last = sub["message"].iat[-1]
            hint = last[last.find(" Kontakt"):] if " Kontakt" in last else ""
            text = (f"{label} {r} - budgetlinjen {name} er overskredet: "
                    f"{plural(n, 'bogføring')} mangler i alt {kr(short)} i dækning "
                    f"({_rows_text(sub['sheet'].to_numpy(), sub['row'].to_numpy())}).{hint}")
        else:
            text = (f"{label} {r} - {sub['message'].iat[0]} "
                    f"({n} {noun(n, 'bogføring')}: {_rows_text(sub['sheet'].to_numpy(), sub['row'].to_numpy())})")
        groups.append(Group(h, r, sev, text, n, int(idx[0])))
    groups.sort(key=lambda g: g.first)
    return groups
