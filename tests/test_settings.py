"""One typed settings object, built at the edge; the adapters never read the environment.

:class:`itbudget.settings.Settings` reads ``ITBUDGET_*`` (and xlwings' login
provider) once where a process starts. The worksheet functions, the macros and
the gate get it passed down; only :mod:`addin.server` writes the environment.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from itbudget.errors import UnusableInput
from itbudget.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def clean_env(monkeypatch):
    import os

    for key in list(os.environ):
        if key.startswith("ITBUDGET_") or key.startswith("XLWINGS_AUTH"):
            monkeypatch.delenv(key)
    return monkeypatch


def test_defaults(clean_env):
    s = Settings.from_environment()
    assert (s.stamdata, s.returns, s.output, s.lists, s.tokens) == (None,) * 5
    assert (s.workers, s.dev, s.max_body_mb, s.body_timeout, s.header_timeout, s.log_level) == (
        1, False, 20.0, 60.0, 10.0, "warning")
    assert s.max_body == 20 * 1024 * 1024 and not s.entraid


def test_the_environment_is_parsed_into_types(clean_env, tmp_path):
    clean_env.setenv("ITBUDGET_STAMDATA", str(tmp_path / "s.xlsx"))
    clean_env.setenv("ITBUDGET_OUTPUT", "")  # empty counts as unset
    clean_env.setenv("ITBUDGET_WORKERS", "3")
    clean_env.setenv("ITBUDGET_DEV", "1")
    clean_env.setenv("ITBUDGET_MAX_BODY_MB", "2.5")
    clean_env.setenv("XLWINGS_AUTH_PROVIDERS", '["entraid"]')
    s = Settings.from_environment()
    assert s.stamdata == tmp_path / "s.xlsx" and s.output is None
    assert (s.workers, s.dev, s.max_body, s.entraid) == (3, True, int(2.5 * 1024 * 1024), True)
    assert Settings.from_environment(dev=False, workers=2).dev is False  # the caller's values win


def test_settings_survive_the_trip_through_a_child_environment(clean_env, tmp_path):
    s = Settings.from_environment(stamdata=tmp_path / "s.xlsx", tokens=tmp_path / "t.toml",
                                  dev=False, max_body_mb=0.5, header_timeout=3.0)
    env = s.environment()
    assert env["ITBUDGET_DEV"] == "0" and env["ITBUDGET_LISTS"] is None
    assert not any(k.startswith("XLWINGS") for k in env)  # xlwings' own settings stay the caller's
    for key, value in env.items():
        if value is not None:
            clean_env.setenv(key, value)
    assert Settings.from_environment() == s


@pytest.mark.parametrize("key,value,text", [
    ("ITBUDGET_MAX_BODY_MB", "tyve", "Miljøvariablen ITBUDGET_MAX_BODY_MB er 'tyve', men skal være et tal."),
    ("ITBUDGET_MAX_BODY_MB", "5000", "Miljøvariablen ITBUDGET_MAX_BODY_MB er '5000', men skal være mellem 0 og 1024."),
    ("ITBUDGET_WORKERS", "2,5", "Miljøvariablen ITBUDGET_WORKERS er '2,5', men skal være et helt tal."),
    ("ITBUDGET_WORKERS", "0", "Miljøvariablen ITBUDGET_WORKERS er '0', men skal være mellem 1 og 64."),
    ("ITBUDGET_DEV", "måske", "Miljøvariablen ITBUDGET_DEV er 'måske', men skal være 1 eller 0."),
    ("ITBUDGET_BODY_TIMEOUT", "-1", "Miljøvariablen ITBUDGET_BODY_TIMEOUT er '-1', men skal være mellem 0 og 3600."),
])
def test_an_unusable_variable_is_refused_in_danish(clean_env, key, value, text):
    clean_env.setenv(key, value)
    with pytest.raises(UnusableInput) as caught:
        Settings.from_environment()
    assert str(caught.value) == text


def test_serve_refuses_an_unusable_variable_with_exit_2(clean_env, tmp_path, capsys):
    from itbudget.cli import main

    clean_env.setenv("ITBUDGET_WORKERS", "mange")
    assert main(["serve", "--master", str(tmp_path / "s.xlsx"), "--dev"]) == 2
    err = capsys.readouterr().err
    assert "ITBUDGET_WORKERS" in err and "helt tal" in err and "Traceback" not in err


# The adapters, used as the server uses them, with os.environ replaced by a mapping that
# records every read of an ITBUDGET_* key (and every walk over all keys) from project code.
_RECORDING = r'''
import collections.abc, json, os, sys
from pathlib import Path
ROOT = sys.argv[1]
reads = []

def _from_project():
    f = sys._getframe(2)
    while f is not None:
        name = f.f_code.co_filename
        if name.startswith(ROOT) and "/tests/" not in name and "/.venv/" not in name:
            return name[len(ROOT):]
        f = f.f_back
    return None

class Recording(collections.abc.MutableMapping):
    def __init__(self, data): self.data = data
    def __getitem__(self, key):
        if str(key).upper().startswith("ITBUDGET_") and _from_project():
            reads.append([key, _from_project()])
        return self.data[key]
    def __contains__(self, key):
        if str(key).upper().startswith("ITBUDGET_") and _from_project():
            reads.append([key, _from_project()])
        return key in self.data
    def __iter__(self):
        if _from_project():
            reads.append(["*", _from_project()])
        return iter(list(self.data))
    def __len__(self): return len(self.data)
    def __setitem__(self, key, value): self.data[key] = value
    def __delitem__(self, key): del self.data[key]

os.environ["XLWINGS_ON_SERVER"] = "true"   # as addin.server's edge does before xlwings loads
os.environ["ITBUDGET_STAMDATA"] = "/nonexistent/never-read.xlsx"
os.environ = Recording(os.environ)
from conftest import booking, small_master_sheets, write_workbook
from itbudget.access import FINANCE, Principal, acting_as
from itbudget.settings import Settings, use_process_settings
master = write_workbook(Path(sys.argv[2]) / "stamdata.xlsx", small_master_sheets())
settings = Settings(stamdata=master, returns=Path(sys.argv[2]), dev=True, auth_providers="")
use_process_settings(settings)                # what build_app does
reads.clear()                                 # only what follows counts
import udfs, addin.gate, addin.scripts, addin.workbook
from itbudget.bookings import BOOKING_HEADERS
rows = [list(BOOKING_HEADERS), booking(Beløb=900)]
with acting_as(Principal(name="Økonomi", role=FINANCE)):
    out = {"valider": udfs.itb_valider(rows),
           "rest": udfs.itb_rest("1001", "2210", rows),
           "folders": [str(p) for p in addin.scripts.consolidation_folders(settings) if p]}
addin.gate.AccessSettings.from_settings(settings)
print(json.dumps({"reads": reads, "out": out}))
'''


def test_the_adapters_read_no_itbudget_variable_once_given_their_settings(tmp_path):
    proc = subprocess.run([sys.executable, "-c", _RECORDING, str(ROOT), str(tmp_path)],
                          capture_output=True, text=True, cwd=ROOT / "tests", timeout=300,
                          env={"XLWINGS_LICENSE_KEY": "noncommercial", **__import__("os").environ,
                               "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"})
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got["out"]["valider"] == [["Status"], ["OK"]]  # the server's master was used
    assert got["out"]["rest"] == 100.0
    assert got["out"]["folders"][0].endswith("stamdata.xlsx")
    assert got["reads"] == []


def _writes_environ(node: ast.AST) -> bool:
    """True when ``node`` assigns, deletes, updates, pops or setdefaults ``os.environ``."""
    for sub in ast.walk(node):
        targets = []
        if isinstance(sub, (ast.Assign, ast.Delete)):
            targets = [t.value for t in sub.targets if isinstance(t, ast.Subscript)]
        elif isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Subscript):
            targets = [sub.target.value]
        elif (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute)
              and sub.func.attr in {"update", "pop", "setdefault", "clear", "popitem"}):
            targets = [sub.func.value]
        if any(ast.unparse(t) == "os.environ" for t in targets):
            return True
    return False


def _environ_writers(path: Path) -> list[str]:
    """The functions of a file (``<module>`` for its top level) that write ``os.environ``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {fn.name for fn in ast.walk(tree)
             if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) and _writes_environ(fn)}
    top = [n for n in tree.body if not isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]
    return sorted(names | ({"<module>"} if any(_writes_environ(n) for n in top) else set()))


def test_only_one_function_writes_the_environment():
    writers = {}
    for package in ("itbudget", "addin", "udfs", "workbook_templates"):
        for path in sorted((ROOT / package).rglob("*.py")):
            names = _environ_writers(path)
            if names:
                writers[str(path.relative_to(ROOT))] = names
    assert writers == {"addin/server.py": ["_write_environment"]}
