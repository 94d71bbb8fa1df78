"""ITB006: budget coverage. Past its line's budget, a booking is uncovered by the excess."""

from __future__ import annotations

from .registry import rule

rule("ITB006", "error", "Ikke budgetmæssig dækning", severity_column="on_overrun",
     mask=lambda c: c["uncovered"] > 0,
     message="Mangler {uncovered:kr} i dækning på {line_name}: {line_limit:kr} til rådighed, "
             "{line_running:kr} bogført til og med denne række.{contact_hint}",
     short="mangler {uncovered:kr}")
