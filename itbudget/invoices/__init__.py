"""E-invoices (OIOUBL): does each invoice reach the right budget holder, and is it booked?

Reads OIOUBL 2.0x/2.1 ``Invoice`` and ``CreditNote`` files (untrusted XML, see
:mod:`.oioubl`), checks the buyer EAN, a named cost centre, the supplier's CVR
number and the totals (:mod:`.checks`), and, given bookings, matches each
invoice to them by supplier and invoice number (:mod:`.matching`). Every file
gives one :class:`InvoiceRecord`; a bad file is a finding, never a crash.

Rule codes used here (ITB009/ITB010 keep their meaning from the bookings rules;
ITB012-ITB017 are invoice-only and stable):

======  ========  ==================================================================
code    severity  finding
======  ========  ==================================================================
ITB009  error     the buyer's EndpointID is missing, is a CVR number (DK:CVR/0184)
                  or another scheme instead of an EAN (GLN/0088), or the EAN's GS1
                  check digit is wrong
ITB010  error     the EAN is not registered to any budget holder; or the invoice's
                  AccountingCost / order reference names a cost centre of another
                  holder than the one the EAN belongs to
ITB012  error     totals do not add up: PayableAmount differs from lines - allowances
                  + charges + VAT - prepaid + PayableRoundingAmount by more than
                  1 øre, or LineExtensionAmount differs from the sum of the lines;
                  or an amount cannot be read
ITB013  warning   the supplier's CVR number is missing or fails the modulus-11 check
ITB014  error     the file cannot be used: not XML, truncated, has a DTD/entities
                  (XML bomb, XXE), too large, not an Invoice/CreditNote, or lacks
                  its ID, IssueDate or PayableAmount
ITB015  warning   (with bookings) no booking matches the invoice's number and supplier
ITB016  error     (with bookings) a matched booking's EAN differs from the invoice's
ITB017  error     (with bookings) the booked sum is neither the payable amount nor the
                  amount without VAT (credit notes negative); warning when the invoice
                  is not in DKK and cannot be compared
======  ========  ==================================================================
"""

from __future__ import annotations

import traceback
from pathlib import Path

import pandas as pd

from ..bookings import concat, read_bookings
from ..errors import UnusableInput
from ..files import shown_name
from ..findings import Finding
from ..master import MasterData
from ..reading import CSV_SUFFIXES, WORKBOOK_SUFFIXES
from .checks import CHECKS, classify, named_cost_centres, net_amount, supplier_cvr
from .matching import match
from .oioubl import MAX_XML_BYTES, Document, Unreadable, read_document
from .records import BookingRef, InvoiceRecord, InvoiceReport
from .render import invoice_sheet_rows, report_dict, report_text

INVOICE_RULES = {
    "ITB009": ("error", "EAN mangler, er et CVR-nummer eller har forkert kontrolciffer"),
    "ITB010": ("error", "EAN er ikke registreret, eller tilhører ikke omkostningsstedets aftaleholder"),
    "ITB012": ("error", "fakturaens beløb stemmer ikke"),
    "ITB013": ("warning", "leverandørens CVR-nummer mangler eller er ugyldigt"),
    "ITB014": ("error", "filen kan ikke læses som OIOUBL-faktura eller -kreditnota"),
    "ITB015": ("warning", "ingen bogføring fundet til fakturaen"),
    "ITB016": ("error", "bogføringens EAN afviger fra fakturaens"),
    "ITB017": ("error", "bogført beløb afviger fra fakturaens"),
}


def collect_xml_paths(paths: list[Path | str]) -> list[Path]:
    """Files as given, and the ``.xml`` files of each directory (sorted, recursive)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted((f for f in p.rglob("*") if f.is_file() and f.suffix.lower() == ".xml"
                           and not f.name.startswith((".", "~$"))), key=lambda f: str(f).casefold())
        elif p.exists():
            out.append(p)
        else:
            raise UnusableInput(f"{p}: filen eller mappen findes ikke.")
    return list(dict.fromkeys(out))


def read_bookings_paths(path: Path | str) -> pd.DataFrame:
    """Bookings from one file, or from every workbook and CSV file in a directory."""
    path = Path(path)
    if not path.exists():
        raise UnusableInput(f"{path}: bogføringsfilen eller -mappen findes ikke.")
    if path.is_dir():
        files = sorted(f for f in path.iterdir() if f.is_file()
                       and f.suffix.lower() in WORKBOOK_SUFFIXES | CSV_SUFFIXES
                       and not f.name.startswith((".", "~$")))
        if not files:
            raise UnusableInput(f"{path}: mappen indeholder ingen bogføringer (.xlsx, .csv).")
    else:
        files = [path]
    return concat([read_bookings(f).frame for f in files])


def check_document(file: str, doc: Document, master: MasterData) -> InvoiceRecord:
    """The record of one readable document, with every check's findings."""
    buyer = classify(doc, master)
    findings: list[Finding] = []
    for check in CHECKS:
        findings += check(doc, master)
    return InvoiceRecord(
        file=file, type=doc.type, id=doc.id, issue_date=doc.issue_date,
        supplier_cvr=supplier_cvr(doc), supplier_name=doc.supplier_name,
        buyer_ean=buyer.ean, ean_valid=buyer.valid, holder=buyer.holder,
        cost_centres=tuple(dict.fromkeys(cc for _, cc in named_cost_centres(doc, master))),
        payable=doc.totals.payable, tax=doc.totals.tax, net=net_amount(doc),
        currency=doc.currency,
        findings=tuple(findings))


def read_invoice(path: Path, max_bytes: int = MAX_XML_BYTES) -> tuple[Document | None, list[Finding]]:
    """The loader: one e-invoice file's document, or None and the ITB014 finding saying why.

    The file is named as :func:`~itbudget.files.shown_name` shows it (control characters escaped).
    """
    try:
        return read_document(path, max_bytes), []
    except Unreadable as exc:
        file = shown_name(path.name)
        return None, [Finding(file=file, rule="ITB014", severity="error",
                              message=f"{file}: {exc} Bed leverandøren om at sende fakturaen igen.")]


def check_file(path: Path, master: MasterData,
               max_bytes: int = MAX_XML_BYTES) -> tuple[InvoiceRecord, tuple[str, ...]]:
    """One file's record and its supplier's names (for matching). Never raises on bad input.

    The record names the file as :func:`~itbudget.files.shown_name` shows it.
    """
    file = shown_name(path.name)
    doc, problems = read_invoice(path, max_bytes)
    if doc is None:
        return InvoiceRecord(file=file, type=None, findings=tuple(problems)), ()
    try:
        return check_document(file, doc, master), doc.supplier_names
    except Exception:  # a bug in a check; report it on the file and keep going
        last = traceback.format_exc(limit=2).strip().splitlines()[-1]
        return InvoiceRecord(file=file, type=doc.type, id=doc.id, findings=(
            Finding(rule="ITB014", severity="error",
                    message=f"{file}: intern fejl under kontrollen ({last}); "
                            "kontakt IT-staben."),)), ()


def check_invoices(paths: list[Path], master: MasterData, bookings: pd.DataFrame | None = None,
                   *, max_bytes: int = MAX_XML_BYTES) -> InvoiceReport:
    """Check every e-invoice file against master data and, if given, the bookings."""
    checked = [check_file(Path(p), master, max_bytes) for p in paths]
    records = [r for r, _ in checked]
    unmatched: list[BookingRef] = []
    if bookings is not None:
        records, unmatched = match(records, [n for _, n in checked], bookings)
    return InvoiceReport(tuple(records), tuple(unmatched), bookings is not None, master.source)


__all__ = ["INVOICE_RULES", "BookingRef", "Finding", "InvoiceRecord", "InvoiceReport",
           "MAX_XML_BYTES", "check_file", "check_invoices", "collect_xml_paths",
           "invoice_sheet_rows", "read_bookings_paths", "read_invoice", "report_dict", "report_text"]
