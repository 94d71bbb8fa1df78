"""End to end: the demo municipality and issued, filled holder workbooks, consolidated."""

from __future__ import annotations

import json
import zipfile

import openpyxl

from conftest import booking, write_workbook
from itbudget.bookings import BOOKING_HEADERS
from itbudget.cli import main
from itbudget.consolidation import consolidate_dir
from itbudget.demo import build_demo, write_bookings_csv
from workbook_templates.stamdata import write_master_workbook
from itbudget.parsing import parse_amount, parse_date


def kr_to_ore(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    whole, frac = text.lstrip("-").split(".")
    return sign * (int(whole) * 100 + int(frac))


def test_demo_municipality_reconciles_to_the_ore(tmp_path, capsys):
    demo = build_demo()
    master_path = write_master_workbook(demo.master_sheets, tmp_path / "stamdata.xlsx")
    folder = tmp_path / "indsamlet"
    folder.mkdir()
    for i, (hid, rows) in enumerate(demo.bookings.items()):
        if i % 2:
            write_bookings_csv(rows, folder / f"{hid}.csv")
        else:
            write_workbook(folder / f"{hid}.xlsx", {"Bogføringer": [list(BOOKING_HEADERS)] + rows})
    out, lists = tmp_path / "konsolidering.xlsx", tmp_path / "lister"
    code = main(["consolidate", str(folder), "--master", str(master_path), "-o", str(out),
                 "--lists", str(lists), "--format", "json", "--workers", "2"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1  # the demo carries realistic mistakes
    assert all(s["status"] == "ok" for s in data["sources"]) and len(data["sources"]) == len(demo.bookings)

    # Independently of the ledger: every row with a date in the year, a known cost
    # centre and account, and a readable amount, summed from the demo's own rows.
    master = demo.master()
    expected = 0
    for row in demo.all_bookings():
        r = dict(zip(BOOKING_HEADERS, row))
        day, ore = parse_date(r["Dato"]), parse_amount(r["Beløb"])
        if (day is not None and day.year == master.year and ore is not None
                and str(r["Omkostningssted"]) in master.cost_centre_by_id
                and str(r["Konto"]) in master.account_by_id):
            expected += ore
    assert kr_to_ore(data["total_booked"]) == expected
    assert sum(kr_to_ore(w["total"]) for w in data["workstations"]) == expected
    for line in data["central_lines"]:
        assert sum(kr_to_ore(v) for v in line["shares"].values()) == kr_to_ore(line["used"])
    rules = {f["rule"] for f in data["findings"]}
    assert {"ITB001", "ITB006", "ITB011"} <= rules
    assert len(list(lists.iterdir())) == len(master.holders)
    with zipfile.ZipFile(out) as z:
        assert sum(n.startswith("xl/charts/chart") for n in z.namelist()) == 3  # Overblik, Arbejdspladser, Budgetopfølgning


def test_issued_and_filled_holder_workbooks_consolidate(tmp_path, master):
    from workbook_templates.holder_workbook import issue_workbooks

    master_path = write_workbook(tmp_path / "stamdata.xlsx", __import__("conftest").small_master_sheets())
    folder = tmp_path / "retur"
    paths = issue_workbooks(master, folder)
    fills = {"H1": [booking(Bilag="A1", Omkostningssted="1001", Konto="2310", Beløb=1800)],
             "H2": [booking(Bilag="B1", Omkostningssted="2001", Konto="2310", Beløb=1800),
                    booking(Bilag="B2", Omkostningssted="2001", Konto="2210", Beløb=250.25)]}
    for path in paths:
        wb = openpyxl.load_workbook(path)
        ws = wb["Bogføringer"]
        holder = next(h for h in fills if path.name.startswith(h))
        for i, row in enumerate(fills[holder], start=2):
            for j, value in enumerate(row, start=1):
                ws.cell(row=i, column=j, value=value)
        wb.save(path)
    c = consolidate_dir(folder, master_path, workers=2)
    assert {s.holder: s.status for s in c.sources} == {"H1": "ok", "H2": "ok"}
    assert c.total_booked == 385025
    # Each holder alone fits TEL's 3,000 kr.; together they do not: only consolidation sees it.
    f = c.validation.findings
    assert f.loc[f["rule"] == "ITB006", "voucher"].tolist() == ["B1"]
    assert c.central.set_index("line").loc["TEL", "used"] == 360000


def test_progress_bar_on_a_terminal_runs_no_thread_while_workers_are_forked(tmp_path, monkeypatch, capsys):
    """The bar is drawn only on a terminal; a refresh thread alive at fork could deadlock a worker."""
    import concurrent.futures as cf
    import sys
    import threading

    demo = build_demo()
    master_path = write_master_workbook(demo.master_sheets, tmp_path / "stamdata.xlsx")
    folder = tmp_path / "indsamlet"
    folder.mkdir()
    for hid, rows in list(demo.bookings.items())[:4]:
        write_workbook(folder / f"{hid}.xlsx", {"Bogføringer": [list(BOOKING_HEADERS)] + rows})
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    threads_at_submit = []
    real_submit = cf.ProcessPoolExecutor.submit

    def submit(self, *args, **kwargs):
        threads_at_submit.append(threading.active_count())
        return real_submit(self, *args, **kwargs)

    monkeypatch.setattr(cf.ProcessPoolExecutor, "submit", submit)
    code = main(["consolidate", str(folder), "--master", str(master_path), "--format", "json",
                 "--workers", "2"])
    assert code in (0, 1)
    # The first submit starts the workers; only the main thread may exist then.
    assert threads_at_submit and threads_at_submit[0] == 1
    assert len(json.loads(capsys.readouterr().out)["sources"]) == 4
