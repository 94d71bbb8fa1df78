"""The Office.js protocol over the project's xlwings Server app (FastAPI TestClient),
and one smoke test through ``itbudget serve`` with uvicorn on 127.0.0.1.

Runs in a child pytest with xlwings in server mode (see tests/officejs.py).
"""

from __future__ import annotations

import datetime as dt

from officejs import delegate, in_server_process

if not in_server_process():
    test_server_protocol = delegate(__file__)
else:
    import json

    import httpx
    import pytest

    from conftest import EAN_H1, booking, small_master_sheets, write_workbook
    from itbudget.bookings import BOOKING_HEADERS
    from officejs import book_payload, function_call, loopback_client, serve_on_loopback

    HEADER = list(BOOKING_HEADERS)
    FUNCTIONS = {"VALIDER", "REST", "DAEKKET", "EAN_GYLDIG", "EAN_AFTALEHOLDER", "PRIS_PR_ARBEJDSPLADS"}

    @pytest.fixture(scope="module")
    def master_path(tmp_path_factory):
        return write_workbook(tmp_path_factory.mktemp("srv") / "stamdata.xlsx", small_master_sheets())

    @pytest.fixture(scope="module")
    def client(master_path):
        from addin.gate import AccessSettings
        from addin.server import build_app

        return loopback_client(build_app(master_path, AccessSettings.dev()))

    def call(client, name, *args):
        return client.post("/xlwings/custom-functions-call", json=function_call(name, *args))

    def test_decorators_are_live_on_the_server(client):
        import udfs
        from addin import scripts

        assert udfs.itb_valider.__xlfunc__["excel_name"] == "VALIDER"
        assert scripts.Valider.__xlscript__["name"] == "Valider"
        assert {f.__xlfunc__["excel_name"] for f in udfs.FUNCTIONS} == FUNCTIONS

    def test_meta_lists_every_function_with_danish_help(client):
        meta = client.get("/xlwings/custom-functions-meta.json").json()
        by_name = {f["name"]: f for f in meta["functions"]}
        assert set(by_name) == FUNCTIONS
        assert "bogføringer" in by_name["VALIDER"]["description"].lower()
        assert by_name["VALIDER"]["parameters"][1]["repeating"] is True
        for f in by_name.values():
            assert f["description"] and not f["description"].startswith("Python function")
            for p in f["parameters"]:
                assert not p["description"].startswith("Positional argument"), (f["name"], p)
        manifest = client.get("/manifest.xml").text
        assert 'DefaultValue="ITB"' in manifest and "IT-budget" in manifest
        scripts = {s["function_name"] for s in client.get("/xlwings/custom-scripts-meta.json").json()}
        assert scripts == {"Valider", "Opdater", "Konsolider"}
        pane = client.get("/taskpane.html").text
        assert 'xw-click="Valider"' in pane and 'xw-click="Opdater"' in pane
        assert 'xw-click="Konsolider"' in pane and 'id="itb-token"' in pane
        auth_js = client.get("/static/js/auth.js").text  # ours, overriding xlwings Server's
        assert "itbudgetToken" in auth_js and "Bearer " in auth_js

    def test_valider_over_http_with_server_master(client):
        rows = [HEADER, booking(Beløb=900), booking(Beløb="100,01"), [""] * 10,
                booking(Dato=dt.date(2025, 12, 31)), booking(Konto="2220", Beløb="600,00")]
        r = call(client, "itb_valider", rows)
        assert r.status_code == 200, r.text
        assert r.json()["result"] == [["Status"], ["OK"], ["Fejl: ITB006 mangler 0,01 kr."], [""],
                                      ["Fejl: ITB002 dato uden for budgetåret"],
                                      ["Advarsel: ITB006 mangler 100,00 kr."]]

    def test_valider_with_master_ranges_as_repeating_argument(client):
        budget = [["Omkostningssted", "Konto", "Budget"], ["1001", "2210", 5000], ["1001", "2220", 500],
                  ["1001", "2250", 10000], ["2001", "2210", 2000]]
        rows = [HEADER, booking(Beløb="1.000,01")]
        served = call(client, "itb_valider", rows).json()["result"]
        given = call(client, "itb_valider", rows,
                     list(small_master_sheets(Budget=budget).values())).json()["result"]
        assert served[1] == ["Fejl: ITB006 mangler 0,01 kr."]
        assert given[1] == ["OK"]

    def test_other_functions_over_http(client):
        rows = [HEADER, booking(Beløb=900)]
        assert call(client, "itb_rest", "1001", 2210, rows).json()["result"] == [[100.0]]
        assert call(client, "itb_daekket", 1001, 2210, "100,01", rows).json()["result"] == [[False]]
        assert call(client, "itb_ean_gyldig", EAN_H1).json()["result"] == [[True]]
        assert call(client, "itb_ean_aftaleholder", EAN_H1).json()["result"] == [["H1"]]
        r = call(client, "itb_pris_pr_arbejdsplads", "H1", rows)
        assert r.json()["result"] == [[75.0]]

    @pytest.mark.parametrize("name,args,text", [
        ("itb_valider", [[["x", "y"], [1, 2]]], "kolonneoverskrifterne mangler"),
        ("itb_ean_aftaleholder", ["123"], "ikke et gyldigt EAN"),
        ("itb_rest", ["1001", "9999", [HEADER]], "findes ikke i IT-kontoplanen"),
        ("itb_valider", [[HEADER], [["Hvad", "Som"], [1, 2]]], "kan ikke genkendes"),
    ])
    def test_bad_argument_is_400_with_danish_message(client, name, args, text):
        r = call(client, name, *args)
        assert r.status_code == 400
        assert text in r.text

    NA = {"type": "Error", "basicValue": "#N/A", "errorType": "NotAvailable"}  # as Office.js sends it
    REF = {"type": "Error", "basicValue": "#REF!", "errorType": "Ref"}

    @pytest.mark.parametrize("name,args,status,text", [
        ("itb_valider", [[[""]]], 400, "område med en overskriftsrække"),
        ("itb_valider", [[[]]], 400, "område med en overskriftsrække"),
        ("itb_valider", ["Bogføringer"], 400, "ikke én værdi"),
        ("itb_valider", [["a", "b"]], 400, "kolonneoverskrifterne mangler"),
        ("itb_valider", [[HEADER, [[["dybt"]]]]], 200, "ITB001"),  # a cell that is a list
        ("itb_valider", [[HEADER, "ikke en række"]], 400, "rektangulært"),
        ("itb_valider", [[booking(), booking()]], 400, "kolonneoverskrifterne mangler"),  # no header row
        ("itb_valider", [[[NA] * 10, booking()]], 400, "kolonneoverskrifterne mangler"),
        ("itb_valider", [[HEADER, booking(Dato=NA, Beløb=REF, Konto=NA)]], 200, "ITB001"),
        ("itb_valider", [[HEADER, [1]]], 200, "ITB001"),  # a short row
        ("itb_valider", [[HEADER, booking(Beløb=1e308), booking(Beløb=-1e300),
                          booking(Beløb=12345678901234567890)]], 200, "ITB001"),
        ("itb_valider", [[HEADER, booking(Dato="31. februar 2026"), booking(Dato="i morgen")]], 200, "ITB001"),
        ("itb_valider", [[HEADER, booking()], [[NA, REF]]], 400, "kan ikke genkendes"),
        ("itb_valider", [], 400, "argumenter"),
        ("itb_ean_gyldig", ["1", "2", "3"], 400, "argumenter"),
        ("itb_rest", [NA, REF, [HEADER, booking()]], 400, "findes ikke i IT-kontoplanen"),
        ("itb_daekket", ["1001", "2210", 1e308, [HEADER]], 400, "kan ikke læses"),
        ("itb_daekket", ["1001", "2210", NA, [HEADER]], 400, "kan ikke læses"),
        ("itb_pris_pr_arbejdsplads", [NA, [HEADER, booking()]], 400, "findes ikke i stamdata"),
        ("itb_ean_aftaleholder", [NA], 400, "ikke et gyldigt EAN"),
        ("itb_ean_gyldig", [NA], 200, "false"),
        ("itb_ean_gyldig", [1e308], 200, "false"),
    ])
    def test_bad_input_is_a_danish_answer_never_a_500(client, name, args, status, text):
        r = call(client, name, *args)
        assert r.status_code == status, r.text
        assert text in r.text
        assert "Traceback" not in r.text and "Error(" not in r.text

    def test_nan_and_infinity_amounts_are_findings(client):
        body = json.dumps(function_call("itb_valider", [HEADER, booking(Beløb=float("nan")),
                                                        booking(Beløb=float("inf"))]))
        assert "NaN" in body and "Infinity" in body  # what a careless client could send
        r = client.post("/xlwings/custom-functions-call", content=body,
                        headers={"content-type": "application/json"})
        assert r.status_code == 200
        assert [c[0][:12] for c in r.json()["result"][1:]] == ["Fejl: ITB001"] * 2

    @pytest.mark.parametrize("sheets,status,text", [
        ({"Bogføringer": [[""]]}, 400, "kolonneoverskrifterne mangler"),
        ({"Bogføringer": [booking()]}, 400, "kolonneoverskrifterne mangler"),
        ({"Bogføringer": [HEADER, booking()], "Kontoplan": [["#REF!"]]}, 400, "Stamdata kan ikke bruges"),
        ({"Bogføringer": [HEADER, ["#N/A"] * 10, booking(Beløb="1e400")]}, 200, "ITB001"),
    ])
    def test_bad_workbooks_for_the_valider_script(client, sheets, status, text):
        full = dict(sheets)
        if "Kontoplan" not in full:
            full.update(small_master_sheets())
        r = client.post("/xlwings/custom-scripts-call/Valider", json=book_payload(full))
        assert r.status_code == status, r.text
        assert text in r.text and "Traceback" not in r.text

    def test_malformed_script_payload_is_400(client):
        r = client.post("/xlwings/custom-scripts-call/Valider", json={"book": {}, "sheets": [{"name": "x"}]})
        assert r.status_code == 400 and "mangler navn eller værdier" in r.text
        r = client.post("/xlwings/custom-scripts-call/Konsolider", json=book_payload({"a": [[1]]}))
        assert r.status_code == 400 and "ikke sat op til konsolidering" in r.text

    def _workbook(rows):
        sheets = {"Bogføringer": rows}
        sheets.update(small_master_sheets())
        return sheets

    def test_valider_script_writes_only_status_columns_and_report(client):
        rows = [HEADER + ["Status", "Besked"], booking(Beløb=900),
                booking(Beløb="100,01", Bilag="=cmd|'/c calc'!A1"), booking(Konto="9999")]
        payload = book_payload(_workbook(rows))
        r = client.post("/xlwings/custom-scripts-call/Valider", json=payload)
        assert r.status_code == 200, r.text
        actions = r.json()["actions"]
        names = [s["name"] for s in payload["sheets"]]
        report_pos = next(a["args"][0] for a in actions if a["func"] == "addSheet")
        assert next(a["args"][1] for a in actions if a["func"] == "addSheet") == "Valideringsrapport"
        writes = [a for a in actions if a["func"] not in ("addSheet", "alert")]
        for a in writes:
            if a["sheet_position"] == names.index("Bogføringer"):
                assert a["start_column"] in (10, 11) and a["start_row"] >= 1, a  # Status, Besked
            else:
                assert a["sheet_position"] == report_pos, a
        status = next(a for a in writes if a["func"] == "setValues" and a["start_column"] == 10)
        assert status["values"] == [["OK"], ["Fejl: ITB006 mangler 0,01 kr."],
                                    ["Fejl: ITB004 konto findes ikke i IT-kontoplanen"]]
        report = next(a for a in writes if a["func"] == "setValues" and a["sheet_position"] == report_pos)
        text = json.dumps(report["values"], ensure_ascii=False)
        assert "=HYPERLINK(\\\"#'Bogføringer'!A3\\\",\\\"3\\\")" in text
        assert "'=cmd" in text  # a voucher that looks like a formula stays text
        alert = next(a for a in actions if a["func"] == "alert")
        assert "2 fejl" in alert["args"][0]

    def test_opdater_script_writes_no_report(client):
        rows = [HEADER + ["Status", "Besked"], booking()]
        r = client.post("/xlwings/custom-scripts-call/Opdater", json=book_payload(_workbook(rows)))
        assert r.status_code == 200, r.text
        funcs = [a["func"] for a in r.json()["actions"]]
        assert "addSheet" not in funcs and "calculate" in funcs

    def test_script_on_workbook_without_bookings_is_400_danish(client):
        payload = book_payload({"Ark1": [["hej"]]})
        r = client.post("/xlwings/custom-scripts-call/Valider", json=payload)
        assert r.status_code == 400
        assert "arket 'Bogføringer' mangler" in r.text

    @pytest.mark.timeout(60)
    def test_uvicorn_smoke_on_loopback(master_path, tmp_path):
        with serve_on_loopback("--dev", "--master", str(master_path), log=tmp_path / "server.log",
                               timeout=30) as base:
            r = httpx.post(base + "/xlwings/custom-functions-call", timeout=10,
                           json=function_call("itb_valider", [HEADER, booking(Beløb=1000.01)]))
            assert r.status_code == 200
            assert r.json()["result"] == [["Status"], ["Fejl: ITB006 mangler 0,01 kr."]]
