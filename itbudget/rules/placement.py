"""ITB003-ITB005: the cost centre and account are known, and a decentral line exists."""

from __future__ import annotations

from .messages import Field
from .registry import rule


def _cost_centres_in_scope(master) -> str:
    return f"aftaleholder {master.scope}s omkostningssteder" if master.scope else "stamdata"


rule("ITB003", "error", "Ukendt omkostningssted",
     mask=lambda c: (c["cost_centre"] != "") & ~c["cc_known"],
     message="Omkostningssted '{cost_centre}' findes ikke i {in_scope}. Brug et af dine egne "
             "omkostningssteder, eller kontakt Økonomistaben.",
     fields=[Field("in_scope", (), _cost_centres_in_scope)])

rule("ITB004", "error", "Konto findes ikke i IT-kontoplanen",
     mask=lambda c: (c["account"] != "") & ~c["account_known"],
     message="Konto '{account}' findes ikke i IT-kontoplanen; IT-udgifter skal bogføres på en IT-konto. "
             "Kontakt Økonomistaben.")

rule("ITB005", "error", "Ingen budgetlinje for kontoen på omkostningsstedet",
     mask=lambda c: (c["cc_known"] & c["account_known"] & (c["financing"] == "decentral")
                     & ~c["has_budget_line"]),
     message="Konto {account} har ingen budgetlinje på omkostningssted {cost_centre}; der er ingen "
             "budgetmæssig dækning.{contact_hint}")
