"""The presentation edge: how numbers, counts and money read in Danish text.

One place decides number agreement ("1 fejl", "1 advarsel", "2 advarsler")
and the kr. notation, so every command, sheet and message says it the same
way. Light on purpose (no pandas): the CLI imports it at parse time.
"""

from __future__ import annotations

import functools

#: Danish nouns the product counts: singular -> plural (indefinite forms).
_PLURALS = {
    "advarsel": "advarsler",
    "bogføring": "bogføringer",
    "faktura": "fakturaer",
    "kreditnota": "kreditnotaer",
    "fil": "filer",
    "projektmappe": "projektmapper",
    "forbrugsliste": "forbrugslister",
    "budgetlinje": "budgetlinjer",
    "problem": "problemer",
    "projektskema": "projektskemaer",
    "e-faktura-fil": "e-faktura-filer",
    "fund": "fund",
    "fejl": "fejl",
    "række": "rækker",
    "tom række": "tomme rækker",
    "aftaleholder": "aftaleholdere",
    "plads": "pladser",
}


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """``n`` and the noun in the form that agrees with it: ``plural(1, "advarsel")`` -> "1 advarsel"."""
    word = singular if n == 1 else (plural_form or _PLURALS.get(singular, singular))
    return f"{n} {word}"


def noun(n: int, singular: str, plural_form: str | None = None) -> str:
    """Only the noun that agrees with ``n`` (for "n ... er/ikke" constructions)."""
    return singular if n == 1 else (plural_form or _PLURALS.get(singular, singular))


def format_kr(ore: int, unit: bool = True) -> str:
    """Øre in Danish notation: ``123456789`` -> ``"1.234.567,89 kr."``."""
    sign = "-" if ore < 0 else ""
    q, r = divmod(abs(int(ore)), 100)
    text = f"{sign}{q:,}".replace(",", ".") + f",{r:02d}"
    return f"{text} kr." if unit else text


def format_kr_array(ore, prefix: str = "", suffix: str = ""):
    """:func:`format_kr` over a NumPy array of øre, each text between ``prefix`` and ``suffix``.

    For messages about many bookings at once: a value's digits are cut into
    groups of three and each group's text is looked up (``"1"``, ``".234"``,
    ``",50 kr."``), so a value costs a few string concatenations instead of a
    Python call; the prefix and suffix ride on the first and last lookups.
    Returns an object array of ``str``, equal to ``prefix + format_kr(v) + suffix``.
    """
    import numpy as np  # here, not at the top: the CLI imports this module at parse time

    ore = np.asarray(ore, dtype=np.int64)
    negative = ore < 0
    whole, cents = np.divmod(np.abs(ore), 100)
    out = np.empty(len(ore), dtype=object)
    if not len(ore):
        return out
    last = np.array([f",{c:02d} kr.{suffix}" for c in range(100)], dtype=object)
    # How many groups of three digits each value's kroner have (0 kr. has one).
    groups = np.ones(len(ore), dtype=np.int64)
    rest = whole // 1000
    while (more := rest > 0).any():
        groups += more
        rest //= 1000
    lead = {sign: np.array([f"{prefix}{sign}{g}" for g in range(1000)], dtype=object)
            for sign in ("", "-") if (negative if sign else ~negative).any()}
    for g in np.unique(groups).tolist():
        at = np.flatnonzero(groups == g)
        kroner = whole[at]
        scale = 1000 ** (g - 1)
        first = kroner // scale
        text = np.empty(len(at), dtype=object)
        for sign, table in lead.items():
            pick = negative[at] if sign else ~negative[at]
            text[pick] = table[first[pick]]
        for _ in range(g - 1):
            scale //= 1000
            text = text + _thousands()[(kroner // scale) % 1000]
        out[at] = text + last[cents[at]]
    return out


@functools.cache
def _thousands():
    """``".000"`` to ``".999"``: the text of every group of three digits after the first."""
    import numpy as np

    return np.array([f".{g:03d}" for g in range(1000)], dtype=object)


def kr(ore: int | None, unit: bool = True, missing: str = "") -> str:
    """Øre in Danish kr. notation (``1.234,50 kr.``); ``missing`` for None."""
    return missing if ore is None else format_kr(ore, unit)


__all__ = ["format_kr", "format_kr_array", "kr", "noun", "plural"]
