"""OIOUBL 2.1 e-invoices for the demo municipality, built from its invoice bookings.

Each invoice is what the supplier sent for one booking that carries a
Fakturanr: buyer EndpointID is the EAN the booking names (so the demo's wrong
and foreign EANs show up on the invoices too), AccountingCost is the cost
centre, 25 % VAT on top of the booked net amount. Credit notes for negative
bookings. One invoice is sent that nobody booked. Deterministic; pure: it
returns bytes, the caller writes them.
"""

from __future__ import annotations

import datetime as dt
import random
import xml.etree.ElementTree as ET

from stdnum.dk import cvr

from ..parsing import clean_id, parse_amount, parse_date
from ..presentation import ore_to_kr_str

NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}


def _cvr_for(name: str) -> str:
    """A valid (mod 11) CVR number derived from the supplier's name."""
    seed = sum(ord(c) * (i + 1) for i, c in enumerate(name)) % 8_000_000 + 1_000_000
    while True:
        for last in range(10):
            candidate = f"{seed}{last}"
            if cvr.is_valid(candidate):
                return candidate
        seed += 1


def _el(parent, tag: str, text: str | None = None, **attrs):
    prefix, local = tag.split(":")
    el = ET.SubElement(parent, f"{{{NS[prefix]}}}{local}", attrs)
    if text is not None:
        el.text = text
    return el


def invoice_xml(*, kind: str, number: str, issued: dt.date, supplier: str, buyer_ean: str,
                cost_centre: str, text: str, net_ore: int) -> bytes:
    """One OIOUBL 2.1 invoice or credit note for a net amount (øre, positive), 25 % VAT."""
    ET.register_namespace("", NS[kind])
    ET.register_namespace("cac", NS["cac"])
    ET.register_namespace("cbc", NS["cbc"])
    root = ET.Element(f"{{{NS[kind]}}}{kind}")
    _el(root, "cbc:UBLVersionID", "2.1")
    _el(root, "cbc:CustomizationID", "OIOUBL-2.1")
    _el(root, "cbc:ProfileID", "urn:www.nesubl.eu:profiles:profile5:ver2.0", schemeAgencyID="320",
        schemeID="urn:oioubl:id:profileid-1.6")
    _el(root, "cbc:ID", number)
    _el(root, "cbc:IssueDate", issued.isoformat())
    if kind == "Invoice":
        _el(root, "cbc:InvoiceTypeCode", "380", listAgencyID="320", listID="urn:oioubl:codelist:invoicetypecode-1.2")
    _el(root, "cbc:DocumentCurrencyCode", "DKK")
    _el(root, "cbc:AccountingCost", cost_centre)
    cvr_no = _cvr_for(supplier)
    sp = _el(_el(root, "cac:AccountingSupplierParty"), "cac:Party")
    _el(sp, "cbc:EndpointID", f"DK{cvr_no}", schemeID="DK:CVR")
    _el(_el(sp, "cac:PartyName"), "cbc:Name", supplier)
    le = _el(sp, "cac:PartyLegalEntity")
    _el(le, "cbc:RegistrationName", supplier)
    _el(le, "cbc:CompanyID", f"DK{cvr_no}", schemeID="DK:CVR")
    cp = _el(_el(root, "cac:AccountingCustomerParty"), "cac:Party")
    if buyer_ean:
        _el(cp, "cbc:EndpointID", buyer_ean, schemeID="GLN")
    _el(_el(cp, "cac:PartyName"), "cbc:Name", "Bakkedal Kommune")
    vat = (net_ore * 25 + 50) // 100
    tt = _el(root, "cac:TaxTotal")
    _el(tt, "cbc:TaxAmount", ore_to_kr_str(vat), currencyID="DKK")
    sub = _el(tt, "cac:TaxSubtotal")
    _el(sub, "cbc:TaxableAmount", ore_to_kr_str(net_ore), currencyID="DKK")
    _el(sub, "cbc:TaxAmount", ore_to_kr_str(vat), currencyID="DKK")
    cat = _el(sub, "cac:TaxCategory")
    _el(cat, "cbc:ID", "StandardRated", schemeAgencyID="320", schemeID="urn:oioubl:id:taxcategoryid-1.1")
    _el(cat, "cbc:Percent", "25")
    _el(_el(cat, "cac:TaxScheme"), "cbc:ID", "63", schemeAgencyID="320", schemeID="urn:oioubl:id:taxschemeid-1.1")
    lmt = _el(root, "cac:LegalMonetaryTotal")
    _el(lmt, "cbc:LineExtensionAmount", ore_to_kr_str(net_ore), currencyID="DKK")
    _el(lmt, "cbc:TaxExclusiveAmount", ore_to_kr_str(vat), currencyID="DKK")
    _el(lmt, "cbc:TaxInclusiveAmount", ore_to_kr_str(net_ore + vat), currencyID="DKK")
    _el(lmt, "cbc:PayableAmount", ore_to_kr_str(net_ore + vat), currencyID="DKK")
    line_tag = "cac:InvoiceLine" if kind == "Invoice" else "cac:CreditNoteLine"
    line = _el(root, line_tag)
    _el(line, "cbc:ID", "1")
    qty = "cbc:InvoicedQuantity" if kind == "Invoice" else "cbc:CreditedQuantity"
    _el(line, qty, "1", unitCode="EA")
    _el(line, "cbc:LineExtensionAmount", ore_to_kr_str(net_ore), currencyID="DKK")
    _el(_el(line, "cac:Item"), "cbc:Name", text[:80] or "IT-ydelse")
    _el(_el(line, "cac:Price"), "cbc:PriceAmount", ore_to_kr_str(net_ore), currencyID="DKK")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def demo_invoices(bookings: list[list], seed: int = 2026, count: int = 60) -> dict[str, bytes]:
    """Invoice files (name -> XML bytes) for a random sample of the demo's invoice bookings.

    Besides the sample: one invoice nobody booked, one with a mistyped EAN
    (wrong check digit), and one addressed to one holder's EAN while naming
    another holder's cost centre.
    """
    rng = random.Random(seed)
    candidates, seen = [], set()
    for row in bookings:
        _voucher, date, cc, _account, amount, text, supplier, invoice_no, ean, _project = row
        invoice_no, supplier = clean_id(invoice_no), clean_id(supplier)
        ore, day = parse_amount(amount), parse_date(date)
        if not invoice_no or not supplier or not ore or day is None:
            continue
        key = (supplier.casefold(), invoice_no.casefold())
        if key not in seen:
            seen.add(key)
            candidates.append((invoice_no, day, supplier, clean_id(ean), clean_id(cc), clean_id(text), ore))
    out: dict[str, bytes] = {}
    for number, day, supplier, ean, cc, text, ore in rng.sample(candidates, min(count, len(candidates))):
        kind = "Invoice" if ore > 0 else "CreditNote"
        name = f"{'faktura' if ore > 0 else 'kreditnota'}-{number}.xml".replace("/", "-")
        out[name] = invoice_xml(kind=kind, number=number, issued=day, supplier=supplier,
                                buyer_ean=ean, cost_centre=cc, text=text, net_ore=abs(ore))
    with_ean = [c for c in candidates if len(c[3]) == 13 and c[6] > 0]
    if with_ean:
        first = with_ean[0]
        # Demo cost centres are numbered 1000 + 10 * holder + k: pick another holder's.
        other = next((c for c in with_ean if c[4][:-1] != first[4][:-1]), first)
        mistyped = first[3][:-1] + str((int(first[3][-1]) + 1) % 10)
        out["faktura-UBOGFOERT-1.xml"] = invoice_xml(
            kind="Invoice", number="UBOGFOERT-1", issued=dt.date(2026, 6, 1), supplier="Atea A/S",
            buyer_ean=first[3], cost_centre="", text="Skærme", net_ore=1_250_000)
        out["faktura-FORKERT-EAN-1.xml"] = invoice_xml(
            kind="Invoice", number="FORKERT-EAN-1", issued=dt.date(2026, 6, 2), supplier="Dustin A/S",
            buyer_ean=mistyped, cost_centre=first[4], text="Tastaturer", net_ore=240_000)
        out["faktura-FREMMED-STED-1.xml"] = invoice_xml(
            kind="Invoice", number="FREMMED-STED-1", issued=dt.date(2026, 6, 3), supplier="Dustin A/S",
            buyer_ean=first[3], cost_centre=other[4], text="Headsets", net_ore=180_000)
    return out
