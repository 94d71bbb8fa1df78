"""The presentation edge: how numbers, counts and money read in Danish text.

One place decides number agreement ("1 fejl", "1 advarsel", "2 advarsler")
and the kr. notation, so every command, sheet and message says it the same
way. Light on purpose (no pandas): the CLI imports it at parse time.
"""

from __future__ import annotations

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


def kr(ore: int | None, unit: bool = True, missing: str = "") -> str:
    """Øre in Danish kr. notation (``1.234,50 kr.``); ``missing`` for None."""
    return missing if ore is None else format_kr(ore, unit)


__all__ = ["format_kr", "kr", "noun", "plural"]
