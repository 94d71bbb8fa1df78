"""No import cycles among the project's modules.

A cycle means two modules can only be understood, tested and changed together,
and one of them sees the other half-initialised at import. The graph is built
from the source (AST) of ``itbudget/``, ``addin/``, ``udfs/`` and
``workbook_templates/``: once from the imports that run at import time, and
once from every import, including those inside functions (a lazy import hides
a cycle from Python, not from the reader).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_boundaries import _imports

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("itbudget", "addin", "udfs", "workbook_templates")


def _modules() -> dict[str, Path]:
    out = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def import_graph(*, module_level: bool) -> dict[str, set[str]]:
    """Each project module and the project modules it imports."""
    modules = _modules()
    return {m: {n for n in _imports(p, m, module_level=module_level) if n in modules and n != m}
            for m, p in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(found)


def test_the_cycle_finder_finds_a_cycle_and_only_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_the_graph_sees_the_project():
    graph = import_graph(module_level=True)
    assert "itbudget.ledger" in graph["itbudget.rules.registry"]
    assert "udfs.functions" in graph["udfs"]


@pytest.mark.parametrize("module_level", [True, False], ids=["on-import", "any-import"])
def test_no_import_cycles(module_level):
    assert cycles(import_graph(module_level=module_level)) == []
