"""Issue 14's equivalence: one holder's issued workbook gives the same statuses through
``itbudget validate``, through ``ITB.VALIDER`` over HTTP with each encoding Excel uses
for empty cells, and through the classic ``udfs`` functions fed cells exactly as
pywin32 delivers them (aware datetimes, floats, COM error codes, None).

The workbook is the demo's (:mod:`itbudget.demo`): an issued workbook filled with one
holder's bookings, its 20,000-row table mostly unused. The HTTP part runs in a child
pytest with xlwings in server mode (see tests/officejs.py).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from libreoffice import fill_bookings
from officejs import ROOT, delegate, excel_serial, function_call, in_server_process

#: How Excel sends an empty cell to a custom function: "" (most), null (Excel on
#: the web), 0 (reported for desktop Excel).
ENCODINGS = {"tom tekst": "", "null": None, "nul": 0}
UTC = dt.timezone.utc


class Holder:
    """One holder's filled workbook and what the CLI says about it."""

    def __init__(self, tmp: Path):
        from itbudget.demo import build_demo
        from workbook_templates import holder_workbook as hw

        demo = build_demo()
        self.hid = demo.holder_ids[2]
        issued = hw.write_holder_workbook(demo.master(), self.hid, tmp / "udsendt.xlsx")
        self.path = fill_bookings(issued, demo.bookings[self.hid], tmp / "returneret.xlsx")
        self.n_bookings = len(demo.bookings[self.hid])
        wb = openpyxl.load_workbook(self.path)
        table = wb[hw.BOOKINGS_SHEET].tables[hw.BOOKINGS_TABLE]
        self.table = self._values(wb, hw.BOOKINGS_SHEET, table.ref)
        self.master = [self._values(wb, *name.attr_text.split("!"))
                       for key, name in wb.defined_names.items() if key.startswith("Stamdata_")]
        proc = subprocess.run([sys.executable, "-m", "itbudget.cli", "validate", str(self.path),
                               "--format", "json"], cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
        assert proc.returncode in (0, 1), proc.stderr
        self.cli = json.loads(proc.stdout)

    @staticmethod
    def _values(wb, sheet: str, ref: str) -> list[list]:
        ws = wb[sheet.strip("'")]
        rows = ws.iter_rows(min_row=ws[ref.replace("$", "").split(":")[0]].row,
                            max_row=ws[ref.replace("$", "").split(":")[1]].row,
                            max_col=ws[ref.replace("$", "").split(":")[1]].column, values_only=True)
        # A formula cell (the Budget sheet's Bogført, Rest) shows a number in Excel.
        return [[0.0 if isinstance(v, str) and v.startswith("=") else v for v in r] for r in rows]

    def cli_statuses(self) -> dict[int, tuple[str, list[str]]]:
        """Excel row -> (worst severity in Danish, rule codes), as ITB.VALIDER shows them."""
        out = {r: ("OK", []) for r in range(2, self.n_bookings + 2)}
        for f in self.cli["findings"]:
            word, codes = out[f["row"]]
            word = "Fejl" if f["severity"] == "error" or word == "Fejl" else "Advarsel"
            out[f["row"]] = (word, codes + [f["rule"]])
        return out


def statuses(column: list[list]) -> dict[int, tuple[str, list[str]]]:
    """ITB.VALIDER's column as Excel row -> (worst severity, rule codes); blank rows left out."""
    assert column[0] == ["Status"]
    out = {}
    for row, (s,) in enumerate(column[1:], start=2):
        if s == "":
            continue
        word, _, rest = s.partition(": ")
        out[row] = (word, re.findall(r"ITB\d{3}", rest))
    return out


def office_js(rows: list[list], empty) -> list[list]:
    """Cells as Office.js sends them: dates as serial numbers, empty as ``empty``."""
    return [[empty if v is None else excel_serial(v.date()) if isinstance(v, dt.datetime)
             else v for v in r] for r in rows]


def pywin32(rows: list[list]) -> tuple:
    """Cells as pywin32 hands a ``raw`` argument: aware datetimes, every number a float."""
    def one(v):
        if isinstance(v, dt.datetime):
            return v.replace(tzinfo=UTC)
        if type(v) is int:
            return float(v)
        return v
    return tuple(tuple(one(v) for v in r) for r in rows)


def xlwings_desktop(rows: list[list]) -> list[list]:
    """A master range as classic xlwings converts it (``ndim=2``): naive datetimes, floats."""
    return [[float(v) if type(v) is int else v for v in r] for r in rows]


@pytest.fixture(scope="module")
def holder(tmp_path_factory):
    return Holder(tmp_path_factory.mktemp("excelpaths"))


if not in_server_process():
    test_valider_over_http_in_server_mode = delegate(__file__, timeout=600)

    @pytest.fixture(autouse=True)
    def _no_server_master(monkeypatch):
        from udfs import masterdata

        from itbudget.settings import Settings, use_process_settings

        use_process_settings(Settings(stamdata=None))  # no server master
        masterdata.clear_cache()

    def test_the_workbook_is_a_real_case(holder):
        assert len(holder.table) == 20_001 and holder.n_bookings > 100
        expected = holder.cli_statuses()
        assert {w for w, _ in expected.values()} >= {"OK", "Fejl"}
        assert holder.cli["rows"] == holder.n_bookings

    def test_classic_functions_fed_pywin32_cells_give_the_cli_statuses(holder):
        import udfs

        master = [xlwings_desktop(r) for r in holder.master]
        column = udfs.itb_valider(pywin32(holder.table), *master)
        assert len(column) == len(holder.table)
        assert statuses(column) == holder.cli_statuses()

    @pytest.mark.parametrize("empty", ENCODINGS.values(), ids=ENCODINGS.keys())
    def test_valider_in_process_gives_the_cli_statuses_for_each_encoding(holder, empty):
        import udfs

        column = udfs.itb_valider(office_js(holder.table, empty),
                                  *[office_js(r, empty) for r in holder.master])
        assert statuses(column) == holder.cli_statuses()

    def test_rest_daekket_and_pris_agree_with_the_cli_for_each_encoding(holder):
        import udfs

        lines = [ln for ln in holder.cli["lines"] if not ln["central_line"]][:3]
        assert lines
        shapes = {name: (office_js(holder.table, e), [office_js(r, e) for r in holder.master])
                  for name, e in ENCODINGS.items()}
        shapes["pywin32"] = (pywin32(holder.table), [xlwings_desktop(r) for r in holder.master])
        prices = set()
        for name, (table, master) in shapes.items():
            for ln in lines:
                cc, acct = float(ln["cost_centre"]), float(ln["account"])  # ids arrive as numbers
                rest = udfs.itb_rest(cc, acct, table, *master)
                assert rest == float(ln["remaining"]), (name, ln)
                assert udfs.itb_daekket(cc, acct, 1.0, table, *master) is (rest >= 1), (name, ln)
            prices.add(udfs.itb_pris_pr_arbejdsplads(holder.hid, table, *master))
        assert len(prices) == 1 and prices.pop() > 0

else:
    @pytest.fixture(scope="module")
    def client():
        from addin.gate import AccessSettings
        from addin.server import build_app
        from officejs import loopback_client

        # No server master: the workbook's own master ranges are passed, as taught.
        return loopback_client(build_app(None, AccessSettings.dev()))

    @pytest.mark.parametrize("empty", ENCODINGS.values(), ids=ENCODINGS.keys())
    def test_valider_over_http_gives_the_cli_statuses(client, holder, empty):
        body = function_call("itb_valider")
        # The repeating master argument arrives as one list of 2-D ranges.
        body["args"] = [office_js(holder.table, empty), [office_js(r, empty) for r in holder.master]]
        r = client.post("/xlwings/custom-functions-call", json=body)
        assert r.status_code == 200, r.text[:500]
        column = r.json()["result"]
        assert len(column) == len(holder.table)
        assert statuses(column) == holder.cli_statuses()
