"""The macro-enabled holder workbook (``itbudget issue --xlsm``), read back without Excel.

Its parts are read by independent readers: olevba (oletools) and olefile for the
VBA project, ElementTree for the package, openpyxl with ``keep_vba`` for the
round trip, and LibreOffice, which imports the VBA project into its own Basic
library and binds the buttons to the subs it found.
"""

from __future__ import annotations

import json
import multiprocessing
import re
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

import olefile
import openpyxl
import pytest
from oletools.olevba import VBA_Parser, decompress_stream

from conftest import small_master_sheets
from libreoffice import convert, fill_bookings
from test_issue_roundtrip import ROWS, findings
from workbook_templates.holder_workbook import XLWINGS_CONF
from workbook_templates.macro_workbook import MACROS, MODULE_NAME, VML_PATH
from workbook_templates.stamdata import write_master_workbook

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/package/2006/relationships",
      "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
      "v": "urn:schemas-microsoft-com:vml", "x": "urn:schemas-microsoft-com:office:excel"}
REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def cli(*args):
    return subprocess.run([sys.executable, "-m", "itbudget.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def issued(tmp_path_factory):
    """Stamdata, and the same holders issued as .xlsx and as .xlsm."""
    root = tmp_path_factory.mktemp("macro")
    stam = write_master_workbook(small_master_sheets(), root / "Stamdata.xlsx")
    for args, folder in (((), "xlsx"), (("--xlsm",), "xlsm")):
        proc = cli("issue", stam, root / folder, *args)
        assert proc.returncode == 0, proc.stderr
    return stam, root / "xlsx", root / "xlsm"


def first(folder: Path) -> Path:
    return sorted(folder.iterdir())[0]


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def test_issue_xlsm_writes_macro_workbooks_instead_of_xlsx(issued):
    _, xlsx, xlsm = issued
    assert [p.suffix for p in sorted(xlsm.iterdir())] == [".xlsm", ".xlsm"]
    assert [p.stem for p in sorted(xlsm.iterdir())] == [p.stem for p in sorted(xlsx.iterdir())]
    help_text = cli("issue", "--help").stdout
    assert "--xlsm" in help_text and "makroaktiverede" in help_text


def test_package_is_macro_enabled_with_a_vba_project(issued):
    p = parts(first(issued[2]))
    types = ET.fromstring(p["[Content_Types].xml"])
    overrides = {o.get("PartName"): o.get("ContentType") for o in types.findall("ct:Override", NS)}
    defaults = {d.get("Extension"): d.get("ContentType") for d in types.findall("ct:Default", NS)}
    assert overrides["/xl/workbook.xml"] == "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    assert defaults["bin"] == "application/vnd.ms-office.vbaProject"
    assert defaults["vml"] == "application/vnd.openxmlformats-officedocument.vmlDrawing"
    rels = ET.fromstring(p["xl/_rels/workbook.xml.rels"])
    vba = [r for r in rels.findall("r:Relationship", NS) if r.get("Type").endswith("/vbaProject")]
    assert [r.get("Target") for r in vba] == ["vbaProject.bin"]
    assert olefile.isOleFile(p["xl/vbaProject.bin"])


def test_olevba_reads_the_modules_and_their_runpython_calls(issued):
    path = first(issued[2])
    parser = VBA_Parser(str(path))
    try:
        modules = {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()
    code = modules[f"{MODULE_NAME}.bas"]
    for sub, command in MACROS.values():
        assert re.search(rf'Sub {sub}\(\)\s*\r\n\s*RunPython "{re.escape(command)}"\s*\r\nEnd Sub', code)
    # One document module per sheet, named by the code names the workbook carries.
    workbook = ET.fromstring(parts(path)["xl/workbook.xml"])
    assert workbook.find("m:workbookPr", NS).get("codeName") == "ThisWorkbook"
    n_sheets = len(workbook.findall("m:sheets/m:sheet", NS))
    assert {f"Sheet{i}.cls" for i in range(1, n_sheets + 1)} | {"ThisWorkbook.cls"} <= set(modules)
    assert 'Attribute VB_Base = "0{00020819-0000-0000-C000-000000000046}"' in modules["ThisWorkbook.cls"]


def dir_records(vba_bin: bytes) -> list[tuple[int, bytes]]:
    ole = olefile.OleFileIO(vba_bin)
    data = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    out, i = [], 0
    while i < len(data):
        rid, size = struct.unpack_from("<HI", data, i)
        size = 6 if rid == 0x09 else size  # PROJECTVERSION's size field is a fixed 4
        out.append((rid, data[i + 6:i + 6 + size]))
        i += 6 + size
    return out


def test_source_only_project_references_the_xlwings_addin(issued):
    vba_bin = parts(first(issued[2]))["xl/vbaProject.bin"]
    records = dir_records(vba_bin)
    assert records[-1] == (0x10, b"")
    # REFERENCENAME "xlwings" then REFERENCEPROJECT naming the add-in's file.
    at = [i for i, (rid, body) in enumerate(records) if rid == 0x16 and body == b"xlwings"]
    assert at and records[at[0] + 2][0] == 0x0E
    ref = records[at[0] + 2][1]
    n_abs = struct.unpack_from("<I", ref)[0]
    assert ref[4:4 + n_abs].endswith(b"xlwings.xlam")
    # No compiled code: every module's source starts at offset 0, and the
    # _VBA_PROJECT stream is the 7-byte version-independent form.
    offsets = [struct.unpack("<I", body)[0] for rid, body in records if rid == 0x31]
    assert offsets and set(offsets) == {0}
    ole = olefile.OleFileIO(vba_bin)
    assert ole.openstream("VBA/_VBA_PROJECT").read()[:4] == bytes.fromhex("CC61FFFF")
    assert b"[Host Extender Info]" in ole.openstream("PROJECT").read()


def test_buttons_name_the_macros_on_the_bookings_sheet(issued):
    p = parts(first(issued[2]))
    sheet = ET.fromstring(p["xl/worksheets/sheet1.xml"])  # Bogføringer is the first sheet
    legacy = sheet.find("m:legacyDrawing", NS)
    rels = ET.fromstring(p["xl/worksheets/_rels/sheet1.xml.rels"])
    target = {r.get("Id"): r.get("Target") for r in rels.findall("r:Relationship", NS)}
    assert target[legacy.get(REL_NS + "id")] == "/" + VML_PATH
    vml = ET.fromstring(p[VML_PATH])
    buttons = []
    for shape in vml.findall("v:shape", NS):
        data = shape.find("x:ClientData", NS)
        caption = "".join(shape.find("v:textbox", NS).itertext())
        buttons.append((data.get("ObjectType"), caption, data.findtext("x:FmlaMacro", namespaces=NS)))
    assert buttons == [("Button", "Valider", "[0]!Valider"), ("Button", "Opdater", "[0]!Opdater")]


def strip_macro_parts(p: dict[str, bytes]) -> dict[str, bytes]:
    """A package less what makes it macro-enabled, to compare with the .xlsx."""
    out = {}
    for name, data in p.items():
        if name in ("xl/vbaProject.bin", VML_PATH, "[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
            continue
        text = data.decode("utf-8", "replace")
        text = re.sub(r' ?codeName="[^"]*"', "", text)
        text = re.sub(r"<legacyDrawing [^>]*/>", "", text)
        text = re.sub(r"<dcterms:(created|modified)[^<]*</dcterms:\1>", "", text)  # when it was saved
        text = re.sub(r'<Relationship [^>]*Id="anysvml" />', "", text)
        out[name] = text
    return out


def test_otherwise_the_same_workbook_as_the_xlsx(issued):
    _, xlsx, xlsm = issued
    for a, b in zip(sorted(xlsx.iterdir()), sorted(xlsm.iterdir())):
        plain, macro = parts(a), parts(b)
        assert set(macro) - set(plain) == {"xl/vbaProject.bin", VML_PATH}
        assert strip_macro_parts(macro) == strip_macro_parts(plain)
    wb = openpyxl.load_workbook(first(xlsm), keep_vba=True)
    conf = wb["xlwings.conf"]
    assert conf.sheet_state == "hidden"
    assert {r[0].value: r[1].value for r in conf.iter_rows()} == XLWINGS_CONF


def fill_keeping_vba(source: Path, rows: list[list], target: Path) -> Path:
    """Type bookings into the .xlsm with openpyxl, keeping its VBA (a holder's save)."""
    return fill_bookings(source, rows, target, keep_vba=True)


def test_openpyxl_keep_vba_round_trip_keeps_project_and_buttons(issued, tmp_path):
    source = first(issued[2])
    saved = fill_keeping_vba(source, ROWS, tmp_path / "udfyldt.xlsm")
    before, after = parts(source), parts(saved)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert after[VML_PATH] == before[VML_PATH]
    assert b"<legacyDrawing" in after["xl/worksheets/sheet1.xml"]
    assert b"macroEnabled.main+xml" in after["[Content_Types].xml"]


def test_validate_gives_the_same_findings_for_xlsm_and_xlsx(issued, tmp_path):
    _, xlsx, xlsm = issued
    plain = fill_bookings(first(xlsx), ROWS, tmp_path / "H1.xlsx")
    macro = fill_keeping_vba(first(xlsm), ROWS, tmp_path / "H1.xlsm")
    got_plain = cli("validate", plain, "--format", "json")
    got_macro = cli("validate", macro, "--format", "json")
    assert got_macro.returncode == got_plain.returncode == 1
    assert findings(got_macro) == findings(got_plain)
    assert len(findings(got_macro)) >= 12
    assert json.loads(got_macro.stdout)["rows"] == len(ROWS)


@pytest.mark.libreoffice
def test_libreoffice_imports_the_project_and_binds_the_buttons(issued, tmp_path, require_libreoffice):
    source = first(issued[2])
    ods = convert(require_libreoffice, source, "ods", tmp_path / "ods")
    with zipfile.ZipFile(ods) as z:
        module = z.read(f"Basic/VBAProject/{MODULE_NAME}.xml").decode()
        content = z.read("content.xml").decode()
    for sub, command in MACROS.values():
        assert f"Sub {sub}()" in module and command in module
        assert f"vnd.sun.star.script:VBAProject.{MODULE_NAME}.{sub}?" in content
    assert re.findall(r'form:label="(\w+)"', content)[:2] == ["Valider", "Opdater"]


@pytest.mark.libreoffice
def test_libreoffice_renders_the_buttons_beside_the_table(issued, tmp_path, require_libreoffice):
    # The buttons are not printed (as Excel's default); a copy that prints them shows where they sit.
    source = first(issued[2])
    printable = tmp_path / "knapper.xlsm"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(printable, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == VML_PATH:
                data = data.replace(b"<x:PrintObject>False", b"<x:PrintObject>True")
            out.writestr(name, data)
    pdf = convert(require_libreoffice, printable, "pdf", tmp_path / "pdf")
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext (poppler-utils) is needed with LibreOffice")
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                          capture_output=True, text=True, timeout=60).stdout
    header_line = next(line for line in text.splitlines() if "Bilag" in line)
    assert "Status" in header_line and "Besked" in header_line
    assert "Valider" in text and "Opdater" in text
    # Right of the table's last column, below the header row.
    lines = text.splitlines()
    valider = next(i for i, line in enumerate(lines) if "Valider" in line)
    assert valider > lines.index(header_line)
    assert lines[valider].index("Valider") > header_line.index("Besked")


def test_windows_steps_use_the_issued_xlsm_not_buttons_by_hand():
    text = (Path(__file__).parent.parent / "docs" / "addin.md").read_text(encoding="utf-8")
    section = text.split("## Classic desktop Excel (Windows)", 1)[1].split("\n## ", 1)[0]
    assert "itbudget issue Stamdata.xlsx udsendt --xlsm" in section
    assert "Developer > Insert > Button" not in section and "Save As" not in section
    assert "Macro policy for the `.xlsm`" in section


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                    reason="nine workbooks are written in process where workers spawn")
def test_worker_processes_write_the_same_xlsm(tmp_path, pool_calls):
    from conftest import many_holders_sheets, workbook_parts
    from itbudget.master import master_from_rows
    from workbook_templates import holder_workbook as hw

    master = master_from_rows(many_holders_sheets(9))
    serial = hw.issue_workbooks(master, tmp_path / "serial", master_date="01-12-2025", workers=1, macros=True)
    pooled = hw.issue_workbooks(master, tmp_path / "pool", master_date="01-12-2025", workers=2, macros=True)
    assert len(pool_calls) == 1 and pool_calls[0] == pooled
    assert [p.name for p in pooled] == [p.name for p in serial] and all(p.suffix == ".xlsm" for p in pooled)
    for s, p in zip(serial, pooled):
        assert workbook_parts(p) == workbook_parts(s), p.name
