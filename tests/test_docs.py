"""The docs stay honest: every command is documented in the README and has Danish help."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from itbudget.cli import build_parser, command_names, main
from itbudget.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
RULES_DOC = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")


COMMANDS = command_names()


def test_every_module_in_commands_is_a_command_of_its_name():
    """Adding a command is adding one module to itbudget/commands/: the parser finds it."""
    modules = sorted(p.stem for p in (ROOT / "itbudget" / "commands").glob("*.py") if p.stem != "__init__")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    assert sorted(sub.choices) == modules == sorted(COMMANDS)


def test_the_help_lists_the_commands_in_their_declared_order(capsys):
    import importlib

    with pytest.raises(SystemExit):
        main(["--help"])
    listed = re.findall(r"^    (\S+)", capsys.readouterr().out, re.M)
    orders = {name: importlib.import_module(f"itbudget.commands.{name}").ORDER for name in listed}
    assert sorted(listed) == sorted(COMMANDS)
    assert listed == sorted(listed, key=orders.get) and len(set(orders.values())) == len(orders)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"`itbudget {command}\b", README), f"README documents no 'itbudget {command}'"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command):
    proc = subprocess.run([sys.executable, "-m", "itbudget.cli", command, "--help"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "brug:" in proc.stdout
    # Danish help: at least one word with æ, ø or å, or a common Danish word.
    assert re.search(r"[æøå]|\b(og|fra|til|med|eller)\b", proc.stdout, re.IGNORECASE), proc.stdout


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_every_rule_is_documented_and_tested(rule):
    assert f"| {rule.code} |" in RULES_DOC
    assert (ROOT / "tests" / f"test_rules_{rule.code.lower()}.py").exists()


def test_readme_has_exactly_the_two_setup_commands():
    block = README.split("## Set-up", 1)[1].split("```", 2)[1]
    commands = [line.split("#")[0].strip() for line in block.splitlines()[1:] if line.strip()]
    assert commands == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_unknown_command_is_a_danish_error_not_a_traceback():
    proc = subprocess.run([sys.executable, "-m", "itbudget.cli", "nope"], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 2
    assert "fejl i kommandoen" in proc.stderr and "Traceback" not in proc.stderr


ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def test_the_architecture_doc_names_only_paths_that_exist():
    named = re.findall(r"`((?:itbudget|udfs|addin|workbook_templates|tests|docs)/[^`\s]*|README\.md)`",
                       ARCHITECTURE)
    assert len(named) >= 15
    missing = [p for p in named if "<" not in p and not (ROOT / p).exists()]
    assert missing == []


@pytest.mark.parametrize("what", ["## Add a rule", "## Add a CLI command", "## Add a worksheet function"])
def test_the_architecture_doc_says_where_to_add_each_thing(what):
    assert what in ARCHITECTURE


def test_every_operation_module_is_exported_from_the_package():
    """A use case is a module of itbudget/operations/, exported from the package."""
    import itbudget.operations as ops

    modules = sorted(p.stem for p in (ROOT / "itbudget" / "operations").glob("*.py") if p.stem != "__init__")
    for name in modules:
        assert any(getattr(ops, f).__module__ == f"itbudget.operations.{name}" for f in ops.__all__), name
