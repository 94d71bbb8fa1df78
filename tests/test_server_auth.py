"""Access on the server (issue 8 item 4): login, one holder's data only, the log, the payload cap,
and finance's Konsolider script, over the Office.js protocol (FastAPI TestClient).

The server-mode part runs in a child pytest (see tests/officejs.py); the command-line refusals
run here in the main process.
"""

from __future__ import annotations

import argparse

import pytest

from officejs import delegate, in_server_process


def _serve_args(**kw):
    base = dict(master="stamdata.xlsx", tokens=None, dev=False, returns=None, output=None, lists=None,
                max_body_mb=20, host="127.0.0.1", port=8000, cert=None, key=None)
    base.update(kw)
    return argparse.Namespace(**base)


@pytest.mark.parametrize("kw,text", [
    ({}, "kræver login"),
    ({"dev": True, "host": "0.0.0.0", "cert": "c", "key": "k"}, "kun tilladt på 127.0.0.1"),
    ({"dev": True, "tokens": "t.toml"}, "Vælg én adgangsform"),
    ({"tokens": "/nonexistent/t.toml"}, "findes ikke"),
    ({"dev": True, "output": "x.xlsx"}, "kræver --returns"),
    ({"dev": True, "max_body_mb": 0}, "mellem 0 og 1024"),
])
def test_serve_refuses_without_login_or_with_dev_off_loopback(monkeypatch, kw, text):
    from itbudget.commands.serve import check_args
    from itbudget.errors import UnusableInput

    monkeypatch.delenv("XLWINGS_AUTH_PROVIDERS", raising=False)
    with pytest.raises(UnusableInput, match=text):
        check_args(_serve_args(**kw))


def test_serve_entraid_needs_tenant_and_client(monkeypatch):
    from itbudget.commands.serve import check_args
    from itbudget.errors import UnusableInput

    monkeypatch.setenv("XLWINGS_AUTH_PROVIDERS", '["entraid"]')
    monkeypatch.delenv("XLWINGS_AUTH_ENTRAID_TENANT_ID", raising=False)
    with pytest.raises(UnusableInput, match="TENANT_ID"):
        check_args(_serve_args())
    monkeypatch.setenv("XLWINGS_AUTH_ENTRAID_TENANT_ID", "t")
    monkeypatch.setenv("XLWINGS_AUTH_ENTRAID_CLIENT_ID", "c")
    check_args(_serve_args())  # accepted


def test_entraid_payload_cap_comes_from_serve_else_the_environment(monkeypatch, tmp_path):
    from addin.gate import ENTRAID, AccessSettings
    from itbudget.commands.serve import server_settings
    from itbudget.settings import Settings

    for var in ("ITBUDGET_DEV", "ITBUDGET_TOKENS"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XLWINGS_AUTH_PROVIDERS", '["entraid"]')
    monkeypatch.setenv("ITBUDGET_MAX_BODY_MB", "2")
    assert AccessSettings.from_settings(Settings.from_environment()) == AccessSettings(
        ENTRAID, max_body=2 * 1024 * 1024)
    served = server_settings(_serve_args(master=str(tmp_path / "s.xlsx"), max_body_mb=0.5))
    assert AccessSettings.from_settings(served).max_body == 512 * 1024  # --max-body-mb wins


def test_new_token_prints_a_token_and_its_hash(capsys):
    from itbudget.access import hash_token
    from itbudget.cli import main

    assert main(["serve", "--new-token", "holder:H1", "--name", 'Bakke "skolen"']) == 0
    out = capsys.readouterr().out
    token = out.split(": ", 1)[1].splitlines()[0].strip()
    assert len(token) >= 40 and hash_token(token) in out and 'role = "holder:H1"' in out
    import tomllib
    entry = tomllib.loads(out.split("(TOML):\n", 1)[1])["token"][0]
    assert entry["name"] == 'Bakke "skolen"'


if not in_server_process():
    test_server_auth_protocol = delegate(__file__)
else:
    import datetime as dt
    import json
    import logging

    from conftest import EAN_H2, booking, small_master_sheets, write_workbook
    from itbudget.access import hash_token
    from itbudget.bookings import BOOKING_HEADERS
    from officejs import book_payload, function_call, loopback_client

    HEADER = list(BOOKING_HEADERS)
    FIN, H1 = "finance-token-" + "f" * 30, "holder1-token-" + "h" * 30
    CALL = "/xlwings/custom-functions-call"

    @pytest.fixture(scope="module")
    def env(tmp_path_factory):
        tmp = tmp_path_factory.mktemp("auth")
        master = write_workbook(tmp / "stamdata.xlsx", small_master_sheets())
        tokens = tmp / "tokens.toml"
        tokens.write_text(f'[[token]]\nname = "Økonomistaben"\nrole = "finance"\nsha256 = "{hash_token(FIN)}"\n'
                          f'[[token]]\nname = "Bakkeskolen"\nrole = "holder:H1"\nsha256 = "{hash_token(H1)}"\n',
                          encoding="utf-8")
        returns = tmp / "ind"
        returns.mkdir()
        csv = ";".join(HEADER) + "\n" + "\n".join(
            ";".join(str(v) for v in booking(**kw)) for kw in (
                {"Dato": "01-03-2026", "Beløb": "900,00"},
                {"Dato": "02-03-2026", "Omkostningssted": "2001", "Konto": "2310", "Beløb": "10,00"}))
        (returns / "h.csv").write_text(csv + "\n", encoding="utf-8")
        (returns / "~$låst.xlsx").write_bytes(b"lock")
        return {"master": master, "tokens": tokens, "returns": returns, "output": tmp / "OUT.xlsx",
                "lists": tmp / "lister"}

    @pytest.fixture(scope="module")
    def client(env):
        from addin.gate import AccessSettings
        from addin.server import build_app

        app = build_app(env["master"], AccessSettings.from_tokens(env["tokens"], max_body=300_000),
                        returns=env["returns"], output=env["output"], lists=env["lists"])
        return loopback_client(app)

    def call(client, token, name, *args):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return client.post(CALL, json=function_call(name, *args), headers=headers)

    def script(client, token, name, sheets):
        return client.post(f"/xlwings/custom-scripts-call/{name}", json=book_payload(sheets),
                           headers={"Authorization": f"Bearer {token}"})

    @pytest.mark.parametrize("header", [None, "Bearer forkert-token-" + "x" * 30, "Bearer ", "Basic abc"])
    def test_no_or_wrong_token_is_401_danish(client, header):
        headers = {"Authorization": header} if header else {}
        r = client.post(CALL, json=function_call("itb_valider", [HEADER, booking()]), headers=headers)
        assert r.status_code == 401
        assert "Ikke logget ind" in r.text

    def test_public_pages_need_no_login(client):
        assert client.get("/manifest.xml").status_code == 200
        assert client.get("/taskpane.html").status_code == 200
        assert client.get("/xlwings/custom-functions-meta.json").status_code == 200

    def test_finance_sees_all_holder_sees_own(client):
        mine = [HEADER, booking(Beløb=900)]
        theirs = [HEADER, booking(Beløb=900), booking(Omkostningssted="2001", Beløb=5)]
        assert call(client, H1, "itb_valider", mine).json()["result"] == [["Status"], ["OK"]]
        r = call(client, FIN, "itb_valider", theirs)
        assert r.status_code == 200 and r.json()["result"][2] == ["OK"]
        r = call(client, H1, "itb_valider", theirs)
        assert r.status_code == 403
        assert "Adgang nægtet" in r.text and "2001" in r.text and "Rådhuset" not in r.text

    @pytest.mark.parametrize("name,args,text", [
        ("itb_rest", ["2001", "2210", [HEADER]], "omkostningssted 2001"),
        ("itb_daekket", [2001, 2210, 5, [HEADER]], "omkostningssted 2001"),
        ("itb_pris_pr_arbejdsplads", ["H2", [HEADER, booking()]], "aftaleholder 'H2'"),
    ])
    def test_holder_asking_about_another_holder_is_403(client, name, args, text):
        r = call(client, H1, name, *args)
        assert r.status_code == 403, r.text
        assert text in r.text
        assert call(client, FIN, name, *args).status_code in (200, 400)  # finance may ask

    def test_holder_does_not_see_another_holders_ean(client):
        assert call(client, H1, "itb_ean_aftaleholder", EAN_H2).json()["result"] == [[""]]
        assert call(client, FIN, "itb_ean_aftaleholder", EAN_H2).json()["result"] == [["H2"]]

    def test_valider_script_refuses_another_holders_rows_and_writes_nothing(client):
        sheets = {"Bogføringer": [HEADER, booking(), booking(Omkostningssted="2001")]}
        sheets.update(small_master_sheets())
        r = script(client, H1, "Valider", sheets)
        assert r.status_code == 403 and "omkostningssted 2001" in r.text
        assert "actions" not in r.text
        assert script(client, FIN, "Valider", sheets).status_code == 200

    def test_konsolider_is_finance_only(client, env):
        r = script(client, H1, "Konsolider", {"Ark1": [["x"]]})
        assert r.status_code == 403 and "forbeholdt Økonomistaben" in r.text
        assert not env["output"].exists()

    def test_konsolider_writes_the_workbook_and_a_summary_sheet(client, env):
        before = {p.name: p.read_bytes() for p in env["returns"].iterdir()}
        r = script(client, FIN, "Konsolider", {"Ark1": [["x"]]})
        assert r.status_code == 200, r.text
        actions = r.json()["actions"]
        added = next(a for a in actions if a["func"] == "addSheet")
        assert added["args"][1] == "Konsolidering"
        values = next(a for a in actions if a["func"] == "setValues")["values"]
        text = json.dumps(values, ensure_ascii=False)
        assert values[0][0] == "Konsolidering" and str(env["output"]) in text
        assert ["Bogføringer", 2, "Fejl", 0, "Advarsler", 0, "", ""] in values
        assert ["Bogført i alt (kr.)", 910.0, "", "", "", "", "", ""] in values
        assert any(row[0] == "TEL" and row[4] == 10.0 for row in values)  # central line used
        assert any(row[0] == "H1" and row[1] == "Bakkeskolen" for row in values)  # workstations
        assert env["output"].exists() and len(list(env["lists"].iterdir())) == 2
        assert {p.name: p.read_bytes() for p in env["returns"].iterdir()} == before  # inputs untouched
        alert = next(a for a in actions if a["func"] == "alert")
        assert "2 bogføringer" in alert["args"][0]

    def test_payload_cap_by_length_and_by_stream(client):
        big = [HEADER] + [booking(Tekst="x" * 200) for _ in range(1500)]  # ~ 500 kB > 300 kB cap
        r = call(client, FIN, "itb_valider", big)
        assert r.status_code == 413 and "for stor" in r.text
        body = json.dumps(function_call("itb_valider", big)).encode()

        def chunks():  # no Content-Length: the cap must hold while the body streams in
            for i in range(0, len(body), 65536):
                yield body[i:i + 65536]

        r = client.post(CALL, content=chunks(), headers={"Authorization": f"Bearer {FIN}",
                                                         "content-type": "application/json"})
        assert r.status_code == 413 and "for stor" in r.text

    def test_oversized_request_is_refused_before_login(client):
        r = client.post(CALL, content=b"x" * 400_000)
        assert r.status_code == 413

    def test_request_log_says_who_what_and_rows_never_cell_values(client, caplog):
        caplog.set_level(logging.DEBUG)
        secret = dict(Bilag="BILAG-HEMMELIG-7", Tekst="TEKST-HEMMELIG-8", Leverandør="LEV-HEMMELIG-9",
                      Fakturanr="FAKT-HEMMELIG-10", Beløb="98765,43", Dato=dt.date(2026, 4, 1))
        rows = [HEADER, booking(**secret), booking(Beløb=1)]
        assert call(client, H1, "itb_valider", rows).status_code == 200
        assert call(client, H1, "itb_valider", rows[1:]).status_code == 400  # message quotes cells
        assert call(client, H1, "itb_valider", rows + [booking(Omkostningssted="2001", **{
            k: v for k, v in secret.items() if k != "Beløb"})]).status_code == 403
        sheets = {"Bogføringer": rows}
        sheets.update(small_master_sheets())
        assert script(client, H1, "Valider", sheets).status_code == 200
        records = [json.loads(r.getMessage()) for r in caplog.records if r.name == "itbudget.server"]
        assert [(r["who"], r["role"], r["kind"], r["name"], r["rows"], r["status"]) for r in records] == [
            ("Bakkeskolen", "holder:H1", "function", "itb_valider", 3, 200),
            ("Bakkeskolen", "holder:H1", "function", "itb_valider", 2, 400),
            ("Bakkeskolen", "holder:H1", "function", "itb_valider", 4, 403),
            ("Bakkeskolen", "holder:H1", "script", "Valider", 3, 200)]
        everything = caplog.text + "".join(str(r.args) for r in caplog.records)
        for value in ("HEMMELIG", "98765", "1001", "2210", FIN, H1):
            assert value not in everything, value

    @pytest.mark.parametrize("body,text", [
        (b"{not json", "ikke gyldig JSON"),
        (b"[1, 2]", "JSON-objekt"),
        (json.dumps({"func_name": "os.system", "args": [], "version": "1"}).encode(), "findes ikke"),
        (json.dumps({"func_name": "itb_valider", "args": "x", "version": "1"}).encode(), "args"),
        (json.dumps({"func_name": "itb_valider", "args": []}).encode(), "argumenter"),
        (json.dumps({"func_name": "itb_valider", "args": [[["Dato"]]]}).encode(), "version"),
    ])
    def test_malformed_requests_are_400_danish(client, body, text):
        r = client.post(CALL, content=body, headers={"Authorization": f"Bearer {FIN}",
                                                     "content-type": "application/json"})
        assert r.status_code == 400 and text in r.text

    def test_unknown_script_is_400(client):
        r = client.post("/xlwings/custom-scripts-call/__init__", json=book_payload({"a": [[1]]}),
                        headers={"Authorization": f"Bearer {FIN}"})
        assert r.status_code == 400 and "findes ikke" in r.text

    # ---------------------------------------------------------------- Microsoft Entra ID

    @pytest.fixture
    def entra(monkeypatch, env):
        """xlwings Server's Entra ID provider with our own signing key instead of Microsoft's."""
        import time

        from joserfc import jwt
        from joserfc.jwk import RSAKey
        import xlwings_server.auth.entraid as entraid

        from addin.gate import ENTRAID, AccessSettings
        from addin.server import build_app

        key = RSAKey.generate_key(2048, parameters={"kid": "test"})

        async def jwks():
            return {"keys": [key.as_dict(private=False)]}

        monkeypatch.setattr(entraid.jwks, "get_jwks_json", jwks)
        monkeypatch.setattr(entraid.settings, "auth_entraid_tenant_id", "tenant-1")
        monkeypatch.setattr(entraid.settings, "auth_entraid_client_id", "client-1")

        def token(roles, tenant="tenant-1"):
            claims = {"ver": "2.0", "iss": f"https://login.microsoftonline.com/{tenant}/v2.0",
                      "aud": "client-1", "name": "Anna Andersen", "oid": "o1", "roles": roles,
                      "exp": int(time.time()) + 600, "iat": int(time.time())}
            return "Bearer " + jwt.encode({"alg": "RS256", "kid": "test"}, claims, key)

        app = build_app(env["master"], AccessSettings(ENTRAID))
        return loopback_client(app), token

    def test_entraid_roles_give_finance_or_one_holder(entra):
        client, token = entra
        theirs = [HEADER, booking(Omkostningssted="2001", Beløb=5)]
        body = function_call("itb_valider", theirs)
        assert client.post(CALL, json=body, headers={"Authorization": token(["finance"])}).status_code == 200
        r = client.post(CALL, json=body, headers={"Authorization": token(["holder.H1"])})
        assert r.status_code == 403 and "Anna Andersen" in r.text
        r = client.post(CALL, json=body, headers={"Authorization": token([])})
        assert r.status_code == 403 and "ingen rolle" in r.text
        r = client.post(CALL, json=body, headers={"Authorization": token(["finance"], tenant="other")})
        assert r.status_code == 401 and "Microsoft 365" in r.text
        assert client.post(CALL, json=body).status_code == 401
