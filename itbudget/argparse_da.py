"""argparse in Danish: its own words ("usage:", "options:", "invalid choice", ...) translated.

argparse takes every word it prints through ``gettext`` (module attributes
``argparse._`` and ``argparse.ngettext``). :func:`danish` swaps them for this
catalogue while the CLI builds its parser, parses and prints help, and puts
them back afterwards, so nothing else in the process (pytest, a host
program) is affected. Light: only the standard library.
"""

from __future__ import annotations

import argparse
import contextlib
from typing import Iterator

CATALOGUE = {
    "usage: ": "brug: ",
    "options": "tilvalg",
    "optional arguments": "tilvalg",
    "positional arguments": "argumenter",
    "show this help message and exit": "vis denne hjælp og afslut",
    "show program's version number and exit": "vis programmets version og afslut",
    "invalid choice: %(value)r (choose from %(choices)s)": "ugyldigt valg: %(value)r (vælg mellem %(choices)s)",
    "the following arguments are required: %s": "disse argumenter mangler: %s",
    "unrecognized arguments: %s": "ukendte argumenter: %s",
    "expected one argument": "forventede ét argument",
    "expected at least one argument": "forventede mindst ét argument",
    "expected at most one argument": "forventede højst ét argument",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "ugyldig værdi (%(type)s): %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "tvetydigt tilvalg: %(option)s kan være %(matches)s",
    "not allowed with argument %s": "kan ikke bruges sammen med %s",
    "ignored explicit argument %r": "ignorerede argumentet %r",
    "one of the arguments %s is required": "et af argumenterne %s skal angives",
    "unexpected option string: %s": "uventet tilvalg: %s",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fejl: %(message)s\n",
    "conflicting subparser: %s": "to underkommandoer hedder %s",
    "dest= is required for options like %r": "dest= kræves for tilvalg som %r",
}
PLURALS = {
    ("expected %s argument", "expected %s arguments"): ("forventede %s argument", "forventede %s argumenter"),
}


def _gettext(message: str) -> str:
    return CATALOGUE.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    da = PLURALS.get((singular, plural))
    if da is None:
        return singular if n == 1 else plural
    return da[0] if n == 1 else da[1]


@contextlib.contextmanager
def danish() -> Iterator[None]:
    """argparse speaks Danish inside the block (re-entrant)."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved
