"""The typed, immutable records of an invoice check: one per file, and the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from ..findings import Finding


@dataclass(frozen=True)
class BookingRef:
    """A booking matched to an invoice: where it is, and what it says."""

    file: str
    sheet: str
    row: int
    voucher: str
    supplier: str
    invoice_no: str
    ean: str
    amount: int | None   # øre; None when the booking's amount cannot be read


@dataclass(frozen=True)
class InvoiceRecord:
    """One e-invoice file and its verdict. Amounts in øre, as the document states them."""

    file: str
    type: str | None              # "invoice" | "credit_note"; None when unreadable
    id: str = ""
    issue_date: dt.date | None = None
    supplier_cvr: str | None = None
    supplier_name: str = ""
    buyer_ean: str | None = None
    ean_valid: bool = False
    holder: str | None = None
    cost_centres: tuple[str, ...] = ()
    payable: int | None = None
    tax: int | None = None
    net: int | None = None        # lines - allowances + charges: the amount without VAT
    currency: str = ""
    findings: tuple[Finding, ...] = ()
    bookings: tuple[BookingRef, ...] = ()
    matched: bool | None = None   # None when no bookings were given

    def __post_init__(self) -> None:
        # Every finding points at its invoice: the file, and the holder its EAN routes to.
        placed = tuple(f if f.file == self.file and f.holder == (self.holder or "")
                       else replace(f, file=self.file, holder=self.holder or "") for f in self.findings)
        object.__setattr__(self, "findings", placed)

    @property
    def sign(self) -> int:
        """+1 for an invoice, -1 for a credit note: its sign in the bookings."""
        return -1 if self.type == "credit_note" else 1

    @property
    def status(self) -> str:
        sev = {f.severity for f in self.findings}
        return "error" if "error" in sev else "warning" if "warning" in sev else "ok"

    def with_findings(self, *extra: Finding, **changes) -> "InvoiceRecord":
        return replace(self, findings=self.findings + tuple(extra), **changes)


@dataclass(frozen=True)
class InvoiceReport:
    """Every invoice checked, and the invoice bookings no invoice matched."""

    invoices: tuple[InvoiceRecord, ...]
    unmatched_bookings: tuple[BookingRef, ...] = ()
    bookings_checked: bool = False
    master_source: str = ""

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Every invoice's findings, in file order."""
        return tuple(f for r in self.invoices for f in r.findings)

    @property
    def errors(self) -> int:
        return sum(f.severity == "error" for r in self.invoices for f in r.findings)

    @property
    def warnings(self) -> int:
        return sum(f.severity == "warning" for r in self.invoices for f in r.findings)
