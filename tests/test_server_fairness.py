"""Fair under load (issue 12 point 6), against ``itbudget serve --workers 1`` as a real process on
127.0.0.1: a small call is not queued behind a large one, and half-sent requests are closed.

Behavioural, not timed: the small call must *finish before* the large one that was sent
first (before the fix the large call held the event loop, so the small one could not even
be read until the large one was done); a half-sent request must be closed by the server
(a generous bound only stops a broken server from hanging the suite). The latency ratios
are measured in ``bench/`` (``python -m bench fairness``).
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from officejs import serve_on_loopback  # noqa: E402

LARGE, SMALL = 100_000, 2_000  # the largest call the gate lets through


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    import os

    from conftest import small_master_sheets, write_workbook

    os.environ.setdefault("XLWINGS_LICENSE_KEY", "noncommercial")
    tmp = tmp_path_factory.mktemp("fair")
    master = write_workbook(tmp / "stamdata.xlsx", small_master_sheets())
    with serve_on_loopback("--dev", "--master", str(master), "--workers", "1", "--header-timeout", "1",
                           "--body-timeout", "1", log=tmp / "server.log", timeout=60) as url:
        yield url


def _post(base: str, body: dict, done: dict, key: str) -> None:
    import httpx

    r = httpx.post(base + "/xlwings/custom-functions-call", json=body, timeout=300)
    done[key] = (time.monotonic(), r.status_code)


@pytest.mark.timeout(300)
def test_small_call_is_not_queued_behind_a_large_one(base):
    from bench.bench_udf import make_rows
    from officejs import function_call

    large = function_call("itb_valider", make_rows(LARGE, seed=1))
    small = function_call("itb_valider", make_rows(SMALL, seed=2))
    done: dict = {}
    # How long the large call takes alone on this machine, so the small one is sent
    # half-way through it, when it is read and being worked on, however fast the server is.
    started = time.monotonic()
    _post(base, large, done, "alone")
    alone = done["alone"][0] - started
    first = threading.Thread(target=_post, args=(base, large, done, "large"))
    first.start()
    time.sleep(alone / 2)
    _post(base, small, done, "small")
    first.join(timeout=280)
    assert done["small"][1] == 200 and done["large"][1] == 200
    assert done["small"][0] < done["large"][0], "the small call waited for the large one"


def _closed_by_server(base: str, data: bytes, within: float = 20) -> bool:
    host, port = base.rsplit("/", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=within) as s:
        s.sendall(data)
        try:
            while s.recv(65536):
                pass  # an answer (408) may come first; then the server closes
        except socket.timeout:
            return False
    return True


@pytest.mark.timeout(120)
@pytest.mark.parametrize("data", [
    b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: x\r\nContent-Le",  # headers never end
    b"GET / HT",  # request line never ends
    b"",  # nothing at all
    b"POST /xlwings/custom-functions-call HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    b"Content-Length: 1000\r\n\r\n{\"func_name\": ",  # body never ends
], ids=["half headers", "half request line", "silent", "half body"])
def test_half_sent_requests_are_closed(base, data):
    assert _closed_by_server(base, data)


@pytest.mark.timeout(120)
def test_many_half_sent_requests_do_not_starve_the_server(base):
    import httpx

    socks = []
    host, port = base.rsplit("/", 1)[1].split(":")
    for _ in range(200):
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    try:
        assert httpx.get(base + "/", timeout=30).status_code == 200
        time.sleep(3)  # past the 1 s header deadline
        for s in socks:
            s.settimeout(10)
            assert s.recv(1) == b""  # closed by the server
    finally:
        for s in socks:
            s.close()


def _non_loopback_address() -> str | None:
    """An address of this machine other than loopback, or None."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent; picks the outgoing interface
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


@pytest.mark.timeout(120)
def test_factory_with_dev_mode_refuses_requests_off_loopback(tmp_path):
    """``ITBUDGET_DEV=1 uvicorn --factory addin.server:app_from_environment`` bound to a
    non-loopback address of this machine (as ``--host 0.0.0.0`` would be reached from the
    network): the app answers nothing there. Bound to that one address, not to every
    interface, so the test itself exposes nothing."""
    import os
    import subprocess

    import httpx

    from conftest import small_master_sheets, write_workbook
    from officejs import ROOT, free_port

    address = _non_loopback_address()
    if address is None:
        pytest.skip("maskinen har ingen adresse ud over loopback")
    master = write_workbook(tmp_path / "stamdata.xlsx", small_master_sheets())
    port = free_port()
    env = dict(os.environ, ITBUDGET_DEV="1", ITBUDGET_STAMDATA=str(master),
               XLWINGS_LICENSE_KEY=os.environ.get("XLWINGS_LICENSE_KEY") or "noncommercial")
    for key in ("XLWINGS_ON_SERVER", "ITBUDGET_TOKENS", "XLWINGS_AUTH_PROVIDERS"):
        env.pop(key, None)
    log = tmp_path / "uvicorn.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "addin.server:app_from_environment",
                                 "--host", address, "--port", str(port)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=err)
    try:
        base = f"http://{address}:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                r = httpx.get(base + "/", timeout=2)
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(log.read_text(errors="replace")[-2000:])
                time.sleep(0.2)
        assert r.status_code == 403 and "127.0.0.1" in r.text
        r = httpx.post(base + "/xlwings/custom-functions-call", timeout=10,
                       json={"func_name": "itb_ean_gyldig", "args": ["1"], "version": "1", "runtime": "1.4"})
        assert r.status_code == 403
        assert "udviklingstilstand uden for loopback" in log.read_text(errors="replace")
    finally:
        proc.terminate()
        proc.wait(timeout=20)
