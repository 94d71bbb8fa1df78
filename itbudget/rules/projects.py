"""ITB007 and ITB008: an approved project form, and spending within its approved amount."""

from __future__ import annotations

import numpy as np

from ..ledger import Ledger
from ..parsing import factorize_values, format_date, format_kr
from . import Hits, contact_hint, rule

_APPROVERS = (("approved_it", "IT"), ("approved_epo", "EPO"), ("approved_finance", "Økonomi"))


@rule("ITB007", "error", "Projektskema mangler eller er ikke godkendt")
def project_form(ledger: Ledger) -> Hits:
    f = ledger.frame
    projects = ledger.master.project_by_id
    project = f["project"].to_numpy(dtype=object)
    named = project != ""
    # Per distinct project: the day its last approval came (NaT: unknown or not fully approved).
    codes, uniques = factorize_values(project)
    approved_on = np.full(len(uniques) + 1, np.datetime64("NaT"), dtype="datetime64[D]")
    for k, p in enumerate(uniques):
        form = projects.get(p)
        days = [getattr(form, attr) for attr, _ in _APPROVERS] if form is not None else [None]
        if None not in days:
            approved_on[k] = np.datetime64(max(days), "D")
    approved = approved_on[codes]
    # Only a booking on a fully approved project dated on or after the approval is fine.
    booked_on = f["date"].to_numpy().astype("datetime64[D]")
    fine = named & ~np.isnat(approved) & (~f["date_ok"].to_numpy() | (booked_on >= approved))
    needs = (f["requires_project"].to_numpy() | named) & ~fine
    pos_all = np.flatnonzero(needs)
    pos, msgs = [], []
    sub = f.iloc[pos_all]
    for i, r in zip(pos_all, sub.itertuples(index=False)):
        hint = contact_hint(r.contact)
        if r.project == "":
            msg = (f"Konto {r.account} kræver et godkendt projektskema, men Projektnr er tomt. "
                   f"Ingen nye IT-tiltag uden godkendt projektskema.{hint}")
        elif r.project not in projects:
            msg = f"Projektskema '{r.project}' findes ikke.{hint}"
        else:
            form = projects[r.project]
            missing = [who for attr, who in _APPROVERS if getattr(form, attr) is None]
            day = r.date.date() if r.date_ok else None
            late = [f"{who} ({format_date(getattr(form, attr))})" for attr, who in _APPROVERS
                    if getattr(form, attr) is not None and day is not None and getattr(form, attr) > day]
            if missing:
                msg = (f"Projektskema {r.project} mangler godkendelse fra "
                       f"{' og '.join(missing)}.{hint}")
            elif late:
                msg = (f"Projektskema {r.project} var ikke godkendt på bogføringsdatoen "
                       f"{format_date(day)}: godkendt senere af {', '.join(late)}.{hint}")
            else:
                continue
        pos.append(i)
        msgs.append(msg)
    return Hits(np.asarray(pos, dtype=np.int64), msgs)


@rule("ITB008", "error", "Projektets forbrug over godkendt beløb")
def project_over_amount(ledger: Ledger) -> Hits:
    f = ledger.frame
    pos = np.flatnonzero(f["project_excess"].to_numpy() > 0)
    sub = f.iloc[pos]
    msgs = [f"Projekt {p} overskrider sit godkendte beløb {format_kr(a)} med {format_kr(x)} "
            f"(forbrug til og med denne række {format_kr(run)}).{contact_hint(k)}"
            for p, a, x, run, k in zip(sub["project"], sub["project_approved"],
                                       sub["project_excess"], sub["project_running"], sub["contact"])]
    return Hits(pos, msgs)
