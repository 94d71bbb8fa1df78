"""Test helpers for the add-in: Office.js-shaped payloads, running a test
module in its own process with xlwings in server mode, and running
``itbudget serve`` itself on a free loopback port (tests and ``bench/``).

xlwings decides at its first import whether ``@func``/``@script`` are live
(``XLWINGS_ON_SERVER``), and server mode needs ``XLWINGS_LICENSE_KEY``; the
main pytest process keeps plain xlwings, so protocol tests re-run their own
module in a child pytest with that environment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
XLWINGS_VERSION = "0.0.0"
HOST = "127.0.0.1"  # a real server in tests and benchmarks never listens on anything else
#: TestClient arguments for a request that arrives on and comes from loopback (the gate
#: answers development mode and plain HTTP only there).
LOOPBACK = {"base_url": f"http://{HOST}", "client": (HOST, 50000)}


def loopback_client(app):
    """A TestClient for ``app`` whose requests arrive on and come from loopback.

    A server error is answered as the server would (500), not raised into the test.
    """
    from fastapi.testclient import TestClient

    return TestClient(app, raise_server_exceptions=False, **LOOPBACK)


def in_server_process() -> bool:
    return os.environ.get("XLWINGS_ON_SERVER") == "true" and bool(os.environ.get("XLWINGS_LICENSE_KEY"))


def delegate(module_file: str, timeout: int = 240):
    """A test that runs ``module_file``'s tests in a child pytest in server mode."""

    def test_in_server_mode_process():
        env = dict(os.environ, XLWINGS_ON_SERVER="true",
                   XLWINGS_LICENSE_KEY=os.environ.get("XLWINGS_LICENSE_KEY") or "noncommercial")
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", module_file, "-q", "-p", "no:cacheprovider",
             "--no-header", "-W", "ignore::DeprecationWarning"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
        tail = "\n".join(proc.stdout.splitlines()[-40:])
        print(tail)
        assert proc.returncode == 0, f"server-mode tests failed:\n{tail}\n{proc.stderr[-3000:]}"
        assert " passed" in tail and "skipped" not in tail.splitlines()[-1], tail

    return test_in_server_mode_process


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_on_loopback(*serve_args: str, log: Path, timeout: float = 60) -> Iterator[str]:
    """``itbudget serve SERVE_ARGS`` as a child process on a free port of 127.0.0.1.

    Yields the base URL once ``/`` answers 200; stderr goes to ``log``. Raises
    RuntimeError (with the log's tail) if the server stops or is not up within
    ``timeout`` seconds. The server is stopped on leaving the block.
    """
    import httpx

    port = free_port()
    env = dict(os.environ)
    env.pop("XLWINGS_ON_SERVER", None)  # serve must switch server mode on by itself
    env.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "itbudget.cli", "serve", *serve_args,
                                 "--host", HOST, "--port", str(port)],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                if httpx.get(base + "/", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None:
                raise RuntimeError("serveren stoppede:\n" + log.read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                raise RuntimeError(f"serveren startede ikke inden for {timeout:.0f} s")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def excel_serial(day: dt.date) -> float:
    return float((day - dt.date(1899, 12, 30)).days)


def function_call(func_name: str, *args, address: str = "Bogføringer!L1") -> dict:
    """The body Office.js's custom-functions code posts for one cell's formula."""
    import xlwings

    return {
        "client": "Office.js",
        "func_name": func_name,
        "args": [_as_office_arg(a) for a in args],
        "caller_address": f"[H1 Bakkeskolen.xlsx]{address}",
        "session_id": "test-session",
        "culture_info_name": "da-DK",
        "date_format": "dd-mm-åååå",
        "version": xlwings.__version__,
        "runtime": "1.4",
    }


def _as_office_arg(value):
    """Cell values as Office.js passes them: dates as serial numbers, empty as ""."""
    if isinstance(value, (list, tuple)):
        return [_as_office_arg(v) for v in value]
    if isinstance(value, dt.date):
        return excel_serial(value if not isinstance(value, dt.datetime) else value.date())
    return "" if value is None else value


def _col_letter(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def book_payload(sheets: dict[str, list[list]], name: str = "H1 Bakkeskolen.xlsx") -> dict:
    """A workbook snapshot as the Office.js add-in sends it to a custom script.

    Values start at A1; date cells arrive as ISO strings (the client converts
    date-formatted numbers), empty cells as "".
    """
    import xlwings

    out = []
    for sheet, rows in sheets.items():
        width = max((len(r) for r in rows), default=1) or 1
        values = [[_cell(v) for v in (list(r) + [""] * (width - len(r)))] for r in rows] or [[""]]
        nrows = len(values)
        out.append({
            "name": sheet, "visibility": "Visible", "show_gridlines": True, "print_area": None,
            "notes": [], "notes_supported": True,
            "used_range_address": f"A1:{_col_letter(width)}{nrows}",
            "used_range_row_count": nrows, "used_range_column_count": width,
            "values": values, "pictures": [], "shapes": [], "charts": [], "tables": [],
            "pivot_tables": [],
        })
    return {"client": "Office.js", "version": xlwings.__version__,
            "book": {"name": name, "active_sheet_index": 0, "selection": "A1",
                     "calculation": "Automatic"},
            "names": [], "sheets": out}


def _cell(v):
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%dT00:00:00.000Z")
    return v
