"""Malformed and hostile requests (issue 12 points 2-5 and the row caps of point 6), over the
Office.js protocol with FastAPI's TestClient: every one a Danish 4xx, one log line with
the error type only, never a traceback; one body, one book; the report guarded; the
loopback and TLS rules held by the app itself.

Runs in a child pytest with xlwings in server mode (see tests/officejs.py).
"""

from __future__ import annotations

import json

import pytest

from officejs import delegate, in_server_process


@pytest.mark.parametrize("mode,server,client,scheme,refused", [
    ("dev", ("127.0.0.1", 8000), ("127.0.0.1", 5), "http", False),
    ("dev", ("::1", 8000), ("::1", 5), "http", False),
    ("dev", ("192.0.2.2", 8000), ("192.0.2.9", 5), "http", True),  # uvicorn --host 0.0.0.0
    ("dev", ("192.0.2.2", 8000), ("192.0.2.9", 5), "https", True),
    ("dev", ("127.0.0.1", 8000), ("192.0.2.9", 5), "http", True),  # forwarded from afar
    ("tokens", ("192.0.2.2", 8000), ("192.0.2.9", 5), "http", True),
    ("tokens", ("192.0.2.2", 8000), ("192.0.2.9", 5), "https", False),
    ("tokens", ("127.0.0.1", 8000), ("127.0.0.1", 5), "http", False),
    ("entraid", ("10.0.0.1", 443), ("10.0.0.2", 5), "http", True),
])
def test_exposure_is_decided_by_the_connection_not_the_construction(mode, server, client, scheme, refused):
    from addin.gate import exposure_refusal

    got = exposure_refusal(mode, {"type": "http", "server": server, "client": client, "scheme": scheme})
    assert (got is not None) == refused


if not in_server_process():
    test_server_hardening_protocol = delegate(__file__)
else:
    import logging

    from fastapi.testclient import TestClient

    from conftest import booking, small_master_sheets, write_workbook
    from itbudget.bookings import BOOKING_HEADERS
    from officejs import book_payload, function_call, loopback_client

    HEADER = list(BOOKING_HEADERS)
    CALL = "/xlwings/custom-functions-call"
    JSON = {"content-type": "application/json"}

    @pytest.fixture(scope="module")
    def app(tmp_path_factory):
        from addin.gate import AccessSettings
        from addin.server import build_app

        master = write_workbook(tmp_path_factory.mktemp("hard") / "stamdata.xlsx", small_master_sheets())
        return build_app(master, AccessSettings.dev())

    @pytest.fixture(scope="module")
    def client(app):
        return loopback_client(app)

    def _book(rows, **master):
        sheets = {"Bogføringer": rows}
        sheets.update(small_master_sheets(**master))
        return book_payload(sheets)

    def _without(key):
        body = function_call("itb_valider", [HEADER, booking()])
        del body[key]
        return json.dumps(body)

    def _rows(**kw):
        return function_call("itb_valider", [HEADER, booking(**kw)])["args"][0]  # as Office.js sends them

    def _with_args(args):
        body = function_call("itb_valider", [HEADER, booking()])
        body["args"] = args
        return json.dumps(body)

    def _deep(n):
        return '{"func_name": "itb_valider", "version": "1", "runtime": "1.4", "args": [%s]}' % (
            "[" * n + "]" * n)

    MALFORMED = {
        "no runtime": (CALL, _without("runtime"), JSON, 400, "runtime"),
        "JSON 1,000 deep": (CALL, _deep(1000), JSON, 400, "indlejret dybere"),
        "JSON 100,000 deep": (CALL, _deep(100_000), JSON, 400, "indlejret dybere"),
        "args not a list": (CALL, _with_args({"0": _rows()}), JSON, 400, "args skal være en liste"),
        "repeating argument null": (CALL, _with_args([_rows(), None]), JSON, 400,
                                    "gentagne argument"),
        "text/plain": (CALL, _without("session_id"), {"content-type": "text/plain"}, 415, "JSON"),
        "form content type": (CALL, _without("session_id"),
                              {"content-type": "application/x-www-form-urlencoded"}, 415, "JSON"),
        "no content type": (CALL, _without("session_id"), {}, 415, "JSON"),
    }

    @pytest.mark.parametrize("case", list(MALFORMED))
    def test_malformed_call_is_danish_4xx_with_one_type_only_log_line(client, caplog, case):
        path, body, headers, status, text = MALFORMED[case]
        with caplog.at_level(logging.INFO):
            r = client.post(path, content=body.encode(), headers=headers)
        assert r.status_code == status, r.text
        assert text in r.text and "Traceback" not in r.text and "detail" not in r.text
        ours = [rec for rec in caplog.records if rec.name == "itbudget.server"]
        assert len(ours) == 1 and json.loads(ours[0].getMessage())["status"] == status
        assert all(rec.levelno < logging.ERROR for rec in caplog.records)

    def test_repeating_argument_empty_or_with_null_still_works(client):
        for rep in ([], [None]):
            r = client.post(CALL, content=_with_args([_rows(Beløb=900), rep]), headers=JSON)
            assert r.status_code == 200, r.text

    @pytest.mark.parametrize("text", ["1999-12-31T23:59:59+05:30", "2026-02-31T00:00:00",
                                      "2026-13-01T00:00:00Z"])
    @pytest.mark.parametrize("script", ["Valider", "Opdater"])
    def test_timestamp_shaped_text_is_a_finding_not_a_500(client, caplog, script, text):
        payload = _book([HEADER + ["Status", "Besked"], booking(Dato=text), booking(Tekst=text)])
        with caplog.at_level(logging.INFO):
            r = client.post(f"/xlwings/custom-scripts-call/{script}", json=payload)
        assert r.status_code == 200, r.text
        status = next(a for a in r.json()["actions"] if a["func"] == "setValues" and a["start_column"] == 10)
        assert status["start_row"] == 1
        assert status["values"][0][0].startswith("Fejl: ITB00")  # an unreadable date is a finding
        assert status["values"][1] == ["OK"]  # the same text elsewhere is just text
        assert text not in caplog.text

    def test_one_body_one_book_a_form_field_is_never_read(client):
        """A body that parses as JSON (the checked book) and as a form (bookData= another book)."""
        checked = _book([HEADER + ["Status", "Besked"], booking()])
        smuggled = json.dumps(_book([HEADER + ["Status", "Besked"], booking(Konto="9999")]))
        checked["x"] = "&bookData=" + smuggled + "&y="
        body = json.dumps(checked)
        form = {"content-type": "application/x-www-form-urlencoded"}
        r = client.post("/xlwings/custom-scripts-call/Valider", content=body, headers=form)
        assert r.status_code == 415 and "JSON" in r.text
        r = client.post("/xlwings/custom-scripts-call/Valider", content=body, headers=JSON)
        assert r.status_code == 200, r.text
        status = next(a for a in r.json()["actions"] if a["func"] == "setValues" and a["start_column"] == 10)
        assert status["values"] == [["OK"]]  # the checked book's booking, not the smuggled ITB004

    def test_bookings_and_master_ranges_are_capped_with_a_danish_413(client):
        from addin.gate import MAX_BOOKING_ROWS, MAX_MASTER_ROWS

        many = [HEADER] + [["1"]] * (MAX_BOOKING_ROWS + 1)
        r = client.post(CALL, json=function_call("itb_valider", many))
        assert r.status_code == 413 and "højst have 100.000" in r.text
        budget = [["Omkostningssted", "Konto", "Budget"]] + [["1001", "2210", 1]] * (MAX_MASTER_ROWS + 1)
        r = client.post(CALL, json=function_call("itb_valider", [HEADER, booking()], [budget]))
        assert r.status_code == 413 and "50.000" in r.text and "stamdataområde" in r.text
        payload = _book([HEADER] + [["1"]] * (MAX_BOOKING_ROWS + 1))
        r = client.post("/xlwings/custom-scripts-call/Valider", json=payload)
        assert r.status_code == 413 and "bogføringer" in r.text
        exactly = [HEADER] + [booking(Beløb=0)] * 3  # far below: fine
        assert client.post(CALL, json=function_call("itb_valider", exactly)).status_code == 200

    def test_report_ids_from_master_data_are_formula_guarded(client):
        evil = "=HYPERLINK(\"http://x\")"
        master = small_master_sheets()
        centres = master["Omkostningssteder"] + [[evil, "Ond", "H1"]]
        budget = master["Budget"] + [[evil, "2210", 5]]
        r = client.post("/xlwings/custom-scripts-call/Valider",
                        json=_book([HEADER + ["Status", "Besked"], booking(Omkostningssted=evil)],
                                   Omkostningssteder=centres, Budget=budget))
        assert r.status_code == 200, r.text
        report = next(a for a in r.json()["actions"] if a["func"] == "setValues" and a["start_column"] == 0
                      and a["values"][0][0] == "Valideringsrapport")
        cells = [c for row in report["values"] for c in row if isinstance(c, str)]
        assert "'" + evil in cells
        assert not [c for c in cells if c.startswith(("=", "+", "@")) and not c.startswith("=HYPERLINK(\"#")]

    def test_exposure_refused_by_the_app_off_loopback(app):
        remote = TestClient(app, base_url="http://192.0.2.2", client=("192.0.2.9", 5),
                            raise_server_exceptions=False)
        for r in (remote.get("/manifest.xml"), remote.post(CALL, json=function_call("itb_ean_gyldig", "1"))):
            assert r.status_code == 403 and "127.0.0.1" in r.text

    def test_last_resort_answers_danish_500_and_logs_the_type_only(caplog):
        from addin.last_resort import MESSAGE, LastResort

        async def broken(scope, receive, send):
            raise RuntimeError("celle: 4711 hemmelig")

        with caplog.at_level(logging.INFO):
            r = TestClient(LastResort(broken), raise_server_exceptions=False).get("/")
        assert r.status_code == 500 and r.text == MESSAGE
        assert "RuntimeError" in caplog.text and "hemmelig" not in caplog.text
        assert "Traceback" not in caplog.text
