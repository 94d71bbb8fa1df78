"""Matching e-invoices to bookings by supplier and invoice number.

A booking matches an invoice when its Fakturanr equals the invoice's ID
(trimmed, case-insensitive) and its Leverandør either names the supplier (the
supplier's CVR number appears in it, or its name matches the document's party
or registration name) or is blank. A booking with the right number but another
supplier's name does not match; it is named in the "no booking" message.

Per matched invoice: ITB015 when nothing matched, ITB016 for each booking whose
EAN differs from the invoice's buyer EAN, ITB017 when the booked sum is neither
the payable amount nor the amount without VAT (municipalities book net of VAT
under the VAT refund scheme), credit notes counting negative.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pandas as pd

from ..findings import Finding
from ..presentation import format_kr
from .records import BookingRef, InvoiceRecord

_SUFFIXES = re.compile(r"\b(a/s|aps|i/s|p/s|k/s|amba|a\.m\.b\.a|as|ab|gmbh|ltd|inc)\b\.?")


def norm_name(text: str) -> str:
    """A company name compared loosely: case, punctuation and legal suffix ignored."""
    t = _SUFFIXES.sub(" ", text.casefold())
    return re.sub(r"[^0-9a-zæøåäöü]+", "", t)


def supplier_matches(booking_supplier: str, record: InvoiceRecord, names: tuple[str, ...]) -> bool:
    """True when the free-text Leverandør names the invoice's supplier."""
    if record.supplier_cvr and record.supplier_cvr in re.sub(r"\D", "", booking_supplier):
        return True
    mine = norm_name(booking_supplier)
    # Exact (normalised) equality is safe for any length, "EG A/S" included;
    # only prefix matching needs a minimum length.
    if mine and any(norm_name(n) == mine for n in names):
        return True
    for n in names:
        theirs = norm_name(n)
        if theirs and min(len(mine), len(theirs)) >= 4 \
                and (mine.startswith(theirs) or theirs.startswith(mine)):
            return True
    return False


def booking_refs(bookings: pd.DataFrame) -> list[BookingRef]:
    """The bookings that name an invoice number, as references."""
    out = []
    sub = bookings[bookings["invoice_no"].astype(str).str.strip() != ""]
    for r in sub.itertuples(index=False):
        out.append(BookingRef(file=str(r.file), sheet=str(r.sheet), row=int(r.row),
                              voucher=str(r.voucher), supplier=str(r.supplier),
                              invoice_no=str(r.invoice_no).strip(), ean=str(r.ean),
                              amount=int(r.amount) if bool(r.amount_ok) else None))
    return out


def _where(b: BookingRef) -> str:
    """``bilag 7 (bogf.xlsx, Bogføringer række 12)``, or without the voucher when blank."""
    sheet = f", {b.sheet}" if b.sheet else ""
    place = f"{b.file}{sheet} række {b.row}"
    return f"bilag {b.voucher} ({place})" if b.voucher else f"bogføringen i {place}"


def match(records: list[InvoiceRecord], names: list[tuple[str, ...]],
          bookings: pd.DataFrame) -> tuple[list[InvoiceRecord], list[BookingRef]]:
    """Records with their matched bookings and findings; the invoice bookings left over."""
    refs = booking_refs(bookings)
    by_number: dict[str, list[BookingRef]] = defaultdict(list)
    for b in refs:
        by_number[b.invoice_no.casefold()].append(b)
    used: set[tuple[str, str, int]] = set()
    out = []
    for rec, supplier_names in zip(records, names):
        if rec.type is None or not rec.id:
            out.append(rec)
            continue
        same = by_number.get(rec.id.strip().casefold(), [])
        hits = [b for b in same if not b.supplier.strip()
                or supplier_matches(b.supplier, rec, supplier_names)]
        if not hits:
            others = "; ".join(f"{_where(b)} har samme fakturanr, men leverandør '{b.supplier}'"
                               for b in same[:3])
            supplier = rec.supplier_name or (f"CVR {rec.supplier_cvr}" if rec.supplier_cvr else "?")
            out.append(rec.with_findings(Finding(
                rule="ITB015", severity="warning",
                message=f"Ingen bogføring med fakturanr {rec.id} fra {supplier}"
                + (f" ({others})." if others else ".")
                + " Fakturaen er ikke bogført, eller Fakturanr/Leverandør er skrevet forkert."),
                matched=False))
            continue
        used.update((b.file, b.sheet, b.row) for b in hits)
        found = []
        for b in hits:
            if b.ean and rec.buyer_ean and b.ean != rec.buyer_ean:
                found.append(Finding(rule="ITB016", severity="error", message=(
                    f"{_where(b)[0].upper()}{_where(b)[1:]} er bogført med EAN {b.ean}, men fakturaen er sendt til "
                    f"EAN {rec.buyer_ean}. Ret EAN på bogføringen, eller bed leverandøren "
                    "sende fakturaen til det rigtige EAN-nummer.")))
        found += _amount_findings(rec, hits)
        out.append(rec.with_findings(*found, bookings=tuple(hits), matched=True))
    left = [b for b in refs if (b.file, b.sheet, b.row) not in used]
    return out, left


def _amount_findings(rec: InvoiceRecord, hits: list[BookingRef]) -> list[Finding]:
    if rec.payable is None:
        return []
    if rec.currency and rec.currency.upper() != "DKK":
        return [Finding(rule="ITB017", severity="warning",
                        message=f"Fakturaen er i {rec.currency}; det bogførte beløb "
                                "kan ikke sammenlignes automatisk. Kontrollér beløbet.")]
    unreadable = [b for b in hits if b.amount is None]
    booked = sum(b.amount for b in hits if b.amount is not None)
    gross = rec.sign * rec.payable
    net = rec.sign * rec.net if rec.net is not None else gross
    if not unreadable and booked in (gross, net):
        return []
    what = "Kreditnotaen" if rec.type == "credit_note" else "Fakturaen"
    vat = f" ({format_kr(net)} uden moms)" if net != gross else ""
    hint = " En kreditnota bogføres med negativt beløb." \
        if rec.type == "credit_note" and booked > 0 else ""
    extra = f" {len(unreadable)} bogføring(er) har et beløb der ikke kan læses." if unreadable else ""
    return [Finding(rule="ITB017", severity="error", message=(
        f"Bogført i alt {format_kr(booked)} på {len(hits)} bogføring(er), men {what.lower()} "
        f"svarer til {format_kr(gross)}{vat} (forskel {format_kr(booked - gross)}).{hint}{extra}"))]
