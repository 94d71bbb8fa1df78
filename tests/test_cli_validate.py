"""``itbudget validate`` as a user runs it: JSON shape, exit codes, Danish messages, CSV dialects."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys

import pytest
from conftest import EAN_H1, small_master_sheets, write_workbook

HEADER = ["Bilag", "Dato", "Omkostningssted", "Konto", "Beløb", "Tekst", "Leverandør",
          "Fakturanr", "EAN", "Projektnr"]
# (voucher, date, cost centre, account, amount in øre or raw text, text, supplier, invoice, EAN)
SCENARIO = [
    ("1", dt.date(2026, 3, 1), "1001", "2210", 60000, "Bærbar pc", "Atea A/S", "F100", EAN_H1),
    ("2", dt.date(2026, 3, 2), "1001", "2210", 40001, "Skærm", "Dustin A/S", "F200", EAN_H1),
    ("3", dt.date(2026, 3, 3), "1001", "2220", 123450, "Licens, årlig", "Ærø Data ApS", "F300", EAN_H1),
    ("4", dt.date(2026, 3, 4), "1001", "2220", -23450, "Kreditnota", "Ærø Data ApS", "K300", EAN_H1),
    ("5", dt.date(2026, 3, 5), "9999", "2210", 1000, "Mus", "", "", ""),
    ("6", dt.date(2026, 3, 6), "1001", "2210", "12,345", "Tastatur", "", "", ""),
    ("7", dt.date(2026, 3, 7), "1001", "2220", 100, "Licens igen", "ÆRØ DATA APS", "F300", EAN_H1),
]
# (row, rule, severity): CSV line numbers, header on line 1.
EXPECTED_FINDINGS = [(3, "ITB006", "error"), (4, "ITB006", "warning"), (6, "ITB003", "error"),
                     (7, "ITB001", "error"), (8, "ITB006", "warning"), (8, "ITB011", "warning")]
EXPECTED_LINES = {
    ("1001", "2210", ""): ("1000.00", "1000.01", "-0.01", "0.01"),
    ("1001", "2220", ""): ("500.00", "1001.00", "-501.00", "735.50"),
    ("1001", "2250", ""): ("10000.00", "0.00", "10000.00", "0.00"),
    ("2001", "2210", ""): ("2000.00", "0.00", "2000.00", "0.00"),
    ("", "", "TEL"): ("3000.00", "0.00", "3000.00", "0.00"),
    ("", "", "DRIFT"): ("5000.00", "0.00", "5000.00", "0.00"),
}
AMOUNT = re.compile(r"^-?\d+\.\d{2}$")


def cli(*args, cwd=None):
    proc = subprocess.run([sys.executable, "-m", "itbudget.cli", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=cwd)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, proc.stdout, proc.stderr


def kr_danish(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    q, r = divmod(abs(ore), 100)
    return f"{sign}{q:,}".replace(",", ".") + f",{r:02d}"


def kr_point(ore: int) -> str:
    sign = "-" if ore < 0 else ""
    q, r = divmod(abs(ore), 100)
    return f"{sign}{q}.{r:02d}"


def csv_bytes(sep=";", encoding="utf-8", amount=kr_danish, date=lambda d: d.strftime("%d-%m-%Y"),
              quote_all=False, rows=SCENARIO) -> bytes:
    def cell(v):
        v = str(v)
        if quote_all or sep in v or '"' in v:
            return '"' + v.replace('"', '""') + '"'
        return v

    lines = [sep.join(cell(h) for h in HEADER)]
    for voucher, day, cc, acc, amt, text, supplier, inv, ean in rows:
        a = amt if isinstance(amt, str) else amount(amt)
        lines.append(sep.join(cell(v) for v in (voucher, date(day), cc, acc, a, text, supplier, inv, ean, "")))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


@pytest.fixture
def master(tmp_path):
    return write_workbook(tmp_path / "stamdata.xlsx", small_master_sheets())


def check_scenario(out: dict, file: str):
    got = [(f["row"], f["rule"], f["severity"]) for f in out["findings"]]
    assert got == EXPECTED_FINDINGS
    lines = {(x["cost_centre"], x["account"], x["central_line"]):
             (x["budget"], x["booked"], x["remaining"], x["uncovered"]) for x in out["lines"]}
    assert lines == EXPECTED_LINES
    assert (out["file"], out["rows"], out["errors"], out["warnings"]) == (file, 7, 3, 3)
    dup = [f for f in out["findings"] if f["rule"] == "ITB011"][0]
    # The supplier's Danish letters survive whatever the file's encoding was.
    assert "Faktura F300 fra ÆRØ DATA APS er allerede bogført i række 4 (bilag 3)" in dup["message"]
    assert [f["voucher"] for f in out["findings"]] == ["2", "3", "5", "6", "7", "7"]


DIALECTS = {
    "semicolon-utf8": dict(),
    "semicolon-utf8-bom": dict(encoding="utf-8-sig"),
    "semicolon-cp1252": dict(encoding="cp1252"),
    "semicolon-dotted-dates": dict(encoding="cp1252", date=lambda d: d.strftime("%d.%m.%Y")),
    "comma-quoted-decimal-comma-iso": dict(sep=",", date=lambda d: d.isoformat()),
    "comma-decimal-point": dict(sep=",", amount=kr_point, encoding="utf-8-sig",
                                date=lambda d: d.strftime("%d-%m-%Y")),
    "semicolon-all-quoted-iso": dict(quote_all=True, date=lambda d: d.isoformat()),
}


@pytest.mark.parametrize("dialect", DIALECTS)
def test_csv_dialects_give_the_same_findings(tmp_path, master, dialect):
    path = tmp_path / "bogføringer.csv"
    path.write_bytes(csv_bytes(**DIALECTS[dialect]))
    code, stdout, stderr = cli("validate", path, "--master", master, "--format", "json")
    assert code == 1, stderr
    check_scenario(json.loads(stdout), "bogføringer.csv")


def test_cp1252_file_really_is_cp1252(tmp_path):
    raw = csv_bytes(encoding="cp1252")
    assert "Ærø".encode("cp1252") in raw and "Ærø".encode("utf-8") not in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_json_shape(tmp_path, master):
    path = tmp_path / "b.csv"
    path.write_bytes(csv_bytes())
    code, stdout, _ = cli("validate", path, "--master", master, "--format", "json")
    out = json.loads(stdout)
    assert {"file", "rows", "errors", "warnings", "findings", "lines"} <= set(out)
    assert isinstance(out["file"], str) and all(isinstance(out[k], int) for k in ("rows", "errors", "warnings"))
    assert out["errors"] == sum(f["severity"] == "error" for f in out["findings"])
    assert out["warnings"] == sum(f["severity"] == "warning" for f in out["findings"])
    for f in out["findings"]:
        assert {"row", "voucher", "rule", "severity", "message"} <= set(f)
        assert isinstance(f["row"], int) and isinstance(f["voucher"], str)
        assert re.fullmatch(r"ITB0(0[1-9]|1[01])", f["rule"])
        assert f["severity"] in ("error", "warning") and f["message"].strip()
    for x in out["lines"]:
        assert {"cost_centre", "account", "central_line", "budget", "booked", "remaining", "uncovered"} <= set(x)
        for k in ("budget", "booked", "remaining", "uncovered"):
            assert isinstance(x[k], str) and AMOUNT.match(x[k]), (k, x[k])


def test_exit_0_when_clean_and_when_only_warnings(tmp_path, master):
    clean = tmp_path / "clean.csv"
    clean.write_bytes(csv_bytes(rows=SCENARIO[:1]))
    code, stdout, _ = cli("validate", clean, "--master", master, "--format", "json")
    assert code == 0
    out = json.loads(stdout)
    assert (out["errors"], out["warnings"], out["findings"]) == (0, 0, [])
    warn = tmp_path / "warn.csv"
    warn.write_bytes(csv_bytes(rows=SCENARIO[2:3]))  # licences over budget: 'advar'
    code, stdout, _ = cli("validate", warn, "--master", master, "--format", "json")
    out = json.loads(stdout)
    assert code == 0 and (out["errors"], out["warnings"]) == (0, 1)


def test_text_report_is_danish_and_says_whom_to_call(tmp_path, master):
    path = tmp_path / "b.csv"
    path.write_bytes(csv_bytes())
    code, stdout, _ = cli("validate", path, "--master", master)
    assert code == 1
    assert "7 bogføringer læst; 3 fejl og 3 advarsler." in stdout
    assert "linje 3, bilag 2: Fejl ITB006 - Mangler 0,01 kr. i dækning på budgetlinjen 1001/2210" in stdout
    assert "Kontakt Karen Ø, Økonomistaben." in stdout
    assert "linje 6, bilag 5: Fejl ITB003 - Omkostningssted '9999' findes ikke" in stdout
    assert "Advarsel ITB011" in stdout
    assert "Budgetlinjer:" in stdout and "OVERSKREDET" in stdout


def test_bare_workbook_with_master(tmp_path, master):
    rows = [HEADER] + [[v, d, cc, acc, a / 100 if isinstance(a, int) else a, t, s, i, e, ""]
                       for v, d, cc, acc, a, t, s, i, e in SCENARIO]
    # A title row above the headers: rows are still Excel's row numbers.
    book = write_workbook(tmp_path / "bogføringer.xlsx", {"Bogføringer": [["Bogføringer 2026"]] + rows})
    code, stdout, stderr = cli("validate", book, "--master", master, "--format", "json")
    assert code == 1, stderr
    out = json.loads(stdout)
    assert [(f["row"], f["rule"]) for f in out["findings"]] == [(r + 1, c) for r, c, _ in EXPECTED_FINDINGS]
    assert all(f["sheet"] == "Bogføringer" for f in out["findings"])
    lines = {(x["cost_centre"], x["account"]): x["uncovered"] for x in out["lines"]}
    assert lines[("1001", "2210")] == "0.01" and lines[("1001", "2220")] == "735.50"


def test_bare_file_without_master_exits_2(tmp_path):
    for name, data in (("b.csv", csv_bytes()), ):
        path = tmp_path / name
        path.write_bytes(data)
        code, stdout, stderr = cli("validate", path, "--format", "json")
        assert code == 2 and stdout == ""
        assert "b.csv: filen indeholder kun bogføringer, ingen stamdata" in stderr
        assert "--master" in stderr
    book = write_workbook(tmp_path / "b.xlsx", {"Bogføringer": [HEADER, ["1", dt.date(2026, 3, 1), "1001", "2210", 1]]})
    code, stdout, stderr = cli("validate", book)
    assert code == 2 and "ingen stamdata" in stderr


@pytest.mark.parametrize("name, content, message", [
    ("mangler.csv", None, "mangler.csv: filen findes ikke."),
    ("tom.csv", b"", "tom.csv: filen er tom."),
    ("b.pdf", b"%PDF-1.4", "filtypen '.pdf' kendes ikke"),
    ("b.xlsx", b"this is not a zip", "er ikke en gyldig Excel-projektmappe"),
    ("kolonner.csv", "Dato;Omkostningssted;Beløb\n01-03-2026;1001;5,00\n".encode(),
     "mangler kolonnen 'Konto'"),
])
def test_unusable_input_exits_2_with_danish_message(tmp_path, master, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, stdout, stderr = cli("validate", path, "--master", master)
    assert code == 2 and stdout == ""
    assert stderr.startswith("itbudget: ") and message in stderr


def test_missing_master_file_exits_2(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes(csv_bytes())
    code, _, stderr = cli("validate", path, "--master", tmp_path / "findes-ikke.xlsx")
    assert code == 2 and "findes-ikke.xlsx: filen findes ikke." in stderr


def test_bad_format_option_exits_2(tmp_path, master):
    code, _, stderr = cli("validate", "x.csv", "--format", "yaml")
    assert code == 2 and "fejl i kommandoen" in stderr


def issued_workbook(tmp_path, version=1):
    sheets = small_master_sheets()
    sheets["Indstillinger"] = sheets["Indstillinger"] + [["Aftaleholder", "H1"], ["Skabelonversion", version]]
    sheets["Bogføringer"] = [HEADER,
                             ["1", dt.date(2026, 3, 1), "1001", "2310", 5000, "Telefoni", "", "", "", ""],
                             ["2", dt.date(2026, 3, 2), "1001", "2210", 1000.01, "Pc", "", "", "", ""]]
    return write_workbook(tmp_path / "H1.xlsx", sheets)


def test_issued_workbook_needs_no_master_and_leaves_central_lines_to_consolidation(tmp_path):
    code, stdout, stderr = cli("validate", issued_workbook(tmp_path), "--format", "json")
    assert code == 1, stderr
    out = json.loads(stdout)
    # 5.000 kr. of telephony is over TEL's 3.000 kr., but one workbook cannot see the
    # other holders' use of a central line: only the decentral overrun is reported.
    assert [(f["row"], f["rule"]) for f in out["findings"]] == [(3, "ITB006")]
    assert {x["central_line"] for x in out["lines"]} == {""}


def test_issued_workbook_from_a_newer_template_exits_2(tmp_path):
    code, stdout, stderr = cli("validate", issued_workbook(tmp_path, version=99))
    assert code == 2 and stdout == ""
    assert "skabelonversion 99" in stderr and "Opdatér itbudget" in stderr


def test_file_with_headers_only_is_clean_and_named(tmp_path, master):
    path = tmp_path / "tom-eksport.csv"
    path.write_bytes("Dato;Omkostningssted;Konto;Beløb\r\n;;;\r\n".encode("utf-8"))
    code, stdout, _ = cli("validate", path, "--master", master, "--format", "json")
    out = json.loads(stdout)
    assert code == 0
    assert (out["file"], out["rows"], out["errors"], out["findings"]) == ("tom-eksport.csv", 0, 0, [])
    assert all(x["booked"] == "0.00" for x in out["lines"])
    code, stdout, _ = cli("validate", path, "--master", master)
    assert code == 0 and stdout.startswith("Validering af tom-eksport.csv\n")
