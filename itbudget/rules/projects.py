"""ITB007 and ITB008: an approved project form, and spending within its approved amount."""

from __future__ import annotations

import numpy as np

from ..ledger import APPROVERS
from ..parsing import format_date
from .messages import Field
from .registry import first_of, rule


def _approval_problem(master, project: str, date, date_ok) -> str:
    """What keeps a known project's form from covering a booking of that date."""
    form = master.project_by_id[project]
    day = date.astype("datetime64[D]").item() if date_ok else None
    missing = [who for attr, who in APPROVERS if getattr(form, attr) is None]
    if missing:
        return f"mangler godkendelse fra {' og '.join(missing)}"
    late = [f"{who} ({format_date(getattr(form, attr))})" for attr, who in APPROVERS
            if day is not None and getattr(form, attr) > day]
    return (f"var ikke godkendt på bogføringsdatoen {format_date(day)}: "
            f"godkendt senere af {', '.join(late)}")


def _project_form(c) -> np.ndarray:
    named = c["project"] != ""
    approved = c["project_approved_on"]
    # Only a booking on a fully approved project dated on or after the approval is fine.
    fine = named & ~np.isnat(approved) & (~c["date_ok"] | (c["date"].astype("datetime64[D]") >= approved))
    flagged = (c["requires_project"] | named) & ~fine
    return first_of(flagged & ~named, flagged & ~c["project_known"], flagged)


rule("ITB007", "error", "Projektskema mangler eller er ikke godkendt",
     mask=_project_form,
     message=("Konto {account} kræver et godkendt projektskema, men Projektnr er tomt. "
              "Ingen nye IT-tiltag uden godkendt projektskema.{contact_hint}",
              "Projektskema '{project}' findes ikke.{contact_hint}",
              # Known, but some approval is missing or came after this booking's date.
              "Projektskema {project} {approval}.{contact_hint}"),
     fields=[Field("approval", ("project", "date", "date_ok"), _approval_problem)])

rule("ITB008", "error", "Projektets forbrug over godkendt beløb",
     mask=lambda c: c["project_excess"] > 0,
     message="Projekt {project} overskrider sit godkendte beløb {project_approved:kr} med "
             "{project_excess:kr} (forbrug til og med denne række {project_running:kr}).{contact_hint}",
     short="projekt over godkendt beløb med {project_excess:kr}")
