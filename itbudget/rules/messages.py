"""Message templates: a rule's Danish message for all its hits at once, formatted by column.

A template is ``str.format`` text whose fields name ledger columns (the
bookings' own and those :data:`~itbudget.ledger.DERIVATIONS` declare) or
display fields (:class:`Field`: a text derived from declared columns, such as
:data:`LINE_NAME` or :data:`CONTACT_HINT`)::

    "Mangler {uncovered:kr} i dækning på {line_name}: ...{contact_hint}"

A bare ``{column}`` is the column's text; ``:kr`` reads øre as Danish kr.
(``1.234,50 kr.``), ``:date`` a date as ``dd-mm-åååå``, ``:month`` the Danish
name of a date's month.

Formatting works by column, not by row: each field is formatted once per
distinct value (integer codes, format the distinct values, take); amounts that
rarely repeat become digit-group lookups (:func:`~itbudget.presentation.format_kr_parts`);
a template's literal text rides on its fields' texts, and neighbouring fields with
few distinct combinations (a line and the amount it has left) are formatted
together. What is left are arrays of references to shared strings, joined once
per hit (:func:`~itbudget.presentation.join_parts`): one new string per message.
On 200,000 bookings that all overrun, the rules' messages take about a third of
the time they took formatted row by row with f-strings (bench: the all-findings row).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from ..budget_changes import MONTH_NAMES
from ..parsing import factorize_values, format_date
from ..presentation import format_kr_array, format_kr_parts, join_parts


class Columns(Mapping):
    """A ledger frame's columns as NumPy arrays, each converted once.

    ``only`` narrows the names a reader may ask for: a display field sees just
    the columns it declares.
    """

    def __init__(self, frame: pd.DataFrame, only: tuple[str, ...] | None = None,
                 cache: dict | None = None):
        self._frame, self._only = frame, only
        self._cache = {} if cache is None else cache

    def __getitem__(self, name: str) -> np.ndarray:
        if self._only is not None and name not in self._only:
            raise KeyError(f"{name!r} is not among the declared columns {self._only}")
        if name not in self._cache:
            self._cache[name] = self._frame[name].to_numpy()
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._only if self._only is not None else self._frame.columns)

    def __len__(self) -> int:
        return len(self._only if self._only is not None else self._frame.columns)

    def only(self, names: tuple[str, ...]) -> "Columns":
        return Columns(self._frame, names, self._cache)

    def codes(self, name: str) -> tuple[np.ndarray, int]:
        """Integer codes of a column's distinct values (None a value of its own) and their count.

        Worked out once per column and shared by every rule that formats it, so
        a rule's hits are then grouped by integers, not by hashing text again.
        """
        key = ("codes", name)
        if key not in self._cache:
            self._cache[key] = _codes(self[name])
        return self._cache[key]


def _codes(values: np.ndarray) -> tuple[np.ndarray, int]:
    """Integer codes of the distinct values (None a value of its own) and how many there are."""
    if values.dtype == object:
        codes, uniques = factorize_values(values)
        width = len(uniques) + 1
        codes = np.where(codes < 0, width - 1, codes)
    else:
        codes, uniques = pd.factorize(values.view(np.int64) if values.dtype.kind == "M" else values)
        width = len(uniques)
    return codes.astype(np.int64), width


@dataclass(frozen=True)
class Field:
    """A display field: text derived from declared ledger columns (and the master data).

    ``each(master, *values)`` gives the text of one distinct combination of the
    columns' values; it is called once per combination. ``rows(master,
    columns, positions)`` instead gives one text per hit, for a text that reads
    other rows (ITB011 names the first booking) or raw cells.
    """

    name: str
    columns: tuple[str, ...]
    each: Callable[..., str] | None = None
    rows: Callable[..., np.ndarray] | None = None


def _contact_hint(master, contact: str) -> str:
    return f" Kontakt {contact}, Økonomistaben." if contact else " Kontakt Økonomistaben."


def _line_name(master, financing: str, central_line: str, cost_centre: str, account: str) -> str:
    if financing == "central":
        return f"den centrale budgetlinje {central_line}"
    return f"budgetlinjen {cost_centre}/{account}"


#: The closing sentence that tells the user whom to call: the account's contact, else Økonomistaben.
CONTACT_HINT = Field("contact_hint", ("contact",), _contact_hint)
#: The budget line that covers a booking, as a message names it.
LINE_NAME = Field("line_name", ("financing", "central_line", "cost_centre", "account"), _line_name)
#: Display fields every rule's templates may name.
SHARED_FIELDS = {f.name: f for f in (CONTACT_HINT, LINE_NAME)}


def _month(day) -> str:
    return MONTH_NAMES[int(np.datetime64(day, "M").astype(np.int64)) % 12]


#: Formats of a column's distinct values, by the template's format spec.
_FORMATS: dict[str, Callable[[object], str]] = {"": str, "date": format_date, "month": _month}
FORMATS = ("", "kr", "date", "month")


@dataclass(frozen=True)
class _Piece:
    """Texts for the hits: per code (``codes`` indexes ``texts``), or ``parts`` to join row by row."""

    codes: np.ndarray | None = None
    texts: np.ndarray | None = None
    parts: tuple[np.ndarray, ...] = ()

    def as_parts(self) -> tuple[np.ndarray, ...]:
        return self.parts if self.codes is None else (self.texts[self.codes],)


def text_array(values) -> np.ndarray:
    """Texts as an object array (never NumPy's fixed-width strings)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _same(text: str, n: int) -> np.ndarray | None:
    """``text`` for each of ``n`` hits (one shared string); None for no text."""
    return text_array([text])[np.zeros(n, dtype=np.intp)] if text else None


def _compact(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes renumbered 0.. in order of first appearance, and the first position of each."""
    codes, uniques = pd.factorize(codes)
    first = np.empty(len(uniques), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return codes.astype(np.int64), first


def _distinct(columns: Columns, names: tuple[str, ...], positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct combinations of the columns' values at ``positions``, and each one's first hit."""
    if not names:
        return np.zeros(len(positions), dtype=np.int64), np.zeros(1, dtype=np.int64)
    codes = np.zeros(len(positions), dtype=np.int64)
    for name in names:
        if 8 * len(positions) < len(columns[name]):  # a few hits: code just their values
            more, width = _codes(columns[name][positions])
        else:
            more, width = columns.codes(name)
            more = more[positions]
        codes, first = _compact(codes * width + more)
    return codes, first


def _join(a: _Piece, b: _Piece, n: int) -> _Piece:
    """Two neighbouring pieces as one: per combination while there are few, else parts to join."""
    if a.codes is not None and b.codes is not None:
        width = len(b.texts)
        codes, combos = pd.factorize(a.codes * width + b.codes)
        if 2 * len(combos) <= n:
            return _Piece(codes.astype(np.int64), a.texts[combos // width] + b.texts[combos % width])
    return _Piece(parts=(*a.as_parts(), *b.as_parts()))


class Template:
    """A message template, parsed once: literal text and the fields between it."""

    def __init__(self, text: str):
        self.text = text
        fields, literals, text_so_far = [], [], ""
        for literal, name, spec, _ in string.Formatter().parse(text):
            text_so_far += literal  # "{{" splits a literal in two
            if name is not None:
                fields.append((name, spec or ""))
                literals.append(text_so_far)
                text_so_far = ""
        #: (field name, format spec) in order; literals[i] precedes fields[i], literals[-1] trails.
        self.fields: tuple[tuple[str, str], ...] = tuple(fields)
        self.literals: tuple[str, ...] = (*literals, text_so_far)

    def __repr__(self) -> str:
        return f"Template({self.text!r})"

    def render(self, columns: Columns, master, positions: np.ndarray,
               fields: Mapping[str, Field]) -> np.ndarray:
        """The message of each hit at ``positions``, as an object array of ``str``."""
        n = len(positions)
        if not self.fields:
            return text_array([self.literals[0]])[np.zeros(n, dtype=np.intp)]
        piece = None
        for k, (name, spec) in enumerate(self.fields):
            prefix = self.literals[0] if k == 0 else ""
            nxt = self._field(name, spec, prefix, self.literals[k + 1], columns, master, positions, fields)
            piece = nxt if piece is None else _join(piece, nxt, n)
        return join_parts(list(piece.as_parts()), n)

    @staticmethod
    def _field(name: str, spec: str, prefix: str, suffix: str, columns: Columns, master,
               positions: np.ndarray, fields: Mapping[str, Field]) -> _Piece:
        n = len(positions)
        field = fields.get(name)
        if field is not None:
            if field.rows is not None:
                texts = field.rows(master, columns.only(field.columns), positions)
                return _Piece(parts=tuple(p for p in (_same(prefix, n), texts, _same(suffix, n)) if p is not None))
            codes, first = _distinct(columns, field.columns, positions)
            at = positions[first]
            combinations = zip(*(columns[c][at] for c in field.columns)) if field.columns else [()]
            return _Piece(codes, text_array([prefix + field.each(master, *v) + suffix for v in combinations]))
        codes, first = _distinct(columns, (name,), positions)
        distinct = columns[name][positions[first]]
        if spec == "kr":
            if 2 * len(first) <= n:  # few amounts (a line's limit): each formatted once
                return _Piece(codes, format_kr_array(distinct, prefix, suffix))
            return _Piece(parts=tuple(format_kr_parts(columns[name][positions], prefix, suffix)))
        fmt = _FORMATS[spec]
        return _Piece(codes, text_array([prefix + fmt(v) + suffix for v in distinct]))

    def columns(self, fields: Mapping[str, Field]) -> set[str]:
        """The ledger columns the template reads, directly or through its display fields."""
        out: set[str] = set()
        for name, _ in self.fields:
            out.update(fields[name].columns if name in fields else (name,))
        return out
