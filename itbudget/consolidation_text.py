"""The Danish summary of a consolidation that finance reads in the terminal.

First what finance must act on (files, who returned nothing, totals), then
the figures, then the findings: a count per holder and the first ``limit``
findings of each holder, repeated findings folded (:mod:`itbudget.digest`).
Every finding is in the workbook's ``Fund`` sheet and in the JSON.
"""

from __future__ import annotations

from .consolidation import OK, SKIPPED, UNREADABLE, Consolidation
from .digest import group_findings
from .presentation import kr, noun, plural

#: Findings shown per holder unless ``--all``.
DEFAULT_LIMIT = 5

#: How the three figures of one overrun differ (shown under the central lines).
OVERRUN_NOTE = ("Rest = budget - disponeret - forbrug ved kørslen; ikke dækket = summen af det, "
                "hver bogføring manglede i dækning, da den blev bogført (senere kreditnotaer "
                "trækker ikke fra); ud over bloktilskuddet = bogført på amtssystemernes konti - "
                "bloktilskuddet, altså sammenlignet med kompensationen, ikke med budgettet.")


def files_line(c: Consolidation) -> str:
    """How many files were read, refused, skipped, and how many were invoices: they add up."""
    books = [s for s in c.sources if s.kind != "faktura"]
    ok = sum(s.status == OK for s in books)
    bad = sum(s.status == UNREADABLE for s in books)
    skipped = sum(s.status == SKIPPED for s in books)
    invoices = sum(s.kind == "faktura" for s in c.sources)
    parts = [f"{ok} læst", f"{bad} kan ikke bruges", f"{skipped} sprunget over"]
    if invoices:
        parts.append(plural(invoices, "e-faktura", "e-fakturaer")
                     + (" (se arket 'Fakturaer')" if c.invoices is not None else ""))
    return f"{plural(len(c.sources), 'fil')}: " + ", ".join(parts) + "."


def missing_lines(c: Consolidation) -> list[str]:
    """Who has not returned anything usable, with the contact person to chase."""
    if not c.missing:
        return []
    names = c.master.holder_by_id
    n = len(c.missing)
    out = [f"{plural(n, 'aftaleholder')} har ikke returneret en brugbar projektmappe eller "
           "eksport; tallene er derfor ufuldstændige:"]
    for h in c.missing:
        holder = names[h]
        contact = f" (kontaktperson: {holder.contact})" if holder.contact else ""
        out.append(f"  Mangler: {h} {holder.name}{contact}")
    return out


def findings_lines(c: Consolidation, limit: int | None) -> list[str]:
    """The first ``limit`` findings per holder (None: all), repeated ones folded."""
    holders = c.row_holders
    groups = group_findings(c.validation.findings, c.ledger, holders)
    if not groups:
        return []
    names = c.master.holder_by_id
    by_holder: dict[str, list] = {}
    for g in groups:
        by_holder.setdefault(g.holder, []).append(g)
    from .allocation import id_order_key

    out = ["Fund pr. aftaleholder" + ("" if limit is None else
                                      f" (de første {limit}; alle med --all og i arket 'Fund')") + ":"]
    for h in sorted(by_holder, key=id_order_key):
        gs = by_holder[h]
        errors = sum(g.count for g in gs if g.severity == "error")
        warnings = sum(g.count for g in gs if g.severity == "warning")
        who = f"{h} {names[h].name}" if h in names else (h or "uden aftaleholder")
        contact = f", kontaktperson {names[h].contact}" if h in names and names[h].contact else ""
        out.append(f"  {who}{contact}: {plural(errors, 'fejl')} og {plural(warnings, 'advarsel')}")
        shown = gs if limit is None else gs[:limit]
        out += [f"    {g.text}" for g in shown]
        if len(gs) > len(shown):
            rest = len(gs) - len(shown)
            out.append(f"    ... og {rest} {noun(rest, 'fund')} mere.")
    return out


def summary_text(c: Consolidation, directory: str, written: list[str], *,
                 limit: int | None = DEFAULT_LIMIT, workbook: bool = True) -> str:
    """The Danish summary; ``workbook``: whether the consolidation workbook was written."""
    bad = [s for s in c.sources if s.status == UNREADABLE]
    out = [f"Konsolidering af {directory} (stamdata: {c.master.source}, budgetår {c.master.year})",
           files_line(c)]
    for s in bad:
        out.append(f"  Kan ikke bruges: {s.message}")
    out += missing_lines(c)
    where = (" (se arket 'Fund')." if workbook else
             " (alle fund kommer i konsolideringsprojektmappen med -o UD.xlsx).")
    out.append(f"{plural(c.validation.rows, 'bogføring')}; {plural(c.errors, 'fejl')} og "
               f"{plural(c.warnings, 'advarsel')}" + (where if c.validation.rows else "."))
    out.append(f"Bogført på IT-konti i alt: {kr(c.total_booked)}")
    out.append("")
    if len(c.central):
        out.append("Centrale budgetlinjer:")
        out.append(f"  {'Linje':<10} {'Budget':>18} {'Disponeret':>18} {'Forbrug':>18} {'Rest':>18}"
                   f" {'Ikke dækket':>18}")
        for r in c.central.itertuples(index=False):
            flag = "  OVERSKREDET" if r.remaining < 0 else ""
            out.append(f"  {r.line:<10} {kr(r.budget):>18} {kr(r.commitments):>18} {kr(r.used):>18} "
                       f"{kr(r.remaining):>18} {kr(r.uncovered):>18}{flag}")
        out.append("")
    out.append("Pris pr. IT-arbejdsplads (IT i alt uden kommunefælles systemer; arbejdsplads = "
               "hardware, licenser, support og telefoni):")
    out.append(f"  {'':<8} {'':<28} {'':>13} {'I alt':>18} {'IT pr. plads':>16} "
               f"{'Arbejdsplads':>16} {'Kommunefælles':>18}")
    for r in c.workstations.itertuples(index=False):
        def per(v):
            if not r.complete:
                return "(ufuldstændig)"
            return kr(v) if v is not None else "(ingen pladser)"
        out.append(f"  {r.holder:<8} {r.name[:28]:<28} {plural(int(r.seats), 'plads'):>13} "
                   f"{kr(r.total):>18} {per(r.it_per_workstation):>16} "
                   f"{per(r.workplace_per_workstation):>16} {kr(r.central_systems):>18}")
    s = c.savings
    out.append("")
    out.append(f"Sparemål {kr(s['target'])}; registreret {kr(s['registered'])}; "
               f"realiseret ifølge bogføringerne {kr(s['secured'])}")
    if len(c.county):
        uncovered = int(c.county["difference"].clip(lower=0).sum())
        out.append(f"Amtssystemer: bogført {kr(uncovered)} ud over bloktilskuddet.")
    if len(c.central) or len(c.county):
        out.append(OVERRUN_NOTE)
    findings = findings_lines(c, limit)
    if findings:
        out.append("")
        out += findings
    for w in written:
        out.append(w)
    return "\n".join(out) + "\n"
