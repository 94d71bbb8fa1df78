"""``itbudget demo [OUTDIR]``: the demo municipality end to end, as its users would run it.

Finance writes the master data and issues one workbook per budget holder; the
holders fill in their bookings (one sends a CSV export from the finance
system instead, one leaves Excel's lock file behind); a holder validates its
workbook; another imports the finance system's posting list (its own headers,
title lines, Debet/Kredit) into its issued workbook, twice, and validates it; finance consolidates the returned folder with the e-invoices that
arrived, writes the consumption lists, and checks the invoices against the
bookings. Each step is the real command, called in process.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
from pathlib import Path
from . import command

ORDER = 90


def register(sub) -> None:
    p = command(sub, "demo", run, help="kør demokommunen fra ende til anden", description="""
        Bygger demokommunen Bakkedal Kommune, udsender projektmapper, fylder dem med bogføringer,
        validerer, konsoliderer og tjekker e-fakturaer. Alt skrives i UDMAPPE.""")
    p.add_argument("outdir", metavar="UDMAPPE", nargs="?", default="demo_output",
                   help="hvor demoens filer skrives (standard: demo_output)")
    p.add_argument("--seed", type=int, default=2026, help="frø for de tilfældige data")


def _fill(issued: Path, rows: list[list], target: Path) -> None:
    """Type bookings into an issued workbook, as a budget holder would."""
    import openpyxl

    from ..writing import atomic_path

    wb = openpyxl.load_workbook(issued)
    ws = wb["Bogføringer"]
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # typed text stays text, never a formula
            elif isinstance(value, dt.date):
                cell.number_format = "dd-mm-yyyy"
    with atomic_path(target) as tmp:
        wb.save(tmp)


def _print_followup(returned: Path, stamdata: Path, demo, as_of: dt.date) -> None:
    """The follow-up of the lines the demo phases or changes, and the five largest expected overruns."""
    from ..consolidation import consolidate_dir
    from ..demo import touched_lines
    from ..followup import followup_text, over_budget

    lines = consolidate_dir(returned, stamdata, as_of=as_of).validation.lines
    touched = touched_lines(demo.master_sheets)
    shown = lines[[(r.cost_centre, r.account, r.central_line) in touched for r in lines.itertuples()]]
    over = lines[[over_budget(r.revised_budget, r.projection, r.estimate) for r in lines.itertuples()]]
    largest = over.assign(excess=over["projection"] - over["revised_budget"]).nlargest(5, "excess")
    print("Linjer med periodisering eller budgetændringer:")
    print(followup_text(shown, as_of), end="")
    print(f"{len(over)} af {len(lines)} budgetlinjer forventes overskredet; de fem største:")
    print(followup_text(largest.drop(columns="excess"), as_of), end="")
    print("Alle linjer: arket 'Budgetopfølgning' (itbudget consolidate --as-of ÅÅÅÅ-MM-DD).")


def _step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def run(args) -> int:
    from ..cli import main as itbudget
    from ..demo import build_demo, write_bookings_csv, write_posting_list
    from ..demo.invoices import demo_invoices
    from ..writing import atomic_write_bytes
    from ..operations import write_master

    out = Path(args.outdir)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    demo = build_demo(args.seed)
    master = demo.master()

    _step("Økonomistaben: stamdata og skabeloner")
    stamdata = write_master(demo.master_sheets, out / "Stamdata.xlsx")
    print(f"Stamdata for {master.settings.municipality}: {len(master.holders)} aftaleholdere, "
          f"{len(master.cost_centres)} omkostningssteder, {len(master.accounts)} IT-konti, "
          f"{sum(len(r) for r in demo.bookings.values())} bogføringer i demoen.")
    itbudget(["templates", str(out / "skabeloner")])

    _step("Økonomistaben: udsend en projektmappe pr. aftaleholder")
    issued_dir = out / "udsendt"
    itbudget(["issue", str(stamdata), str(issued_dir)])
    issued = {p.name.split(" ", 1)[0]: p for p in sorted(issued_dir.glob("*.xlsx"))}

    _step("Aftaleholderne: bogføringer tastes ind og sendes retur")
    returned = out / "returneret"
    returned.mkdir()
    csv_holder = demo.holder_ids[4]
    for hid, rows in demo.bookings.items():
        if hid == csv_holder:
            # This holder pastes nothing; it sends the finance system's export.
            write_bookings_csv(rows, returned / f"{hid} eksport fra økonomisystemet.csv")
        else:
            _fill(issued[hid], rows, returned / issued[hid].name)
    # Excel leaves a lock file behind when a workbook is open; finance skips it.
    (returned / f"~${issued[demo.holder_ids[2]].name}").write_bytes(b"\x00" * 165)
    for name, xml in demo_invoices(demo.all_bookings(), args.seed).items():
        atomic_write_bytes(returned / name, xml)
    print(f"{len(demo.bookings) - 1} udfyldte projektmapper, 1 CSV-eksport og e-fakturaer i {returned}")

    _step(f"En aftaleholder validerer sin projektmappe ({issued[demo.holder_ids[2]].name})")
    itbudget(["validate", str(returned / issued[demo.holder_ids[2]].name)])

    importer = demo.holder_ids[3]
    _step(f"En aftaleholder indlæser økonomisystemets posteringsliste ({issued[importer].name})")
    export = write_posting_list(demo.bookings[importer], out / "eksport" / f"{importer} posteringsliste.csv",
                                importer)
    imported = out / "indlaest" / issued[importer].name
    imported.parent.mkdir()
    shutil.copyfile(issued[importer], imported)
    itbudget(["import", str(export), str(imported)])
    itbudget(["import", str(export), str(imported)])  # once more: every row is already there
    itbudget(["validate", str(imported)])

    _step("Økonomistaben: konsolidering, central fordeling og forbrugslister")
    itbudget(["consolidate", str(returned), "--master", str(stamdata),
              "-o", str(out / "Konsolidering.xlsx"), "--lists", str(out / "forbrugslister")])

    _step(f"Økonomistaben: budgetopfølgning pr. 30-06-{master.year}")
    _print_followup(returned, stamdata, demo, dt.date(master.year, 6, 30))

    _step("Økonomistaben: e-fakturaer mod bogføringerne")
    itbudget(["invoices", str(returned), "--master", str(stamdata), "--bookings", str(returned)])

    print("\n== Demoens filer")
    for path, what in [
        (stamdata, "stamdata (Økonomistabens projektmappe)"),
        (out / "skabeloner", "tomme skabeloner"),
        (issued_dir, "udsendte projektmapper, én pr. aftaleholder"),
        (returned, "returnerede projektmapper, CSV-eksport og e-fakturaer"),
        (out / "eksport", "en posteringsliste fra økonomisystemet (egne overskrifter, Debet/Kredit)"),
        (out / "indlaest", "en udsendt projektmappe med posteringslisten indlæst"),
        (out / "Konsolidering.xlsx", "konsolideringen til ledelsen"),
        (out / "forbrugslister", "forbrugslister til aftaleholderne"),
    ]:
        print(f"  {path}: {what}")
    sys.stdout.flush()
    return 0
