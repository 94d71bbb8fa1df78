"""The VBA project builder's pieces against independent readers and Excel's own output.

Compression is read back by oletools' decompressor, compound files by olefile,
and the PROJECT stream's encryption is checked against the values Excel wrote
into xlwings' shipped ``quickstart.xlsm``.
"""

from __future__ import annotations

import io
import random
import zipfile
from importlib import resources

import olefile
import pytest
from oletools.olevba import decompress_stream

from workbook_templates.cfb import compound_file
from workbook_templates.vba_project import Module, compress, decrypt, encrypt, vba_project

XLWINGS_BAS = resources.files("xlwings").joinpath("xlwings.bas").read_bytes()


@pytest.mark.parametrize("data", [
    b"", b"a", b"Attribute VB_Name = \"M\"\r\n", b"abc" * 3000, bytes(10_000),
    XLWINGS_BAS,                                       # many chunks of real VBA
    random.Random(7).randbytes(8192),                  # incompressible: raw chunks
    XLWINGS_BAS[:4096] + random.Random(8).randbytes(4096) + XLWINGS_BAS[:1000],
], ids=["empty", "one", "attr", "repeat", "zeros", "xlwings.bas", "random", "mixed"])
def test_compression_round_trips_through_oletools(data):
    packed = compress(data)
    assert bytes(decompress_stream(bytearray(packed))) == data
    if len(data) > 4096 and data != data[:1] * len(data):
        assert len(packed) < len(data) * 1.01


def test_compression_compresses_source_text():
    assert len(compress(XLWINGS_BAS)) < len(XLWINGS_BAS) * 0.6


def test_decrypt_reads_what_excel_wrote():
    # PROJECT stream of xlwings' quickstart.xlsm, written by Excel.
    with zipfile.ZipFile(resources.files("xlwings").joinpath("quickstart.xlsm")) as z:
        ole = olefile.OleFileIO(io.BytesIO(z.read("xl/vbaProject.bin")))
    props = dict(line.split("=", 1) for line in ole.openstream("PROJECT").read().decode("cp1252").splitlines()
                 if "=" in line and not line.startswith("&H"))
    project_id = props["ID"].strip('"')
    key = sum(project_id.encode()) & 0xFF
    assert decrypt(props["CMG"].strip('"')) == (key, bytes(4))      # not protected
    assert decrypt(props["DPB"].strip('"')) == (key, b"\0")         # no password
    assert decrypt(props["GC"].strip('"')) == (key, b"\xff")        # visible


@pytest.mark.parametrize("seed", [0, 1, 2, 6, 7, 0xFF])
def test_encrypt_round_trips(seed):
    pid = "{E2E0E410-BF04-4DC5-BDD2-D3FBBA8B7D37}"
    assert decrypt(encrypt(b"\x12\x34\x56", pid, seed)) == (sum(pid.encode()) & 0xFF, b"\x12\x34\x56")


def test_compound_file_round_trips_through_olefile():
    rng = random.Random(3)
    streams = {"PROJECT": b"x" * 100, "VBA/dir": b"d" * 4095, "VBA/big": rng.randbytes(70_000),
               "VBA/exactly": b"e" * 4096, "empty": b""}
    streams.update({f"VBA/Sheet{i}": rng.randbytes(rng.randrange(1, 9000)) for i in range(1, 40)})
    ole = olefile.OleFileIO(compound_file(streams))
    found = {"/".join(p) for p in ole.listdir()}
    assert found == set(streams)
    for path, data in streams.items():
        assert ole.openstream(path).read() == data, path
    assert compound_file(streams) == compound_file(dict(reversed(list(streams.items())))), "deterministic"


def test_project_is_deterministic_and_rejects_duplicate_modules():
    mods = [Module("ThisWorkbook", kind="document"), Module("M", "Sub A()\nEnd Sub")]
    assert vba_project(mods) == vba_project(mods)
    with pytest.raises(AssertionError):
        vba_project(mods + [Module("m")])
