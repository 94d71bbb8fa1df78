"""Who returned what: the holder behind every row, the holders missing, what each file shows.

Consolidation validates all bookings together against the full master data.
That alone would lose three things finance needs to act on:

- *who is missing*: a holder in the master data with no usable returned
  workbook or export looks like the cheapest holder in the municipality;
- *who holds the row*: a finding belongs to the holder whose workbook or
  export holds the row (for a bare export, the holder owning the row's cost
  centre), which is not always the owner of the cost centre it names;
- *what the holder saw*: validating H03's workbook alone flags a booking on
  another holder's cost centre (ITB003) or project (ITB007); against the full
  master data the same row is simply counted for the other holder.

This module works those out from the sources and the consolidated ledger.
Nothing here reads files.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .master import MasterData

ISSUED = "aftaleholders projektmappe"
#: Findings that depend only on the holder's own view (its cost centres and projects):
#: validating its workbook alone reports them, consolidation must too. Coverage and
#: running totals are left out: only consolidation sees every holder's use.
SCOPE_RULES = ("ITB003", "ITB007")


def row_holders(frame: pd.DataFrame, sources, master: MasterData) -> np.ndarray:
    """The holder of each ledger row: the issued workbook's holder, else the cost centre's."""
    issued = {s.file: s.holder for s in sources if s.kind == ISSUED and s.holder}
    by_cc = frame["holder"].to_numpy(dtype=object) if "holder" in frame else np.full(len(frame), "", object)
    if not issued or not len(frame):
        return by_cc.copy()
    by_file = frame["file"].map(issued).to_numpy(dtype=object)
    return np.where(pd.isna(by_file), by_cc, by_file)


def missing_holders(sources, frame: pd.DataFrame, master: MasterData) -> tuple[str, ...]:
    """Holders of the master data without a usable returned workbook or export, in id order.

    A holder has returned something when an issued workbook of it was read, or
    a bare export holds at least one row on one of its cost centres. An empty
    but readable issued workbook counts as returned (the holder booked nothing).
    """
    from .allocation import id_order_key

    returned = {s.holder for s in sources if s.status == "ok" and s.kind == ISSUED and s.holder}
    bare = {s.file for s in sources if s.status == "ok" and s.kind not in (ISSUED, "faktura")}
    if bare and len(frame):
        on_bare = frame["file"].isin(bare).to_numpy()
        returned.update(h for h in pd.unique(frame["holder"].to_numpy()[on_bare]) if h)
    return tuple(sorted((h.id for h in master.holders if h.id not in returned), key=id_order_key))


def scope_findings(sources, bookings: pd.DataFrame, master: MasterData,
                   findings: pd.DataFrame) -> pd.DataFrame:
    """Findings validating each issued workbook alone reports and consolidation does not.

    Only rows that reach beyond the holder's own master data (another holder's
    cost centre or project) can differ; those rows of each such workbook are
    validated with the holder's view (:meth:`MasterData.for_holder`), and their
    :data:`SCOPE_RULES` findings not already present are returned, positioned in
    the consolidated ledger.
    """
    from .validation import empty_findings, validate

    if not len(bookings):
        return empty_findings()
    own_cc = master.holder_of_cost_centre
    project_holder = {p.id: p.holder for p in master.projects}
    files = bookings["file"].to_numpy(dtype=object)
    cc = bookings["cost_centre"].to_numpy(dtype=object)
    project = bookings["project"].to_numpy(dtype=object)
    have = set(zip(findings["position"].tolist(), findings["rule"].tolist()))
    parts = []
    for s in sources:
        if s.kind != ISSUED or not s.holder or s.holder not in master.holder_by_id:
            continue
        rows = np.flatnonzero(files == s.file)
        if not rows.size:
            continue
        cc_owner = np.array([own_cc.get(c, s.holder) for c in cc[rows]], dtype=object)
        pr_owner = np.array([project_holder.get(p, s.holder) if p else s.holder
                             for p in project[rows]], dtype=object)
        foreign = rows[(cc_owner != s.holder) | (pr_owner != s.holder)]
        if not foreign.size:
            continue
        alone = validate(bookings.iloc[foreign].reset_index(drop=True), master.for_holder(s.holder),
                         central_coverage=False).findings
        alone = alone[alone["rule"].isin(SCOPE_RULES)].copy()
        alone["position"] = foreign[alone["position"].to_numpy()]
        keep = [(p, r) not in have for p, r in zip(alone["position"], alone["rule"])]
        parts.append(alone[keep])
    if not parts:
        return empty_findings()
    return pd.concat(parts, ignore_index=True)


def with_scope_findings(findings: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    """``findings`` and ``extra`` together, ordered by source row then rule, as the runner orders."""
    if not len(extra):
        return findings
    out = pd.concat([findings, extra[findings.columns]], ignore_index=True)
    return out.sort_values(["position", "rule"], kind="stable", ignore_index=True)


def routed(findings: pd.DataFrame, frame: pd.DataFrame, holders: np.ndarray,
           master: MasterData) -> pd.DataFrame:
    """Findings with the row's ``holder``, that holder's ``contact`` person and the row's ``amount``."""
    f = findings.copy()
    pos = f["position"].to_numpy()
    valid = pos >= 0
    safe = np.clip(pos, 0, None)
    f["holder"] = np.where(valid, holders[safe], "") if len(holders) else ""
    contacts = {h.id: h.contact for h in master.holders}
    f["contact"] = [contacts.get(h, "") for h in f["holder"]]
    amounts = frame["amount"].to_numpy() if len(frame) else np.zeros(0, np.int64)
    ok = frame["amount_ok"].to_numpy() if len(frame) else np.zeros(0, bool)
    f["amount"] = pd.Series([int(amounts[p]) if v and ok[p] else None for p, v in zip(safe, valid)],
                            index=f.index, dtype=object)
    return f
