"""Rendering a validation for people (Danish text) and for tools (stable JSON).

Amounts in JSON are decimal strings in kr. with two decimals; in text they are
Danish (``1.234,50 kr.``). Nothing here reads or writes files.
"""

from __future__ import annotations

import json

import numpy as np

from .findings import records
from .presentation import format_kr, ore_to_kr_str, plural
from .validation import Validation


FINDING_FIELDS = ("row", "voucher", "rule", "severity", "message", "sheet")


def _fields(with_file: bool, fields: tuple[str, ...] | None) -> tuple[str, ...]:
    return fields if fields is not None else (("file",) if with_file else ()) + FINDING_FIELDS


def findings_records(findings, with_file: bool = False, *, fields: tuple[str, ...] | None = None) -> list[dict]:
    """Findings as JSON-ready dicts in the stable shape (``fields``: other columns, in their order)."""
    cols = _fields(with_file, fields)
    out = []
    arrays = {c: findings[c].to_numpy() for c in cols}
    for i in range(len(findings)):
        rec = {c: arrays[c][i] for c in cols}
        rec["row"] = int(rec["row"])
        out.append(rec)
    return out


def findings_json(findings, with_file: bool = False, *, fields: tuple[str, ...] | None = None,
                  indent: int | None = None, depth: int = 0) -> str:
    """The findings as a JSON array: the bytes ``json.dumps(findings_records(...), ensure_ascii=False)`` gives.

    With ``indent``, the bytes ``json.dumps(..., indent=indent)`` gives for the
    array as a value ``depth`` levels down in a document.
    """
    return joined(findings_json_parts(findings, with_file, fields=fields, indent=indent, depth=depth))


def joined(parts: list) -> str:
    """Pieces from :func:`findings_json_parts` or :func:`validation_json_parts` as one text."""
    return "".join(p if isinstance(p, str) else str(p, "utf-8") for p in parts)


def findings_json_parts(findings, with_file: bool = False, *, fields: tuple[str, ...] | None = None,
                        indent: int | None = None, depth: int = 0) -> list:
    """:func:`findings_json` in pieces to write one after another: texts, or UTF-8 bytes.

    Rendered by column, not by row: a text column without quotes, backslashes
    or control characters is its own JSON text between quotes (one check in
    Arrow); any other column is encoded value by value with the json module.
    The keys ride on literal pieces, and the records are joined in Arrow. On
    200,000 findings this replaces 200,000 dicts and their walk by ``json.dumps``.
    The joined records stay UTF-8 in Arrow's buffer (a view of it is the middle
    piece): 57 MB for 200,000 findings, never decoded into a str only to be encoded
    again on the way out (0.25 s and 110 MB, measured).
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    if not len(findings):
        return ["[]"]
    cols = _fields(with_file, fields)
    if indent is None:
        opens, between, closes, record_sep, array = "{", ", ", "}", ", ", ("[", "]")
    else:
        pad = [("\n" + " " * indent * (depth + k)) for k in range(3)]
        opens, between, closes, record_sep = "{" + pad[2], "," + pad[2], pad[1] + "}", "," + pad[1]
        array = ("[" + pad[1], pad[0] + "]")
    text = pa.large_string()
    literals, columns = [""], []  # literals[i] precedes columns[i]; a plain text's quotes join them
    try:
        for k, c in enumerate(cols):
            values, plain = _json_column(findings[c], c == "row", pa, pc)
            literals[-1] += (opens if k == 0 else between) + json.dumps(c) + ": " + ('"' if plain else "")
            columns.append(values)
            literals.append('"' if plain else "")
        literals[-1] += closes
        pieces = [x for lit, values in zip(literals, columns) for x in (pa.scalar(lit, text), values)]
        pieces += [pa.scalar(literals[-1], text), pa.scalar("", text)]  # the last is the separator
        records = pc.binary_join_element_wise(*pieces)
        listed = pa.LargeListArray.from_arrays(pa.array([0, len(records)], pa.int64()), records)
        joined = pc.binary_join(listed, pa.scalar(record_sep, text))
    except (UnicodeEncodeError, pa.ArrowInvalid):  # a lone surrogate: Arrow holds UTF-8 only
        out = json.dumps(findings_records(findings, with_file, fields=fields), ensure_ascii=False, indent=indent)
        # json.dumps escapes every line break inside a text: each one here is the layout's.
        return [out if indent is None else out.replace("\n", "\n" + " " * indent * depth)]
    _, offsets, data = joined.buffers()
    start, end = np.frombuffer(offsets, np.int64, 2, joined.offset * 8)
    return [array[0], memoryview(data)[start:end], array[1]]


def _json_column(series, integer: bool, pa, pc):
    """A findings column as Arrow texts, one per row, and whether they are plain text still to quote.

    Plain: a text column with no quote, backslash or control character, whose
    JSON is the text between quotes. Otherwise the values' JSON texts.
    """
    import pandas as pd

    text = pa.large_string()
    if integer:
        if pd.api.types.is_integer_dtype(series.dtype) and not series.hasnans:
            return pc.cast(pa.array(series.to_numpy()), text), False
        return pa.array([json.dumps(int(v)) for v in series.to_numpy()], text), False
    if isinstance(series.dtype, pd.StringDtype) and series.dtype.storage == "pyarrow" and not series.hasnans:
        arr = pa.array(series.array).cast(text)
        if not _needs_escaping(arr):
            return arr, True
    return pa.array([json.dumps(v, ensure_ascii=False) for v in series.to_numpy()], text), False


def _needs_escaping(arr) -> bool:
    """Whether any text of an Arrow text column holds a quote, a backslash or a control character.

    Looked for in the UTF-8 bytes themselves (a byte below 0x20 is a control
    character: bytes of longer characters are all 0x80 or above): three NumPy
    comparisons, less than half the time of a regular expression over the texts.
    """
    chunks = arr.chunks if hasattr(arr, "chunks") else [arr]
    for chunk in chunks:
        if not len(chunk):
            continue
        # Offsets are 64-bit for large_string, 32-bit for string.
        width = np.int64 if str(chunk.type) == "large_string" else np.int32
        _, offsets, data = chunk.buffers()
        start, end = np.frombuffer(offsets, width, len(chunk) + 1,
                                   chunk.offset * np.dtype(width).itemsize)[[0, -1]]
        if data is None or start == end:
            continue
        raw = np.frombuffer(data, np.uint8)[start:end]
        if (raw < 0x20).any() or (raw == 0x22).any() or (raw == 0x5C).any():
            return True
    return False


def finding_lines(findings, indent: str = "  ") -> list[str]:
    """One line per finding, where it is first: ``eksport.csv, række 4: ITB003 Omkostningssted ...``."""
    return [f"{indent}{f.where()}: {f.rule} {f.message}" for f in records(findings)]


def import_text(result) -> str:
    """What an import did (:class:`itbudget.operations.importing.ImportResult`), and its findings."""
    out = [f"Indlæst {plural(result.added, 'bogføring')} fra {result.export.name} i {result.workbook.name}; "
           f"{result.skipped} fandtes allerede og er sprunget over."]
    out += finding_lines(result.findings)
    if len(result.findings):
        out.append(f"{len(result.findings)} rækker står på omkostningssteder, der ikke er "
                   f"aftaleholder {result.holder or 'projektmappens'}s; kør 'itbudget validate "
                   f"{result.workbook.name}' for alle regler.")
    return "\n".join(out) + "\n"


def lines_records(lines) -> list[dict]:
    """Budget-line status as JSON-ready dicts, amounts as kr. strings."""
    out = []
    for r in lines.itertuples(index=False):
        out.append({
            "holder": r.holder, "cost_centre": r.cost_centre, "account": r.account,
            "central_line": r.central_line, "budget": ore_to_kr_str(r.budget),
            "commitments": ore_to_kr_str(r.commitments), "booked": ore_to_kr_str(r.booked),
            "remaining": ore_to_kr_str(r.remaining), "uncovered": ore_to_kr_str(r.uncovered),
            **followup_record(r)})
    return out


def followup_record(r) -> dict:
    """A line's follow-up (itbudget.followup) as kr. strings, null where it is not defined."""
    def kr(v):
        return None if v is None else ore_to_kr_str(int(v))

    return {"revised_budget": kr(r.revised_budget), "phased_to_date": kr(r.phased_to_date),
            "projection": kr(r.projection), "estimate": kr(r.estimate)}


def validation_dict(result: Validation) -> dict:
    return {**_validation_head(result), "findings": findings_records(result.findings),
            "lines": lines_records(result.lines)}


def _validation_head(result: Validation) -> dict:
    f = result.ledger.frame
    files = list(dict.fromkeys(f["file"].tolist())) if len(f) else [result.file]
    return {
        "file": files[0] if len(files) == 1 else ", ".join(files),
        "rows": result.rows,
        "blank_rows": result.blank_rows,
        "errors": result.errors,
        "warnings": result.warnings,
    }


def validation_json(result: Validation) -> str:
    """``json.dumps(validation_dict(result), ensure_ascii=False)``, its findings rendered by column."""
    return joined(validation_json_parts(result))


def validation_json_parts(result: Validation) -> list:
    """:func:`validation_json` in pieces (see :func:`findings_json_parts`), for :func:`write_parts`."""
    head = json.dumps(_validation_head(result), ensure_ascii=False)
    tail = json.dumps({"lines": lines_records(result.lines)}, ensure_ascii=False)
    return [f"{head[:-1]}, \"findings\": ", *findings_json_parts(result.findings), f", {tail[1:]}\n"]


def write_parts(parts: list, stream) -> None:
    """Write texts and UTF-8 pieces to a text ``stream`` as ``stream.write("".join(texts))`` would.

    UTF-8 pieces go straight to the stream's bytes when it encodes UTF-8 strictly;
    otherwise they are decoded and written as text, in the stream's own encoding.
    """
    import codecs

    raw = getattr(stream, "buffer", None)
    utf8 = (raw is not None and codecs.lookup(stream.encoding or "ascii").name == "utf-8"
            and stream.errors == "strict")
    for part in parts:
        if isinstance(part, str):
            stream.write(part)
        elif utf8:
            stream.flush()
            raw.write(part)
        else:
            stream.write(str(part, "utf-8"))
    stream.flush()


def shown_lines(result: Validation):
    """The budget lines a report shows: those of the holders whose bookings were validated.

    A holder's workbook carries only its own lines; a bare export validated
    against the whole municipality's master data would otherwise list every
    line of every holder. Central lines (consolidation only) are kept.
    """
    lines = result.lines
    f = result.ledger.frame
    if result.ledger.master.scope or not len(lines):
        return lines
    holders = set(f["holder"].tolist()) - {""} if len(f) else set()
    keep = lines["holder"].isin(holders).to_numpy() | (lines["central_line"] != "").to_numpy()
    return lines[keep]


def validation_text(result: Validation) -> str:
    """A report a budget holder can read: what is wrong, where, and whom to call."""
    from .digest import group_findings

    f = result.ledger.frame
    files = ", ".join(dict.fromkeys(f["file"].tolist())) if len(f) else (result.file or "(ingen bogføringer)")
    out = [f"Validering af {files}",
           f"{plural(result.rows, 'bogføring')} læst"
           + (f" ({plural(result.blank_rows, 'tom række')} sprunget over)" if result.blank_rows else "")
           + f"; {plural(result.errors, 'fejl')} og {plural(result.warnings, 'advarsel')}.", ""]
    if len(result.findings):
        out.append("Fund (række: regel - besked):")
        out += [f"  {g.text}" for g in group_findings(result.findings, f)]
        out.append("")
    else:
        out.append("Ingen fund: alle bogføringer er i orden.")
        out.append("")
    lines = shown_lines(result)
    if len(lines):
        out.append("Budgetlinjer:")
        out.append(f"  {'Linje':<22} {'Budget':>18} {'Disponeret':>18} {'Bogført':>18} {'Rest':>18}"
                   "  Status")
        for r in lines.itertuples(index=False):
            name = f"{r.cost_centre}/{r.account}" if r.cost_centre else f"central {r.central_line}"
            status = "OVERSKREDET" if r.remaining < 0 else "ok"
            out.append(f"  {name:<22} {format_kr(r.budget):>18} {format_kr(r.commitments):>18} "
                       f"{format_kr(r.booked):>18} {format_kr(r.remaining):>18}  {status}")
        out.append("  Rest = budget - disponeret - bogført.")
        over = int(np.sum(lines["remaining"].to_numpy() < 0))
        if over:
            out.append(f"\n{plural(over, 'budgetlinje')} er overskredet.")
    return "\n".join(out) + "\n"
