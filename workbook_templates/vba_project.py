"""A source-only VBA project (``xl/vbaProject.bin``) built from VBA source text.

Written to [MS-OVBA] as a writer must: the ``_VBA_PROJECT`` stream carries no
performance cache and version 0xFFFF, and every module stream holds only its
compressed source (MODULEOFFSET 0). Office then has no compiled code (p-code)
it could reuse and compiles the source when the workbook is opened, in
whichever Office version and bitness opens it.

The project may reference another VBA project (an add-in) by a
REFERENCEPROJECT record in its ``dir`` stream: how a workbook made by
``xlwings quickstart`` reaches ``RunPython`` in the xlwings add-in.
"""

from __future__ import annotations

import dataclasses
import hashlib
import struct
import uuid

from .cfb import compound_file

CODE_PAGE = 1252
_LCID = 0x0409
_WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
_SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
# The VBE host extender every Office VBA project names ([MS-OVBA] 2.3.1.18).
_HOST_EXTENDER = "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000"


@dataclasses.dataclass(frozen=True)
class Module:
    """One VBA module: ``kind`` "module" (a standard module) or "document" (ThisWorkbook, a sheet)."""

    name: str
    code: str = ""
    kind: str = "module"

    def source(self) -> bytes:
        """The module stream's text: attribute lines, then the code, CRLF, cp1252."""
        lines = [f'Attribute VB_Name = "{self.name}"']
        if self.kind == "document":
            base = _WORKBOOK_BASE if self.name == "ThisWorkbook" else _SHEET_BASE
            lines += [f'Attribute VB_Base = "{base}"', "Attribute VB_GlobalNameSpace = False",
                      "Attribute VB_Creatable = False", "Attribute VB_PredeclaredId = True",
                      "Attribute VB_Exposed = True", "Attribute VB_TemplateDerived = False",
                      "Attribute VB_Customizable = True"]
        text = "\r\n".join(lines + self.code.splitlines()) + "\r\n"
        return text.encode(f"cp{CODE_PAGE}")


@dataclasses.dataclass(frozen=True)
class ProjectReference:
    """A reference to another VBA project, found by the name of its open workbook or add-in."""

    name: str
    absolute: str
    relative: str


def compress(data: bytes) -> bytes:
    """[MS-OVBA] 2.4.1 compression: LZ77 copy tokens within 4096-byte chunks."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = _compress_chunk(chunk)
        if len(body) > 4096:
            # Incompressible: only a full chunk may be stored raw ([MS-OVBA] 2.4.1.3.10).
            assert len(chunk) == 4096, "a short incompressible chunk cannot be stored"
            out += struct.pack("<H", 0x3FFF) + chunk
        else:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
    return bytes(out)


#: Earlier positions with the same three bytes tried for a match, most recent first.
_CANDIDATES = 32


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    seen: dict[bytes, list[int]] = {}  # three bytes -> the positions they start at
    pos = 0
    while pos < len(chunk):
        flag_at = len(out)
        out.append(0)
        for bit in range(8):
            if pos >= len(chunk):
                break
            # The split between offset and length bits grows with the position.
            bit_count = max((pos - 1).bit_length(), 4) if pos else 4
            max_length = (0xFFFF >> bit_count) + 3
            best_len, best_off = 0, 0
            for cand in reversed(seen.get(chunk[pos:pos + 3], [])[-_CANDIDATES:]):
                if pos - cand > 1 << bit_count:
                    break
                n = 0
                while n < max_length and pos + n < len(chunk) and chunk[cand + n] == chunk[pos + n]:
                    n += 1
                if n > best_len:
                    best_len, best_off = n, pos - cand
                    if n == max_length:
                        break
            step = best_len if best_len >= 3 else 1
            if step > 1:
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += struct.pack("<H", token)
                out[flag_at] |= 1 << bit
            else:
                out.append(chunk[pos])
            for p in range(pos, pos + step):
                seen.setdefault(chunk[p:p + 3], []).append(p)
            pos += step
    return bytes(out)


def encrypt(data: bytes, project_id: str, seed: int) -> str:
    """[MS-OVBA] 2.4.3.2 data encryption, as the PROJECT stream's CMG, DPB and GC carry it."""
    key = sum(project_id.encode("ascii")) & 0xFF
    version_enc, key_enc = seed ^ 2, seed ^ key
    out = bytearray([seed, version_enc, key_enc])
    plain1, enc1, enc2 = key, key_enc, version_enc
    ignored = bytes((seed & 6) // 2)
    for byte in ignored + struct.pack("<I", len(data)) + data:
        byte_enc = byte ^ ((enc2 + plain1) & 0xFF)
        out.append(byte_enc)
        enc2, enc1, plain1 = enc1, byte_enc, byte
    return out.hex().upper()


def decrypt(text: str) -> tuple[int, bytes]:
    """The inverse of :func:`encrypt`: (project key, data). Used by the tests."""
    raw = bytes.fromhex(text)
    seed, version_enc, key_enc = raw[:3]
    assert seed ^ version_enc == 2, "not [MS-OVBA] data encryption version 2"
    key = seed ^ key_enc
    plain1, enc1, enc2 = key, key_enc, version_enc
    plain = bytearray()
    for byte_enc in raw[3:]:
        byte = byte_enc ^ ((enc2 + plain1) & 0xFF)
        plain.append(byte)
        enc2, enc1, plain1 = enc1, byte_enc, byte
    ignored = (seed & 6) // 2
    length = struct.unpack_from("<I", plain, ignored)[0]
    return key, bytes(plain[ignored + 4:ignored + 4 + length])


def _rec(rid: int, body: bytes = b"") -> bytes:
    return struct.pack("<HI", rid, len(body)) + body


def _text(rid: int, uni_rid: int, text: str) -> bytes:
    """A name record followed by its UTF-16 twin, as most ``dir`` records come."""
    return _rec(rid, text.encode(f"cp{CODE_PAGE}")) + _rec(uni_rid, text.encode("utf-16-le"))


def _sized(text: str) -> bytes:
    raw = text.encode(f"cp{CODE_PAGE}")
    return struct.pack("<I", len(raw)) + raw


def dir_stream(modules: list[Module], references: list[ProjectReference]) -> bytes:
    """The ``dir`` stream ([MS-OVBA] 2.3.4.2), uncompressed."""
    out = bytearray()
    out += _rec(0x01, struct.pack("<I", 1))            # SysKind: 32-bit Windows
    out += _rec(0x02, struct.pack("<I", _LCID))
    out += _rec(0x14, struct.pack("<I", _LCID))
    out += _rec(0x03, struct.pack("<H", CODE_PAGE))
    out += _rec(0x04, b"VBAProject")
    out += _text(0x05, 0x40, "")                      # doc string
    out += _text(0x06, 0x3D, "")                      # help file
    out += _rec(0x07, struct.pack("<I", 0))           # help context
    out += _rec(0x08, struct.pack("<I", 0))           # lib flags
    out += struct.pack("<HIIH", 0x09, 4, 1, 0)        # version 1.0 (Reserved is 4, body 6)
    out += _text(0x0C, 0x3C, "")                      # conditional compilation constants
    for ref in references:
        out += _text(0x16, 0x3E, ref.name)
        body = _sized(ref.absolute) + _sized(ref.relative) + struct.pack("<IH", 0, 0)
        out += _rec(0x0E, body)
    out += _rec(0x0F, struct.pack("<H", len(modules)))
    out += _rec(0x13, struct.pack("<H", 0xFFFF))
    for m in modules:
        out += _text(0x19, 0x47, m.name)
        out += _text(0x1A, 0x32, m.name)              # stream name = module name
        out += _text(0x1C, 0x48, "")
        out += _rec(0x31, struct.pack("<I", 0))       # source starts at 0: no p-code cache
        out += _rec(0x1E, struct.pack("<I", 0))
        out += _rec(0x2C, struct.pack("<H", 0xFFFF))
        out += _rec(0x22 if m.kind == "document" else 0x21)
        out += _rec(0x2B)
    out += _rec(0x10)
    return bytes(out)


def project_stream(modules: list[Module], project_id: str) -> bytes:
    """The ``PROJECT`` stream ([MS-OVBA] 2.3.1): the project's properties as text."""
    # Deterministic seeds: the same project gives the same bytes.
    seeds = hashlib.sha256(project_id.encode()).digest()
    lines = [f'ID="{project_id}"']
    lines += [f"Document={m.name}/&H00000000" if m.kind == "document" else f"Module={m.name}"
              for m in modules]
    lines += ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{encrypt(bytes(4), project_id, seeds[0])}"',      # not protected
              f'DPB="{encrypt(bytes(1), project_id, seeds[1])}"',      # no password
              f'GC="{encrypt(bytes([0xFF]), project_id, seeds[2])}"',  # visible
              "", "[Host Extender Info]", _HOST_EXTENDER, "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return ("\r\n".join(lines) + "\r\n").encode(f"cp{CODE_PAGE}")


def vba_project(modules: list[Module], references: list[ProjectReference] = (), *,
                project_id: str | None = None) -> bytes:
    """The ``vbaProject.bin`` holding ``modules`` as source, with ``references``."""
    names = [m.name.casefold() for m in modules]
    assert len(set(names)) == len(names), "module names must be unique"
    project_id = project_id or "{" + str(uuid.uuid5(uuid.NAMESPACE_URL, "|".join(names))).upper() + "}"
    streams = {"PROJECT": project_stream(modules, project_id),
               "VBA/_VBA_PROJECT": struct.pack("<HHBH", 0x61CC, 0xFFFF, 0, 3),
               "VBA/dir": compress(dir_stream(modules, list(references)))}
    for m in modules:
        streams[f"VBA/{m.name}"] = compress(m.source())
    return compound_file(streams)
