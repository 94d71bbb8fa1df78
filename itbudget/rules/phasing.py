"""ITB018: use running ahead of the line's monthly phasing (a warning)."""

from __future__ import annotations

from .registry import rule

rule("ITB018", "warning", "Forbrug foran periodiseringen",
     mask=lambda c: c["ahead"] > 0,
     message="Forbruget på {line_name} ligger {ahead:kr} foran periodiseringen: {phased_limit:kr} "
             "periodiseret til og med {date:month}, {line_running:kr} bogført til og med denne række."
             "{contact_hint}",
     short="foran periodiseringen med {ahead:kr}")
