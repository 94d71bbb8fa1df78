"""The ``itbudget`` command line: parse, make one library call, map errors to exit codes.

Each command lives in :mod:`itbudget.commands` as a module with ``register``
(adds its sub-parser), ``run`` (returns the exit code) and ``ORDER`` (its place
in the help); the parser finds them there, so a new command is one new module.
Exit codes are the same everywhere: 0 no errors, 1 findings with errors, 2
input cannot be used. User errors print one Danish message on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from . import runtime
from .argparse_da import danish
from .errors import ItbudgetError, os_reason


def command_modules() -> list:
    """The modules of :mod:`itbudget.commands` that declare a command (``register``), in ``ORDER``."""
    from . import commands

    found = [importlib.import_module(f"{commands.__name__}.{m.name}")
             for m in pkgutil.iter_modules(commands.__path__) if not m.ispkg]
    return sorted((m for m in found if hasattr(m, "register")), key=lambda m: m.ORDER)


def command_names() -> list[str]:
    """The names of the commands, as ``itbudget --help`` lists them."""
    return [m.__name__.rsplit(".", 1)[1] for m in command_modules()]


class _Parser(argparse.ArgumentParser):
    """argparse with its own words in Danish (:mod:`itbudget.argparse_da`)."""

    def __init__(self, *args, **kw):
        with danish():
            super().__init__(*args, **kw)

    def add_argument(self, *args, **kw):
        with danish():
            return super().add_argument(*args, **kw)

    def add_subparsers(self, **kw):
        with danish():
            return super().add_subparsers(**kw)

    def parse_known_args(self, args=None, namespace=None):
        with danish():
            return super().parse_known_args(args, namespace)

    def parse_args(self, args=None, namespace=None):
        with danish():
            return super().parse_args(args, namespace)

    def format_usage(self) -> str:
        with danish():
            return super().format_usage()

    def format_help(self) -> str:
        with danish():
            return super().format_help()

    def error(self, message: str):  # argparse's own messages, in Danish framing
        self.print_usage(sys.stderr)
        print(f"itbudget: fejl i kommandoen: {message}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="itbudget",
                     description="IT-budgetstyring: valider bogføringer, udsend projektmapper, konsolidér.")
    from . import __version__
    parser.add_argument("--version", action="version", version=f"itbudget {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="KOMMANDO", parser_class=_Parser)
    for module in command_modules():
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run one command; the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except ItbudgetError as exc:
        print(f"itbudget: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("itbudget: afbrudt.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of our output went away (``| head``)
        return 0
    except OSError as exc:  # a file system refusal no command turned into a message of its own
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"itbudget: {where}filen kunne ikke læses eller skrives ({os_reason(exc)}).", file=sys.stderr)
        return 2
    except MemoryError:
        print("itbudget: ikke nok hukommelse til at læse input; er filen for stor?", file=sys.stderr)
        return 2


def entry() -> None:
    """The ``itbudget`` program: :func:`main`, then the process ends (see :mod:`itbudget.runtime`)."""
    runtime.run_and_exit(main)


if __name__ == "__main__":
    entry()
