"""The bad-input corpus: small generator functions, one per hostile or broken input.

Every entry writes one file into a folder and returns its path; nothing binary
is committed, each file is made here by code. Entries have a *role*, which
says which commands read them (``tests/test_robust_corpus.py`` runs every
command that takes the role):

- ``file``: a broken file of any workbook kind; used as a bookings workbook,
  as master data and as a project form.
- ``bookings``: a readable-or-not bookings workbook or CSV export.
- ``master``: a master data (stamdata) workbook.
- ``invoice``: an OIOUBL e-invoice (XML).

``expect`` is ``"unusable"`` (the file cannot be used: exit 2 where it is the
command's main input, an ``unreadable`` file in a consolidation), or
``"findings"``/``"clean"`` (readable; the bad values become findings, exit 1,
or are read correctly, exit 0). ``mentions`` are words the message must
contain besides the file name (the sheet, the row) when a command reads the
entry in its own role (a ``file`` entry: as bookings).

Files that would be big (oversized files, a booking on row 900,000, a zip
bomb) stay small on disk and in memory: sparse files, openpyxl's sparse
cells, and a highly compressible part written to the zip in streamed chunks.
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import openpyxl
import xlsxwriter

from conftest import EAN_H1, booking, small_master_sheets, write_workbook
from itbudget.bookings import BOOKING_HEADERS
from itbudget.demo.invoices import invoice_xml

HEADER = list(BOOKING_HEADERS)
#: Larger than every reader's size cap (reading.MAX_FILE_BYTES = 256 MB, invoices 20 MB).
OVERSIZED_BYTES = 300 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    """One corpus entry: how to make it, who reads it, and what must come back."""

    name: str
    role: str
    make: Callable[[Path], Path]
    expect: str = "unusable"
    mentions: tuple[str, ...] = ()
    doc: str = field(default="", compare=False)
    suffix: str = ".xlsx"


CORPUS: list[Entry] = []


def entry(role: str, expect: str = "unusable", mentions: tuple[str, ...] = (), suffix: str = ".xlsx"):
    """Register a generator; its docstring says what the input simulates."""
    def register(fn: Callable[[Path], Path]) -> Callable[[Path], Path]:
        CORPUS.append(Entry(fn.__name__, role, fn, expect, mentions, (fn.__doc__ or "").strip(), suffix))
        return fn
    return register


# --------------------------------------------------------------------------- good inputs

def good_master(folder: Path) -> Path:
    """The small test municipality's master data (conftest.small_master_sheets)."""
    return write_workbook(folder / "stamdata.xlsx", small_master_sheets())


def good_bookings(folder: Path, name: str = "bogføringer.xlsx") -> Path:
    """Three clean bookings on cost centre 1001, account 2210 (within its budget)."""
    return write_workbook(folder / name, {"Bogføringer": [HEADER] + [
        booking(Bilag=str(i), Beløb=10 * i) for i in (1, 2, 3)]})


def good_invoice(folder: Path, name: str = "faktura.xml") -> Path:
    """A clean OIOUBL invoice to holder H1's EAN."""
    path = folder / name
    path.write_bytes(invoice_xml(kind="Invoice", number="F-1", issued=dt.date(2026, 3, 1),
                                 supplier="Kontorland A/S", buyer_ean=EAN_H1, cost_centre="1001",
                                 text="Toner", net_ore=10_000))
    return path


def _bookings_book(folder: Path, name: str, rows: list[list], header: list | None = None) -> Path:
    return write_workbook(folder / name, {"Bogføringer": [header or HEADER] + rows})


def _sparse(path: Path, size: int, head: bytes = b"") -> Path:
    """A file of ``size`` bytes that takes no disk space beyond ``head``."""
    with path.open("wb") as fh:
        fh.write(head)
        fh.truncate(size)
    return path


def compound_file(streams: dict[str, bytes]) -> bytes:
    """A minimal OLE2 compound file (CFB v3, 512-byte sectors) holding ``streams``.

    The container of legacy .xls files and of password-protected .xlsx files
    (an ``EncryptionInfo`` and an ``EncryptedPackage`` stream). Streams are
    padded to 4096 bytes so none lives in the mini stream; one FAT sector.
    """
    sect, end, fatsect, free = 512, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    names = list(streams)
    datas = [streams[n].ljust(4096, b"\0") for n in names]
    n_dir = -(-(len(names) + 1) // 4)
    fat = [fatsect] + [*range(2, 1 + n_dir), end]      # sector 0: FAT; 1..n_dir: directory
    starts, next_free = [], 1 + n_dir
    for d in datas:
        n = -(-len(d) // sect)
        starts.append(next_free)
        fat += [*range(next_free + 1, next_free + n), end]
        next_free += n
    assert len(fat) <= sect // 4, "compound_file is for small streams only"
    fat += [free] * (sect // 4 - len(fat))

    def dir_entry(name: str, kind: int, child: int, right: int, start: int, size: int) -> bytes:
        raw = name.encode("utf-16-le") + b"\0\0"
        return struct.pack("<64sHBBIII16sIQQIQ", raw, len(raw), kind, 1, free, right, child,
                           b"\0" * 16, 0, 0, 0, start, size)

    entries = [dir_entry("Root Entry", 5, 1 if names else free, free, end, 0)]
    for i, (n, d) in enumerate(zip(names, datas), start=1):
        entries.append(dir_entry(n, 2, free, i + 1 if i < len(names) else free, starts[i - 1], len(d)))
    while len(entries) % 4:
        entries.append(struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, free, free, free,
                                   b"\0" * 16, 0, 0, 0, 0, 0))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16,
                         0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<109I", 0, *([free] * 108))
    body = struct.pack(f"<{sect // 4}I", *fat) + b"".join(entries) + b"".join(
        d.ljust(-(-len(d) // sect) * sect, b"\0") for d in datas)
    return header + body


# --------------------------------------------------------------------------- broken files of any kind

@entry("file")
def empty_file(folder: Path) -> Path:
    """A zero-byte .xlsx: a save that failed, or a mail attachment cut off."""
    path = folder / "tom.xlsx"
    path.write_bytes(b"")
    return path


@entry("file")
def truncated_xlsx(folder: Path) -> Path:
    """A real workbook cut off in the middle (an interrupted copy to a network drive)."""
    good = good_bookings(folder, "hel.xlsx").read_bytes()
    (folder / "hel.xlsx").unlink()
    path = folder / "afkortet.xlsx"
    path.write_bytes(good[: len(good) // 2])
    return path


@entry("file")
def random_bytes(folder: Path) -> Path:
    """8 KB of random bytes named .xlsx (a corrupted file)."""
    path = folder / "tilfældig.xlsx"
    path.write_bytes(random.Random(8).randbytes(8192))
    return path


@entry("file")
def html_named_xlsx(folder: Path) -> Path:
    """An HTML page saved as .xlsx (a web report 'exported to Excel')."""
    path = folder / "rapport.xlsx"
    path.write_text("<html><body><table><tr><td>Dato</td><td>Beløb</td></tr></table></body></html>",
                    encoding="utf-8")
    return path


@entry("file", mentions=("adgangskode",))
def encrypted_xlsx(folder: Path) -> Path:
    """A password-protected workbook: an OLE compound file with EncryptionInfo/EncryptedPackage."""
    path = folder / "krypteret.xlsx"
    path.write_bytes(compound_file({"EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00",
                                    "EncryptedPackage": random.Random(1).randbytes(5000)}))
    return path


@entry("file", suffix=".xls")
def legacy_xls_broken(folder: Path) -> Path:
    """A legacy .xls (BIFF8 in an OLE file) whose Workbook stream is cut off after the BOF record."""
    path = folder / "gammel.xls"
    bof = struct.pack("<HHHHHHII", 0x0809, 16, 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)
    path.write_bytes(compound_file({"Workbook": bof + b"\x3c\x00\xff\xff"}))
    return path


@entry("file", suffix=".xls")
def ole_without_workbook(folder: Path) -> Path:
    """An OLE compound file with no workbook at all (a Word document renamed .xls)."""
    path = folder / "dokument.xls"
    path.write_bytes(compound_file({"WordDocument": b"\xec\xa5" + b"\0" * 100}))
    return path


@entry("file")
def zip_without_workbook(folder: Path) -> Path:
    """A valid zip with no workbook parts (a zipped folder renamed .xlsx)."""
    path = folder / "arkiv.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("noter.txt", "ikke en projektmappe")
    return path


@entry("file", mentions=("afvises som mistænkelig",))
def zip_bomb_part(folder: Path) -> Path:
    """An .xlsx whose sheet part inflates to 200 MB from ~200 KB (a zip bomb).

    The part is written in streamed chunks, so making it needs little memory.
    """
    src = good_bookings(folder, "kilde.xlsx")
    path = folder / "zipbombe.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with zout.open(info.filename, "w", force_zip64=True) as part:
                    part.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                               b'spreadsheetml/2006/main"><sheetData>')
                    chunk = b" " * (1 << 20)
                    for _ in range(200):
                        part.write(chunk)
                    part.write(b"</sheetData></worksheet>")
            else:
                zout.writestr(info, zin.read(info.filename))
    src.unlink()
    return path


@entry("file", mentions=("declared uncompressed size",))
def zip_bomb_lying_sizes(folder: Path) -> Path:
    """A zip bomb whose headers claim the sheet part is small: it inflates to 200 MB anyway."""
    path = zip_bomb_part(folder)
    data = bytearray(path.read_bytes())
    # Rewrite every declared uncompressed size of that part (local header, zip64
    # extra fields and central directory) to 1 KB.
    name = b"xl/worksheets/sheet1.xml"
    real = 200 * (1 << 20) + 140
    lo, hi = real - 1000, real + 1000
    for fmt, width in (("<Q", 8), ("<I", 4)):
        for i in range(len(data) - width):
            v = struct.unpack_from(fmt, data, i)[0]
            if lo <= v <= hi:
                struct.pack_into(fmt, data, i, 1024)
    assert name in data
    out = folder / "zipbombe_løgn.xlsx"
    out.write_bytes(bytes(data))
    path.unlink()
    return out


@entry("file", mentions=("afvises som mistænkelig",), suffix=".ods")
def zip_bomb_ods(folder: Path) -> Path:
    """An OpenDocument spreadsheet (.ods, also a zip) whose content.xml inflates to 100 MB of text."""
    path = folder / "zipbombe.ods"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry '
                   'manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.'
                   'spreadsheet"/></manifest:manifest>')
        with z.open("content.xml", "w", force_zip64=True) as part:
            part.write(b'<?xml version="1.0"?><office:document-content xmlns:office="urn:oasis:names:'
                       b'tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:'
                       b'xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
                       b'<office:body><office:spreadsheet><table:table table:name="Bogf\xc3\xb8ringer">'
                       b"<table:table-row><table:table-cell><text:p>")
            chunk = b"x" * (1 << 20)
            for _ in range(100):
                part.write(chunk)
            part.write(b"</text:p></table:table-cell></table:table-row></table:table>"
                       b"</office:spreadsheet></office:body></office:document-content>")
    return path


@entry("file")
def entity_bomb_xlsx(folder: Path) -> Path:
    """An .xlsx whose shared strings carry a 'billion laughs' DTD (an XML entity bomb)."""
    src = good_bookings(folder, "kilde.xlsx")
    path = folder / "entitetsbombe.xlsx"
    ents = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">'
                                         for i in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE sst [{ents}]>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
            'uniqueCount="1"><si><t>&a9;</t></si></sst>')
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/workbook.xml":
                data = data.replace(b"?>", b"?>" + f"<!DOCTYPE w [{ents}]>".encode(), 1)
            zout.writestr(info, data)
        zout.writestr("xl/sharedStrings.xml", bomb)
    src.unlink()
    return path


@entry("file", mentions=("for stor",))
def oversized_xlsx(folder: Path) -> Path:
    """A 300 MB .xlsx (sparse on disk): larger than any real budget workbook."""
    return _sparse(folder / "kæmpe.xlsx", OVERSIZED_BYTES, b"PK\x03\x04")


@entry("file", mentions=("Ark1", "Dato"))
def missing_sheets(folder: Path) -> Path:
    """A workbook with only an unrelated sheet (the wrong file sent back)."""
    return write_workbook(folder / "forkert.xlsx", {"Ark1": [["Navn", "Telefon"], ["Anna", "1234"]]})


# --------------------------------------------------------------------------- bookings

@entry("bookings", mentions=("Bogføringer", "række 1", "Omkostningssted"))
def misspelled_header(folder: Path) -> Path:
    """'Omkostningssted' misspelled 'Omkostnigssted' in the header row."""
    header = ["Omkostnigssted" if h == "Omkostningssted" else h for h in HEADER]
    return _bookings_book(folder, "stavefejl.xlsx", [booking()], header)


@entry("bookings", mentions=("Bogføringer", "række 1", "Beløb"))
def duplicated_header(folder: Path) -> Path:
    """Two columns headed 'Beløb' (a pasted export with a second amount column)."""
    return _bookings_book(folder, "dobbelt.xlsx", [booking() + [5]], HEADER + ["Beløb"])


@entry("bookings", mentions=("Bogføringer",))
def no_header_row(folder: Path) -> Path:
    """Bookings pasted without their header row."""
    return write_workbook(folder / "uden_overskrift.xlsx",
                          {"Bogføringer": [booking(), booking(Beløb=5)]})


@entry("bookings", "findings", mentions=("række 2", "række 3", "række 4", "ITB001"))
def error_cells(folder: Path) -> Path:
    """Excel error cells (#REF!, #N/A, #DIV/0!) where dates, accounts and amounts belong."""
    path = _bookings_book(folder, "fejlceller.xlsx", [booking(), booking(), booking()])
    wb = openpyxl.load_workbook(path)
    ws = wb["Bogføringer"]
    for ref, err in (("B2", "#REF!"), ("E3", "#N/A"), ("D4", "#DIV/0!"), ("E4", "#VALUE!")):
        ws[ref].value = err
        ws[ref].data_type = "e"
    wb.save(path)
    return path


@entry("bookings", "clean")
def danish_text_dates(folder: Path) -> Path:
    """Dates typed as text in every Danish form: 01-03-2026, 1.3.2026, 1/3/26, 1. marts 2026 ..."""
    forms = ["01-03-2026", "1-3-2026", "1.3.2026", "01.03.2026", "01/03/2026", "1/3/26", "01-03-26",
             "2026-03-01", "2026-03-01 00:00:00", "1. marts 2026", "1 mar 2026", "1. Marts 2026",
             " 01-03-2026 ", 46082]  # the last: an Excel serial typed without a date format
    return _bookings_book(folder, "datoer.xlsx", [booking(Dato=d, Beløb=1) for d in forms])


@entry("bookings", "clean")
def danish_text_amounts(folder: Path) -> Path:
    """Amounts as text in every Danish form: 1.234,50, 1 234,50 kr., 1.234,50-, (1.234,50), kr. 12,50 ...

    Credit notes come first so the line's running total stays within its budget.
    """
    forms = ["-1.234,50", "1.234,50-", "(1.234,50)", "kr. -1.234,50", "-1234,50 kr.", "-1.234",
             "1.234,50", "1234,5", "1 234,50", "1\u00a0234,50", "1.234,50 kr.", "1.234",
             "12,50 DKK", "+25,00", "0,01", "100.50", "kr. 12,50", "1,00", " 2,00 "]
    return _bookings_book(folder, "beløb.xlsx", [booking(Beløb=a) for a in forms])


@entry("bookings", "findings", mentions=("række 2", "række 3", "række 4", "række 5", "ITB001"))
def impossible_dates(folder: Path) -> Path:
    """Dates that do not exist: 31-02-2026, 29-02-2026, 00-01-2026, 2026-13-01."""
    return _bookings_book(folder, "umulige_datoer.xlsx",
                          [booking(Dato=d) for d in ("31-02-2026", "29-02-2026", "00-01-2026", "2026-13-01")])


@entry("bookings", "findings", mentions=("række 2", "række 3", "række 4", "ITB001"))
def huge_amounts(folder: Path) -> Path:
    """Absurd amounts: 1e15 kr., 99 trillion as text, 1e308 (int64 overflow if trusted)."""
    return _bookings_book(folder, "kæmpebeløb.xlsx", [booking(Beløb=v) for v in
                                                       (1e15, "99.999.999.999.999,00", 1e308)])


def panicking_cell(path: Path, number_format: str) -> Path:
    """A bookings workbook whose second booking's Dato is -10^15 in ``number_format``: calamine panics on it."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Bogføringer"
    for row in (HEADER, booking(Bilag="1"), booking(Bilag="2", Dato=-1e15)):
        ws.append(row)
    ws.cell(row=3, column=HEADER.index("Dato") + 1).number_format = number_format
    wb.save(path)
    return path


@entry("bookings", mentions=("Bogføringer",))
def huge_duration(folder: Path) -> Path:
    """A duration cell ([h]:mm:ss) of minus 10^15 days: python-calamine panics (a Rust panic, not an error)."""
    return panicking_cell(folder / "varighed.xlsx", "[h]:mm:ss")


@entry("bookings", mentions=("Bogføringer",))
def huge_time(folder: Path) -> Path:
    """A time cell (tt:mm:ss) of minus 10^15 days: fastexcel and python-calamine both panic."""
    return panicking_cell(folder / "klokkeslæt.xlsx", "hh:mm:ss")


@entry("bookings", "findings", mentions=("linje 2", "linje 3", "linje 4", "ITB001"))
def nan_amounts_csv(folder: Path) -> Path:
    """A CSV export with NaN, inf and -inf as amounts (a script's float output)."""
    path = folder / "nan.csv"
    lines = [";".join(HEADER)] + [";".join(str(v) for v in booking(Beløb=a)) for a in ("NaN", "inf", "-inf")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@entry("bookings", "findings", mentions=("række 2", "række 3", "ITB001"))
def sub_ore_amounts(folder: Path) -> Path:
    """Amounts with fractions of an øre: 100,005 as text and 0.001 as a number."""
    return _bookings_book(folder, "underøre.xlsx", [booking(Beløb=a) for a in ("100,005", 0.001)])


@entry("bookings", "findings", mentions=("Bogføringer", "række 900000", "ITB004"))
def far_down_sparse(folder: Path) -> Path:
    """One booking on row 900,000 of an otherwise empty sheet (an unknown account, so it is reported)."""
    path = _bookings_book(folder, "langt_nede.xlsx", [booking(Bilag="1")])
    wb = openpyxl.load_workbook(path)
    ws = wb["Bogføringer"]
    for j, v in enumerate(booking(Bilag="2", Konto="9999"), start=1):
        if v != "":
            ws.cell(row=900_000, column=j, value=v)
    wb.save(path)
    return path


@entry("bookings", "findings", mentions=("række 2", "ITB001"))
def formulas_without_cache(folder: Path) -> Path:
    """Formulas where the amount and date belong, saved by a tool that stores no cached value."""
    path = _bookings_book(folder, "formler.xlsx", [booking(Beløb="=10*2", Dato="=DATE(2026,3,1)"),
                                                   booking(Beløb=5)])
    wb = openpyxl.load_workbook(path)  # openpyxl writes formulas without a cached value
    wb.save(path)
    return path


@entry("bookings", "clean")
def formulas_with_cache(folder: Path) -> Path:
    """Formulas for amount and date with the values Excel cached when it saved the file."""
    path = folder / "formler_cache.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Bogføringer")
    for j, h in enumerate(HEADER):
        ws.write_string(0, j, h)
    row = booking(Bilag="1")
    for j, v in enumerate(row):
        if isinstance(v, str) and v:
            ws.write_string(1, j, v)
    ws.write_formula(1, 1, "=DATE(2026,3,1)", wb.add_format({"num_format": "dd-mm-yyyy"}), 46082)
    ws.write_formula(1, 4, "=10*2", None, 20)
    wb.close()
    return path


@entry("bookings", mentions=())
def csv_binary(folder: Path) -> Path:
    """A CSV file that holds binary data (a workbook renamed .csv)."""
    path = folder / "binær.csv"
    path.write_bytes(good_bookings(folder, "x.xlsx").read_bytes())
    (folder / "x.xlsx").unlink()
    return path


@entry("bookings", mentions=("Omkostningssted",))
def csv_wrong_separator(folder: Path) -> Path:
    """A CSV export whose header is one unsplittable field (colon separated)."""
    path = folder / "kolon.csv"
    path.write_text(":".join(HEADER) + "\n" + ":".join(map(str, booking())) + "\n", encoding="utf-8")
    return path


@entry("bookings", mentions=("linje",))
def csv_huge_field(folder: Path) -> Path:
    """A CSV with an unterminated quote swallowing 200,000 characters (beyond the csv field limit)."""
    path = folder / "citat.csv"
    path.write_text(";".join(HEADER) + '\n"' + "x" * 200_000 + "\n", encoding="utf-8")
    return path


@entry("bookings", "clean")
def csv_cp1252_crlf(folder: Path) -> Path:
    """A Windows export: cp1252 (æøå), CRLF, decimal comma, Danish dates."""
    path = folder / "eksport_cp1252.csv"
    rows = [";".join(HEADER)] + [f"{i};0{i}-03-2026;1001;2210;{a};Kørsel æøå;Leverandør ÆØÅ;;;"
                                 for i, a in ((1, "10,50"), (2, "1.000,00-"))]
    path.write_bytes("\r\n".join(rows).encode("cp1252") + b"\r\n")
    return path


@entry("bookings", "clean")
def csv_utf16(folder: Path) -> Path:
    """A UTF-16 'Unicode text' export from Excel: BOM, tab separated."""
    path = folder / "unicode.csv"
    rows = ["\t".join(HEADER), "\t".join(["1", "01-03-2026", "1001", "2210", "12,50", "Øl", "", "", "", ""])]
    path.write_bytes("\r\n".join(rows).encode("utf-16"))
    return path


@entry("bookings", "clean")
def csv_only_header(folder: Path) -> Path:
    """A CSV export with its header and no bookings (an empty month)."""
    path = folder / "tom_måned.csv"
    path.write_text(";".join(HEADER) + "\n", encoding="utf-8")
    return path


@entry("bookings")
def csv_empty_bom(folder: Path) -> Path:
    """A CSV that holds only a UTF-8 byte order mark."""
    path = folder / "kun_bom.csv"
    path.write_bytes(b"\xef\xbb\xbf")
    return path


@entry("bookings")
def csv_oversized(folder: Path) -> Path:
    """A 300 MB CSV (sparse on disk)."""
    return _sparse(folder / "kæmpe.csv", OVERSIZED_BYTES, (";".join(HEADER) + "\n").encode())


# --------------------------------------------------------------------------- master data

def _master(folder: Path, name: str, **overrides) -> Path:
    sheets = small_master_sheets(**{k: v for k, v in overrides.items() if v is not None})
    for k, v in overrides.items():
        if v is None:
            del sheets[k]
    return write_workbook(folder / name, sheets)


@entry("master", mentions=("Kontoplan",))
def master_missing_sheet(folder: Path) -> Path:
    """Stamdata without the Kontoplan sheet."""
    return _master(folder, "stamdata_uden_kontoplan.xlsx", Kontoplan=None)


@entry("master", mentions=("Budget", "Budget'"))
def master_misspelled_header(folder: Path) -> Path:
    """Stamdata whose Budget sheet has 'Budgett' for 'Budget'."""
    rows = small_master_sheets()["Budget"]
    return _master(folder, "stamdata_stavefejl.xlsx", Budget=[["Omkostningssted", "Konto", "Budgett"]] + rows[1:])


@entry("master", mentions=("Aftaleholdere", "Navn"))
def master_duplicated_header(folder: Path) -> Path:
    """Stamdata whose Aftaleholdere sheet has two 'Navn' columns."""
    rows = small_master_sheets()["Aftaleholdere"]
    return _master(folder, "stamdata_dobbelt.xlsx",
                   Aftaleholdere=[rows[0] + ["Navn"]] + [r + ["x"] for r in rows[1:]])


@entry("master", mentions=("Budget", "række 3"))
def master_error_cell(folder: Path) -> Path:
    """Stamdata with a #REF! error cell as a budget amount."""
    path = _master(folder, "stamdata_ref.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["Budget"]["C3"].value = "#REF!"
    wb["Budget"]["C3"].data_type = "e"
    wb.save(path)
    return path


@entry("master", mentions=("Projektskemaer", "række 2", "31-02-2026"))
def master_impossible_date(folder: Path) -> Path:
    """Stamdata with an approval dated 31-02-2026."""
    rows = [list(r) for r in small_master_sheets()["Projektskemaer"]]
    rows[1][4] = "31-02-2026"
    return _master(folder, "stamdata_dato.xlsx", Projektskemaer=rows)


@entry("master", mentions=("Centrale budgetter", "række 2", "række 3"))
def master_nan_and_huge(folder: Path) -> Path:
    """Stamdata with 'NaN' and 1e300 as central budgets."""
    rows = [list(r) for r in small_master_sheets()["Centrale budgetter"]]
    rows[1][2], rows[2][2] = "NaN", 1e300
    return _master(folder, "stamdata_nan.xlsx", **{"Centrale budgetter": rows})


@entry("master", mentions=("Aftaleholdere", "række 3", "H1"))
def master_duplicate_holder(folder: Path) -> Path:
    """Stamdata with the same Aftaleholder id on two rows."""
    rows = [list(r) for r in small_master_sheets()["Aftaleholdere"]]
    rows[2][0] = "H1"
    return _master(folder, "stamdata_dublet.xlsx", Aftaleholdere=rows)


@entry("master", mentions=("Indstillinger", "Budgetår"))
def master_text_year(folder: Path) -> Path:
    """Stamdata whose Budgetår is 'tyvetyveseks'."""
    return _master(folder, "stamdata_år.xlsx", Indstillinger=[["Nøgle", "Værdi"], ["Budgetår", "tyvetyveseks"]])


# --------------------------------------------------------------------------- e-invoices

def good_invoice_bytes() -> bytes:
    return invoice_xml(kind="Invoice", number="F-1", issued=dt.date(2026, 3, 1), supplier="Kontorland A/S",
                       buyer_ean=EAN_H1, cost_centre="1001", text="Toner", net_ore=10_000)


@entry("invoice", mentions=("ITB014",))
def invoice_empty(folder: Path) -> Path:
    """An empty .xml file."""
    path = folder / "tom_faktura.xml"
    path.write_bytes(b"")
    return path


@entry("invoice", mentions=("ITB014",))
def invoice_truncated(folder: Path) -> Path:
    """An e-invoice cut off in the middle (an interrupted download)."""
    path = folder / "afkortet_faktura.xml"
    data = good_invoice_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


@entry("invoice", mentions=("ITB014",))
def invoice_random_bytes(folder: Path) -> Path:
    """Random bytes named .xml."""
    path = folder / "støj.xml"
    path.write_bytes(random.Random(3).randbytes(4096))
    return path


@entry("invoice", mentions=("ITB014",))
def invoice_entity_bomb(folder: Path) -> Path:
    """An invoice with a 'billion laughs' DTD in front of it."""
    ents = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">'
                                         for i in range(1, 10))
    body = good_invoice_bytes().decode("utf-8").split("?>", 1)[1].replace("Toner", "&a9;")
    path = folder / "latterbombe.xml"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE Invoice [{ents}]>{body}', encoding="utf-8")
    return path


@entry("invoice", mentions=("ITB014",))
def invoice_external_entity(folder: Path) -> Path:
    """An invoice with an external entity pointing at /etc/passwd (XXE)."""
    body = good_invoice_bytes().decode("utf-8").split("?>", 1)[1].replace("Toner", "&x;")
    path = folder / "xxe.xml"
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE Invoice [<!ENTITY x SYSTEM "file:///etc/passwd">]>{body}',
                    encoding="utf-8")
    return path


@entry("invoice", mentions=("ITB014",))
def invoice_oversized(folder: Path) -> Path:
    """A 300 MB .xml (sparse on disk)."""
    return _sparse(folder / "kæmpe_faktura.xml", OVERSIZED_BYTES, b"<?xml version='1.0'?>")


@entry("invoice", mentions=("ITB014",))
def invoice_wrong_root(folder: Path) -> Path:
    """An XML file that is an order, not an invoice."""
    path = folder / "ordre.xml"
    path.write_text('<?xml version="1.0"?><Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2">'
                    "<ID>1</ID></Order>", encoding="utf-8")
    return path


@entry("invoice", mentions=("ITB012",))
def invoice_nan_and_huge_amounts(folder: Path) -> Path:
    """An invoice whose payable amount is NaN and whose line is 1e400."""
    data = good_invoice_bytes().decode("utf-8")
    data = data.replace(">125.00</cbc:PayableAmount>", ">NaN</cbc:PayableAmount>")
    data = data.replace(">100.00</cbc:LineExtensionAmount>", ">1e400</cbc:LineExtensionAmount>", 1)
    assert "NaN" in data and "1e400" in data
    path = folder / "nan_faktura.xml"
    path.write_text(data, encoding="utf-8")
    return path


@entry("invoice", mentions=("ITB012",))
def invoice_sub_ore(folder: Path) -> Path:
    """An invoice with amounts in tenths of an øre that do not add up (100.004 + 25.004 = 125.02)."""
    data = good_invoice_bytes().decode("utf-8").replace(">125.00</cbc:PayableAmount>", ">125.02</cbc:PayableAmount>")
    data = data.replace(">100.00<", ">100.004<").replace(">25.00<", ">25.004<")
    path = folder / "underøre_faktura.xml"
    path.write_text(data, encoding="utf-8")
    return path


@entry("invoice", mentions=("ITB014",))
def invoice_impossible_date(folder: Path) -> Path:
    """An invoice dated 2026-02-31."""
    data = good_invoice_bytes().decode("utf-8").replace("2026-03-01", "2026-02-31")
    path = folder / "dato_faktura.xml"
    path.write_text(data, encoding="utf-8")
    return path


def by_role(*roles: str) -> list[Entry]:
    return [e for e in CORPUS if e.role in roles]
