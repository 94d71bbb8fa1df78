"""Rendering an invoice check: stable JSON, a Danish text report, rows for a ``Fakturaer`` sheet.

JSON amounts are decimal strings in kr. as the document states them (a credit
note's payable is positive there); the sheet's Beløb is signed as it would be
booked (credit notes negative), so a sum over the column is meaningful.
"""

from __future__ import annotations

from ..parsing import format_date
from ..presentation import format_kr, invoice_status_word, kr_float, ore_to_kr_str, plural, severity_word
from ..writing import safe_text
from .records import BookingRef, InvoiceRecord, InvoiceReport

_TYPE_DA = {"invoice": "Faktura", "credit_note": "Kreditnota", None: "Ulæselig"}

SHEET_HEADERS = ["Fil", "Type", "Fakturanr", "Dato", "Leverandør CVR", "Leverandør", "EAN",
                 "EAN gyldig", "Aftaleholder", "Omkostningssted", "Beløb", "Valuta", "Bogført",
                 "Status", "Fund"]


def _booking_dict(b: BookingRef) -> dict:
    return {"file": b.file, "sheet": b.sheet, "row": b.row, "voucher": b.voucher,
            "supplier": b.supplier, "invoice_no": b.invoice_no, "ean": b.ean,
            "amount": ore_to_kr_str(b.amount) if b.amount is not None else None}


def invoice_dict(r: InvoiceRecord) -> dict:
    """One invoice in the stable JSON shape of issue 6 (plus a few extra keys)."""
    return {
        "file": r.file, "type": r.type, "id": r.id,
        "issue_date": r.issue_date.isoformat() if r.issue_date else None,
        "supplier_cvr": r.supplier_cvr, "supplier_name": r.supplier_name,
        "buyer_ean": r.buyer_ean, "ean_valid": r.ean_valid, "holder": r.holder,
        "cost_centres": list(r.cost_centres),
        "payable": ore_to_kr_str(r.payable) if r.payable is not None else None,
        "currency": r.currency or None, "status": r.status,
        "findings": [{"rule": f.rule, "severity": f.severity, "message": f.message}
                     for f in r.findings],
        "matched": r.matched, "bookings": [_booking_dict(b) for b in r.bookings],
    }


def _has(r: InvoiceRecord, *codes: str) -> bool:
    return any(f.rule in codes for f in r.findings)


def summary_dict(report: InvoiceReport) -> dict:
    """The counts finance reads first: files, kinds, wrong EANs, unmatched, errors."""
    inv = report.invoices
    return {
        "files": len(inv),
        "invoices": sum(r.type == "invoice" for r in inv),
        "credit_notes": sum(r.type == "credit_note" for r in inv),
        "unreadable": sum(_has(r, "ITB014") for r in inv),
        "wrong_ean": sum(_has(r, "ITB009", "ITB010") for r in inv),
        "unmatched": sum(_has(r, "ITB015") for r in inv),
        "bookings_checked": report.bookings_checked,
        "unmatched_bookings": len(report.unmatched_bookings),
        "errors": report.errors, "warnings": report.warnings,
    }


def report_dict(report: InvoiceReport) -> dict:
    """The stable JSON shape of issue 6: invoices, unmatched bookings, summary."""
    return {
        "invoices": [invoice_dict(r) for r in report.invoices],
        "unmatched_bookings": [_booking_dict(b) for b in report.unmatched_bookings],
        "summary": summary_dict(report),
    }


def _title(r: InvoiceRecord) -> str:
    if r.type is None:
        return r.file
    date = f" af {format_date(r.issue_date)}" if r.issue_date else ""
    amount = f", {format_kr(r.payable)}" if r.payable is not None else ""
    cur = f" ({r.currency})" if r.currency and r.currency != "DKK" else ""
    return f"{r.file}: {_TYPE_DA[r.type].lower()} {r.id or '?'}{date}{amount}{cur}"


_SECTIONS = [
    ("Forkert eller fremmed EAN", ("ITB009", "ITB010", "ITB016")),
    ("Kan ikke matches med en bogføring", ("ITB015",)),
    ("Filer der ikke kan læses", ("ITB014",)),
    ("Beløb der ikke stemmer", ("ITB012", "ITB017")),
    ("Leverandør", ("ITB013",)),
]


def report_text(report: InvoiceReport) -> str:
    """A report finance can read: wrong or foreign EANs first, then what is not booked."""
    inv = report.invoices
    s = summary_dict(report)
    out = [f"Kontrol af {plural(len(inv), 'e-faktura-fil')}"
           + (f" mod {report.master_source}" if report.master_source else ""),
           f"{plural(s['invoices'], 'faktura')}, {plural(s['credit_notes'], 'kreditnota')}, "
           f"{s['unreadable']} ulæselige; {plural(s['errors'], 'fejl')} og "
           f"{plural(s['warnings'], 'advarsel')}.", ""]
    if not report.bookings_checked:
        out += ["(Ingen bogføringer angivet: fakturaerne er ikke matchet. Brug --bookings.)", ""]
    for title, codes in _SECTIONS:
        hits = [(r, f) for r in inv for f in r.findings if f.rule in codes]
        if not hits:
            continue
        out.append(f"{title} ({len({id(r) for r, _ in hits})}):")
        last = None
        for r, f in hits:
            if r is not last:
                out.append(f"  {_title(r)}")
                last = r
            out.append(f"    {severity_word(f.severity)} {f.rule} - {f.message}")
        out.append("")
    if report.unmatched_bookings:
        # Thousands of lines would bury the invoices' own findings: the count here, the list in JSON.
        n = len(report.unmatched_bookings)
        out.append(f"{plural(n, 'bogføring')} med fakturanr har ingen e-faktura her; listen "
                   "står i JSON-uddata (--format json, 'unmatched_bookings').")
        out.append("")
    if not any(r.findings for r in inv):
        out += ["Ingen fund: alle fakturaer er sendt til den rigtige aftaleholder.", ""]
    if inv:
        w = min(60, max(len(r.file) for r in inv))
        out.append("Oversigt (beløb med fortegn som bogført):")
        out.append(f"  {'Fil':<{w}} {'Fakturanr':<12} {'EAN':<14} {'Aftaleholder':<12} "
                   f"{'Beløb':>16}  Status")
        for r in inv:
            amount = format_kr(r.sign * r.payable) if r.payable is not None else ""
            out.append(f"  {r.file[:w]:<{w}} {r.id[:12]:<12} {(r.buyer_ean or '-'):<14} "
                       f"{(r.holder or '-'):<12} {amount:>16}  {invoice_status_word(r.status)}")
    return "\n".join(out) + "\n"


def invoice_sheet_rows(report: InvoiceReport) -> tuple[list[str], list[list]]:
    """Headers and rows for a ``Fakturaer`` sheet: one row per file, Danish, formula-safe.

    Dato is a :class:`datetime.date`; Beløb a number in kr. signed as booked
    (credit notes negative); every text cell has passed :func:`safe_text`, and
    should still be written as a string cell.
    """
    rows = []
    for r in report.invoices:
        rows.append([safe_text(v) for v in (
            r.file, _TYPE_DA[r.type], r.id, r.issue_date, r.supplier_cvr or "",
            r.supplier_name, r.buyer_ean or "", ("ja" if r.ean_valid else "nej") if r.type else "",
            r.holder or "", ", ".join(r.cost_centres),
            kr_float(r.sign * r.payable) if r.payable is not None else None, r.currency,
            {True: "ja", False: "nej", None: ""}[r.matched], invoice_status_word(r.status),
            "\n".join(f"{f.rule}: {f.message}" for f in r.findings))])
    return list(SHEET_HEADERS), rows
