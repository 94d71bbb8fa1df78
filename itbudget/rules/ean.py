"""ITB009 and ITB010: an invoice carries a valid EAN, registered to the right holder."""

from __future__ import annotations

from .messages import Field
from .registry import first_of, rule


def _ean_owner(master, owner: str) -> str:
    scope = master.scope  # a holder's workbook knows only its own EAN numbers
    if owner:
        return f"er registreret til aftaleholder {owner}"
    if scope:
        return f"tilhører ikke aftaleholder {scope} (det er en anden aftaleholders EAN-nummer eller ukendt)"
    return "er ikke registreret i stamdata"


def _holder_name(master, holder: str) -> str:
    holders = master.holder_by_id
    return holders[holder].name if holder in holders else holder


rule("ITB009", "error", "EAN mangler eller har forkert kontrolciffer",
     mask=lambda c: first_of((c["ean"] == "") & (c["invoice_no"] != ""), (c["ean"] != "") & ~c["ean_valid"]),
     message=("EAN mangler på en fakturabogføring; fakturaen skal sendes til "
              "aftaleholderens EAN-nummer.{contact_hint}",
              "EAN '{ean}' er ikke et gyldigt EAN-nummer (13 cifre med korrekt kontrolciffer).{contact_hint}"))

rule("ITB010", "error", "EAN tilhører ikke omkostningsstedets aftaleholder",
     mask=lambda c: c["ean_valid"] & c["cc_known"] & (c["ean_holder"] != c["holder"]),
     message="EAN {ean} {ean_owner}, men omkostningssted {cost_centre} hører til {holder} {holder_name}. "
             "Fakturaen skal sendes til aftaleholderens eget EAN-nummer.{contact_hint}",
     fields=[Field("ean_owner", ("ean_holder",), _ean_owner),
             Field("holder_name", ("holder",), _holder_name)])
