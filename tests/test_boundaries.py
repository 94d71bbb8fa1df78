"""The layers: the core runs anywhere, and process tuning stays at the command-line edge.

The core is every module of ``itbudget/`` except the command-line edge:
``itbudget/cli.py``, ``itbudget/commands/`` and ``itbudget/runtime.py`` (GC
pauses, read-ahead, fast exit), and the use cases in ``itbudget/operations/``,
which join the core with the workbook builders. The core never imports the Excel adapters
(``addin``, ``udfs``), the workbook builders (``workbook_templates``), xlwings,
the web server (``fastapi``, ``uvicorn``) or the terminal UI (``rich``), nor
the edge itself; its public functions take no tuning parameters.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "itbudget"
EDGE = {"itbudget.cli", "itbudget.runtime"}
#: The use-case layer (itbudget/operations/) joins the core with the workbook builders: not core.
APPLICATION = "itbudget.operations"
FORBIDDEN = {"addin", "udfs", "workbook_templates", "xlwings", "fastapi", "uvicorn", "rich"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def core_modules() -> list[str]:
    names = [_module_name(p) for p in sorted(PACKAGE.rglob("*.py"))]
    return [n for n in names if n not in EDGE and not n.startswith(("itbudget.commands", APPLICATION))]


def _module_level(tree: ast.Module):
    """The statements that run on import: the body, and the bodies of its ifs and trys."""
    for node in tree.body:
        yield node
        if isinstance(node, (ast.If, ast.Try)):
            yield from _module_level(ast.Module(body=[n for n in ast.iter_child_nodes(node)
                                                      if isinstance(n, ast.stmt)], type_ignores=[]))
            for handler in getattr(node, "handlers", []):
                yield from _module_level(ast.Module(body=handler.body, type_ignores=[]))


def _imports(path: Path, module: str, *, module_level: bool = False) -> set[str]:
    """Every module a file imports, relative imports resolved, at any depth of the file.

    ``module_level``: only the imports that run when the module is imported.
    """
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in (_module_level(tree) if module_level else ast.walk(tree)):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return out


def _is_forbidden(name: str) -> bool:
    return (name.split(".")[0] in FORBIDDEN or name in EDGE
            or name.startswith(("itbudget.commands", APPLICATION)))


def test_the_core_is_most_of_the_package():
    core = core_modules()
    for name in ("itbudget.ledger", "itbudget.rules", "itbudget.validation", "itbudget.consolidation",
                 "itbudget.files", "itbudget.invoices"):
        assert name in core
    assert not EDGE & set(core)


def _core_imports_where(forbidden) -> dict[str, list[str]]:
    """Per core module, the modules it imports that ``forbidden`` refuses."""
    core = set(core_modules())
    offending = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        bad = sorted(n for n in _imports(path, module) if forbidden(n)) if module in core else []
        if bad:
            offending[module] = bad
    return offending


def test_no_core_source_imports_an_adapter_a_server_or_the_edge():
    assert _core_imports_where(_is_forbidden) == {}


def test_importing_the_whole_core_loads_no_adapter_server_or_edge():
    code = ("import importlib, sys\n"
            f"for m in {core_modules()!r}: importlib.import_module(m)\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            f"{sorted(FORBIDDEN)!r} or m in {sorted(EDGE)!r} or m.startswith('itbudget.commands')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=PACKAGE.parent, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("module", ["itbudget.validation", "itbudget.bookings", "itbudget.consolidation",
                                    "itbudget.ledger", "itbudget.statuses", "itbudget.cli"])
def test_public_functions_take_no_tuning_parameters(module):
    """A read-ahead thread, a list of results to keep, a GC switch: none is part of an API."""
    mod = importlib.import_module(module)
    tuning = {"ahead", "keep", "gc", "read_ahead"}
    found = {}
    for name, fn in vars(mod).items():
        if name.startswith("_") or not inspect.isfunction(fn) or fn.__module__ != module:
            continue
        hit = tuning & set(inspect.signature(fn).parameters)
        if hit:
            found[name] = sorted(hit)
    assert found == {}


def test_the_core_uses_no_private_pandas_and_no_process_switches():
    """No ``pandas._libs`` (it changes without notice); GC and exit tuning is the edge's (runtime)."""
    found = _core_imports_where(lambda n: n.startswith("pandas._") or n.split(".")[0] in ("gc", "atexit"))
    # writing.py's gc.collect() is no tuning: it closes the files a writer cut short by a full
    # disk still holds, so the output's temporary can be removed (writing._release_writer).
    assert found == {"itbudget.writing": ["gc"]}


# --------------------------------------------------------------------------- the adapters' side

ROOT = PACKAGE.parent
#: The one door from the command line into the Office.js adapter: ``itbudget serve`` starts it.
SERVE_ENTRY = {"addin.server", "addin.server.serve"}


def _package_imports(package: str, *, module_level: bool = False) -> dict[str, set[str]]:
    """Per module of ``package`` (a folder under the repository root), every module it imports."""
    out = {}
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[module] = _imports(path, module, module_level=module_level)
    return out


def _top(name: str) -> str:
    return name.split(".")[0]


def test_commands_reach_workbooks_and_adapters_only_through_operations():
    """A command parses, calls a use case and renders; it never draws a workbook itself.

    The one exception is explicit: ``itbudget serve`` hands its settings to the
    adapter's single entry point, :func:`addin.server.serve`, and nothing else of it.
    """
    found = {}
    for module, names in _package_imports("itbudget.commands").items():
        bad = sorted(n for n in names if _top(n) in {"workbook_templates", "udfs", "addin"}
                     and not (module == "itbudget.commands.serve" and n in SERVE_ENTRY))
        if bad:
            found[module] = bad
    assert found == {}
    serve = _package_imports("itbudget.commands")["itbudget.commands.serve"]
    assert {n for n in serve if _top(n) == "addin"} == SERVE_ENTRY


def test_the_serve_command_loads_the_adapter_only_when_it_runs():
    """Building the command line (every command registered) never imports the adapter or its server."""
    code = ("import sys, itbudget.cli, itbudget.commands.serve\n"
            "itbudget.cli.build_parser()\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('addin', 'udfs', 'uvicorn', 'fastapi')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_adapters_reach_workbook_builders_only_through_operations():
    found = {}
    for package in ("udfs", "addin"):
        for module, names in _package_imports(package).items():
            bad = sorted(n for n in names if _top(n) == "workbook_templates")
            if bad:
                found[module] = bad
    assert found == {}


def test_the_macros_share_nothing_with_the_worksheet_functions_but_the_core():
    """``addin`` reaches ``udfs`` only where the server registers the functions (addin/server.py)."""
    found = {m: sorted(n for n in names if _top(n) == "udfs")
             for m, names in _package_imports("addin").items() if m != "addin.server"}
    assert {m: v for m, v in found.items() if v} == {}


def test_workbook_builders_call_no_use_case_and_no_adapter():
    """``workbook_templates`` draws what it is given: it never reaches up into operations or adapters."""
    found = {}
    for module, names in _package_imports("workbook_templates").items():
        bad = sorted(n for n in names if _top(n) in {"addin", "udfs"}
                     or n.startswith(("itbudget.operations", "itbudget.commands", "itbudget.cli")))
        if bad:
            found[module] = bad
    assert found == {}
