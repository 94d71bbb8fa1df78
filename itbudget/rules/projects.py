"""ITB007 and ITB008: an approved project form, and spending within its approved amount."""

from __future__ import annotations

import numpy as np

from ..ledger import APPROVERS, Ledger
from ..parsing import format_date
from ..presentation import format_kr
from .registry import Hits, contact_hint, rule



def _approval_problem(form, day) -> str | None:
    """What keeps a known project's form from covering a booking of ``day`` (None: nothing)."""
    missing = [who for attr, who in APPROVERS if getattr(form, attr) is None]
    if missing:
        return f"mangler godkendelse fra {' og '.join(missing)}"
    late = [f"{who} ({format_date(getattr(form, attr))})" for attr, who in APPROVERS
            if day is not None and getattr(form, attr) > day]
    if late:
        return (f"var ikke godkendt på bogføringsdatoen {format_date(day)}: "
                f"godkendt senere af {', '.join(late)}")
    return None


@rule("ITB007", "error", "Projektskema mangler eller er ikke godkendt")
def project_form(ledger: Ledger) -> Hits:
    f = ledger.frame
    projects = ledger.master.project_by_id
    project = f["project"].to_numpy(dtype=object)
    named = project != ""
    approved = f["project_approved_on"].to_numpy()
    # Only a booking on a fully approved project dated on or after the approval is fine.
    booked_on = f["date"].to_numpy().astype("datetime64[D]")
    date_ok = f["date_ok"].to_numpy()
    fine = named & ~np.isnat(approved) & (~date_ok | (booked_on >= approved))
    pos = np.flatnonzero((f["requires_project"].to_numpy() | named) & ~fine)
    msgs = []
    for i, p, a, k in zip(pos.tolist(), project[pos], f["account"].to_numpy()[pos],
                          f["contact"].to_numpy()[pos]):
        hint = contact_hint(k)
        if p == "":
            msgs.append(f"Konto {a} kræver et godkendt projektskema, men Projektnr er tomt. "
                        f"Ingen nye IT-tiltag uden godkendt projektskema.{hint}")
        elif p not in projects:
            msgs.append(f"Projektskema '{p}' findes ikke.{hint}")
        else:
            # Not fine: some approval is missing, or came after this booking's date.
            day = booked_on[i].item() if date_ok[i] else None
            msgs.append(f"Projektskema {p} {_approval_problem(projects[p], day)}.{hint}")
    return Hits(pos, msgs)


@rule("ITB008", "error", "Projektets forbrug over godkendt beløb",
      short=lambda f, i: f"projekt over godkendt beløb med {format_kr(int(f['project_excess'].iat[i]))}")
def project_over_amount(ledger: Ledger) -> Hits:
    f = ledger.frame
    pos = np.flatnonzero(f["project_excess"].to_numpy() > 0)
    sub = f.iloc[pos]
    msgs = [f"Projekt {p} overskrider sit godkendte beløb {format_kr(a)} med {format_kr(x)} "
            f"(forbrug til og med denne række {format_kr(run)}).{contact_hint(k)}"
            for p, a, x, run, k in zip(sub["project"], sub["project_approved"],
                                       sub["project_excess"], sub["project_running"], sub["contact"])]
    return Hits(pos, msgs)
