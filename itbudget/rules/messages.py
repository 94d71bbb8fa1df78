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
distinct value (factorise, format the distinct values, take), amounts with
digit-group lookups (:func:`~itbudget.presentation.format_kr_array`); a
template's literal text rides on its fields' texts, and neighbouring fields with
few distinct combinations (a line and its amount left) are formatted together.
A message then costs a few string concatenations per hit, not a Python call.
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
from ..presentation import format_kr_array


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
    """Texts for the hits: per code (``codes`` indexes ``texts``), or one per hit (``codes`` None)."""

    codes: np.ndarray | None
    texts: np.ndarray

    def full(self) -> np.ndarray:
        return self.texts if self.codes is None else self.texts[self.codes]


def _texts(values) -> np.ndarray:
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _codes(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes of one column's values (first appearance order) and the first position of each code."""
    if values.dtype == object:
        codes, uniques = factorize_values(values)
        width = len(uniques)
        if (codes < 0).any():  # None: a value of its own
            codes = np.where(codes < 0, width, codes)
    else:
        codes, _ = pd.factorize(values.view(np.int64) if values.dtype.kind == "M" else values)
    return codes.astype(np.int64), _first_positions(codes)


def _first_positions(codes: np.ndarray) -> np.ndarray:
    width = int(codes.max()) + 1 if len(codes) else 0
    first = np.empty(width, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    return first


def _distinct(arrays: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the distinct combinations of ``arrays``' values and each one's first position."""
    if not arrays:
        return np.zeros(n, dtype=np.int64), np.zeros(1, dtype=np.int64)
    codes, first = _codes(arrays[0])
    for values in arrays[1:]:
        more, more_first = _codes(values)
        combined, _ = pd.factorize(codes * len(more_first) + more)
        codes = combined.astype(np.int64)
        first = _first_positions(codes)
    return codes, first


def _affix(prefix: str, texts: np.ndarray, suffix: str) -> np.ndarray:
    if prefix:
        texts = prefix + texts
    if suffix:
        texts = texts + suffix
    return texts


def _join(a: _Piece, b: _Piece, n: int) -> _Piece:
    """Two neighbouring pieces as one: per combination while there are few, else per hit."""
    if a.codes is not None and b.codes is not None:
        width = len(b.texts)
        codes, combos = pd.factorize(a.codes * width + b.codes)
        if 2 * len(combos) <= n:
            return _Piece(codes.astype(np.int64), a.texts[combos // width] + b.texts[combos % width])
    return _Piece(None, a.full() + b.full())


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
            return _Piece(np.zeros(n, dtype=np.intp), _texts([self.literals[0]])).full()
        piece = None
        for k, (name, spec) in enumerate(self.fields):
            prefix = self.literals[0] if k == 0 else ""
            nxt = self._field(name, spec, prefix, self.literals[k + 1], columns, master, positions, fields)
            piece = nxt if piece is None else _join(piece, nxt, n)
        return piece.full()

    @staticmethod
    def _field(name: str, spec: str, prefix: str, suffix: str, columns: Columns, master,
               positions: np.ndarray, fields: Mapping[str, Field]) -> _Piece:
        n = len(positions)
        field = fields.get(name)
        if field is not None:
            if field.rows is not None:
                return _Piece(None, _affix(prefix, field.rows(master, columns.only(field.columns), positions),
                                           suffix))
            arrays = [columns[c][positions] for c in field.columns]
            codes, first = _distinct(arrays, n)
            return _Piece(codes, _texts([prefix + field.each(master, *(a[i] for a in arrays)) + suffix
                                         for i in first.tolist()]))
        values = columns[name][positions]
        if spec == "kr":
            codes, uniques = pd.factorize(values)
            if 2 * len(uniques) <= n:
                return _Piece(codes.astype(np.int64), format_kr_array(uniques, prefix, suffix))
            return _Piece(None, format_kr_array(values, prefix, suffix))
        fmt = _FORMATS[spec]
        codes, first = _codes(values)
        return _Piece(codes, _texts([prefix + fmt(values[i]) + suffix for i in first.tolist()]))

    def columns(self, fields: Mapping[str, Field]) -> set[str]:
        """The ledger columns the template reads, directly or through its display fields."""
        out: set[str] = set()
        for name, _ in self.fields:
            out.update(fields[name].columns if name in fields else (name,))
        return out
