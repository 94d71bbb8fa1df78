"""The presentation edge: how numbers, counts, money and severities read in Danish.

One place decides number agreement ("1 fejl", "1 advarsel", "2 advarsler"),
the kr. notation (text, JSON decimal strings and cell values), thousands
separators, the Danish words for a finding's severity and a status, and how
text from a file is quoted in a message, so every command, sheet and message
says it the same way. Light on purpose (no pandas): the CLI imports it at
parse time.
"""

from __future__ import annotations

import functools
import re

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


def thousands(n: int) -> str:
    """A whole number with Danish thousands separators: ``200000`` -> ``"200.000"``."""
    return f"{n:,}".replace(",", ".")


def format_kr(ore: int, unit: bool = True) -> str:
    """Øre in Danish notation: ``123456789`` -> ``"1.234.567,89 kr."``."""
    sign = "-" if ore < 0 else ""
    q, r = divmod(abs(int(ore)), 100)
    text = f"{sign}{thousands(q)},{r:02d}"
    return f"{text} kr." if unit else text


def format_kr_parts(ore, prefix: str = "", suffix: str = "") -> list:
    """The texts of :func:`format_kr` over a NumPy array of øre, in parts to be joined row by row.

    For messages about many bookings at once: a value's kroner are cut into
    groups of three digits and each group's text is looked up (``"1"``,
    ``".234"``, ``",50 kr."``), so the parts are references to a few thousand
    shared strings, not new strings; ``prefix`` and ``suffix`` ride on the first
    and last lookups. Joined row by row, the parts read
    ``prefix + format_kr(v) + suffix``; a value with fewer groups than the
    largest has empty parts.
    """
    import numpy as np  # here, not at the top: the CLI imports this module at parse time

    ore = np.asarray(ore, dtype=np.int64)
    negative = ore < 0
    whole, cents = np.divmod(np.abs(ore), 100)
    groups = np.ones(len(ore), dtype=np.int64)  # groups of three digits (0 kr. has one)
    rest = whole // 1000
    while (more := rest > 0).any():
        groups += more
        rest //= 1000
    lead = np.array([f"{prefix}{g}" for g in range(1000)] + [f"{prefix}-{g}" for g in range(1000)],
                    dtype=object)
    scale = 1000 ** (groups - 1)
    parts = [lead[whole // scale + 1000 * negative]]
    thousands = _thousands()
    for k in range(1, int(groups.max(initial=1))):
        has = groups > k
        scale = np.where(has, scale // 1000, 1)
        parts.append(np.where(has, thousands[(whole // scale) % 1000], ""))
    parts.append(np.array([f",{c:02d} kr.{suffix}" for c in range(100)], dtype=object)[cents])
    return parts


def format_kr_array(ore, prefix: str = "", suffix: str = ""):
    """``prefix + format_kr(v) + suffix`` for each value of a NumPy array of øre, as an object array."""
    import numpy as np

    return join_parts(format_kr_parts(ore, prefix, suffix), len(ore))


def join_parts(parts: list, n: int):
    """Object arrays of texts concatenated row by row: one new string per row, however many parts."""
    import numpy as np

    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return parts[0] + parts[1]
    out = np.empty(n, dtype=object)
    out[:] = list(map("".join, zip(*parts)))
    return out


@functools.cache
def _thousands():
    """``".000"`` to ``".999"``: the text of every group of three digits after the first."""
    import numpy as np

    return np.array([f".{g:03d}" for g in range(1000)], dtype=object)


def kr(ore: int | None, unit: bool = True, missing: str = "") -> str:
    """Øre in Danish kr. notation (``1.234,50 kr.``); ``missing`` for None."""
    return missing if ore is None else format_kr(ore, unit)


def ore_to_kr_str(ore: int) -> str:
    """Øre as a decimal string in kr. with two decimals (JSON): ``1000001`` -> ``"10000.01"``."""
    sign = "-" if ore < 0 else ""
    q, r = divmod(abs(int(ore)), 100)
    return f"{sign}{q}.{r:02d}"


def kr_cell(ore: int) -> int | float:
    """Øre as a kr. cell value: a whole number when it is whole, else kr. with decimals."""
    q, r = divmod(int(ore), 100)
    return q if r == 0 else kr_float(ore)


def kr_float(ore: int) -> float:
    """Øre as kr. for a cell or an Excel answer, always a float: ``150`` -> ``1.5``.

    Division of a whole number of øre by 100 is correctly rounded, so this is
    the float nearest the decimal amount (what ``round(ore / 100, 2)`` gives).
    """
    return int(ore) / 100


#: A finding's severity in Danish: (singular, plural), lower case.
_SEVERITY_WORDS = {"error": ("fejl", "fejl"), "warning": ("advarsel", "advarsler")}


def severity_word(severity: str, *, capital: bool = True, plural: bool = False) -> str:
    """A severity in Danish: ``severity_word("warning")`` -> ``"Advarsel"``.

    ``capital=False`` gives ``"advarsel"``, ``plural=True`` ``"Advarsler"``.
    An unknown severity is shown as it is (lower-cased without ``capital``).
    """
    words = _SEVERITY_WORDS.get(severity)
    if words is None:
        return severity if capital else severity.lower()
    word = words[1] if plural else words[0]
    return word[:1].upper() + word[1:] if capital else word


#: An invoice's status (the worst of its findings, or ``ok``) as the report shows it.
_INVOICE_STATUS_WORDS = {"ok": "OK"}


def invoice_status_word(status: str) -> str:
    """An invoice's status in Danish: ``OK``, ``Advarsel`` or ``Fejl``."""
    return _INVOICE_STATUS_WORDS.get(status) or severity_word(status)


#: A consolidation source's status as the sheet ``Filer`` shows it.
_SOURCE_STATUS_WORDS = {"ok": "læst", "skipped": "sprunget over", "unreadable": "kan ikke bruges"}


def source_status_word(status: str) -> str:
    """A file's status in a consolidation in Danish: ``læst``, ``sprunget over``, ``kan ikke bruges``."""
    return _SOURCE_STATUS_WORDS.get(status, status)


#: Control characters: C0 (line breaks and tabs among them), DEL and C1.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown_text(text: str) -> str:
    """Text from a file (a header cell, a file name) as a message may quote it: on one line, inert.

    Every control character is shown as ``\\xNN`` (a line break as ``\\x0a``),
    so a header cell with a line break cannot split the message and an ESC
    cannot drive the terminal; the rest of the text is unchanged.
    """
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


__all__ = ["format_kr", "format_kr_array", "format_kr_parts", "invoice_status_word", "join_parts", "kr",
           "kr_cell", "kr_float", "noun", "ore_to_kr_str", "plural", "severity_word", "shown_text",
           "source_status_word", "thousands"]
