"""Static files and GET routes over real HTTP (issue 12 point 1): nothing outside the static
folder is ever served, however the path is spelled.

One ``itbudget serve --tokens`` process on a free port of 127.0.0.1 serves the whole module.
Paths are sent as raw bytes over a socket (httpx and browsers normalise ``..`` away). The
canaries are files outside the static folder with unique content: the master data, the
token file and a planted file; none may ever appear in an answer.
"""

from __future__ import annotations

import os
import socket
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from officejs import HOST, free_port  # noqa: E402

CANARY = "itbudget-kanariefugl-7f3a9c"


def raw_get(base: str, path: bytes, timeout: float = 10) -> tuple[int, bytes]:
    """GET ``path`` exactly as given; (status, body)."""
    host, port = base.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as s:
        s.sendall(b"GET " + path + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\nConnection: close\r\n\r\n")
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from bench.load import running_server

    tmp = tmp_path_factory.mktemp("static")
    canary = tmp / "hemmelig.txt"
    canary.write_text(CANARY + "\n", encoding="utf-8")
    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    with running_server(tmp) as srv:
        yield srv, canary, tmp


def _up(path: Path) -> int:
    return len(path.resolve().parts)  # enough ".." to reach / from anywhere at this depth or less


def _variants(canary: Path) -> dict[str, bytes]:
    target = str(canary.resolve()).lstrip("/")
    ups = _up(canary) + 4
    enc = target.replace("/", "%2f")
    return {
        "encoded slash": b"/static/" + b"..%2f" * ups + enc.encode(),
        "encoded dots": b"/static/" + b"%2e%2e/" * ups + target.encode(),
        "upper-case encoding": b"/static/" + b"%2E%2E%2F" * ups + enc.encode(),
        "double encoding": b"/static/" + b"%252e%252e%252f" * ups + target.replace("/", "%252f").encode(),
        "backslashes": b"/static/" + b"..%5c" * ups + target.replace("/", "%5c").encode(),
        "raw backslashes": b"/static/" + b"..\\" * ups + target.replace("/", "\\").encode(),
        "absolute path": b"/static//" + target.encode(),
        "encoded absolute path": b"/static/%2f" + enc.encode(),
        "inside then out": b"/static/js/" + b"../" * ups + target.encode(),
        "NUL byte": b"/static/js/auth.js%00/" + b"../" * ups + target.encode(),
        "dot segments": b"/static/./js/./" + b"..%2f" * ups + enc.encode(),
        "overlong utf-8 dots": b"/static/" + b"%c0%ae%c0%ae/" * ups + target.encode(),
    }


VARIANTS = list(_variants(Path("/tmp/x")).keys())


@pytest.mark.timeout(120)
@pytest.mark.parametrize("variant", VARIANTS)
def test_traversal_is_404_logged_and_never_served(server, variant):
    srv, canary, tmp = server
    before = srv.log.read_text(errors="replace")
    status, body = raw_get(srv.base, _variants(canary)[variant])
    assert status in (400, 404), (variant, status)
    assert CANARY.encode() not in body
    if status == 404:
        assert "Filen findes ikke".encode() in body or "Siden findes ikke".encode() in body
    time.sleep(0.2)
    new = srv.log.read_text(errors="replace")[len(before):]
    if status == 404:
        assert "afvist" in new or '"status": 404' in new, variant
    assert str(tmp) not in new and "hemmelig" not in new  # the path is never echoed


@pytest.mark.timeout(60)
def test_master_data_and_token_file_are_never_served(server):
    srv, canary, tmp = server
    for secret in ("stamdata.xlsx", "tokens.toml"):
        target = str((tmp / secret).resolve()).lstrip("/")
        status, body = raw_get(srv.base, b"/static/" + b"..%2f" * (_up(canary) + 4)
                               + target.replace("/", "%2f").encode())
        assert status == 404
        assert b"sha256" not in body and b"PK\x03\x04" not in body


@pytest.mark.timeout(60)
def test_the_add_ins_own_and_xlwings_static_files_are_served(server):
    srv, _, _ = server
    status, body = raw_get(srv.base, b"/static/js/auth.js")  # addin/static, a subfolder
    assert status == 200 and b"itbudgetToken" in body
    status, body = raw_get(srv.base, b"/static/js/main.js")  # xlwings Server's package
    packaged = Path(__import__("importlib").util.find_spec("xlwings_server").origin).parent
    assert status == 200 and body == (packaged / "static/js/main.js").read_bytes()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("path,status", [
    (b"/", 200), (b"/manifest.xml", 200), (b"/taskpane.html", 200),
    (b"/xlwings/custom-functions-meta.json", 200), (b"/xlwings/custom-functions-code.js", 200),
    (b"/xlwings/custom-scripts-meta.json", 200), (b"/favicon.ico", 200),
    (b"/docs", 404), (b"/openapi.json", 404), (b"/xlwings/pyodide.json", 404), (b"/wasm/x", 404),
    (b"/custom_functions/__init__.py", 404), (b"/static", 404), (b"/static/", 404),
    (b"/..%2f..%2fetc%2fpasswd", 404), (b"/xlwings/..%2f..%2fetc%2fpasswd", 404),
    (b"/xlwings/alert", 400),  # no query: a Danish 400, not FastAPI's English 422
])
def test_every_get_route_is_known_or_404(server, path, status):
    srv, _, _ = server
    got, body = raw_get(srv.base, path)
    assert got == status, (path, got, body[:200])
    assert b"Traceback" not in body and b'{"detail"' not in body


_SEGMENT = st.sampled_from(["..", "%2e%2e", "%2E%2e", ".%2e", "%252e%252e", "%c0%ae%c0%ae", ".", "",
                            "js", "%00", "auth.js", "..%5c", "\\..", "%5c", "%2f", "%252f", "//"])
_SEP = st.sampled_from(["/", "%2f", "%2F", "%5c", "\\", "%252f"])


@pytest.mark.timeout(300)
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prefix=st.lists(st.tuples(_SEGMENT, _SEP), max_size=6), ups=st.integers(0, 24), up=_SEGMENT,
       sep=_SEP, target=st.sampled_from(["hemmelig.txt", "tokens.toml", "stamdata.xlsx"]))
def test_fuzz_no_path_serves_a_file_outside_the_static_folder(server, prefix, ups, up, sep, target):
    srv, canary, tmp = server
    tail = str((tmp / target).resolve()).lstrip("/").replace("/", sep)
    path = "/static/" + "".join(s + p for s, p in prefix) + (up + sep) * ups + tail
    status, body = raw_get(srv.base, path.encode("latin-1"))
    assert status in (400, 404), (path, status)
    assert CANARY.encode() not in body and b"sha256" not in body and b"PK\x03\x04" not in body


@pytest.mark.timeout(60)
def test_symlink_out_of_the_static_folder_is_refused(tmp_path, caplog):
    """The handler itself over real HTTP (uvicorn on 127.0.0.1 in a thread), with a static
    folder holding a symlink to a canary outside it and one to a file inside it."""
    import uvicorn

    from addin.static_files import SafeStaticFiles

    static = tmp_path / "static"
    (static / "sub").mkdir(parents=True)
    (static / "sub" / "ok.js").write_text("ok", encoding="utf-8")
    outside = tmp_path / "hemmelig.txt"
    outside.write_text(CANARY, encoding="utf-8")
    (static / "ud.txt").symlink_to(outside)
    (static / "sub" / "ud").symlink_to(tmp_path)  # a folder link out
    (static / "ind.js").symlink_to(static / "sub" / "ok.js")
    port = free_port()
    config = uvicorn.Config(SafeStaticFiles(static), host=HOST, port=port, log_level="warning", lifespan="off")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not srv.started and time.monotonic() < deadline:
            time.sleep(0.05)
        base = f"http://{HOST}:{port}"
        with caplog.at_level("WARNING", logger="itbudget.server"):
            assert raw_get(base, b"/sub/ok.js") == (200, b"ok")
            assert raw_get(base, b"/ind.js") == (200, b"ok")
            for path in (b"/ud.txt", b"/sub/ud/hemmelig.txt"):
                status, body = raw_get(base, path)
                assert status == 404 and CANARY.encode() not in body
        assert [r.getMessage() for r in caplog.records].count("Statisk fil afvist: symlink ud af mappen") == 2
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.mark.parametrize("path,reason", [
    ("js/auth.js", None), ("icons/a/b/c.png", None),
    ("../x", "sti uden for mappen (..)"), ("js/../x", "sti uden for mappen (..)"),
    ("/etc/passwd", "absolut sti eller tomt led"), ("a//b", "absolut sti eller tomt led"),
    ("%2e%2e/x", "dobbelt kodning"), ("..\\x", "omvendt skråstreg"), ("a\x00b", "kontroltegn"),
    ("a\x1b[31m", "kontroltegn"), ("\ufffd\ufffd/x", "ugyldig tegnkodning"), ("C:/Windows/win.ini", "drevbogstav eller kolon"),
])
def test_refusal_reasons(path, reason):
    from addin.static_files import refusal_reason

    assert refusal_reason(path) == reason
