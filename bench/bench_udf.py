"""Latency of ITB.VALIDER over N rows: through the server (HTTP, JSON) vs. the core in process.

Usage: ``XLWINGS_LICENSE_KEY=noncommercial python bench/bench_udf.py [--rows 10000] [--runs 5]``.
Runs the server with uvicorn on 127.0.0.1 (random free port) in a child
process, posts Office.js-shaped calls, and compares medians with
``itbudget.statuses.validate_rows`` + ``status_column`` on the same rows in this
process. Prints one line per measure and the ratio (target: <= 2x, issue 7).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))


def make_rows(n: int, seed: int = 7) -> list[list]:
    from conftest import EAN_H1
    from itbudget.bookings import BOOKING_HEADERS

    rnd = random.Random(seed)
    rows = [list(BOOKING_HEADERS)]
    base = (dt.date(2026, 1, 1) - dt.date(1899, 12, 30)).days
    for i in range(n):
        cc, acct = rnd.choice([("1001", "2210"), ("1001", "2220"), ("2001", "2210"), ("1002", "2310")])
        amount = rnd.choice([round(rnd.uniform(-50, 400), 2), f"{rnd.randint(1, 999)},{rnd.randint(0, 99):02d}"])
        rows.append([f"B{i}", float(base + rnd.randint(0, 364)), cc, acct, amount, "Tekst",
                     "Atea", f"F{i}", EAN_H1 if cc.startswith("100") else "", ""])
    return rows


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--json", action="store_true", help="print the timings as one JSON line (for make bench)")
    args = ap.parse_args()
    if not os.environ.get("XLWINGS_LICENSE_KEY"):
        print("Sæt XLWINGS_LICENSE_KEY (fx noncommercial) for at køre benchmarket.", file=sys.stderr)
        return 2
    import httpx
    from conftest import small_master_sheets, write_workbook
    from itbudget.master import master_from_rows
    from itbudget.statuses import header_index, status_column, validate_rows
    from officejs import function_call, serve_on_loopback

    rows = make_rows(args.rows)
    master = master_from_rows(small_master_sheets())
    core = []
    for _ in range(args.runs):
        t = time.perf_counter()
        result = validate_rows(rows, master)
        expected = status_column(result, len(rows), header_index(rows))
        core.append(time.perf_counter() - t)

    server = []
    with tempfile.TemporaryDirectory(prefix="itb-bench-") as tmp:
        master_path = write_workbook(Path(tmp) / "stamdata.xlsx", small_master_sheets())
        try:
            with serve_on_loopback("--dev", "--master", str(master_path), log=Path(tmp) / "server.log") as base:
                body = function_call("itb_valider", rows)
                with httpx.Client(timeout=120) as client:
                    client.post(base + "/xlwings/custom-functions-call", json=body)  # warm the master cache
                    for _ in range(args.runs):
                        t = time.perf_counter()
                        r = client.post(base + "/xlwings/custom-functions-call", json=body)
                        server.append(time.perf_counter() - t)
                        assert r.status_code == 200, r.text[:500]
                        assert [c[0] for c in r.json()["result"]] == expected
        except RuntimeError as e:
            print(e, file=sys.stderr)
            return 1

    mc, ms = statistics.median(core), statistics.median(server)
    if args.json:
        import json

        print(json.dumps({"rows": args.rows, "core": core, "server": server}))
        return 0
    print(f"rows: {args.rows}, runs: {args.runs}")
    print(f"core in process : median {mc * 1000:8.1f} ms (min {min(core) * 1000:.1f}, max {max(core) * 1000:.1f})")
    print(f"server over HTTP: median {ms * 1000:8.1f} ms (min {min(server) * 1000:.1f}, max {max(server) * 1000:.1f})")
    print(f"ratio server/core: {ms / mc:.2f}x (target <= 2x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
