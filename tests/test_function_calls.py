"""The add-in's own worksheet-function route answers exactly as xlwings Server's route did.

``addin/function_calls.py`` takes the body the gate parsed and encodes the answer once
(issue 18). These tests send the same calls through it and through xlwings Server's own
route (ours taken out of the router for the second request) and compare status, content
type and body byte for byte. Runs in a child pytest with xlwings in server mode.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from officejs import delegate, in_server_process

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(JSON_VALUES)
def test_encode_writes_what_fastapi_wrote(value):
    from fastapi.encoders import jsonable_encoder
    from fastapi.responses import JSONResponse

    from addin.function_calls import encode

    answer = {"result": value}
    assert encode(answer) == JSONResponse(jsonable_encoder(answer)).body


def test_encode_falls_back_for_values_json_cannot_write():
    import datetime as dt
    from decimal import Decimal

    from fastapi.encoders import jsonable_encoder
    from fastapi.responses import JSONResponse

    from addin.function_calls import encode

    answer = {"result": [[Decimal("1.25"), dt.date(2026, 6, 30)]]}
    assert encode(answer) == JSONResponse(jsonable_encoder(answer)).body
    for bad in (math.nan, math.inf):  # refused as FastAPI refused it (a 500 by the bug handler)
        try:
            encode({"result": [[bad]]})
        except ValueError:
            pass
        else:
            raise AssertionError("non-finite number encoded")


if not in_server_process():
    test_routes_in_server_mode = delegate(__file__)
else:
    import json

    import pytest
    from xlwings.server import Caller  # noqa: F401 - resolves a test function's annotation

    from conftest import EAN_H1, booking, small_master_sheets, write_workbook
    from itbudget.bookings import BOOKING_HEADERS
    from officejs import function_call, loopback_client

    from addin.function_calls import encode as ENCODE

    HEADER = list(BOOKING_HEADERS)
    NA = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}
    ROWS = [HEADER, booking(), booking(Konto="9999"), booking(Beløb="12,50", EAN=""),
            booking(Dato=NA, Beløb=float("nan"))]
    CALLS = [
        ("itb_valider", ROWS), ("itb_valider", ROWS, [[["Omkostningssted"], ["1001"]]]),
        ("itb_valider", [[""]]), ("itb_valider", [HEADER, [[["dybt"]]]]), ("itb_valider",),
        ("itb_rest", "1001", 2210, ROWS), ("itb_rest", "1001", "9999", [HEADER]),
        ("itb_daekket", 1001, 2210, "100,01", ROWS), ("itb_daekket", "1001", "2210", 1e308, [HEADER]),
        ("itb_ean_gyldig", EAN_H1), ("itb_ean_gyldig", NA), ("itb_ean_aftaleholder", EAN_H1),
        ("itb_ean_aftaleholder", "123"), ("itb_pris_pr_arbejdsplads", "H1", ROWS),
        ("itb_pris_pr_arbejdsplads", NA, ROWS),
    ]

    @pytest.fixture(scope="module")
    def app(tmp_path_factory):
        from addin.gate import AccessSettings
        from addin.server import build_app

        master = write_workbook(tmp_path_factory.mktemp("fc") / "stamdata.xlsx", small_master_sheets())
        return build_app(master, AccessSettings.dev())

    def ours_first(routes) -> int:
        """Index of our route; every route ahead of it is the add-in's own (never xlwings Server's)."""
        def module(route):
            return getattr(getattr(route, "endpoint", None), "__module__", "")

        at = next(i for i, r in enumerate(routes) if module(r) == "addin.function_calls")
        assert all(module(r).startswith("addin.") for r in routes[:at])
        return at

    @pytest.mark.parametrize("call", CALLS, ids=lambda c: c[0])
    def test_same_answer_as_xlwings_servers_route(app, call, monkeypatch):
        from xlwings_server.main import app as fastapi_app

        from addin import function_calls

        encoded = []
        monkeypatch.setattr(function_calls, "encode", lambda a: encoded.append(1) or ENCODE(a))
        client = loopback_client(app)
        body = json.dumps(function_call(*call))  # NaN as a careless client could send it
        headers = {"content-type": "application/json"}
        ours = client.post("/xlwings/custom-functions-call", content=body, headers=headers)
        routes = fastapi_app.router.routes
        at = ours_first(routes)
        route = routes.pop(at)
        try:
            theirs = client.post("/xlwings/custom-functions-call", content=body, headers=headers)
        finally:
            routes.insert(at, route)
        assert len(encoded) == (ours.status_code == 200)  # the second answer was xlwings Server's
        assert (ours.status_code, ours.headers["content-type"], ours.content) == \
               (theirs.status_code, theirs.headers["content-type"], theirs.content)

    def test_a_function_that_needs_xlwings_servers_route_is_refused():
        import xlwings as xw

        from addin.function_calls import unsupported

        @xw.func(required_roles=["admin"])
        def needs_roles(x):
            return x

        @xw.func
        def plain(x):
            return x

        assert unsupported(needs_roles) and unsupported(plain) is None


    def test_unsupported_names_caller_and_streaming_functions():
        import xlwings as xw

        from addin.function_calls import unsupported

        @xw.func
        def with_caller(x, caller: Caller):
            return x

        @xw.func
        async def streaming(x):
            yield x

        assert "Caller" in unsupported(with_caller)
        assert unsupported(streaming) == "streamer"

    # In the child process: its worker threads must not grow the main pytest process,
    # whose forked corpus commands run under a memory limit (tests/test_robust_corpus.py).
    def test_a_process_works_on_at_most_calls_at_once_calls():
        """The gate's turns: 6 concurrent calls, never more than CALLS_AT_ONCE inside the app at once."""
        import asyncio
        import json
        import threading
        import time

        import httpx

        from addin.gate import CALLS_AT_ONCE, AccessSettings, Gate

        inside, most, lock = 0, 0, threading.Lock()

        async def app(scope, receive, send):
            nonlocal inside, most
            await receive()
            with lock:
                inside += 1
                most = max(most, inside)
            time.sleep(0.05)  # work that holds its thread, as a worksheet function does
            with lock:
                inside -= 1
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": b"{}"})

        gate = Gate(app, AccessSettings.dev(), functions={"f": (1, 1)}, scripts=set())
        body = json.dumps({"func_name": "f", "args": [1], "version": "x", "runtime": "1.1"})

        async def fire():
            transport = httpx.ASGITransport(app=gate, client=("127.0.0.1", 5000))
            async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
                return await asyncio.gather(*(client.post("/xlwings/custom-functions-call", content=body,
                                                          headers={"content-type": "application/json"})
                                              for _ in range(6)))

        answers = asyncio.run(fire())
        assert [r.status_code for r in answers] == [200] * 6
        assert most == CALLS_AT_ONCE
