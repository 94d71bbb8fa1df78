"""The macro-enabled budget-holder workbook (``.xlsm``) for classic desktop Excel.

The same workbook as the ``.xlsx`` (every sheet, table, formula, check and the
``xlwings.conf`` sheet), plus a VBA project and two buttons, **Valider** and
**Opdater**, on the ``Bogføringer`` sheet. The buttons run the module
``ITBudget``'s subs, which call ``RunPython`` with the entry points in
``addin/desktop.py``.

``RunPython`` is the xlwings add-in's: the project references the add-in's VBA
project (named ``xlwings``) as a workbook made by ``xlwings quickstart`` does,
rather than embedding a copy of ``xlwings.bas``. An embedded copy would name
the xlwings DLL of the version on the machine that issued the workbook
(``xlwings64-<version>.dll``), so it would stop working on a PC with another
xlwings; the add-in installed on the PC (``xlwings addin install``) always
matches that PC's xlwings. The same reference lets xlwings' *Import Functions*
wrappers reach the add-in.

The VBA project is built from source here (:mod:`.vba_project`), so no Excel is
needed; it is handed to openpyxl the way openpyxl keeps the VBA parts of a
workbook it loaded with ``keep_vba``, and openpyxl writes the macro-enabled
content type, the ``vbaProject`` relationship and the sheet's legacy drawing.
"""

from __future__ import annotations

import functools
import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from itbudget.bookings import BOOKINGS_SHEET

from .vba_project import Module, ProjectReference, vba_project

#: Button caption -> (VBA sub, the Python it runs through RunPython).
MACROS = {
    "Valider": ("Valider", "import addin.desktop; addin.desktop.valider()"),
    "Opdater": ("Opdater", "import addin.desktop; addin.desktop.opdater()"),
}
MODULE_NAME = "ITBudget"
#: The xlwings add-in's VBA project. VBA finds a referenced project that is
#: already open by its name, as the add-in is from XLSTART; the file names are
#: where it looks otherwise.
XLWINGS_ADDIN = ProjectReference("xlwings", r"*\Cxlwings.xlam", r"*\Cxlwings.xlam")
VML_PATH = "xl/drawings/vmlDrawing1.vml"
#: Where the buttons sit: right of the Status/Besked columns, one under the other.
BUTTON_COLUMN = "O"
BUTTON_ROWS = (2, 4)
BUTTON_SIZE_PX = (128, 30)


def module_code() -> str:
    """The ``ITBudget`` module: one sub per button."""
    lines = ["Option Explicit", "",
             "' Buttons on the Bogfoeringer sheet. RunPython is the xlwings add-in's.", ""]
    for sub, command in MACROS.values():
        lines += [f"Sub {sub}()", f'    RunPython "{command}"', "End Sub", ""]
    return "\n".join(lines)


def vba_modules(wb: Workbook) -> list[Module]:
    """ThisWorkbook, one document module per sheet (by code name), and ``ITBudget``."""
    modules = [Module(wb.code_name, kind="document")]
    modules += [Module(ws.sheet_properties.codeName, kind="document") for ws in wb.worksheets]
    return modules + [Module(MODULE_NAME, module_code())]


def _column_px(ws, letter: str) -> int:
    width = ws.column_dimensions[letter].width if letter in ws.column_dimensions else None
    return 64 if not width else int(width * 7 + 0.5) + 5  # Excel's default font: 7 px a character


def buttons_vml(ws) -> str:
    """The legacy (VML) drawing with the form-control buttons, as Excel and xlsxwriter write it."""
    col = column_index_from_string(BUTTON_COLUMN) - 1
    left_px = sum(_column_px(ws, get_column_letter(c + 1)) for c in range(col))
    row_px = 20  # rows are 15 pt = 20 px
    width, height = BUTTON_SIZE_PX
    shapes = []
    for i, ((caption, (sub, _)), row) in enumerate(zip(MACROS.items(), BUTTON_ROWS)):
        top_px = (row - 1) * row_px
        # Anchor: from column, x offset, row, y offset, to column, x, row, y (0-based cells, px).
        end_col, end_x = col, width
        while end_x >= _column_px(ws, get_column_letter(end_col + 1)):
            end_x -= _column_px(ws, get_column_letter(end_col + 1))
            end_col += 1
        anchor = f"{col}, 0, {row - 1}, 0, {end_col}, {end_x}, {row - 1 + height // row_px}, {height % row_px}"
        shapes.append(
            f'<v:shape id="_x0000_s{1025 + i}" type="#_x0000_t201" style="position:absolute;'
            f"margin-left:{left_px * 0.75:g}pt;margin-top:{top_px * 0.75:g}pt;width:{width * 0.75:g}pt;"
            f'height:{height * 0.75:g}pt;z-index:{i + 1};mso-wrap-style:tight" o:button="t" '
            'fillcolor="buttonFace [67]" strokecolor="windowText [64]" o:insetmode="auto">'
            '<v:fill color2="buttonFace [67]" o:detectmouseclick="t"/><o:lock v:ext="edit" rotation="t"/>'
            '<v:textbox style="mso-direction-alt:auto" o:singleclick="f"><div style="text-align:center">'
            f'<font face="Calibri" size="220" color="#000000">{escape(caption)}</font></div></v:textbox>'
            f'<x:ClientData ObjectType="Button"><x:Anchor>{anchor}</x:Anchor>'
            "<x:PrintObject>False</x:PrintObject><x:AutoFill>False</x:AutoFill>"
            f"<x:FmlaMacro>[0]!{sub}</x:FmlaMacro><x:TextHAlign>Center</x:TextHAlign>"
            "<x:TextVAlign>Center</x:TextVAlign></x:ClientData></v:shape>")
    return ('<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:x="urn:schemas-microsoft-com:office:excel"><o:shapelayout v:ext="edit">'
            '<o:idmap v:ext="edit" data="1"/></o:shapelayout><v:shapetype id="_x0000_t201" '
            'coordsize="21600,21600" o:spt="201" path="m,l,21600r21600,l21600,xe">'
            '<v:stroke joinstyle="miter"/><v:path shadowok="f" o:extrusionok="f" strokeok="f" fillok="f" '
            'o:connecttype="rect"/><o:lock v:ext="edit" shapetype="t"/></v:shapetype>'
            + "".join(shapes) + "</xml>")


@functools.lru_cache(maxsize=4)
def _project_bin(modules: tuple[Module, ...]) -> bytes:
    # Every holder's workbook has the same sheets, so the same project: built once per process.
    return vba_project(list(modules), [XLWINGS_ADDIN])


_EMPTY_TYPES = '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
_EMPTY_RELS = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'


def make_macro_enabled(wb: Workbook) -> None:
    """Give ``wb`` code names, the VBA project and the buttons; ``wb.save`` then writes an ``.xlsm``."""
    wb.code_name = "ThisWorkbook"
    for i, ws in enumerate(wb.worksheets, start=1):
        ws.sheet_properties.codeName = f"Sheet{i}"
    bookings = wb[BOOKINGS_SHEET]
    parts = io.BytesIO()
    with zipfile.ZipFile(parts, "w") as z:
        # openpyxl reads these two from a kept VBA archive; empty ones add nothing.
        z.writestr("[Content_Types].xml", _EMPTY_TYPES)
        z.writestr("_rels/.rels", _EMPTY_RELS)
        z.writestr("xl/vbaProject.bin", _project_bin(tuple(vba_modules(wb))))
        z.writestr(VML_PATH, buttons_vml(bookings))
    wb.vba_archive = zipfile.ZipFile(parts)
    bookings.legacy_drawing = VML_PATH


def macro_file_name(xlsx_name: str) -> str:
    """``H03 Bakkeskolen.xlsx`` -> ``H03 Bakkeskolen.xlsm``."""
    return str(Path(xlsx_name).with_suffix(".xlsm"))
