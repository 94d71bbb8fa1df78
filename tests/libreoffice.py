"""LibreOffice in tests: recalculate a workbook for real, or render it to PDF/PNG.

LibreOffice keeps the cached values of an .xlsx by default, which would let a
test read back whatever the writer cached (openpyxl caches nothing). Each run
therefore uses a throwaway profile whose settings force "always recalculate"
on load (``OOXMLRecalcMode`` = 0).
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def convert(exe: str, source: Path, fmt: str, outdir: Path, timeout: int = 180) -> Path:
    """Convert ``source`` with soffice into ``outdir``; returns the converted file."""
    outdir.mkdir(parents=True, exist_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-"))
    try:
        (profile / "user").mkdir()
        (profile / "user" / "registrymodifications.xcu").write_text(_XCU, encoding="utf-8")
        proc = subprocess.run(
            [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(outdir), str(source)],
            capture_output=True, text=True, timeout=timeout)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    out = outdir / (source.stem + "." + fmt.split(":")[0])
    if proc.returncode != 0 or not out.exists():
        raise AssertionError(f"soffice failed ({proc.returncode}): {proc.stdout} {proc.stderr}")
    return out


def recalculate(exe: str, source: Path, outdir: Path) -> Path:
    """A copy of ``source`` as LibreOffice saves it after recalculating every formula."""
    return convert(exe, source, "xlsx", outdir)


def render_png(exe: str, source: Path, outdir: Path, dpi: int = 60) -> tuple[Path, list[Path]]:
    """Render to PDF with LibreOffice and the PDF's pages to PNG with pdftoppm."""
    pdf = convert(exe, source, "pdf", outdir)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(outdir / "page")],
                   check=True, capture_output=True, timeout=120)
    return pdf, sorted(outdir.glob("page*.png"))


def fill_bookings(source: Path, rows: list[list], target: Path, *, keep_vba: bool = False) -> Path:
    """Type bookings into an issued workbook's Bogføringer below the header, as openpyxl would."""
    import openpyxl

    wb = openpyxl.load_workbook(source, keep_vba=keep_vba)
    ws = wb["Bogføringer"]
    for i, row in enumerate(rows, start=2):
        for j, value in enumerate(row, start=1):
            if value is not None and value != "":
                ws.cell(row=i, column=j, value=value)
                if isinstance(value, str):
                    ws.cell(row=i, column=j).data_type = "s"
    wb.save(target)
    return target
