"""Reading one OIOUBL e-invoice or credit note into a :class:`Document` of plain facts.

OIOUBL 2.0x (UBL 2.0) and 2.1 documents are both read; only the elements this
product needs are extracted. The files come from outside the municipality and
are untrusted: the size is capped before anything is read, and the parser
(defusedxml) refuses any DTD, so entity bombs ("billion laughs") and external
entities (XXE) fail at the declaration without expansion or network access.
A file that cannot be used raises :class:`Unreadable` with a Danish message;
the caller turns it into a finding on that file.

Amounts are parsed from their decimal text exactly (no floats) into integer
øre; an amount with more than two decimals is rounded half up to the øre.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from ..presentation import thousands

#: Largest e-invoice accepted; real OIOUBL invoices are kilobytes, big ones a few MB.
MAX_XML_BYTES = 20 * 1024 * 1024

CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {"cac": CAC, "cbc": CBC}
ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": ("invoice", "cac:InvoiceLine"),
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote":
        ("credit_note", "cac:CreditNoteLine"),
}

#: schemeID values naming a GS1 location number (legacy OIOUBL and ISO 6523 ICD).
GLN_SCHEMES = {"GLN", "0088"}
#: schemeID values naming a Danish CVR number.
CVR_SCHEMES = {"DK:CVR", "0184"}

_DECIMAL = re.compile(r"^[+-]?(\d{1,15})?(\.\d{0,20})?$")
_UTF8_BOM = b"\xef\xbb\xbf"


class Unreadable(Exception):
    """The file is not a usable OIOUBL invoice or credit note (Danish message)."""


@dataclass(frozen=True)
class PartyId:
    """An identifier of a party as the document states it: value and schemeID."""

    value: str
    scheme: str

    @property
    def is_gln(self) -> bool:
        return self.scheme.upper() in GLN_SCHEMES

    @property
    def is_cvr(self) -> bool:
        return self.scheme.upper() in CVR_SCHEMES


@dataclass(frozen=True)
class Totals:
    """The document's money, in øre; ``None`` where an element is absent."""

    payable: int | None
    line_sum: int | None          # sum of the lines' LineExtensionAmount; None without lines
    stated_line_total: int | None  # LegalMonetaryTotal/LineExtensionAmount
    allowances: int = 0           # document-level AllowanceCharge, ChargeIndicator false
    charges: int = 0              # document-level AllowanceCharge, ChargeIndicator true
    tax: int = 0                  # document-level TaxTotal/TaxAmount in the document currency
    prepaid: int = 0
    rounding: int = 0             # PayableRoundingAmount
    lines: int = 0


@dataclass(frozen=True)
class Document:
    """The facts of one e-invoice or credit note that the checks need."""

    type: str                      # "invoice" | "credit_note"
    id: str
    issue_date: dt.date | None
    issue_date_raw: str
    currency: str
    supplier_name: str
    supplier_names: tuple[str, ...]
    supplier_ids: tuple[PartyId, ...]   # legal entity, identification, endpoint, in that order
    buyer_endpoint: PartyId | None
    buyer_ids: tuple[PartyId, ...]      # PartyIdentification/ID of the buyer
    cost_references: tuple[tuple[str, str], ...]  # (where, value): AccountingCost, OrderReference
    totals: Totals
    bad_amounts: tuple[str, ...]        # amounts whose text is not a decimal number


def amount_to_ore(text: str | None) -> int | None:
    """A UBL decimal amount (``"6312.50"``, ``"-0.01"``, ``"10"``) in øre; None if unreadable."""
    if text is None:
        return None
    t = text.strip()
    m = _DECIMAL.match(t)
    if not t or not m or (m.group(1) is None and not (m.group(2) or "").strip(".")):
        return None
    ore = (Decimal(t) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(ore)


def read_bytes(path: Path, max_bytes: int = MAX_XML_BYTES) -> bytes:
    """The file's bytes, refusing anything larger than ``max_bytes`` before reading it."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise Unreadable(f"filen er for stor ({thousands(size)} bytes; højst {thousands(max_bytes)}).")
        with path.open("rb") as fh:
            data = fh.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as exc:
        raise Unreadable(f"filen kan ikke læses ({exc.strerror or exc}).") from None
    if len(data) > max_bytes:
        raise Unreadable(f"filen er for stor (over {thousands(max_bytes)} bytes).")
    if not data.strip():
        raise Unreadable("filen er tom.")
    return data


def parse_root(data: bytes) -> Element:
    """Parse untrusted XML: no DTD, no entities, no external references."""
    if data.startswith(_UTF8_BOM):
        data = data[len(_UTF8_BOM):]
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.lstrip(b" \t\r\n")  # stray whitespace before <?xml is common, and harmless
    try:
        return SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise Unreadable("filen indeholder en DTD eller entiteter (mulig XML-bombe eller "
                         "ekstern reference) og afvises uden at blive læst.") from None
    except ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise Unreadable(f"filen er ikke gyldig XML (afkortet eller beskadiget; linje {line}, "
                         f"kolonne {col}).") from None
    except (ValueError, UnicodeError, RecursionError) as exc:
        raise Unreadable(f"filen er ikke gyldig XML ({type(exc).__name__}).") from None


def _text(el: Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def _party_id(el: Element | None) -> PartyId | None:
    if el is None or not _text(el):
        return None
    return PartyId(_text(el), (el.get("schemeID") or "").strip())


def parse_document(data: bytes) -> Document:
    """The facts of one OIOUBL Invoice or CreditNote from its bytes."""
    root = parse_root(data)
    kind = ROOTS.get(root.tag)
    if kind is None:
        local = root.tag.rsplit("}", 1)[-1]
        raise Unreadable(f"rodelementet er '{local}', ikke en OIOUBL Invoice eller CreditNote "
                         "(UBL 2-navnerum).")
    doc_type, line_path = kind
    bad: list[str] = []

    def amount(path: str, base: Element = root) -> int | None:
        el = base.find(path, NS)
        if el is None:
            return None
        ore = amount_to_ore(el.text)
        if ore is None:
            bad.append(f"{path.split(':')[-1]} '{_text(el)[:40]}'")
        return ore

    currency = _text(root.find("cbc:DocumentCurrencyCode", NS))
    lmt = "cac:LegalMonetaryTotal/cbc:"
    lines = root.findall(line_path, NS)
    line_amounts = [amount("cbc:LineExtensionAmount", ln) for ln in lines]
    allowances = charges = 0
    for ac in root.findall("cac:AllowanceCharge", NS):
        value = amount("cbc:Amount", ac) or 0
        if _text(ac.find("cbc:ChargeIndicator", NS)).lower() in ("true", "1"):
            charges += value
        else:
            allowances += value
    tax = 0
    for tt in root.findall("cac:TaxTotal", NS):
        el = tt.find("cbc:TaxAmount", NS)
        # A second TaxTotal in another (tax) currency restates the VAT; count it once.
        if el is not None and (el.get("currencyID") or currency) == currency:
            tax += amount("cbc:TaxAmount", tt) or 0
    totals = Totals(
        payable=amount(lmt + "PayableAmount"),
        line_sum=sum(a or 0 for a in line_amounts) if lines else None,
        stated_line_total=amount(lmt + "LineExtensionAmount"),
        allowances=allowances, charges=charges, tax=tax,
        prepaid=amount(lmt + "PrepaidAmount") or 0,
        rounding=amount(lmt + "PayableRoundingAmount") or 0,
        lines=len(lines),
    )

    supplier = root.find("cac:AccountingSupplierParty/cac:Party", NS)
    supplier_ids: list[PartyId] = []
    names: list[str] = []
    if supplier is not None:
        for path in ("cac:PartyLegalEntity/cbc:CompanyID", "cac:PartyIdentification/cbc:ID",
                     "cbc:EndpointID"):
            supplier_ids += [p for p in map(_party_id, supplier.findall(path, NS)) if p]
        names = [n for n in (_text(e) for e in supplier.findall("cac:PartyName/cbc:Name", NS)
                             + supplier.findall("cac:PartyLegalEntity/cbc:RegistrationName", NS)) if n]
    buyer = root.find("cac:AccountingCustomerParty/cac:Party", NS)
    endpoint = _party_id(buyer.find("cbc:EndpointID", NS)) if buyer is not None else None
    buyer_ids = tuple(p for p in map(_party_id, buyer.findall("cac:PartyIdentification/cbc:ID", NS))
                      if p) if buyer is not None else ()

    refs: list[tuple[str, str]] = []
    for where, path in (("AccountingCost", "cbc:AccountingCost"),
                        ("ordrereference", "cac:OrderReference/cbc:ID"),
                        ("AccountingCost på en linje", f"{line_path}/cbc:AccountingCost")):
        refs += [(where, _text(e)) for e in root.findall(path, NS) if _text(e)]

    raw_date = _text(root.find("cbc:IssueDate", NS))
    try:
        issue_date = dt.date.fromisoformat(raw_date[:10]) if raw_date else None
    except ValueError:
        issue_date = None
    return Document(
        type=doc_type, id=_text(root.find("cbc:ID", NS)), issue_date=issue_date,
        issue_date_raw=raw_date, currency=currency, supplier_name=names[0] if names else "",
        supplier_names=tuple(dict.fromkeys(names)), supplier_ids=tuple(supplier_ids),
        buyer_endpoint=endpoint, buyer_ids=buyer_ids,
        cost_references=tuple(dict.fromkeys(refs)), totals=totals, bad_amounts=tuple(bad),
    )


def read_document(path: Path, max_bytes: int = MAX_XML_BYTES) -> Document:
    """Read and parse one e-invoice file; raises :class:`Unreadable` for an unusable file."""
    return parse_document(read_bytes(path, max_bytes))
