"""One module per ``itbudget`` command: ``register(subparsers)`` declares it, ``run(args)`` runs it.

The command line finds every module here that has ``register``
(:func:`itbudget.cli.command_modules`); its ``ORDER``, a number, is its place
in ``itbudget --help`` (ascending), and its module name is the command's name.

A command parses, makes one call into :mod:`itbudget.operations` and renders
the answer (Danish text or the stable JSON); errors become messages and exit
codes in :func:`itbudget.cli.main`. :func:`command` declares a command's
parser; the arguments several commands share are declared once below, so
``--master``, ``--format`` and ``--as-of`` read alike everywhere. Light: only
the standard library (the parser is built before pandas is imported).
"""

from __future__ import annotations

import argparse
from typing import Callable


def command(sub, name: str, run: Callable[[argparse.Namespace], int], *, help: str,
            description: str) -> argparse.ArgumentParser:
    """The subcommand ``name``, carried out by ``run(args)``; argparse rewraps ``description``."""
    p = sub.add_parser(name, help=help, description=description)
    p.set_defaults(run=run)
    return p


def add_master(p: argparse.ArgumentParser, help: str = "stamdata-projektmappen", *,
               required: bool = False) -> None:
    """``--master STAMDATA``: finance's master data workbook."""
    p.add_argument("--master", metavar="STAMDATA", required=required, help=help)


def add_format(p: argparse.ArgumentParser) -> None:
    """``--format text|json``: Danish text (default) or the stable JSON."""
    p.add_argument("--format", choices=["text", "json"], default="text", help="uddataformat")


def add_as_of(p: argparse.ArgumentParser) -> None:
    """``--as-of ÅÅÅÅ-MM-DD``: the date of the budget follow-up."""
    p.add_argument("--as-of", metavar="ÅÅÅÅ-MM-DD", dest="as_of",
                   help="budgetopfølgningens dato (standard: seneste bogføringsdato i budgetåret)")
