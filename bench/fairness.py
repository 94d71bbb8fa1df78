"""Concurrency and fairness of ``itbudget serve`` (issue 12 point 6), as ratios measured in one run.

Usage: ``XLWINGS_LICENSE_KEY=noncommercial python bench/fairness.py [--calls 50] [--rows 10000]
[--large 60000] [--small 2000] [--json]``.

1. **Concurrency.** ``--calls`` concurrent ITB.VALIDER calls of ``--rows`` rows each against the
   server (a real process on 127.0.0.1, token login, default workers). Baseline: the same
   work in this process (``validate_rows`` + ``status_column`` on one table, median of three)
   × calls / usable cores, i.e. perfect parallel use of the cores with no HTTP at all.
   Ratios p50 and p95 over that baseline (issue 18 sets p95 <= 1.5).
2. **Fairness.** A ``--small``-row call sent while a ``--large``-row call runs: its latency
   over the large call's latency (target < 0.25).
Exit 1 on a wrong answer or an HTTP error, never on a missed target (the verdicts say that).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT / "tests", ROOT):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

CONCURRENCY_TARGET, FAIRNESS_TARGET = 1.5, 0.25


def in_process_seconds(rows: list[list], runs: int = 3) -> float:
    from conftest import small_master_sheets
    from itbudget.master import master_from_rows
    from itbudget.statuses import header_index, status_column, validate_rows

    master = master_from_rows(small_master_sheets())
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        result = validate_rows(rows, master)
        status_column(result, len(rows), header_index(rows))
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q * (len(xs) - 1))))]


def concurrency(server, calls: int, rows: int) -> dict:
    from bench.bench_udf import make_rows
    from bench.load import run_load
    from itbudget.files import usable_cores

    one = in_process_seconds(make_rows(rows, seed=1000))
    baseline = one * calls / usable_cores()
    wall, latencies, problems = run_load(server, calls, rows, per_call_timeout=600)
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    return {"calls": calls, "rows": rows, "cores": usable_cores(), "in_process_s": one,
            "baseline_s": baseline, "wall_s": wall, "p50_s": p50, "p95_s": p95,
            "p50_ratio": p50 / baseline, "p95_ratio": p95 / baseline, "problems": problems}


def fairness(server, large: int, small: int) -> dict:
    import httpx

    from bench.bench_udf import make_rows
    from officejs import function_call

    url = server.base + "/xlwings/custom-functions-call"
    headers = {"Authorization": f"Bearer {server.token}"}
    done: dict = {}

    def post(key, n, seed):
        body = function_call("itb_valider", make_rows(n, seed=seed))
        t = time.perf_counter()
        r = httpx.post(url, json=body, headers=headers, timeout=600)
        done[key] = (time.perf_counter() - t, r.status_code)

    big = threading.Thread(target=post, args=("large", large, 1))
    big.start()
    time.sleep(1.0)  # the large call is in the server
    post("small", small, 2)
    big.join()
    problems = [f"{k}: HTTP {v[1]}" for k, v in done.items() if v[1] != 200]
    return {"large_rows": large, "small_rows": small, "large_s": done["large"][0],
            "small_s": done["small"][0], "ratio": done["small"][0] / done["large"][0], "problems": problems}


def _n(x: int) -> str:
    return f"{x:,}".replace(",", ".")


def main(argv=None) -> int:
    from bench.load import running_server

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--large", type=int, default=60_000)
    ap.add_argument("--small", type=int, default=2_000)
    ap.add_argument("--json", action="store_true", help="print one JSON line at the end")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="itb-fair-") as tmp, running_server(Path(tmp), timeout=120) as server:
        c = concurrency(server, args.calls, args.rows)
        f = fairness(server, args.large, args.small)
    ok_c = c["p95_ratio"] <= CONCURRENCY_TARGET
    ok_f = f["ratio"] < FAIRNESS_TARGET
    print(f"{c['calls']} samtidige ITB.VALIDER á {_n(c['rows'])} rækker på {c['cores']} kerner: "
          f"p50 {c['p50_s']:.2f} s, p95 {c['p95_s']:.2f} s; i processen {c['in_process_s']:.3f} s pr. kald, "
          f"× {c['calls']} / {c['cores']} = {c['baseline_s']:.2f} s. Forhold p50 {c['p50_ratio']:.2f}, "
          f"p95 {c['p95_ratio']:.2f} (mål p95 <= {CONCURRENCY_TARGET}: {'nået' if ok_c else 'ikke nået'})")
    print(f"{_n(f['small_rows'])} rækker mens {_n(f['large_rows'])} rækker kører: {f['small_s']:.2f} s mod "
          f"{f['large_s']:.2f} s, forhold {f['ratio']:.2f} (mål < {FAIRNESS_TARGET}: "
          f"{'nået' if ok_f else 'ikke nået'})")
    problems = c["problems"] + f["problems"]
    for p in problems[:10]:
        print("  " + p)
    if args.json:
        print(json.dumps({"concurrency": c, "fairness": f}, default=str))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
