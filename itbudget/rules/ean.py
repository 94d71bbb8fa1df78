"""ITB009 and ITB010: an invoice carries a valid EAN, registered to the right holder."""

from __future__ import annotations

import numpy as np

from ..ledger import Ledger
from .registry import Hits, contact_hint, rule


@rule("ITB009", "error", "EAN mangler eller har forkert kontrolciffer")
def ean_invalid(ledger: Ledger) -> Hits:
    f = ledger.frame
    blank = f["ean"].to_numpy() == ""
    invoice = f["invoice_no"].to_numpy() != ""
    valid = f["ean_valid"].to_numpy()
    pos = np.flatnonzero((blank & invoice) | (~blank & ~valid))
    sub = f.iloc[pos]
    msgs = []
    for e, k in zip(sub["ean"], sub["contact"]):
        if e == "":
            msgs.append("EAN mangler på en fakturabogføring; fakturaen skal sendes til "
                        f"aftaleholderens EAN-nummer.{contact_hint(k)}")
        else:
            msgs.append(f"EAN '{e}' er ikke et gyldigt EAN-nummer (13 cifre med korrekt "
                        f"kontrolciffer).{contact_hint(k)}")
    return Hits(pos, msgs)


@rule("ITB010", "error", "EAN tilhører ikke omkostningsstedets aftaleholder")
def ean_foreign(ledger: Ledger) -> Hits:
    f = ledger.frame
    mask = (f["ean_valid"].to_numpy() & f["cc_known"].to_numpy()
            & (f["ean_holder"].to_numpy() != f["holder"].to_numpy()))
    pos = np.flatnonzero(mask)
    holders = ledger.master.holder_by_id
    sub = f.iloc[pos]
    msgs = []
    for e, owner, h, c, k in zip(sub["ean"], sub["ean_holder"], sub["holder"],
                                 sub["cost_centre"], sub["contact"]):
        name = holders[h].name if h in holders else h
        scope = ledger.master.scope  # a holder's workbook knows only its own EAN numbers
        where = (f"er registreret til aftaleholder {owner}" if owner else
                 f"tilhører ikke aftaleholder {scope} (det er en anden aftaleholders EAN-nummer eller ukendt)"
                 if scope else "er ikke registreret i stamdata")
        msgs.append(f"EAN {e} {where}, men omkostningssted {c} hører til {h} {name}. "
                    f"Fakturaen skal sendes til aftaleholderens eget EAN-nummer.{contact_hint(k)}")
    return Hits(pos, msgs)
