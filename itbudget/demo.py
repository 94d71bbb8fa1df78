"""A demo municipality, built deterministically by code: master data and a year of bookings.

:func:`build_demo` returns the contract's master data sheets (header row first,
amounts in kr. as numbers, dates as :class:`datetime.date`) and, per budget
holder, a year of bookings in :data:`~itbudget.bookings.BOOKING_HEADERS` order.
The same seed always gives the same municipality; nothing is read from disk.

The bookings are mostly clean. A small, fixed share of them carries the
mistakes budget holders really make (a missing account, an amount typed as
``12,345``, last year's invoice, a foreign EAN, an invoice booked twice, a
project bought before its form was approved ...), so that validating the demo
triggers every rule ITB001-ITB011 at a realistic rate. Budgets are set from
the generated spending, so a larger demo (``bookings_per_holder``, for
benchmarks) is a larger municipality with the same shares of findings, and the
cost of building it grows linearly with the number of bookings.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
from dataclasses import dataclass
from pathlib import Path

from stdnum import ean as gs1

from .bookings import BOOKING_HEADERS
from .demo_followup import followup_sheets
from .master import MasterData, master_from_rows
from .presentation import format_kr, kr_cell
from .writing import atomic_write_bytes, safe_text

YEAR = 2026
SAVINGS_TARGET_KR = 4_000_000
MUNICIPALITY = "Bakkedal Kommune"
#: How Bakkedal's finance system heads its posting list, field by field (its Kolonnenavne).
EXPORT_HEADERS = {"Bilag": "Bilagsnøgle", "Dato": "Bogf. dag", "Omkostningssted": "Omk.sted nr.",
                  "Konto": "Artskonto nr.", "Debet": "Debetbeløb", "Kredit": "Kreditbeløb",
                  "Tekst": "Posteringstekst", "Leverandør": "Leverandørnavn",
                  "Fakturanr": "Eksternt fakturanr.", "EAN": "EAN lokation", "Projektnr": "Projektnøgle"}

# (name, kind, default bookings, cost centre suffixes, workstations, home workstations, head).
# The head's title is lower case, as Danish writes it mid-sentence ("kontaktperson skoleleder ...").
_HOLDERS = [
    ("IT-staben", "it", 900, ["Drift og support", "Netværk", "Projekter"], 25, 10, "IT-chef Lars Mikkelsen"),
    ("Økonomistaben", "adm", 250, ["Økonomi", "Indkøb"], 18, 6, "økonomichef Hanne Kristensen"),
    ("Bakkeskolen", "school", 380, ["Undervisning", "SFO"], 95, 12, "skoleleder Mette Jensen"),
    ("Engskolen", "school", 380, ["Undervisning", "SFO"], 80, 9, "skoleleder Søren Poulsen"),
    ("Søndermarkskolen", "school", 380, ["Undervisning", "SFO"], 110, 14, "skoleleder Anne Lund"),
    ("Nørre Skole", "school", 380, ["Undervisning", "SFO"], 70, 6, "skoleleder Jesper Dahl"),
    ("Østervangskolen", "school", 380, ["Undervisning", "SFO"], 88, 10, "skoleleder Rikke Holm"),
    ("Vestre Skole", "school", 380, ["Undervisning", "SFO"], 64, 5, "skoleleder Thomas Berg"),
    ("Kirkebakkeskolen", "school", 380, ["Undervisning", "SFO"], 102, 11, "skoleleder Pia Vinther"),
    ("Skovgårdsskolen", "school", 380, ["Undervisning", "SFO", "Specialklasser"], 120, 15, "skoleleder Niels Krogh"),
    ("Børnehuset Mælkebøtten", "daycare", 180, ["Børnehave"], 8, 0, "leder Camilla Friis"),
    ("Dagtilbud Solsikken", "daycare", 180, ["Vuggestue", "Børnehave"], 12, 1, "leder Jonas Brandt"),
    ("Børnehaven Regnbuen", "daycare", 180, ["Børnehave"], 7, 0, "leder Helle Bach"),
    ("Vuggestuen Myretuen", "daycare", 180, ["Vuggestue"], 6, 0, "leder Ida Winther"),
    ("Børnehuset Troldehøj", "daycare", 180, ["Vuggestue", "Børnehave"], 10, 1, "leder Karsten Juul"),
    ("Dagplejen", "daycare", 180, ["Dagpleje", "Gæstepleje"], 30, 25, "dagplejeleder Bente Skov"),
    ("Plejecenter Solgården", "care", 330, ["Pleje", "Køkken"], 40, 4, "centerleder Lone Bech"),
    ("Plejecenter Lindehøj", "care", 330, ["Pleje", "Aktivitet"], 35, 3, "centerleder Ole Thomsen"),
    ("Plejecenter Egebakken", "care", 330, ["Pleje", "Køkken"], 30, 2, "centerleder Susanne Kjær"),
    ("Plejecenter Rosengården", "care", 330, ["Pleje", "Demensafsnit"], 45, 4, "centerleder Morten Lassen"),
    ("Hjemmeplejen Nord", "care", 330, ["Hjemmepleje", "Sygepleje"], 60, 20, "områdeleder Birgitte Møller"),
    ("Hjemmeplejen Syd", "care", 330, ["Hjemmepleje", "Sygepleje"], 55, 18, "områdeleder Henrik Schmidt"),
    ("Hovedbiblioteket", "library", 200, ["Udlån", "Borgerrettet IT"], 30, 5, "bibliotekschef Inge Toft"),
    ("Filial Nordby", "library", 200, ["Udlån"], 6, 0, "filialleder Kim Ravn"),
    ("Filial Sønderby", "library", 200, ["Udlån"], 5, 0, "filialleder Eva Storm"),
    ("Borgerservice", "adm", 320, ["Borgerservice", "Pas og kørekort"], 40, 10, "afdelingsleder Maja Lauridsen"),
    ("Jobcenter", "adm", 320, ["Jobcenter", "Ydelser"], 85, 30, "jobcenterchef Rasmus Kirk"),
    ("Teknik og Miljø", "adm", 320, ["Sekretariat", "Vej og park"], 60, 20, "direktør Poul Eskildsen"),
    ("Løn og Personale", "adm", 320, ["Løn", "HR"], 22, 8, "lønchef Gitte Andersen"),
    ("Kultur og Fritid", "adm", 320, ["Sekretariat", "Idrætsanlæg"], 25, 6, "kulturchef Anders Bisgaard"),
    ("Ældre og Sundhed, sekretariat", "adm", 320, ["Sekretariat"], 30, 12, "direktør Jette Nørgaard"),
    ("Skole og Dagtilbud, sekretariat", "adm", 320, ["Sekretariat", "PPR"], 35, 14, "direktør Frank Olesen"),
]

# Økonomistaben's contact persons for the IT accounts.
_CONTACTS = ["Karen Holm", "Jens Madsen", "Lone Sørensen", "Peter Nielsen"]

# (account, name, category, financing, central line, requires form, on overrun, contact index,
#  amount range in kr., suppliers)
_ACCOUNTS = [
    ("2210", "Hardware: pc'er og skærme", "Hardware", "decentral", "", False, "stop", 0,
     (150, 14000), ["Atea A/S", "Dustin A/S", "Komplett Danmark A/S"]),
    ("2215", "Hjemmearbejdspladser", "Hardware", "decentral", "", False, "advar", 0,
     (300, 7000), ["Dustin A/S", "Atea A/S"]),
    ("2220", "Softwarelicenser", "Licenser", "decentral", "", False, "advar", 1,
     (200, 30000), ["Microsoft Danmark ApS", "SoftwareOne Denmark A/S", "Adobe Systems Danmark"]),
    ("2230", "Fagsystemer", "Fagsystemer", "decentral", "", False, "stop", 1,
     (2000, 60000), ["KMD A/S", "EG A/S", "Netcompany A/S", "Systematic A/S"]),
    ("2240", "Printere og kopimaskiner", "Hardware", "decentral", "", False, "advar", 0,
     (300, 6000), ["Konica Minolta Danmark", "Ricoh Danmark A/S", "Canon Danmark A/S"]),
    ("2250", "IT-projekter", "Projekter", "decentral", "", True, "stop", 2,
     (10000, 150000), ["Netcompany A/S", "Atea A/S", "Globeteam A/S"]),
    ("2260", "KMD-anskaffelser", "KMD", "decentral", "", True, "stop", 2,
     (20000, 200000), ["KMD A/S"]),
    ("2310", "Fastnettelefoni", "Telefoni", "central", "TEL", False, "stop", 3,
     (200, 3000), ["TDC NetDesign A/S", "Telia Danmark"]),
    ("2315", "Mobiltelefoni", "Telefoni", "central", "TEL", False, "advar", 3,
     (150, 4000), ["TDC NetDesign A/S", "Telia Danmark", "3 Danmark A/S"]),
    ("2320", "Central drift og support", "Support", "central", "DRIFT", False, "advar", 3,
     (5000, 150000), ["Netic A/S", "Atea A/S", "Globeteam A/S"]),
    ("2330", "Netværk og infrastruktur", "Drift", "central", "NET", False, "advar", 3,
     (2000, 80000), ["GlobalConnect A/S", "Cisco Systems Danmark"]),
    ("2340", "Amtssystemer: omsorg og handicap", "Amtssystemer", "central", "AMT", False, "advar", 1,
     (5000, 120000), ["KMD A/S", "Systematic A/S"]),
    ("2345", "Amtssystemer: specialundervisning", "Amtssystemer", "central", "AMT", False, "advar", 1,
     (3000, 60000), ["EG A/S", "KMD A/S"]),
    ("2350", "Nye fælles systemer (central pulje)", "Projekter", "central", "PULJE", True, "stop", 2,
     (20000, 250000), ["Netcompany A/S", "KMD A/S"]),
]
_ACC = {a[0]: a for a in _ACCOUNTS}

# (line, name, per workstation, budget factor over the spending, commitment share)
_CENTRAL = [
    ("TEL", "Telefoni (IT-staben)", False, 1.08, 0.0),
    ("DRIFT", "Central drift og support (de gamle kommuners IT-budgetter)", True, 1.10, 0.02),
    ("NET", "Netværk og infrastruktur", True, 1.15, 0.0),
    # County systems are not fully compensated: unforeseen costs overrun the line.
    ("AMT", "Systemer overtaget fra amtet", False, 0.96, 0.0),
    ("PULJE", "Central pulje til nye systemer", False, 1.30, 0.05),
]
#: Central lines for systems the whole municipality uses ("Kommunefælles"): booked at
#: IT-staben's cost centres, but not the cost of IT-staben's own workstations.
_MUNICIPALITY_WIDE = {"AMT", "PULJE"}

# Which accounts a kind of holder books on, with relative weights.
_PROFILE = {
    "it": {"2210": 6, "2215": 2, "2220": 6, "2230": 2, "2310": 2, "2315": 3, "2320": 10,
           "2330": 6, "2340": 2, "2350": 1},
    "adm": {"2210": 8, "2215": 4, "2220": 8, "2230": 5, "2240": 3, "2310": 4, "2315": 5},
    "school": {"2210": 10, "2215": 1, "2220": 8, "2230": 4, "2240": 4, "2310": 3, "2315": 3,
               "2345": 1},
    "daycare": {"2210": 6, "2220": 6, "2230": 3, "2240": 3, "2310": 4, "2315": 5},
    "care": {"2210": 6, "2215": 2, "2220": 6, "2230": 6, "2240": 2, "2310": 4, "2315": 6,
             "2340": 2},
    "library": {"2210": 10, "2215": 1, "2220": 8, "2230": 3, "2240": 4, "2310": 3, "2315": 2},
}

# (project, title, holder index, account, approval state)
_PROJECTS = [
    ("P26-01", "Aula-integration og digitale tavler", 2, "2250", "full"),
    ("P26-02", "Digital nøglehåndtering", 16, "2250", "full"),
    ("P26-03", "Selvbetjening i Borgerservice", 25, "2260", "full"),
    ("P26-04", "Trådløst netværk i Hovedbiblioteket", 22, "2250", "partial"),
    ("P26-05", "Velfærdsteknologi: skærmbesøg", 20, "2250", "late"),
    ("P26-06", "Fælles ESDH-opgradering", 0, "2350", "full"),
    ("P26-07", "KMD Opus: nyt lønmodul", 28, "2260", "over"),
    ("P26-08", "Elev-pc'er til udskoling", 4, "2250", "full"),
]
#: Share of a project holder's bookings that go to its project.
_PROJECT_SHARE = 0.05
_CREDIT_SHARE = 0.012
_NO_INVOICE_SHARE = 0.08

# Mistakes, as shares of all bookings (at least one of each in any demo).
_MISTAKES = [
    ("missing_field", 0.0020),
    ("unreadable_amount", 0.0010),
    ("bad_date", 0.0005),
    ("prior_year", 0.0020),
    ("unknown_cost_centre", 0.0010),
    ("unknown_account", 0.0020),
    ("no_budget_line", 0.0020),
    ("missing_project", 0.0008),
    ("unknown_project", 0.0003),
    ("missing_ean", 0.0030),
    ("bad_ean", 0.0010),
    ("foreign_ean", 0.0015),
    ("duplicate", 0.0020),
]
#: Share of decentral budget lines budgeted below their spending (at least two).
_OVERRUN_SHARE = 0.02

_COL = {h: i for i, h in enumerate(BOOKING_HEADERS)}
_A, _D, _CC, _K, _B, _T, _L, _F, _E, _P = (_COL[h] for h in BOOKING_HEADERS)


@dataclass(frozen=True)
class Demo:
    """The demo municipality: master data sheets and each holder's bookings."""

    master_sheets: dict[str, list[list]]
    bookings: dict[str, list[list]]
    seed: int = 2026

    def master(self) -> MasterData:
        """The master data, read and checked as any stamdata workbook would be."""
        return master_from_rows(self.master_sheets, file="demo-stamdata")

    def all_bookings(self) -> list[list]:
        """Every holder's bookings, holder by holder, in one list (no header)."""
        return [row for rows in self.bookings.values() for row in rows]

    @property
    def holder_ids(self) -> list[str]:
        return list(self.bookings)


def holder_id(n: int) -> str:
    """The id of the n-th holder (1-based): ``H01``."""
    return f"H{n:02d}"


def make_ean(n: int, k: int = 0) -> str:
    """A valid GS1 location number for holder n: prefix 5798, check digit computed."""
    body = f"579800{n:04d}{k:02d}"
    return body + gs1.calc_check_digit(body)


def _log_uniform(rng: random.Random, lo: float, hi: float) -> int:
    """An amount in øre, log-uniform between lo and hi kr."""
    return int(round(math.exp(rng.uniform(math.log(lo), math.log(hi))) * 100))


def _round_up(ore: int, step_kr: int = 1000) -> int:
    step = step_kr * 100
    return max(step, -(-ore // step) * step)


def build_demo(seed: int = 2026, bookings_per_holder: int | None = None) -> Demo:
    """Build the demo municipality.

    ``bookings_per_holder`` gives every holder exactly that many bookings (for
    benchmarks); by default holders book a few hundred each, ~10,000 in all.
    """
    rng = random.Random(seed)
    n_holders = len(_HOLDERS)
    hids = [holder_id(i + 1) for i in range(n_holders)]

    # --- holders, cost centres, EANs
    ccs: dict[str, list[str]] = {}
    cc_rows = []
    for i, (name, _kind, _n, suffixes, *_rest) in enumerate(_HOLDERS):
        ids = [str(1000 + (i + 1) * 10 + k + 1) for k in range(len(suffixes))]
        ccs[hids[i]] = ids
        cc_rows += [[c, f"{name}, {s}", hids[i]] for c, s in zip(ids, suffixes)]
    eans = {h: [make_ean(i + 1)] for i, h in enumerate(hids)}
    for i in (0, 16, 26):  # a few holders receive invoices on a second EAN
        eans[hids[i]].append(make_ean(i + 1, 1))

    # --- which decentral budget lines exist: every account in the profile, but
    # printers and home workstations not at every cost centre (so ITB005 can occur).
    project_of = {hids[p[2]]: p for p in _PROJECTS}
    lines: dict[str, list[tuple[str, str]]] = {}  # holder -> [(cc, account)]
    for i, h in enumerate(hids):
        kind = _HOLDERS[i][1]
        out = []
        for j, c in enumerate(ccs[h]):
            for a in _PROFILE[kind]:
                if _ACC[a][3] != "decentral":
                    continue
                if a in ("2240", "2215") and j > 0:
                    continue
                out.append((c, a))
        if h in project_of and _ACC[project_of[h][3]][3] == "decentral":
            out.append((ccs[h][0], project_of[h][3]))
        lines[h] = out

    # --- a year of clean bookings
    start = dt.date(YEAR, 1, 2).toordinal()
    days = dt.date(YEAR, 12, 31).toordinal() - start + 1
    feb = dt.date(YEAR, 2, 2).toordinal()
    voucher = 100000
    invoice = 500000
    bookings: dict[str, list[list]] = {}
    for i, h in enumerate(hids):
        name, kind, default_n = _HOLDERS[i][:3]
        n = default_n if bookings_per_holder is None else bookings_per_holder
        profile = _PROFILE[kind]
        allowed = {}
        for c, a in lines[h]:
            allowed.setdefault(c, []).append(a)
        central = [a for a in profile if _ACC[a][3] == "central" and not _ACC[a][5]]
        choices = []  # (cc, account) with weights
        weights = []
        for c in ccs[h]:
            for a in allowed.get(c, []):
                if _ACC[a][5]:
                    continue
                choices.append((c, a))
                weights.append(profile[a])
            for a in central:
                choices.append((c, a))
                weights.append(profile[a] / len(ccs[h]))
        project = project_of.get(h)
        ean = eans[h][0]
        picks = rng.choices(range(len(choices)), weights=weights, k=n)
        rows = []
        for p in picks:
            voucher += 1
            is_project = project is not None and rng.random() < _PROJECT_SHARE
            if is_project:
                c, a, proj = ccs[h][0], project[3], project[0]
                day = rng.randrange(feb, start + days)
            else:
                (c, a), proj = choices[p], ""
                day = start + rng.randrange(days)
            acc = _ACC[a]
            lo, hi = acc[8]
            amount = _log_uniform(rng, lo, hi)
            supplier = rng.choice(acc[9])
            text = f"{acc[1]} {name}"
            inv, e = "", ""
            if rng.random() < _NO_INVOICE_SHARE and not is_project:
                supplier, text = "", f"Intern afregning, {acc[1].lower()}"
            else:
                invoice += 1
                e = eans[h][len(rows) % len(eans[h])] if len(eans[h]) > 1 and rng.random() < 0.3 else ean
                inv = str(invoice)
                if rng.random() < _CREDIT_SHARE:
                    amount = -(amount // 3 or 1)
                    text, inv = f"Kreditnota: {text}", f"KN-{invoice}"
            rows.append([voucher, day, c, a, amount, text, supplier, inv, e, proj])
        rows.sort(key=lambda r: r[_D])  # a finance export comes in date order
        for r in rows:
            r[_D] = dt.date.fromordinal(r[_D])
        bookings[h] = rows

    # --- budgets from the clean spending
    spend: dict[tuple[str, str], int] = {}
    central_spend: dict[str, int] = {}
    project_spend: dict[str, int] = {}
    project_days: dict[str, list[dt.date]] = {}
    for h, rows in bookings.items():
        for r in rows:
            acc = _ACC[r[_K]]
            if acc[3] == "central":
                central_spend[acc[4]] = central_spend.get(acc[4], 0) + r[_B]
            else:
                spend[(r[_CC], r[_K])] = spend.get((r[_CC], r[_K]), 0) + r[_B]
            if r[_P]:
                project_spend[r[_P]] = project_spend.get(r[_P], 0) + r[_B]
                project_days.setdefault(r[_P], []).append(r[_D])

    all_lines = [(c, a) for h in hids for c, a in lines[h]]
    used = [ln for ln in all_lines if spend.get(ln, 0) > 100_000 and not _ACC[ln[1]][5]]
    n_over = max(2, round(len(used) * _OVERRUN_SHARE))
    over = set(rng.sample(used, min(n_over, len(used))))
    stop_used = [ln for ln in used if _ACC[ln[1]][6] == "stop"]
    if stop_used and not any(_ACC[a][6] == "stop" for _c, a in over):
        over.add(rng.choice(stop_used))
    budget_rows = [["Omkostningssted", "Konto", "Budget", "Disponeret"]]
    for c, a in all_lines:
        s = spend.get((c, a), 0)
        commit = 0
        if (c, a) in over:
            budget = max(100_00, (int(s * 0.85) // 100_00) * 100_00)
        else:
            budget = _round_up(int(s * rng.uniform(1.06, 1.35)))
            if rng.random() < 0.1:
                commit = (int(budget * 0.03) // 100_00) * 100_00
        budget_rows.append([c, a, kr_cell(budget), kr_cell(commit) if commit else None])

    central_rows = [["Budgetlinje", "Navn", "Budget", "Disponeret", "Fordeles pr. arbejdsplads",
                     "Kommunefælles"]]
    for line, lname, per_ws, factor, commit_share in _CENTRAL:
        s = central_spend.get(line, 0)
        if factor < 1:
            budget = (int(s * factor) // 1000_00) * 1000_00
            commit = 0
        else:
            budget = _round_up(int(s * (factor + commit_share)), 10000)
            commit = (int(budget * commit_share) // 1000_00) * 1000_00
        central_rows.append([line, lname, kr_cell(budget), kr_cell(commit) if commit else None,
                             "ja" if per_ws else "nej", "ja" if line in _MUNICIPALITY_WIDE else "nej"])

    # --- project forms, approvals relative to the project's bookings
    project_rows = [["Projektnr", "Titel", "Aftaleholder", "Godkendt beløb", "Godkendt IT",
                     "Godkendt EPO", "Godkendt Økonomi"]]
    for pid, title, hi, _acct, state in _PROJECTS:
        s = project_spend.get(pid, 0)
        it, epo, fin = dt.date(YEAR - 1, 11, 20), dt.date(YEAR - 1, 12, 3), dt.date(YEAR, 1, 14)
        amount = _round_up(int(s * 1.2), 10000)
        if state == "partial":
            epo = None
        elif state == "late":
            ds = sorted(project_days.get(pid, [])) or [dt.date(YEAR, 6, 1)]
            fin = ds[len(ds) // 3]  # a third of the project was bought before the form was approved
        elif state == "over":
            amount = max(10000_00, (int(s * 0.8) // 10000_00) * 10000_00)
        project_rows.append([pid, title, hids[hi], kr_cell(amount), it, epo, fin])

    # --- the mistakes budget holders make
    flat = [(h, k) for h in hids for k in range(len(bookings[h]))]
    total = len(flat)
    order = list(range(total))
    rng.shuffle(order)
    taken: set[int] = set()
    other_holder = {h: hids[(i + 7) % n_holders] for i, h in enumerate(hids)}
    missing_lines = {}
    for h in hids:
        have = set(lines[h])
        for c in ccs[h]:
            missing_lines[c] = [a for a, x in _ACC.items()
                                if x[3] == "decentral" and not x[5] and (c, a) not in have]

    def row_of(idx):
        h, k = flat[idx]
        return bookings[h][k]

    def eligible(kind, idx):
        r = row_of(idx)
        if kind in ("missing_project", "unknown_project"):
            return bool(r[_P])
        if kind in ("missing_ean", "bad_ean", "foreign_ean"):
            return bool(r[_F])
        if kind == "no_budget_line":
            return bool(missing_lines.get(r[_CC])) and not r[_P]
        if kind == "duplicate":
            h, k = flat[idx]
            return k > 0 and bool(bookings[h][k - 1][_F]) and not bookings[h][k - 1][_P]
        return True

    for kind, share in _MISTAKES:
        want = max(1, round(total * share))
        for idx in order:
            if want == 0:
                break
            if idx in taken or not eligible(kind, idx):
                continue
            taken.add(idx)
            want -= 1
            h, k = flat[idx]
            r = bookings[h][k]
            if kind == "missing_field":
                r[(_K, _CC, _D, _B)[len(taken) % 4]] = "" if len(taken) % 2 else None
            elif kind == "unreadable_amount":
                r[_B] = rng.choice(["12,345", "1.234,567", "ca. 500", "100 kr og 50 øre"])
            elif kind == "bad_date":
                r[_D] = rng.choice(["31-02-2026", "2026-13-01", "i går"])
            elif kind == "prior_year":
                r[_D] = dt.date(YEAR - 1, 12, rng.randint(1, 31))
            elif kind == "unknown_cost_centre":
                r[_CC] = rng.choice(["9999", r[_CC] + "0", "1O11"])
            elif kind == "unknown_account":
                r[_K] = rng.choice(["4410", "2299", "5120"])
                r[_T] = "Kontorartikler" if r[_K] == "4410" else r[_T]
            elif kind == "no_budget_line":
                r[_K] = rng.choice(missing_lines[r[_CC]])
            elif kind == "missing_project":
                r[_P] = ""
            elif kind == "unknown_project":
                r[_P] = "P26-99"
            elif kind == "missing_ean":
                r[_E] = ""
            elif kind == "bad_ean":
                r[_E] = r[_E][:-1] + str((int(r[_E][-1]) + 1) % 10)
            elif kind == "foreign_ean":
                r[_E] = eans[other_holder[h]][0]
            elif kind == "duplicate":
                first = bookings[h][k - 1]
                # The same invoice again, a few days later; suppliers get retyped in another case.
                r[_CC], r[_K], r[_B], r[_T], r[_F], r[_E], r[_P] = (
                    first[_CC], first[_K], first[_B], first[_T], first[_F], first[_E], first[_P])
                r[_L] = first[_L].upper() if rng.random() < 0.5 else first[_L]

    # --- the rest of master data
    for r in (row for rows in bookings.values() for row in rows):
        if isinstance(r[_B], int):
            r[_B] = kr_cell(r[_B])

    grant = {a: 0 for a in ("2340", "2345")}
    for rows in bookings.values():
        for r in rows:
            if r[_K] in grant and isinstance(r[_B], (int, float)):
                grant[r[_K]] += int(round(r[_B] * 100))
    kontoplan = [["Konto", "Navn", "Kategori", "Finansiering", "Central budgetlinje",
                  "Kræver projektskema", "Ved overskridelse", "Kontaktperson", "Bloktilskud"]]
    for a, name, cat, fin, line, proj, over_, ci, _rng, _sup in _ACCOUNTS:
        # The block grant compensates county systems, but not fully.
        bt = kr_cell((int(grant[a] * 0.8) // 1000_00) * 1000_00) if a in grant else None
        kontoplan.append([a, name, cat, fin, line, "ja" if proj else "nej", over_,
                          _CONTACTS[ci], bt])

    holder_rows = [["Aftaleholder", "Navn", "Arbejdspladser", "Hjemmearbejdspladser", "Kontaktperson"]]
    for i, (name, _k, _n, _s, ws, home, head) in enumerate(_HOLDERS):
        holder_rows.append([hids[i], name, ws, home, head])
    ean_rows = [["EAN", "Aftaleholder"]] + [[e, h] for h in hids for e in eans[h]]
    savings_rows = [
        ["Tiltag", "Konto", "Omkostningssted", "Beløb"],
        ["Færre printere på skolerne", "2240", ccs[hids[2]][0], 350000],
        ["Fælles licensaftale (Microsoft)", "2220", "", 1200000],
        ["Udfasning af fastnettelefoni", "2310", "", 900000],
        ["Konsolidering af servere", "2320", ccs[hids[0]][0], 650000],
        ["Genbrug af pc'er i dagtilbud", "2210", "", 300000],
        ["Opsigelse af gamle amtssystemer", "2340", "", 250000],
    ]
    settings = [["Nøgle", "Værdi"], ["Kommune", MUNICIPALITY], ["Budgetår", YEAR],
                ["Sparemål", SAVINGS_TARGET_KR]]
    sheets = {
        "Indstillinger": settings,
        "Aftaleholdere": holder_rows,
        "Omkostningssteder": [["Omkostningssted", "Navn", "Aftaleholder"]] + cc_rows,
        "EAN": ean_rows,
        "Kontoplan": kontoplan,
        "Budget": budget_rows,
        "Centrale budgetter": central_rows,
        "Projektskemaer": project_rows,
        "Besparelser": savings_rows,
        # The finance system's export headers, which no built-in variant knows (demo_export.py).
        "Kolonnenavne": [["Felt", "Overskrift"]] + [[f, h] for f, h in EXPORT_HEADERS.items()],
    }
    sheets.update(followup_sheets(sheets, YEAR))  # issue 17: phasing and budget changes
    return Demo(master_sheets=sheets, bookings=bookings, seed=seed)


# --------------------------------------------------------------------------- writing

def _csv_amount(value: object) -> object:
    """A number as a Danish amount, ``1.234,50``; text is passed on as typed."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_kr(int(round(value * 100)), unit=False)
    return "" if value is None else safe_text(str(value))


def write_bookings_csv(rows: list[list], path: Path | str, *, encoding: str = "cp1252") -> Path:
    """Write bookings as the finance system exports them, atomically.

    Semicolon separated, decimal comma with thousands dots, Danish dates
    (``dd-mm-åååå``), the contract's headers; ``encoding`` is ``cp1252`` (the
    classic Windows export) or ``utf-8-sig``. Text that a spreadsheet would run
    as a formula is neutralised.
    """
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(list(BOOKING_HEADERS))
    for r in rows:
        out = []
        for h, v in zip(BOOKING_HEADERS, r):
            if h == "Beløb":
                out.append(_csv_amount(v))
            elif isinstance(v, dt.date):
                out.append(v.strftime("%d-%m-%Y"))
            elif v is None:
                out.append("")
            else:
                out.append(safe_text(str(v)) if isinstance(v, str) else str(v))
        w.writerow(out)
    atomic_write_bytes(path, buf.getvalue().encode(encoding, errors="replace"))
    return Path(path)

