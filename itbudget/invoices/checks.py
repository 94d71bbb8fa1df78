"""The checks on one e-invoice: buyer EAN, cost centre, supplier CVR, totals.

Each check is a plain function ``(doc, master) -> list[Finding]``; :data:`CHECKS`
lists them and :func:`classify` derives the record's EAN fields. Messages are
Danish and say what is wrong and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from stdnum import ean as gs1
from stdnum.dk import cvr as dk_cvr

from ..findings import Finding
from ..master import MasterData
from ..parsing import is_ean
from ..presentation import format_kr
from .oioubl import Document

#: The rounding the format allows between PayableAmount and its parts, in øre.
#: OIOUBL states every total to the øre and carries rounding to whole kroner in
#: PayableRoundingAmount; one øre covers a line stated with more than two decimals.
TOTALS_TOLERANCE_ORE = 1


@dataclass(frozen=True)
class BuyerEan:
    """What the document's buyer endpoint says about routing."""

    ean: str | None      # the GLN the invoice is addressed to; None when not addressed to one
    valid: bool          # 13 digits with a correct GS1 check digit
    holder: str | None   # the budget holder the EAN is registered to


def _contact(master: MasterData, holder: str | None) -> str:
    # Aftaleholdere's Kontaktperson works at the holder, not in Økonomistaben.
    h = master.holder_by_id.get(holder or "")
    if h and h.contact:
        return f" Kontakt {h.contact} ({holder_label(master, h.id)}) eller Økonomistaben."
    return " Kontakt Økonomistaben."


def holder_label(master: MasterData, holder: str) -> str:
    h = master.holder_by_id.get(holder)
    return f"{holder} {h.name}" if h and h.name else holder


def classify(doc: Document, master: MasterData) -> BuyerEan:
    """The buyer EAN from ``AccountingCustomerParty/Party/EndpointID`` (GLN or 0088)."""
    ep = doc.buyer_endpoint
    if ep is None or not ep.is_gln:
        return BuyerEan(None, False, None)
    valid = is_ean(ep.value)
    return BuyerEan(ep.value, valid, master.holder_of_ean.get(ep.value) if valid else None)


def named_cost_centres(doc: Document, master: MasterData) -> list[tuple[str, str]]:
    """(where, cost centre) for every AccountingCost / order reference naming a known one."""
    known = master.cost_centre_by_id
    return [(where, v) for where, v in doc.cost_references if v in known]


def _owner_hint(doc: Document, master: MasterData) -> str:
    """Where the invoice names a cost centre: whose it is and which EAN to use instead."""
    for where, cc in named_cost_centres(doc, master):
        owner = master.cost_centre_by_id[cc].holder
        eans = [e.ean for e in master.eans if e.holder == owner]
        use = f"; brug EAN {', '.join(eans)}" if eans else ""
        return f" Omkostningssted {cc} ({where}) hører til {holder_label(master, owner)}{use}."
    return ""


def check_buyer_ean(doc: Document, master: MasterData) -> list[Finding]:
    """ITB009: addressed to a valid EAN; ITB010: registered to a budget holder."""
    buyer = classify(doc, master)
    ep = doc.buyer_endpoint
    hint = _owner_hint(doc, master)
    if ep is None:
        return [Finding(rule="ITB009", severity="error",
                        message="Kundens EndpointID mangler: fakturaen er ikke "
                                f"adresseret til et EAN-nummer.{hint}{_contact(master, None)}")]
    if buyer.ean is None:
        if ep.is_cvr:
            what = f"kundens CVR-nummer {ep.value} (schemeID {ep.scheme})"
        else:
            what = f"'{ep.value}' med schemeID '{ep.scheme or '(intet)'}'"
        glns = [p.value for p in doc.buyer_ids if p.is_gln]
        also = f" Kunden har EAN {glns[0]} i PartyIdentification." if glns else ""
        return [Finding(rule="ITB009", severity="error",
                        message=f"Fakturaen er adresseret til {what}, ikke til et "
                                f"EAN-nummer (GLN/0088); den kan ikke føres til en aftaleholder.{also}"
                                f"{hint}{_contact(master, None)}")]
    if not buyer.valid:
        right = ""
        if len(buyer.ean) == 13 and buyer.ean.isdigit():
            right = f" (kontrolcifferet skulle være {gs1.calc_check_digit(buyer.ean[:12])})"
        return [Finding(rule="ITB009", severity="error",
                        message=f"EAN '{buyer.ean}' er ikke et gyldigt EAN-nummer"
                                f"{right}; fakturaen er sendt til en forkert adresse.{hint}"
                                f"{_contact(master, None)}")]
    if buyer.holder is None:
        return [Finding(rule="ITB010", severity="error",
                        message=f"EAN {buyer.ean} er ikke registreret til nogen "
                                f"aftaleholder i stamdata (arket EAN).{hint}{_contact(master, None)}")]
    return []


def check_cost_centre(doc: Document, master: MasterData) -> list[Finding]:
    """ITB010: a named cost centre belongs to the holder the EAN routes to."""
    buyer = classify(doc, master)
    if buyer.holder is None:
        return []
    out = []
    for where, cc in named_cost_centres(doc, master):
        owner = master.cost_centre_by_id[cc].holder
        if owner != buyer.holder:
            out.append(Finding(rule="ITB010", severity="error", message=(
                f"Fakturaen er sendt til EAN {buyer.ean}, som tilhører "
                f"{holder_label(master, buyer.holder)}, men omkostningssted {cc} ({where}) hører "
                f"til {holder_label(master, owner)}. Fakturaen skal sendes til "
                f"omkostningsstedets aftaleholder.{_contact(master, owner)}")))
    return out


def supplier_cvr(doc: Document) -> str | None:
    """The supplier's CVR number (8 digits, ``DK`` prefix removed), as first stated."""
    for p in doc.supplier_ids:
        if p.is_cvr:
            return dk_cvr.compact(p.value)
    return None


def check_supplier(doc: Document, master: MasterData) -> list[Finding]:
    """ITB013 (warning): the supplier's CVR number is stated and passes modulus 11."""
    number = supplier_cvr(doc)
    name = f" ({doc.supplier_name})" if doc.supplier_name else ""
    if number is None:
        return [Finding(rule="ITB013", severity="warning",
                        message=f"Leverandørens CVR-nummer{name} står ikke på "
                                "fakturaen (DK:CVR/0184).")]
    if not dk_cvr.is_valid(number):
        return [Finding(rule="ITB013", severity="warning",
                        message=f"Leverandørens CVR-nummer {number}{name} er ikke "
                                "gyldigt (modulus 11-kontrollen fejler). Kontrollér leverandøren.")]
    return []


def net_amount(doc: Document) -> int:
    """Lines - allowances + charges: the amount without VAT, in øre."""
    t = doc.totals
    lines = t.line_sum if t.line_sum is not None else (t.stated_line_total or 0)
    return lines - t.allowances + t.charges


def expected_payable(doc: Document) -> int:
    """Lines - allowances + charges + VAT - prepaid + rounding, in øre.

    Built from the parts, never from TaxExclusiveAmount: in OIOUBL 2.0x that
    element holds the VAT total, in 2.1 the net amount.
    """
    t = doc.totals
    return net_amount(doc) + t.tax - t.prepaid + t.rounding


def check_totals(doc: Document, master: MasterData) -> list[Finding]:
    """ITB012: the payable amount and the line total agree with their parts."""
    t = doc.totals
    out = []
    if doc.bad_amounts:
        out.append(Finding(rule="ITB012", severity="error",
                           message=f"Beløb kan ikke læses: {', '.join(doc.bad_amounts[:5])}."))
    if t.payable is None:
        return out
    if t.line_sum is not None and t.stated_line_total is not None \
            and abs(t.line_sum - t.stated_line_total) > TOTALS_TOLERANCE_ORE:
        out.append(Finding(rule="ITB012", severity="error", message=(
            f"Linjetotal {format_kr(t.stated_line_total)} stemmer ikke med summen af de "
            f"{t.lines} linjer, {format_kr(t.line_sum)}.")))
    want = expected_payable(doc)
    if abs(want - t.payable) > TOTALS_TOLERANCE_ORE:
        parts = [f"linjer {format_kr(t.line_sum if t.line_sum is not None else t.stated_line_total or 0)}"]
        for label, v, sign in (("rabatter", t.allowances, "-"), ("gebyrer", t.charges, "+"),
                               ("moms", t.tax, "+"), ("forudbetalt", t.prepaid, "-"),
                               ("afrunding", t.rounding, "+")):
            if v:
                parts.append(f"{sign} {label} {format_kr(v)}")
        out.append(Finding(rule="ITB012", severity="error", message=(
            f"Beløb at betale {format_kr(t.payable)} stemmer ikke med fakturaens dele: "
            f"{' '.join(parts)} = {format_kr(want)} (forskel {format_kr(t.payable - want)}).")))
    return out


def check_required(doc: Document, master: MasterData) -> list[Finding]:
    """ITB014: the fields every invoice must carry: ID, IssueDate, PayableAmount."""
    missing = []
    if not doc.id:
        missing.append("fakturanummer (cbc:ID)")
    if doc.issue_date is None:
        missing.append(f"gyldig udstedelsesdato (cbc:IssueDate '{doc.issue_date_raw}')"
                       if doc.issue_date_raw else "udstedelsesdato (cbc:IssueDate)")
    if doc.totals.payable is None:
        missing.append("beløb at betale (PayableAmount)")
    if not missing:
        return []
    return [Finding(rule="ITB014", severity="error",
                    message=f"Fakturaen mangler {', '.join(missing)}.")]


#: The checks run on every readable document, in order.
CHECKS = [check_required, check_buyer_ean, check_cost_centre, check_supplier, check_totals]
