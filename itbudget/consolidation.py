"""Finance's consolidation: every returned workbook validated together and added up.

Økonomistaben drops the returned budget-holder workbooks (and bare bookings
exports) in one folder. :func:`read_sources` reads them all, in parallel
processes, and turns every file it cannot use into a source entry and a
finding with a Danish message instead of stopping. :func:`consolidate` validates all bookings
together (central coverage over all holders, in date order) and computes what
finance hands to the leadership forum: the central roll-up with each holder's
share, every holder's budget-line status, the cost of one IT workstation per
holder, county systems beside their block-grant compensation, and the savings
status. :func:`consolidation_dict` is the stable JSON shape, :func:`consolidation_json` its text.

Which bookings count: the ledger's *placeable* bookings (a date in the budget
year, a known cost centre and account, a readable amount), the same set that
counts toward coverage (DOMAIN.md). A placeable booking belongs to the holder
that owns its cost centre. With that, the holders' workstation totals add up
to the sum of all placeable amounts to the øre, and each central line's
holder shares add up to its use.

Nothing here imports xlwings or writes files; the workbook and the
consumption lists are written by :mod:`workbook_templates.consolidation`.
"""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import json
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .allocation import id_order_key, largest_remainder, round_div
from .bookings import FRAME_COLUMNS, bookings_frames, concat, empty_frame, read_bookings_table
from .errors import ItbudgetError, UnusableInput
from .files import shown_name, undecodable_name, usable_cores
from .findings import ERROR, FILE, WARNING, Finding, exit_code
from .followup import Estimate, read_estimates
from .invoices import InvoiceReport, check_invoices, report_dict
from .master import MasterData, Settings, load_master, require_full_master
from .parsing import clean_id
from .presentation import ore_to_kr_str
from .reading import Table, find_sheet, read_sheet
from .report import findings_json, findings_records, lines_records
from .workstations import add_workstation_views
from .returns import missing_holders, routed, row_holders, scope_findings, with_scope_findings
from .validation import Validation, check_template_version, validate
from .writing import is_kept_copy

#: Files read as bookings. Other files in the folder are listed as skipped.
BOOKING_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".csv"}
INVOICE_SUFFIXES = {".xml"}

OK, SKIPPED, UNREADABLE = "ok", "skipped", "unreadable"


@dataclass(frozen=True)
class Source:
    """One file in the folder and what became of it.

    ``status`` is ``ok`` (its bookings are in the consolidation), ``skipped``
    (not a bookings file: a lock file, an invoice, anything else) or
    ``unreadable`` (a bookings file that could not be used; ``message`` says
    why, in Danish). ``holder`` is the Aftaleholder an issued workbook was
    issued to; empty for a bare bookings file.
    """

    file: str
    path: Path
    status: str
    message: str = ""
    rows: int = 0
    kind: str = ""
    holder: str = ""
    template_version: int | None = None
    budget_year: int | None = None
    blank_rows: int = 0
    #: The bookings without the ``file`` and ``sheet`` columns (see ``sheet``).
    frame: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    sheet: str = ""
    #: The holder's Forventet regnskab cells (itbudget.followup), from an issued workbook.
    estimates: tuple[Estimate, ...] = ()

    @property
    def finding(self) -> Finding | None:
        """What is wrong with the file: an error when it cannot be used, a warning when skipped."""
        if self.status == OK:
            return None
        return Finding(file=self.file, rule=FILE, severity=ERROR if self.status == UNREADABLE else WARNING,
                       message=self.message, holder=self.holder)


def source_findings(sources: list[Source]) -> tuple[Finding, ...]:
    """The findings of the files that could not be used or were skipped, in file order."""
    return tuple(s.finding for s in sources if s.finding is not None)


# --------------------------------------------------------------------------- reading

def _embedded_settings(book, file: str) -> tuple[int | None, str, int | None]:
    """Template version, holder scope and budget year from an issued workbook's Indstillinger."""
    name = find_sheet(book, "Indstillinger")
    table = read_sheet(book, file, name, ["Nøgle", "Værdi"])
    kv = {}
    for _, rec in table.records():
        key = clean_id(rec["Nøgle"]).casefold()
        if key:
            kv[key] = clean_id(rec["Værdi"])
    version = kv.get("skabelonversion")
    year = kv.get("budgetår", "")
    return ((int(version) if version.isdigit() else -1) if version is not None else None,
            kv.get("aftaleholder", ""), int(year) if year.isdigit() else None)


def _unreadable(path: Path, file: str, kind: str, exc: Exception) -> Source:
    """The source of a file that could not be used, with the message saying why."""
    if isinstance(exc, ItbudgetError):
        return Source(file, path, UNREADABLE, str(exc).replace(path.name, file), kind=kind)
    return Source(file, path, UNREADABLE,
                  f"{file}: filen kunne ikke læses ({type(exc).__name__}: "
                  f"{shown_name(str(exc)[:200])}).", kind=kind)


def _read_table(path: Path, names: tuple) -> tuple[Source, Table | None]:
    """One file read up to its untyped table, and its source (without a frame yet)."""
    kind = "CSV" if path.suffix.lower() == ".csv" else "projektmappe"
    file = shown_name(path.name)
    try:
        table, issued, book = read_bookings_table(path, names=names)
        version = holder = year = None
        if issued:
            kind = "aftaleholders projektmappe"
            version, holder, year = _embedded_settings(book, path.name)
        estimates = read_estimates(book, file) if issued else ()
        # The file and sheet of every row: put back by :func:`consolidate` from the
        # source, instead of travelling back from the worker process once a row.
        return Source(file, path, OK, rows=len(table), kind=kind, holder=holder or "",
                      template_version=version, budget_year=year, blank_rows=table.blank_rows,
                      sheet=table.sheet if len(table) else "", estimates=estimates), table
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the run
        return _unreadable(path, file, kind, exc), None


def read_batch(paths: list[Path | str], names: tuple = (),
               progress: Callable[[str], None] | None = None) -> tuple[list[Source], pd.DataFrame]:
    """Read several bookings files; never raises on a bad file (it becomes ``unreadable``).

    Returns their sources (without frames) and one frame of the bookings of
    those that could be used, in the order given, without ``file`` and
    ``sheet`` (:func:`with_frames` hands each source its rows). Runs in a
    worker process: it returns only picklable data, never an open workbook.
    Typing all the files' bookings in one pass (:func:`bookings.bookings_frames`)
    costs a fifth of typing each file on its own, for workbooks of 2,000 rows.
    ``progress(name)`` is called as each file has been read.
    """
    reads = []
    for path in map(Path, paths):
        reads.append(_read_table(path, names))
        if progress:
            progress(path.name)
    tables = [t for _, t in reads if t is not None]
    try:
        return [s for s, _ in reads], bookings_frames(tables)
    except Exception:  # noqa: BLE001 - find the file at fault, and read the others
        sources, frames = [], []
        for s, t in reads:
            if t is not None:
                try:
                    frames.append(bookings_frames([t]))
                except Exception as exc:  # noqa: BLE001 - one odd file must not stop the run
                    s = _unreadable(s.path, s.file, s.kind, exc)
            sources.append(s)
        return sources, bookings_frames([]) if not frames else pd.concat(frames, ignore_index=True)


def with_frames(sources: list[Source], frame: pd.DataFrame) -> list[Source]:
    """The sources of :func:`read_batch`, each usable one with its rows of ``frame``."""
    out, at = [], 0
    for s in sources:
        if s.status == OK:
            out.append(replace(s, frame=frame.iloc[at:at + s.rows]))
            at += s.rows
        else:
            out.append(s)
    return out


def read_source(path: Path | str, names: tuple = ()) -> Source:
    """Read one bookings file (see :func:`read_batch`); never raises on a bad file."""
    return with_frames(*read_batch([path], names))[0]


def _classify(path: Path, exclude: set[Path]) -> str | None:
    """Why a file in the folder is not read as bookings; None when it is."""
    name = path.name
    if name.startswith("~$"):
        return "Excels låsefil (projektmappen er åben i Excel); sprunget over."
    if name.startswith("."):
        return "skjult fil; sprunget over."
    if is_kept_copy(name):
        return "tidligere udgave, gemt da projektmappen blev genudsendt; sprunget over."
    if path.resolve() in exclude:
        return "stamdata eller resultatfil; sprunget over."
    suffix = path.suffix.lower()
    if suffix in INVOICE_SUFFIXES:
        return "e-faktura (XML); ikke kontrolleret."
    if suffix not in BOOKING_SUFFIXES:
        return f"ikke en projektmappe eller CSV-fil ('{path.suffix or name}'); sprunget over."
    return None


def _refusal(path: Path, directory: Path) -> str:
    """Why a file the folder lists must not be read at all; empty when it may be."""
    if undecodable_name(path.name):
        # Such a name cannot be shown, sorted or written as it is; the file is
        # reported (by an escaped name) instead of read, so finance renames it.
        return ("filnavnet indeholder tegn, der ikke er gyldig tekst (UTF-8), så filen er ikke "
                "læst. Omdøb filen og konsolidér igen.")
    if path.is_symlink():
        try:
            path.resolve(strict=True).relative_to(directory.resolve())
        except (OSError, ValueError, RuntimeError):
            # A link out of the folder could make any file on the machine a
            # "returned workbook" and quote it in messages and on Kilder.
            return ("er en genvej (symbolsk link) til en fil uden for mappen; den er ikke læst. "
                    "Læg selve filen i mappen.")
    return ""


def _check_against_master(sources: list[Source], master: MasterData) -> list[Source]:
    """Refuse issued workbooks of a wrong version, year or holder, and a holder issued twice."""
    out, first_of = [], {}
    for s in sources:
        if s.status != OK or s.kind != "aftaleholders projektmappe":
            out.append(s)
            continue
        problem = ""
        try:
            stub = MasterData(Settings(budget_year=master.year, template_version=s.template_version),
                              (), (), (), (), (), (), (), ())
            check_template_version(stub, s.file)
        except ItbudgetError as exc:
            problem = str(exc)
        if not problem and s.budget_year is not None and s.budget_year != master.year:
            problem = (f"{s.file}: projektmappen er udsendt for budgetår {s.budget_year}, men "
                       f"stamdata gælder {master.year}. Bed aftaleholderen om årets projektmappe.")
        if not problem and s.holder and s.holder not in master.holder_by_id:
            problem = (f"{s.file}: projektmappen er udsendt til aftaleholder '{s.holder}', som ikke "
                       "findes i stamdata.")
        if not problem and s.holder:
            if s.holder in first_of:
                problem = (f"{s.file}: aftaleholder {s.holder} findes allerede i {first_of[s.holder]}; "
                           "filen er ikke talt med, så bogføringerne ikke tælles to gange. "
                           "Slet den forkerte fil og konsolidér igen.")
            else:
                first_of[s.holder] = s.file
        out.append(replace(s, status=UNREADABLE, message=problem, frame=None) if problem else s)
    return out


def read_sources(directory: Path | str, master: MasterData, workers: int | None = None, *,
                 exclude: tuple[Path | str, ...] = (),
                 progress: Callable[[int, int, str], None] | None = None
                 ) -> list[Source]:
    """Every file in ``directory`` as a :class:`Source`, sorted by file name.

    Their findings (files that could not be used or were skipped) are
    :func:`source_findings` of them.

    Workbooks and CSV files are read in parallel processes (``workers``,
    default: every core); ``progress(done, total, file)`` is called as each
    finishes. Lock files, hidden files, ``exclude`` (the master data and the
    output) and other file types are listed as skipped; XML files are listed
    as invoices (kind ``faktura``). Raises :class:`UnusableInput` only when the
    folder itself is missing.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise UnusableInput(f"{directory}: mappen findes ikke.")
    excluded = {Path(p).resolve() for p in exclude}
    skipped, wanted = [], []
    for path in sorted(directory.iterdir(), key=lambda p: p.name):
        if path.is_dir():
            continue
        why = _classify(path, excluded)
        refused = _refusal(path, directory) if why is None or path.suffix.lower() in INVOICE_SUFFIXES else ""
        if refused:
            skipped.append(Source(shown_name(path.name), path, UNREADABLE,
                                  f"{shown_name(path.name)}: {refused}", kind="anden fil"))
        elif why is None:
            wanted.append(path)
        else:
            kind = "faktura" if path.suffix.lower() in INVOICE_SUFFIXES else "anden fil"
            skipped.append(Source(shown_name(path.name), path, SKIPPED, why, kind=kind))
    read: list[Source] = []
    workers = max(1, workers or usable_cores())
    done = 0

    def step(name: str) -> None:
        nonlocal done
        done += 1
        if progress:
            progress(done, len(wanted), name)

    if workers == 1 or len(wanted) <= 1:
        read = with_frames(*read_batch(wanted, master.column_names, progress=step))
    else:
        # Each worker reads runs of neighbouring files and types their bookings in one
        # pass; four runs a worker keep the workers evenly busy to the end.
        runs = np.array_split(np.arange(len(wanted)), min(len(wanted), workers * 4))
        with cf.ProcessPoolExecutor(max_workers=min(workers, len(wanted))) as pool:
            futures = {pool.submit(read_batch, [wanted[i] for i in run], master.column_names):
                       [wanted[i] for i in run] for run in runs}
            for fut in cf.as_completed(futures):
                paths = futures[fut]
                try:
                    read += with_frames(*fut.result())
                except Exception as exc:  # noqa: BLE001 - a dead worker loses its files, not the run
                    read += [Source(path.name, path, UNREADABLE,
                                    f"{path.name}: filen kunne ikke læses; læseprocessen stoppede "
                                    f"uventet ({type(exc).__name__}).", kind="projektmappe")
                             for path in paths]
                for path in paths:
                    step(path.name)
    read.sort(key=lambda s: s.file)  # source order for coverage: file name, then row
    checked = _check_against_master(read, master)
    sources = sorted(checked + skipped, key=lambda s: s.file)
    return sources


# --------------------------------------------------------------------------- consolidating

@dataclass(frozen=True)
class Consolidation:
    """Everything finance sees; amounts in øre. Frames have fixed columns.

    - ``central``: line, name, budget, commitments, used, remaining, uncovered, per_workstation
    - ``central_shares``: line, holder, amount (placeable bookings on the line's accounts)
    - ``lines``: the decentral budget lines of every holder (``validation.LINE_COLUMNS``)
    - ``workstations``: holder, name, workstations, home_workstations, seats, direct,
      allocated, total, complete, per_workstation (øre, rounded half away from zero; None for
      0 seats or an incomplete holder), and central_systems, it_cost, it_per_workstation,
      workplace, workplace_per_workstation (:mod:`itbudget.workstations`)
    - ``categories``: category, budget, commitments, booked (for the chart)
    - ``county``: account, name, category, booked, block_grant, difference (booked - grant)
    - ``savings``: see :func:`savings_status`
    """

    master: MasterData
    sources: list[Source]
    validation: Validation
    central: pd.DataFrame
    central_shares: pd.DataFrame
    lines: pd.DataFrame
    workstations: pd.DataFrame
    categories: pd.DataFrame
    county: pd.DataFrame
    savings: dict
    total_booked: int
    pooled: int
    invoices: InvoiceReport | None = None
    #: Holders in the master data without a usable returned workbook or export (ids).
    missing: tuple[str, ...] = ()

    @property
    def row_holders(self) -> np.ndarray:
        """The holder whose workbook or export holds each ledger row (see :mod:`itbudget.returns`)."""
        return row_holders(self.ledger, self.sources, self.master)

    @property
    def ledger(self) -> pd.DataFrame:
        return self.validation.ledger.frame

    @property
    def findings(self) -> pd.DataFrame:
        """Findings with the file of each booking, the holder holding the row, its contact and amount."""
        return routed(self.validation.findings, self.ledger, self.row_holders, self.master)

    errors = property(attrgetter("validation.errors"),
                      doc="Errors among the bookings' findings (files that could not be used and invoices count apart).")
    warnings = property(attrgetter("validation.warnings"), doc="Warnings among the bookings' findings.")

    @property
    def unreadable(self) -> list[Source]:
        return [s for s in self.sources if s.status == UNREADABLE]

    @property
    def problems(self) -> tuple[Finding, ...]:
        """The findings that are not about a booking: the files, then the e-invoices."""
        return source_findings(self.sources) + (self.invoices.findings if self.invoices is not None else ())

    @property
    def exit_code(self) -> int:
        """0 when nothing is wrong; 1 when a booking has an error, a file could not be used, or an invoice has one."""
        return exit_code(self.validation.findings, self.problems)


def workstation_costs(placed: pd.DataFrame, master: MasterData, *,
                      incomplete: set[str] = frozenset()) -> tuple[pd.DataFrame, int]:
    """The cost of one IT workstation per holder (DOMAIN.md), and the pooled amount.

    ``direct``: the holder's placeable bookings, on every IT account, except
    those on accounts rolling up to a central line marked "Fordeles pr.
    arbejdsplads"; those lines' use by all holders is pooled and split by
    Arbejdspladser + Hjemmearbejdspladser (:func:`largest_remainder`; if no
    holder has any seats, equally). ``total = direct + allocated``.
    A holder in ``incomplete`` (nothing usable returned) keeps its figures, but
    its ``per_workstation`` is None and ``complete`` False: a missing workbook
    must not read as the cheapest workstation.
    """
    marked = {c.id for c in master.central_lines if c.per_workstation}
    pooled_mask = ((placed["financing"] == "central") & placed["central_line"].isin(marked)).to_numpy()
    direct = placed.loc[~pooled_mask].groupby("holder")["amount"].sum()
    pool = int(placed.loc[pooled_mask, "amount"].sum())
    holders = sorted(master.holders, key=lambda h: id_order_key(h.id))
    allocated = largest_remainder(pool, {h.id: h.seats for h in holders}) if holders else {}
    rows = []
    for h in holders:
        d = int(direct.get(h.id, 0))
        a = allocated.get(h.id, 0)
        per = round_div(d + a, h.seats) if h.seats and h.id not in incomplete else None
        rows.append((h.id, h.name, h.workstations, h.home_workstations, h.seats, d, a, d + a,
                     h.id not in incomplete, per))
    cols = ["holder", "name", "workstations", "home_workstations", "seats", "direct",
            "allocated", "total", "complete", "per_workstation"]
    out = pd.DataFrame([r[:-1] for r in rows], columns=cols[:-1])
    # Object column: None (no seats) must stay None, not become NaN in a float column.
    out["per_workstation"] = pd.Series([r[-1] for r in rows], index=out.index, dtype=object)
    return add_workstation_views(out, placed, master, pooled_mask, incomplete), pool


def central_rollup(placed: pd.DataFrame, master: MasterData,
                   validation: Validation) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Each central line's budget, use and remainder, and each holder's share of the use."""
    on_central = placed[placed["financing"] == "central"]
    shares = (on_central.groupby(["central_line", "holder"], sort=False)["amount"].sum()
              .reset_index().rename(columns={"central_line": "line"}))
    order = {c.id: i for i, c in enumerate(master.central_lines)}
    shares = shares.assign(_o=shares["line"].map(order).fillna(len(order)),
                           _h=shares["holder"].map(id_order_key))
    shares = shares.sort_values(["_o", "_h"]).drop(columns=["_o", "_h"]).reset_index(drop=True)
    shares["amount"] = shares["amount"].astype(np.int64)
    status = validation.lines[validation.lines["central_line"] != ""].set_index("central_line")
    used = on_central.groupby("central_line")["amount"].sum()
    rows = []
    for c in master.central_lines:
        u = int(used.get(c.id, 0))
        unc = int(status["uncovered"].get(c.id, 0)) if c.id in status.index else 0
        rows.append((c.id, c.name, c.budget, c.commitments, u, c.budget - c.commitments - u, unc,
                     c.per_workstation))
    central = pd.DataFrame(rows, columns=["line", "name", "budget", "commitments", "used",
                                          "remaining", "uncovered", "per_workstation"])
    return central, shares


def category_totals(placed: pd.DataFrame, master: MasterData) -> pd.DataFrame:
    """Budget, commitments (Disponeret) and booked per account category, central lines under their accounts' category.

    A central line whose accounts have one category counts under it; otherwise
    under the line's own name, so no budget is counted twice.
    """
    acc = master.account_by_id
    line_cats: dict[str, set[str]] = {}
    for a in master.accounts:
        if a.financing == "central":
            line_cats.setdefault(a.central_line, set()).add(a.category or a.name)
    central_cat = {c.id: (next(iter(line_cats[c.id])) if len(line_cats.get(c.id, ())) == 1
                          else c.name) for c in master.central_lines}
    budget: dict[str, int] = {}
    commitments: dict[str, int] = {}
    for b in master.budget_lines:
        a = acc.get(b.account)
        cat = (a.category or a.name) if a else b.account
        budget[cat] = budget.get(cat, 0) + b.budget
        commitments[cat] = commitments.get(cat, 0) + b.commitments
    for c in master.central_lines:
        cat = central_cat[c.id]
        budget[cat] = budget.get(cat, 0) + c.budget
        commitments[cat] = commitments.get(cat, 0) + c.commitments
    acc_cat = {a.id: (central_cat.get(a.central_line, a.category or a.name)
                      if a.financing == "central" else (a.category or a.name))
               for a in master.accounts}
    booked = placed.groupby(placed["account"].map(acc_cat))["amount"].sum()
    cats = list(dict.fromkeys(list(budget) + [c for c in booked.index]))
    rows = [(c, budget.get(c, 0), commitments.get(c, 0), int(booked.get(c, 0))) for c in cats]
    return pd.DataFrame(rows, columns=["category", "budget", "commitments", "booked"])


def county_systems(placed: pd.DataFrame, master: MasterData) -> pd.DataFrame:
    """Accounts with a block-grant compensation (Bloktilskud): booked beside the grant.

    ``difference`` = booked - grant: what the block grant does not cover
    (DOMAIN.md row 7: the county systems are compensated, but not fully).
    """
    booked = placed.groupby("account")["amount"].sum()
    rows = []
    for a in master.accounts:
        if a.block_grant is None:
            continue
        b = int(booked.get(a.id, 0))
        rows.append((a.id, a.name, a.category, b, a.block_grant, b - a.block_grant))
    return pd.DataFrame(rows, columns=["account", "name", "category", "booked", "block_grant",
                                       "difference"])


def savings_status(placed: pd.DataFrame, master: MasterData) -> dict:
    """The savings target, the Besparelser register and what the bookings show.

    Interpretation: a measure in the register is a cut already made in the
    budget of its line (its account, at its cost centre or, without one, at
    every cost centre; for a central account, its central line). The bookings
    show the saving held as long as the line stays within its budget; an
    overrun eats into it krone for krone. So per measure with an account:
    ``secured = max(0, amount - max(0, booked - budget))``. A measure with no
    account cannot be followed in the bookings and is reported as such
    (status ``ukendt``, nothing secured). Amounts in øre.
    """
    acc = master.account_by_id
    central_budget = {c.id: c.budget - c.commitments for c in master.central_lines}
    by_line = placed.groupby(["account", "cost_centre"])["amount"].sum()
    by_account = placed.groupby("account")["amount"].sum()
    measures = []
    for s in master.savings:
        a = acc.get(s.account)
        if a is None:
            measures.append({"measure": s.measure, "account": s.account, "cost_centre": s.cost_centre,
                             "amount": s.amount, "budget": None, "booked": None, "overrun": None,
                             "secured": 0, "status": "ukendt"})
            continue
        if a.financing == "central":
            budget = central_budget.get(a.central_line, 0)
            central_accounts = [x.id for x in master.accounts if x.central_line == a.central_line]
            booked = int(sum(int(by_account.get(x, 0)) for x in central_accounts))
        elif s.cost_centre:
            line = master.budget_by_line.get((s.cost_centre, s.account))
            budget = line.budget - line.commitments if line else 0
            booked = int(by_line.get((s.account, s.cost_centre), 0))
        else:
            budget = sum(b.budget - b.commitments for b in master.budget_lines if b.account == s.account)
            booked = int(by_account.get(s.account, 0))
        overrun = max(0, booked - budget)
        secured = max(0, s.amount - overrun)
        status = "holder" if secured == s.amount else ("delvist" if secured else "ikke holdt")
        measures.append({"measure": s.measure, "account": s.account, "cost_centre": s.cost_centre,
                         "amount": s.amount, "budget": budget, "booked": booked,
                         "overrun": overrun, "secured": secured, "status": status})
    registered = sum(s.amount for s in master.savings)
    secured = sum(m["secured"] for m in measures)
    target = master.settings.savings_target
    return {"target": target, "registered": registered, "register_gap": target - registered,
            "secured": secured, "secured_gap": target - secured, "measures": measures}


def check_invoice_sources(sources: list[Source], master: MasterData,
                          bookings: pd.DataFrame | None) -> InvoiceReport | None:
    """Invoices (XML files in the folder) checked by :mod:`itbudget.invoices`; None without any."""
    paths = [s.path for s in sources if s.kind == "faktura"]
    return check_invoices(paths, master, bookings=bookings) if paths else None


def _with_source_columns(sources: list[Source]) -> pd.DataFrame:
    """The bookings of ``sources`` in order, with the ``file`` and ``sheet`` of each row."""
    if not sources:
        return empty_frame()
    if any("file" in s.frame.columns for s in sources):  # frames built in this process
        frames = [s.frame if "file" in s.frame.columns else s.frame.assign(file=s.file, sheet=s.sheet)
                  for s in sources]
        return concat(frames)[FRAME_COLUMNS]
    bookings = concat([s.frame for s in sources])
    counts = [len(s.frame) for s in sources]
    for name, values in (("sheet", [s.sheet for s in sources]), ("file", [s.file for s in sources])):
        bookings.insert(0, name, np.repeat(np.array(values, dtype=object), counts))
    return bookings


#: The ledger columns the roll-up reads; only these are copied for the placeable bookings.
ROLLUP_COLUMNS = ["holder", "cost_centre", "account", "amount", "financing", "central_line"]


def consolidate(sources: list[Source], master: MasterData, *, invoices: bool = True,
                as_of: dt.date | None = None) -> Consolidation:
    """Validate all readable sources together and compute the roll-up; never raises on bad data.

    ``as_of``: the date of the budget follow-up (default: the latest booking date in the year).
    """
    used = [s for s in sources if s.status == OK and s.frame is not None and len(s.frame)]
    bookings = _with_source_columns(used)
    result = validate(bookings, master, central_coverage=True,
                      blank_rows=sum(s.blank_rows for s in sources if s.status == OK), as_of=as_of,
                      estimates=tuple(e for s in sources if s.status == OK for e in s.estimates))
    # What validating each returned workbook alone reports, consolidation reports too.
    extra = scope_findings(used, bookings, master, result.findings)
    if len(extra):
        result = replace(result, findings=with_scope_findings(result.findings, extra))
    f = result.ledger.frame
    placed = f.loc[f["placeable"].to_numpy(), ROLLUP_COLUMNS]
    central, shares = central_rollup(placed, master, result)
    missing = missing_holders(sources, f, master)
    workstations, pool = workstation_costs(placed, master, incomplete=set(missing))
    lines = result.lines[result.lines["central_line"] == ""].reset_index(drop=True)
    inv = check_invoice_sources(sources, master, bookings) if invoices else None
    if inv is not None:
        sources = [replace(s, status=OK, message="e-faktura; se arket 'Fakturaer'.")
                   if s.kind == "faktura" else s for s in sources]
    return Consolidation(
        master=master, sources=sources, validation=result, central=central,
        central_shares=shares, lines=lines, workstations=workstations,
        categories=category_totals(placed, master), county=county_systems(placed, master),
        savings=savings_status(placed, master), total_booked=int(placed["amount"].sum()),
        pooled=pool, invoices=inv, missing=missing)


def consolidate_dir(directory: Path | str, master_path: Path | str, *, workers: int | None = None,
                    exclude: tuple[Path | str, ...] = (),
                    progress: Callable[[int, int, str], None] | None = None,
                    as_of: dt.date | None = None) -> Consolidation:
    """Read master data and every file in ``directory``, and consolidate.

    The one call behind ``itbudget consolidate`` and finance's ``Konsolider``
    script. Raises :class:`~itbudget.errors.ItbudgetError` (Danish message)
    only for unusable master data or a missing folder; bad files become
    sources with status ``unreadable``.
    """
    master = require_full_master(load_master(master_path), Path(master_path).name,
                                 "Konsolidering kræver stamdata for hele kommunen.")
    # The files' findings come back as the consolidation's problems, from its sources.
    sources = read_sources(directory, master, workers,
                           exclude=(Path(master_path), *exclude), progress=progress)
    return consolidate(sources, master, as_of=as_of)


# --------------------------------------------------------------------------- JSON

def _kr(ore) -> str | None:
    return None if ore is None or pd.isna(ore) else ore_to_kr_str(int(ore))


#: A consolidation finding's keys in the JSON, in order.
JSON_FINDING_FIELDS = ("file", "row", "voucher", "holder", "contact", "amount", "rule", "severity", "message")


def _json_findings(c: Consolidation) -> pd.DataFrame:
    """The routed findings with ``amount`` as kr. text (None where the row has no readable amount)."""
    f = c.findings
    return f.assign(amount=pd.Series([_kr(a) for a in f["amount"]], index=f.index, dtype=object))


def consolidation_dict(c: Consolidation) -> dict:
    """The stable JSON shape (issue 5); amounts are decimal strings in kr."""
    head, tail = _json_parts(c)
    return {**head, "findings": findings_records(_json_findings(c), fields=JSON_FINDING_FIELDS), **tail}


def consolidation_json(c: Consolidation) -> str:
    """``json.dumps(consolidation_dict(c), ensure_ascii=False, indent=1) + "\\n"``, findings rendered by column."""
    head, tail = (json.dumps(part, ensure_ascii=False, indent=1) for part in _json_parts(c))
    findings = findings_json(_json_findings(c), fields=JSON_FINDING_FIELDS, indent=1, depth=1)
    return f'{head[:-2]},\n "findings": {findings},\n{tail[2:]}\n'


def _json_parts(c: Consolidation) -> tuple[dict, dict]:
    """The JSON shape's keys before the findings, and those after them."""
    shares: dict[str, dict[str, str]] = {}
    for r in c.central_shares.itertuples(index=False):
        shares.setdefault(r.line, {})[r.holder] = _kr(r.amount)
    names = c.master.holder_by_id
    head = {
        "sources": [{"file": s.file, "status": s.status, "message": s.message, "rows": s.rows}
                    for s in c.sources],
        "rows": c.validation.rows,
        "errors": c.errors,
        "warnings": c.warnings,
        "missing": list(c.missing),
        "missing_holders": [{"holder": h, "name": names[h].name, "contact": names[h].contact}
                            for h in c.missing],
    }
    out = {
        "central_lines": [
            {"line": r.line, "name": r.name, "budget": _kr(r.budget),
             "commitments": _kr(r.commitments), "used": _kr(r.used),
             "remaining": _kr(r.remaining), "per_workstation": bool(r.per_workstation),
             "shares": shares.get(r.line, {})}
            for r in c.central.itertuples(index=False)],
        "budget_lines": lines_records(c.lines),
        "workstations": [
            {"holder": r.holder, "workstations": int(r.workstations),
             "home_workstations": int(r.home_workstations), "direct": _kr(r.direct),
             "allocated": _kr(r.allocated), "total": _kr(r.total), "complete": bool(r.complete),
             "per_workstation": _kr(r.per_workstation),
             "central_systems": _kr(r.central_systems), "it_cost": _kr(r.it_cost),
             "it_per_workstation": _kr(r.it_per_workstation), "workplace": _kr(r.workplace),
             "workplace_per_workstation": _kr(r.workplace_per_workstation)}
            for r in c.workstations.itertuples(index=False)],
        "county_systems": [
            {"account": r.account, "name": r.name, "booked": _kr(r.booked),
             "block_grant": _kr(r.block_grant), "difference": _kr(r.difference)}
            for r in c.county.itertuples(index=False)],
        "total_booked": _kr(c.total_booked),
        "savings": {
            **{k: _kr(c.savings[k]) for k in ("target", "registered", "register_gap", "secured",
                                              "secured_gap")},
            "measures": [{**m, **{k: _kr(m[k]) for k in ("amount", "budget", "booked", "overrun",
                                                         "secured")}}
                         for m in c.savings["measures"]]},
    }
    if c.invoices is not None:
        out["invoices"] = report_dict(c.invoices)["invoices"]
    return head, out
