"""Concurrent ITB.VALIDER calls against ``itbudget serve`` on 127.0.0.1 (issue 8 item 5).

Usage: ``XLWINGS_LICENSE_KEY=noncommercial python bench/load.py [--calls 50] [--rows 2000]``.
Starts the server as a real process on a random free loopback port with a
token file (so login is part of every call), fires ``--calls`` Office.js-shaped
calls at once, each with its own bookings, and checks every answer against the
core run in this process. Prints wall time, median and worst latency. Exit 1
on any error or wrong answer. Only loopback addresses are ever used.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for p in (ROOT / "tests", ROOT):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from officejs import serve_on_loopback  # noqa: E402


@dataclass
class Server:
    base: str
    token: str
    log: Path


@contextlib.contextmanager
def running_server(tmp: Path, timeout: float = 60):
    """``itbudget serve --tokens`` on a free loopback port; yields a :class:`Server`."""
    from conftest import small_master_sheets, write_workbook
    from itbudget.access import hash_token, new_token

    master = write_workbook(tmp / "stamdata.xlsx", small_master_sheets())
    token = new_token()
    tokens = tmp / "tokens.toml"
    tokens.write_text(f'[[token]]\nname = "Belastningstest"\nrole = "finance"\n'
                      f'sha256 = "{hash_token(token)}"\n', encoding="utf-8")
    log = tmp / "server.log"
    with serve_on_loopback("--master", str(master), "--tokens", str(tokens), log=log, timeout=timeout) as base:
        yield Server(base, token, log)


def expected_statuses(rows: list[list]) -> list[str]:
    from conftest import small_master_sheets
    from itbudget.master import master_from_rows
    from itbudget.statuses import header_index, status_column, validate_rows

    result = validate_rows(rows, master_from_rows(small_master_sheets()))
    return status_column(result, len(rows), header_index(rows))


async def _fire(server: Server, bodies: list[dict], per_call_timeout: float):
    import httpx

    limits = httpx.Limits(max_connections=len(bodies), max_keepalive_connections=len(bodies))
    async with httpx.AsyncClient(timeout=per_call_timeout, limits=limits) as client:
        async def one(body):
            t = time.perf_counter()
            r = await client.post(server.base + "/xlwings/custom-functions-call", content=body,
                                  headers={"Authorization": f"Bearer {server.token}",
                                           "Content-Type": "application/json"})
            return r, time.perf_counter() - t

        return await asyncio.gather(*(one(b) for b in bodies), return_exceptions=True)


def run_load(server: Server, calls: int = 50, rows: int = 2000, per_call_timeout: float = 120):
    """Fire ``calls`` concurrent VALIDER calls; returns (wall seconds, latencies, problems)."""
    from bench.bench_udf import make_rows
    from officejs import function_call

    tables = [make_rows(rows, seed=1000 + i) for i in range(calls)]
    expected = [expected_statuses(t) for t in tables]
    # Encoded before the clock starts: Excel, not this machine, encodes a real call.
    bodies = [json.dumps(function_call("itb_valider", t)).encode() for t in tables]
    started = time.perf_counter()
    answers = asyncio.run(_fire(server, bodies, per_call_timeout))
    wall = time.perf_counter() - started
    latencies, problems = [], []
    for i, answer in enumerate(answers):
        if isinstance(answer, BaseException):
            problems.append(f"kald {i}: {type(answer).__name__}: {answer}")
            continue
        r, seconds = answer
        latencies.append(seconds)
        if r.status_code != 200:
            problems.append(f"kald {i}: HTTP {r.status_code}: {r.text[:200]}")
        elif [c[0] for c in r.json()["result"]] != expected[i]:
            problems.append(f"kald {i}: forkert resultat")
    return wall, latencies, problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--rows", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="itb-load-") as tmp, running_server(Path(tmp)) as server:
        wall, lat, problems = run_load(server, args.calls, args.rows)
    print(f"{args.calls} samtidige ITB.VALIDER-kald á {args.rows} rækker: {wall:.2f} s i alt, "
          f"median {statistics.median(lat) * 1000:.0f} ms, længste {max(lat) * 1000:.0f} ms, "
          f"{len(problems)} fejl")
    for p in problems[:10]:
        print("  " + p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
