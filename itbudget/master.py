"""Master data ("stamdata"): the typed records and the reader that checks them.

The master data workbook is the contract of ``DOMAIN.md``; a budget-holder
workbook embeds the same sheets, filtered to its holder. :func:`read_master`
reads either and returns ``(master, findings)``: the master data, or None and
every problem found (file, sheet, row, Danish message). :func:`load_master` is
the same for callers that cannot go on without it: it raises
:class:`MasterDataError` carrying those findings, since a wrong master must
never validate bookings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Callable, Literal

from pydantic import BaseModel, ConfigDict

from . import column_names as colnames
from .column_names import ColumnName
from .budget_changes import FOLLOWUP_SHEETS, BudgetChange, Phasing, read_followup
from .errors import MasterDataError, UnusableInput, master_data_finding
from .findings import Finding
from .parsing import clean_id, is_ean, parse_amount, parse_date
from .presentation import format_kr
from .reading import Table, find_sheet, open_workbook, read_sheet

TEMPLATE_VERSION = 1
#: Template versions of budget-holder workbooks this release can read.
READABLE_TEMPLATE_VERSIONS = {1}


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class Holder(_Record):
    """An aftaleholder: a budget holder."""

    id: str
    name: str
    workstations: int = 0
    home_workstations: int = 0
    contact: str = ""

    @property
    def seats(self) -> int:
        """Workstations plus home workstations: the allocation key."""
        return self.workstations + self.home_workstations


class CostCentre(_Record):
    """An omkostningssted, owned by one budget holder."""

    id: str
    name: str
    holder: str


class EanNumber(_Record):
    """A GS1 location number that routes e-invoices to a budget holder."""

    ean: str
    holder: str


class Account(_Record):
    """An account in the IT chart of accounts (Kontoplan)."""

    id: str
    name: str
    category: str = ""
    financing: Literal["decentral", "central"] = "decentral"
    central_line: str = ""
    requires_project: bool = False
    on_overrun: Literal["stop", "advar"] = "stop"
    contact: str = ""
    block_grant: int | None = None


class BudgetLine(_Record):
    """The decentral budget of one account at one cost centre, in øre."""

    cost_centre: str
    account: str
    budget: int
    commitments: int = 0


class CentralLine(_Record):
    """A central IT-staff budget line (Centrale budgetter), in øre."""

    id: str
    name: str
    budget: int
    commitments: int = 0
    per_workstation: bool = False
    #: Systems for the whole municipality (Kommunefælles): not a cost of one holder's workstations.
    municipality_wide: bool = False


class ProjectForm(_Record):
    """An IT project form (projektskema) and its three approvals."""

    id: str
    title: str
    holder: str
    approved_amount: int
    approved_it: dt.date | None = None
    approved_epo: dt.date | None = None
    approved_finance: dt.date | None = None

    @property
    def approved_on(self) -> dt.date | None:
        """The date the last of the three approvals was given; None if one is missing."""
        dates = (self.approved_it, self.approved_epo, self.approved_finance)
        return None if any(d is None for d in dates) else max(dates)


class Saving(_Record):
    """One measure in the savings register (Besparelser), in øre."""

    measure: str
    account: str = ""
    cost_centre: str = ""
    amount: int


class Settings(_Record):
    """The Indstillinger sheet."""

    municipality: str = ""
    budget_year: int
    savings_target: int = 0
    template_version: int | None = None
    master_date: str = ""
    holder_scope: str = ""


class _Index:
    """A dict over one of :class:`MasterData`'s tuples of records, built on first use and kept.

    ``_Index("cost_centres", "id", "holder")`` on :class:`MasterData` maps each
    cost centre's id to its holder; without ``value`` the record itself is the
    value; a tuple ``key`` makes tuple keys. Like :func:`functools.cached_property`
    it stores the dict in the instance's ``__dict__``, so a frozen record can hold it.
    """

    def __init__(self, records: str, key: str | tuple[str, ...], value: str | None = None):
        self.records, self.key, self.value = records, key, value

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        key = self.key
        keys = ((lambda r: tuple(getattr(r, k) for k in key)) if isinstance(key, tuple)
                else (lambda r: getattr(r, key)))
        value = (lambda r: r) if self.value is None else (lambda r: getattr(r, self.value))
        table = {keys(r): value(r) for r in getattr(obj, self.records)}
        obj.__dict__[self.name] = table
        return table


@dataclass(frozen=True)
class MasterData:
    """All master data, read and checked; lookups are built once."""

    settings: Settings
    holders: tuple[Holder, ...]
    cost_centres: tuple[CostCentre, ...]
    eans: tuple[EanNumber, ...]
    accounts: tuple[Account, ...]
    budget_lines: tuple[BudgetLine, ...]
    central_lines: tuple[CentralLine, ...]
    projects: tuple[ProjectForm, ...]
    savings: tuple[Saving, ...]
    source: str = ""
    #: Kolonnenavne: export headers mapped to bookings fields (optional sheet).
    column_names: tuple[ColumnName, ...] = ()
    #: Periodisering and Budgetændringer (itbudget.budget_changes); empty without the sheets.
    phasings: tuple[Phasing, ...] = ()
    changes: tuple[BudgetChange, ...] = ()

    # Lookups, each built on first use from one tuple of records (see :class:`_Index`).
    holder_by_id = _Index("holders", "id")                        #: id -> Holder
    cost_centre_by_id = _Index("cost_centres", "id")              #: id -> CostCentre
    holder_of_cost_centre = _Index("cost_centres", "id", "holder")  #: cost centre id -> holder id
    account_by_id = _Index("accounts", "id")                      #: id -> Account
    central_line_by_id = _Index("central_lines", "id")            #: id -> CentralLine
    project_by_id = _Index("projects", "id")                      #: Projektnr -> ProjectForm
    holder_of_ean = _Index("eans", "ean", "holder")               #: EAN -> holder id
    budget_by_line = _Index("budget_lines", ("cost_centre", "account"))  #: (cost centre, account) -> BudgetLine

    year = property(attrgetter("settings.budget_year"), doc="The budget year.")
    scope = property(attrgetter("settings.holder_scope"),
                     doc="The holder a budget-holder workbook was issued to; empty for full master data.")

    def for_holder(self, holder_id: str) -> "MasterData":
        """The part of the master data one budget holder may see."""
        ccs = tuple(c for c in self.cost_centres if c.holder == holder_id)
        cc_ids = {c.id for c in ccs}
        return MasterData(
            settings=self.settings.model_copy(update={"holder_scope": holder_id}),
            holders=tuple(h for h in self.holders if h.id == holder_id),
            cost_centres=ccs,
            eans=tuple(e for e in self.eans if e.holder == holder_id),
            accounts=self.accounts,
            budget_lines=tuple(b for b in self.budget_lines if b.cost_centre in cc_ids),
            central_lines=self.central_lines,
            projects=tuple(p for p in self.projects if p.holder == holder_id),
            savings=tuple(s for s in self.savings if s.cost_centre in cc_ids),
            source=self.source,
            column_names=self.column_names,
            phasings=tuple(p for p in self.phasings if p.line.cost_centre in cc_ids),
            changes=tuple(x for x in self.changes if x.line.cost_centre in cc_ids),
        )


def require_full_master(master: MasterData, file: str, why: str) -> MasterData:
    """Refuse a budget-holder workbook given where the whole municipality's master data belongs."""
    if master.scope:
        raise UnusableInput(
            f"{file}: er en aftaleholders projektmappe (aftaleholder {master.scope}), ikke de "
            f"fulde stamdata. {why}")
    return master


# --------------------------------------------------------------------------- reading

SHEETS: dict[str, tuple[list[str], list[str]]] = {
    # sheet: (required columns, optional columns)
    "Indstillinger": (["Nøgle", "Værdi"], []),
    "Aftaleholdere": (["Aftaleholder", "Navn"],
                      ["Arbejdspladser", "Hjemmearbejdspladser", "Kontaktperson"]),
    "Omkostningssteder": (["Omkostningssted", "Navn", "Aftaleholder"], []),
    "EAN": (["EAN", "Aftaleholder"], []),
    "Kontoplan": (["Konto", "Navn", "Finansiering"],
                  ["Kategori", "Central budgetlinje", "Kræver projektskema",
                   "Ved overskridelse", "Kontaktperson", "Bloktilskud"]),
    "Budget": (["Omkostningssted", "Konto", "Budget"], ["Disponeret"]),
    "Centrale budgetter": (["Budgetlinje", "Navn", "Budget"],
                           ["Disponeret", "Fordeles pr. arbejdsplads", "Kommunefælles"]),
    "Projektskemaer": (["Projektnr", "Aftaleholder", "Godkendt beløb"],
                       ["Titel", "Godkendt IT", "Godkendt EPO", "Godkendt Økonomi"]),
    "Besparelser": (["Tiltag", "Beløb"], ["Konto", "Omkostningssted"]),
    colnames.SHEET: (colnames.COLUMNS, []),
}
OPTIONAL_SHEETS = {"Besparelser", "Projektskemaer", "Centrale budgetter", colnames.SHEET}
SHEETS.update(FOLLOWUP_SHEETS)  # the budget through the year: optional too
OPTIONAL_SHEETS |= set(FOLLOWUP_SHEETS)


class _Collector:
    def __init__(self, file: str):
        self.file = file
        self.problems: list[Finding] = []

    def add(self, sheet: str, row: int | None, message: str) -> None:
        self.problems.append(master_data_finding(self.file, sheet, row, message))

    def text(self, v: object) -> str:
        return clean_id(v)

    def amount(self, sheet: str, row: int, col: str, v: object, default: int | None = None) -> int:
        if clean_id(v) == "" and default is not None:
            return default
        ore = parse_amount(v)
        if ore is None:
            self.add(sheet, row, f"{col} '{clean_id(v)}' er ikke et beløb i kr. og øre.")
            return 0
        return ore

    def count(self, sheet: str, row: int, col: str, v: object) -> int:
        if clean_id(v) == "":
            return 0
        ore = parse_amount(v)
        if ore is None or ore < 0 or ore % 100:
            self.add(sheet, row, f"{col} '{clean_id(v)}' skal være et helt tal, 0 eller større.")
            return 0
        return ore // 100

    def yes_no(self, sheet: str, row: int, col: str, v: object) -> bool:
        t = clean_id(v).casefold()
        if t in ("", "nej", "n", "0", "false", "falsk"):
            return False
        if t in ("ja", "j", "1", "true", "sand", "x"):
            return True
        self.add(sheet, row, f"{col} skal være 'ja' eller 'nej', ikke '{clean_id(v)}'.")
        return False

    def date(self, sheet: str, row: int, col: str, v: object) -> dt.date | None:
        if clean_id(v) == "":
            return None
        d = parse_date(v)
        if d is None:
            self.add(sheet, row, f"{col} '{clean_id(v)}' er ikke en dato (dd-mm-åååå).")
        return d

    def unique(self, sheet: str, key: str, col: str, row: int, seen: dict) -> bool:
        if key == "":
            self.add(sheet, row, f"{col} mangler.")
            return False
        if key in seen:
            self.add(sheet, row, f"{col} '{key}' findes allerede i række {seen[key]}.")
            return False
        seen[key] = row
        return True

    def unique_rows(self, rows, sheet: str, col: str):
        """``(row, record, id)`` for each row whose ``col`` is filled and new; a missing or repeated id is a problem."""
        seen: dict[str, int] = {}
        for row, r in rows:
            key = self.text(r[col])
            if self.unique(sheet, key, col, row, seen):
                yield row, r, key


def _loaded(master: MasterData | None, findings: list[Finding]) -> MasterData:
    if master is None:
        raise MasterDataError(findings)
    return master


def read_master(path: Path | str) -> tuple[MasterData | None, list[Finding]]:
    """The loader: master data from a stamdata or an issued budget-holder workbook, and its findings.

    The master data is None when a finding was made (a wrong master must never
    validate bookings). A file that cannot be opened at all raises
    :class:`UnusableInput`.
    """
    path = Path(path)
    return read_master_from_book(open_workbook(path), path.name)


def load_master(path: Path | str) -> MasterData:
    """:func:`read_master`, raising :class:`MasterDataError` (with the findings) when it has any."""
    return _loaded(*read_master(path))


def load_master_from_book(book, file: str) -> MasterData:
    """:func:`load_master` on a workbook already open (e.g. ``BookingsSource.book``).

    Lets a caller that has read the bookings of an issued workbook take its
    embedded master data without opening the file a second time.
    """
    return _loaded(*read_master_from_book(book, file))


def read_master_from_book(book, file: str) -> tuple[MasterData | None, list[Finding]]:
    """:func:`read_master` on a workbook already open."""
    def read(sheet: str, req, opt) -> Table | None:
        name = find_sheet(book, sheet)
        return None if name is None else read_sheet(book, file, name, req, opt)

    return _master_from_sheets(read, file)


def _master_from_sheets(read: Callable[[str, list, list], Table | None],
                        file: str) -> tuple[MasterData | None, list[Finding]]:
    """Every contract sheet through ``read(sheet, required, optional)`` (None: no such sheet), then checked.

    A sheet that cannot be read is the one finding; the required sheets that
    are missing are named together.
    """
    tables: dict[str, Table | None] = {}
    missing = []
    for sheet, (req, opt) in SHEETS.items():
        try:
            tables[sheet] = read(sheet, req, opt)
        except UnusableInput as exc:
            return None, [master_data_finding(file, sheet, None, str(exc))]
        if tables[sheet] is None and sheet not in OPTIONAL_SHEETS:
            missing.append(sheet)
    if missing:
        return None, [master_data_finding(file, s, None, f"arket '{s}' mangler i stamdata.")
                      for s in missing]
    return master_from_tables(tables, file)


def _settings(c: _Collector, rows) -> tuple[dict[str, object], int]:
    """Indstillinger: key/value rows; Budgetår is required, the rest has defaults."""
    kv: dict[str, tuple[int, object]] = {}
    for row, r in rows:
        key = c.text(r["Nøgle"])
        if key:
            kv[key.casefold()] = (row, r["Værdi"])
    year = 0
    if "budgetår" not in kv:
        c.add("Indstillinger", None, "nøglen 'Budgetår' mangler.")
    else:
        row, v = kv["budgetår"]
        text = c.text(v)
        if not (text.isdigit() and 2000 <= int(text) <= 2100):
            c.add("Indstillinger", row, f"Budgetår '{text}' skal være et årstal, fx 2026.")
        else:
            year = int(text)
    target = c.amount("Indstillinger", kv["sparemål"][0], "Sparemål", kv["sparemål"][1], 0) \
        if "sparemål" in kv else 0
    version = None
    if "skabelonversion" in kv:
        vtext = c.text(kv["skabelonversion"][1])
        version = int(vtext) if vtext.isdigit() else -1
    return dict(
        municipality=c.text(kv.get("kommune", (0, ""))[1]), budget_year=year or 2000,
        savings_target=target, template_version=version,
        master_date=c.text(kv.get("dato for stamdata", kv.get("stamdata dato", (0, "")))[1]),
        holder_scope=c.text(kv.get("aftaleholder", (0, ""))[1]),
    ), year


def _holders(c: _Collector, rows) -> list[Holder]:
    sheet = "Aftaleholdere"
    return [Holder(id=hid, name=c.text(r["Navn"]),
                   workstations=c.count(sheet, row, "Arbejdspladser", r.get("Arbejdspladser")),
                   home_workstations=c.count(sheet, row, "Hjemmearbejdspladser",
                                             r.get("Hjemmearbejdspladser")),
                   contact=c.text(r.get("Kontaktperson")))
            for row, r, hid in c.unique_rows(rows, sheet, "Aftaleholder")]


def _cost_centres(c: _Collector, rows, holder_ids: set[str]) -> list[CostCentre]:
    ccs = []
    for row, r, cid in c.unique_rows(rows, "Omkostningssteder", "Omkostningssted"):
        hid = c.text(r["Aftaleholder"])
        if hid not in holder_ids:
            c.add("Omkostningssteder", row,
                  f"omkostningssted {cid} peger på aftaleholder '{hid}', som ikke findes i 'Aftaleholdere'.")
        ccs.append(CostCentre(id=cid, name=c.text(r["Navn"]), holder=hid))
    return ccs


def _eans(c: _Collector, rows, holder_ids: set[str]) -> list[EanNumber]:
    eans = []
    for row, r, code in c.unique_rows(rows, "EAN", "EAN"):
        hid = c.text(r["Aftaleholder"])
        if not is_ean(code):
            c.add("EAN", row, f"EAN '{code}' er ikke et gyldigt 13-cifret EAN-nummer (forkert kontrolciffer eller længde).")
        if hid not in holder_ids:
            c.add("EAN", row, f"EAN {code} peger på aftaleholder '{hid}', som ikke findes.")
        eans.append(EanNumber(ean=code, holder=hid))
    return eans


def _central_lines(c: _Collector, rows) -> list[CentralLine]:
    sheet = "Centrale budgetter"
    return [CentralLine(id=lid, name=c.text(r["Navn"]),
                        budget=c.amount(sheet, row, "Budget", r["Budget"]),
                        commitments=c.amount(sheet, row, "Disponeret", r.get("Disponeret"), 0),
                        per_workstation=c.yes_no(sheet, row, "Fordeles pr. arbejdsplads",
                                                 r.get("Fordeles pr. arbejdsplads")),
                        municipality_wide=c.yes_no(sheet, row, "Kommunefælles", r.get("Kommunefælles")))
            for row, r, lid in c.unique_rows(rows, sheet, "Budgetlinje")]


def _accounts(c: _Collector, rows, central_ids: set[str]) -> list[Account]:
    accounts = []
    for row, r, aid in c.unique_rows(rows, "Kontoplan", "Konto"):
        fin = c.text(r["Finansiering"]).casefold()
        if fin not in ("decentral", "central"):
            c.add("Kontoplan", row, f"Finansiering for konto {aid} skal være 'decentral' eller 'central', ikke '{fin}'.")
            fin = "decentral"
        line = c.text(r.get("Central budgetlinje"))
        if fin == "central" and line == "":
            c.add("Kontoplan", row, f"konto {aid} er centralt finansieret men har ingen 'Central budgetlinje'.")
        elif line and line not in central_ids:
            c.add("Kontoplan", row, f"konto {aid} peger på central budgetlinje '{line}', som ikke findes i 'Centrale budgetter'.")
        over = c.text(r.get("Ved overskridelse")).casefold() or "stop"
        if over == "advarsel":
            over = "advar"
        if over not in ("stop", "advar"):
            c.add("Kontoplan", row, f"'Ved overskridelse' for konto {aid} skal være 'stop' eller 'advar', ikke '{over}'.")
            over = "stop"
        grant_raw = r.get("Bloktilskud")
        grant = c.amount("Kontoplan", row, "Bloktilskud", grant_raw) if c.text(grant_raw) else None
        accounts.append(Account(
            id=aid, name=c.text(r["Navn"]), category=c.text(r.get("Kategori")),
            financing=fin, central_line=line if fin == "central" else "",
            requires_project=c.yes_no("Kontoplan", row, "Kræver projektskema", r.get("Kræver projektskema")),
            on_overrun=over, contact=c.text(r.get("Kontaktperson")), block_grant=grant))
    return accounts


def _budget_lines(c: _Collector, rows, cc_ids: set[str], acc: dict[str, Account]) -> list[BudgetLine]:
    budgets, seen = [], {}
    for row, r in rows:
        cid, aid = c.text(r["Omkostningssted"]), c.text(r["Konto"])
        if cid == "" or aid == "":
            c.add("Budget", row, "Omkostningssted og Konto skal begge udfyldes.")
            continue
        key = f"{cid}/{aid}"
        if key in seen:
            c.add("Budget", row, f"budgetlinjen {cid}/{aid} findes allerede i række {seen[key]}.")
            continue
        seen[key] = row
        if cid not in cc_ids:
            c.add("Budget", row, f"omkostningssted '{cid}' findes ikke i 'Omkostningssteder'.")
        if aid not in acc:
            c.add("Budget", row, f"konto '{aid}' findes ikke i 'Kontoplan'.")
        elif acc[aid].financing == "central":
            c.add("Budget", row, f"konto {aid} er centralt finansieret; dens budget hører til i 'Centrale budgetter'.")
        budgets.append(BudgetLine(
            cost_centre=cid, account=aid, budget=c.amount("Budget", row, "Budget", r["Budget"]),
            commitments=c.amount("Budget", row, "Disponeret", r.get("Disponeret"), 0)))
    return budgets


def _projects(c: _Collector, rows, holder_ids: set[str]) -> list[ProjectForm]:
    sheet = "Projektskemaer"
    projects = []
    for row, r, pid in c.unique_rows(rows, sheet, "Projektnr"):
        hid = c.text(r["Aftaleholder"])
        if hid not in holder_ids:
            c.add(sheet, row, f"projekt {pid} peger på aftaleholder '{hid}', som ikke findes.")
        approved = c.amount(sheet, row, "Godkendt beløb", r["Godkendt beløb"])
        if approved < 0:  # a negative limit would silently turn ITB008 off
            c.add(sheet, row, f"Godkendt beløb for projekt {pid} er negativt "
                  f"({format_kr(approved)}); det skal være 0 eller større.")
        projects.append(ProjectForm(
            id=pid, title=c.text(r.get("Titel")), holder=hid, approved_amount=approved,
            approved_it=c.date(sheet, row, "Godkendt IT", r.get("Godkendt IT")),
            approved_epo=c.date(sheet, row, "Godkendt EPO", r.get("Godkendt EPO")),
            approved_finance=c.date(sheet, row, "Godkendt Økonomi", r.get("Godkendt Økonomi"))))
    return projects


def _savings(c: _Collector, rows, acc: dict[str, Account], cc_ids: set[str]) -> list[Saving]:
    savings = []
    for row, r in rows:
        measure = c.text(r["Tiltag"])
        aid, cid = c.text(r.get("Konto")), c.text(r.get("Omkostningssted"))
        if aid and aid not in acc:
            c.add("Besparelser", row, f"konto '{aid}' findes ikke i 'Kontoplan'.")
        if cid and cid not in cc_ids:
            c.add("Besparelser", row, f"omkostningssted '{cid}' findes ikke.")
        savings.append(Saving(measure=measure, account=aid, cost_centre=cid,
                              amount=c.amount("Besparelser", row, "Beløb", r["Beløb"])))
    return savings


def master_from_tables(tables: dict[str, Table | None], file: str) -> tuple[MasterData | None, list[Finding]]:
    """Build and check :class:`MasterData` from the contract's sheets, one reader per sheet: ``(master, findings)``.

    The sheets are read in the order their references need (holders before the
    cost centres that name them, and so on); every problem of every sheet is
    collected and returned together.
    """
    c = _Collector(file)

    def recs(sheet):
        t = tables.get(sheet)
        return list(t.records()) if t is not None else []

    settings_kw, year = _settings(c, recs("Indstillinger"))
    holders = _holders(c, recs("Aftaleholdere"))
    holder_ids = {h.id for h in holders}
    ccs = _cost_centres(c, recs("Omkostningssteder"), holder_ids)
    cc_ids = {x.id for x in ccs}
    eans = _eans(c, recs("EAN"), holder_ids)
    centrals = _central_lines(c, recs("Centrale budgetter"))
    central_ids = {x.id for x in centrals}
    accounts = _accounts(c, recs("Kontoplan"), central_ids)
    acc = {a.id: a for a in accounts}
    budgets = _budget_lines(c, recs("Budget"), cc_ids, acc)
    projects = _projects(c, recs("Projektskemaer"), holder_ids)
    savings = _savings(c, recs("Besparelser"), acc, cc_ids)
    column_names, problems = colnames.check_rows(recs(colnames.SHEET))
    for row, message in problems:
        c.add(colnames.SHEET, row, message)
    phasings, changes = read_followup(
        c, tables, {(b.cost_centre, b.account) for b in budgets}, central_ids, year,
        settings_kw["holder_scope"])

    if c.problems:
        return None, c.problems
    return MasterData(
        settings=Settings(**settings_kw), holders=tuple(holders), cost_centres=tuple(ccs),
        eans=tuple(eans), accounts=tuple(accounts), budget_lines=tuple(budgets),
        central_lines=tuple(centrals), projects=tuple(projects), savings=tuple(savings),
        source=file, column_names=column_names, phasings=phasings, changes=changes), []


def column_names_from_book(book, file: str) -> tuple[ColumnName, ...]:
    """A workbook's own Kolonnenavne sheet, checked; empty when it has none."""
    name = find_sheet(book, colnames.SHEET)
    if name is None:
        return ()
    try:
        table = read_sheet(book, file, name, colnames.COLUMNS)
    except UnusableInput as exc:
        raise MasterDataError([master_data_finding(file, colnames.SHEET, None, str(exc))]) from None
    names, problems = colnames.check_rows(table.records())
    if problems:
        raise MasterDataError([master_data_finding(file, colnames.SHEET, row, m) for row, m in problems])
    return names


def master_from_rows(sheets: dict[str, list[list]], file: str = "stamdata") -> MasterData:
    """Build and check master data from 2-D lists (header row first), one per sheet.

    Used by tests and by worksheet functions that receive master data ranges.
    Raises :class:`MasterDataError` with the findings of :func:`read_master_rows`.
    """
    return _loaded(*read_master_rows(sheets, file))


def read_master_rows(sheets: dict[str, list[list]],
                     file: str = "stamdata") -> tuple[MasterData | None, list[Finding]]:
    """The loader of :func:`master_from_rows`: ``(master or None, findings)``."""
    from .reading import build_table

    def read(sheet: str, req, opt) -> Table | None:
        data = sheets.get(sheet)
        return None if data is None else build_table(file, sheet, [list(r) for r in data], 1, req, opt)

    return _master_from_sheets(read, file)
