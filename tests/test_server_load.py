"""Under load (issue 8 item 5): 50 concurrent ITB.VALIDER calls of 2,000 rows each against
``itbudget serve`` started as a real process on 127.0.0.1 (random free port, token login).

Bounded: every call must answer within 60 s and the whole burst within 90 s (it takes about
5 s here). The same run is ``python bench/load.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import run_load, running_server  # noqa: E402
from officejs import HOST  # noqa: E402

CALLS, ROWS = 50, 2000


@pytest.mark.timeout(240)
def test_fifty_concurrent_valider_calls_all_correct(tmp_path, monkeypatch):
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    assert HOST == "127.0.0.1"
    with running_server(tmp_path) as server:
        assert server.base.startswith("http://127.0.0.1:")
        wall, latencies, problems = run_load(server, CALLS, ROWS, per_call_timeout=60)
    assert problems == []
    assert len(latencies) == CALLS and max(latencies) < 60 and wall < 90
    # Every call is in the request log: who, which function, how many rows, the status.
    records = [json.loads(line[line.index("{"):]) for line in server.log.read_text().splitlines()
               if '"itbudget.request"' in line]
    assert len(records) == CALLS
    assert {(r["who"], r["name"], r["rows"], r["status"]) for r in records} == {
        ("Belastningstest", "itb_valider", ROWS + 1, 200)}
    assert server.token not in server.log.read_text()
