"""Benchmark data: municipalities of any size, deterministic, written fast.

Built on :func:`itbudget.demo.build_demo` (same shares of findings at every
size). Files are written with xlsxwriter's constant-memory mode so generating
a 200,000-row workbook takes seconds, not the minutes openpyxl would need.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import xlsxwriter

from itbudget.bookings import BOOKING_HEADERS
from itbudget.demo import build_demo
from workbook_templates.stamdata import write_master_workbook


def municipality(n_bookings: int, seed: int = 2026):
    """A demo municipality with about ``n_bookings`` bookings in all."""
    probe = build_demo(seed, bookings_per_holder=1)
    per_holder = max(1, -(-n_bookings // len(probe.holder_ids)))
    return build_demo(seed, bookings_per_holder=per_holder)


def write_bookings_xlsx(rows: list[list], path: Path) -> Path:
    """A bare bookings workbook: sheet Bogføringer, contract headers, typed cells."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_numbers": False})
    ws = wb.add_worksheet("Bogføringer")
    datefmt = wb.add_format({"num_format": "dd-mm-yyyy"})
    ws.write_row(0, 0, list(BOOKING_HEADERS))
    for i, r in enumerate(rows, start=1):
        for j, v in enumerate(r):
            if v is None or v == "":
                continue
            if isinstance(v, dt.date):
                ws.write_datetime(i, j, dt.datetime(v.year, v.month, v.day), datefmt)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(i, j, v)
            else:
                ws.write_string(i, j, str(v))
    wb.close()
    return path


def write_master(demo, path: Path) -> Path:
    return write_master_workbook(demo.master_sheets, path)


def write_master_without_budgets(demo, path: Path) -> Path:
    """The demo's master data with every budget at 0 kr.: nearly every booking is then a finding (ITB006)."""
    sheets = {k: [list(r) for r in v] for k, v in demo.master_sheets.items()}
    for name in ("Budget", "Centrale budgetter"):
        head = sheets[name][0]
        at = head.index("Budget")
        for r in sheets[name][1:]:
            r[at] = 0
    return write_master_workbook(sheets, path)


def split_into_workbooks(rows: list[list], n_files: int, folder: Path) -> list[Path]:
    """Write ``rows`` as ``n_files`` bare bookings workbooks of equal size."""
    folder.mkdir(parents=True, exist_ok=True)
    size = -(-len(rows) // n_files)
    paths = []
    for k in range(n_files):
        chunk = rows[k * size:(k + 1) * size]
        paths.append(write_bookings_xlsx(chunk, folder / f"bogfoeringer_{k:03d}.xlsx"))
    return paths


def scaled_master_sheets(demo, n_holders: int) -> dict[str, list[list]]:
    """The demo's master data with ``n_holders`` holders (cloned with new ids)."""
    from itbudget.demo import make_ean

    sheets = {k: [list(r) for r in v] for k, v in demo.master_sheets.items()}
    base_holders = sheets["Aftaleholdere"][1:]
    base_ccs = sheets["Omkostningssteder"][1:]
    base_budget = sheets["Budget"][1:]
    holders, ccs, eans, budget = [], [], [], []
    k = 0
    while len(holders) < n_holders:
        for h in base_holders:
            if len(holders) >= n_holders:
                break
            k += 1
            hid = f"H{k:03d}"
            holders.append([hid, f"{h[1]} {k}"] + list(h[2:]))
            eans.append([make_ean(k), hid])
            for c in base_ccs:
                if c[2] == h[0]:
                    cid = f"{k:03d}{c[0]}"
                    ccs.append([cid, c[1], hid])
                    budget += [[cid] + list(b[1:]) for b in base_budget if b[0] == c[0]]
    sheets["Aftaleholdere"] = sheets["Aftaleholdere"][:1] + holders
    sheets["Omkostningssteder"] = sheets["Omkostningssteder"][:1] + ccs
    sheets["EAN"] = sheets["EAN"][:1] + eans
    sheets["Budget"] = sheets["Budget"][:1] + budget
    sheets["Projektskemaer"] = sheets["Projektskemaer"][:1]
    sheets["Besparelser"] = sheets["Besparelser"][:1]
    # The demo's phasing and budget changes name its own cost centres, which are renamed here.
    for name in ("Periodisering", "Budgetændringer"):
        if name in sheets:
            sheets[name] = sheets[name][:1]
    return sheets
