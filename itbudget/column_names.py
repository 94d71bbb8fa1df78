"""Column names: which export header means which bookings field.

Finance systems (KMD Opus, Prisme, ØS Indsigt, SAP) spell their headers their
own way: ``Bilagsnr;Bogføringsdato;Omk.sted;Art;Beløb DKK``. A header is
recognised when it is a field's own name, one of the built-in variants in
:data:`BUILTIN_VARIANTS` (documented, with the rule for adding more, in
``docs/exports.md``), or a header the master data's optional ``Kolonnenavne``
sheet maps to a field. Headers are compared by :func:`header_key`: case,
spaces and punctuation do not count, so ``Omk.sted`` and ``Omk. sted`` match.

Pure Python, no pandas: the command line may import it while parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, Mapping

#: The bookings fields a header can mean: the contract's columns, plus Debet and Kredit
#: (amount = Debet - Kredit when an export has no Beløb column).
FIELDS = ("Bilag", "Dato", "Omkostningssted", "Konto", "Beløb", "Debet", "Kredit", "Tekst",
          "Leverandør", "Fakturanr", "EAN", "Projektnr")
#: Fields that carry the amount; a header row needs at least one of them.
AMOUNT_FIELDS = ("Beløb", "Debet", "Kredit")
#: Fields a header row must have besides an amount field.
HEADER_FIELDS = ("Dato", "Omkostningssted", "Konto")

#: Headers recognised without any Kolonnenavne sheet, beyond each field's own name.
#: The floor, not the ceiling: a header one municipality's system uses belongs in its
#: Kolonnenavne sheet; one that several finance systems use belongs here (docs/exports.md).
BUILTIN_VARIANTS: dict[str, tuple[str, ...]] = {
    "Bilag": ("Bilagsnr", "Bilagsnummer"),
    "Dato": ("Bogføringsdato", "Posteringsdato"),
    "Omkostningssted": ("Omk.sted",),
    "Konto": ("Art", "Artskonto"),
    "Beløb": ("Beløb DKK", "Beløb i kr."),
    "Leverandør": ("Kreditor", "Kreditornavn"),
    "Fakturanr": ("Fakturanummer",),
    "EAN": ("EAN-nr", "EAN-nummer"),
    "Projektnr": ("Projekt", "Projektnummer"),
}

SHEET = "Kolonnenavne"
COLUMNS = ["Felt", "Overskrift"]

_NOT_WORD = re.compile(r"[\W_]+")


def header_key(text: object) -> str:
    """A header as compared: lower case, without spaces or punctuation (``Omk. sted`` -> ``omksted``)."""
    return _NOT_WORD.sub("", str(text if text is not None else "").casefold())


@dataclass(frozen=True)
class ColumnName:
    """One Kolonnenavne row: ``header``, as an export spells it, means ``field``."""

    field: str
    header: str


_FIELD_BY_KEY = {header_key(f): f for f in FIELDS}
_BUILTIN = {**{header_key(v): f for f, vs in BUILTIN_VARIANTS.items() for v in vs}, **_FIELD_BY_KEY}


def header_map(names: Iterable[ColumnName] = ()) -> dict[str, str]:
    """``{header_key: field}``: field names, built-in variants, then the Kolonnenavne rows.

    A Kolonnenavne row may re-map a built-in variant (finance's explicit word wins)
    but never a field's own name; :func:`check_rows` refuses that as a master-data problem.
    """
    out = dict(_BUILTIN)
    for n in names:
        out[header_key(n.header)] = n.field
    return out


def typed_as_text(names: Iterable[ColumnName] = ()) -> set[str]:
    """Headers, as spelled, of the fields whose cells mix text and typed values (dates, amounts).

    The Arrow read path reads these columns as text (:func:`itbudget.files.arrow_sheet`).
    """
    fields = ("Dato", *AMOUNT_FIELDS)
    out = {f for f in fields} | {v for f in fields for v in BUILTIN_VARIANTS.get(f, ())}
    return out | {n.header for n in names if n.field in fields}


def check_rows(rows: Iterable[tuple[int, Mapping[str, object]]]
               ) -> tuple[tuple[ColumnName, ...], list[tuple[int, str]]]:
    """Kolonnenavne records ``(row, {Felt, Overskrift})`` as column names and problems ``(row, message)``."""
    fields = {f.casefold(): f for f in FIELDS}
    names: list[ColumnName] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, tuple[str, int]] = {}
    for row, r in rows:
        felt = str(r.get("Felt") if r.get("Felt") is not None else "").strip()
        header = str(r.get("Overskrift") if r.get("Overskrift") is not None else "").strip()
        if not felt and not header:
            continue
        field = fields.get(felt.casefold())
        if field is None:
            problems.append((row, f"Felt '{felt[:60]}' kendes ikke; brug et af {', '.join(FIELDS)}."))
            continue
        key = header_key(header)
        if not key:
            problems.append((row, f"Overskrift mangler for feltet {field}."))
            continue
        own = _FIELD_BY_KEY.get(key)
        if own is not None and own != field:
            problems.append((row, f"overskriften '{header[:60]}' er selv navnet på feltet {own} "
                                  f"og kan ikke også betyde {field}."))
            continue
        if key in seen and seen[key][0] != field:
            problems.append((row, f"overskriften '{header[:60]}' er allerede knyttet til feltet "
                                  f"{seen[key][0]} i række {seen[key][1]}; én overskrift kan kun "
                                  "betyde ét felt."))
            continue
        seen.setdefault(key, (field, row))
        names.append(ColumnName(field=field, header=header))
    return tuple(names), problems
