"""Finance-system exports: own headers, title lines, Debet/Kredit, Kolonnenavne (issue 16).

The heart of it: an export gives exactly the findings the same bookings give in
the contract layout, row by row, for xlsx and CSV, with and without Kolonnenavne.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from conftest import small_master_sheets, write_workbook
from test_cli_validate import HEADER, SCENARIO, cli, csv_bytes, kr_danish

from itbudget.bookings import read_bookings
from itbudget.column_names import BUILTIN_VARIANTS, FIELDS, header_key
from itbudget.errors import MasterDataError, UnusableInput
from itbudget.master import master_from_rows
from itbudget.operations import validate_file

TITLES = [["Posteringsliste"], ["Periode: 01.01.2026 - 31.12.2026"], []]
#: Headers an export might use, recognised by the built-in variants alone.
BUILTIN_HEADERS = ["Bilagsnr", "Bogføringsdato", "Omk.sted", "Art", "Saldo", "Debet", "Kredit",
                   "Tekst", "Kreditor", "Fakturanummer", "EAN-nr", "Projekt"]
#: Headers only a Kolonnenavne sheet makes known (one shown with odd spacing and case).
OWN_HEADERS = ["Bilagsnøgle", "Bogf. dag", "Omk. sted", "ARTSKONTO NR", "Saldo", "Debetbeløb",
               "Kreditbeløb", "Posteringstekst", "Leverandørnavn", "Eksternt fakturanr",
               "EAN lokation", "Proj."]
KOLONNENAVNE = [["Felt", "Overskrift"], ["Bilag", "Bilagsnøgle"], ["Dato", "Bogf.dag"],
                ["Konto", "Artskonto nr"], ["Debet", "Debetbeløb"], ["Kredit", "Kreditbeløb"],
                ["Tekst", "Posteringstekst"], ["Leverandør", "Leverandørnavn"],
                ["Fakturanr", "Eksternt fakturanr"], ["EAN", "EAN lokation"], ["Projektnr", "Proj."]]


def export_rows(headers: list[str], amount) -> list[list]:
    """SCENARIO as an export: title lines, the headers, Debet/Kredit, a Saldo column to ignore."""
    rows = [list(t) for t in TITLES] + [headers]
    for voucher, day, cc, acc, amt, text, supplier, inv, ean in SCENARIO:
        if isinstance(amt, str):  # unreadable text stays text, in the Debet column
            debit, credit = amt, ""
        else:
            debit, credit = (amount(amt), "") if amt >= 0 else ("", amount(-amt))
        rows.append([voucher, day, cc, acc, "999,99", debit, credit, text, supplier, inv, ean, ""])
    return rows


def write_csv(path: Path, rows: list[list]) -> Path:
    text = "\r\n".join(";".join(v.strftime("%d.%m.%Y") if isinstance(v, dt.date) else str(v)
                                for v in r) for r in rows)
    path.write_bytes((text + "\r\n").encode("cp1252"))
    return path


def findings(result, offset: int = 0) -> list[tuple]:
    """(row, rule, severity, message), rows moved up by ``offset``, also where a message names one."""
    f = result.findings

    def shift(msg: str) -> str:
        return re.sub(r"række (\d+)", lambda m: f"række {int(m.group(1)) - offset}", msg)

    return [(int(r) - offset, rule, sev, shift(msg)) for r, rule, sev, msg in
            zip(f["row"], f["rule"], f["severity"], f["message"])]


@pytest.fixture
def masters(tmp_path):
    plain = write_workbook(tmp_path / "stamdata.xlsx", small_master_sheets())
    named = write_workbook(tmp_path / "stamdata-kolonnenavne.xlsx",
                           small_master_sheets(Kolonnenavne=KOLONNENAVNE))
    return plain, named


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("with_names", [False, True], ids=["indbyggede", "kolonnenavne"])
def test_export_gives_the_contract_layouts_findings_row_by_row(tmp_path, masters, kind, with_names):
    plain, named = masters
    contract = tmp_path / "kontrakt.csv"
    contract.write_bytes(csv_bytes())
    expected = findings(validate_file(contract, plain))
    assert {r[1] for r in expected} >= {"ITB001", "ITB003", "ITB006", "ITB011"}  # a telling scenario

    headers = OWN_HEADERS if with_names else BUILTIN_HEADERS
    if kind == "csv":
        export = write_csv(tmp_path / "eksport.csv", export_rows(headers, kr_danish))
    else:
        export = write_workbook(tmp_path / "eksport.xlsx",
                                {"Posteringer 2026": export_rows(headers, lambda o: o / 100)})
    before = export.read_bytes()
    got = validate_file(export, named if with_names else plain)
    # The export's header sits below three title lines: its rows are three further down.
    assert findings(got, offset=len(TITLES)) == expected
    assert got.rows == len(SCENARIO)
    assert export.read_bytes() == before  # the input file is never changed


def test_own_headers_without_kolonnenavne_are_refused_naming_found_missing_and_the_sheet(tmp_path, masters):
    plain, _ = masters
    export = write_csv(tmp_path / "eksport.csv", export_rows(OWN_HEADERS, kr_danish))
    code, stdout, stderr = cli("validate", export, "--master", plain)
    assert code == 2 and stdout == ""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1
    line = lines[0]
    # The closest row is the header (line 4): Omk. sted and Saldo... only Omk. sted is known.
    assert "eksport.csv, række 4: kolonneoverskrifterne kan ikke genkendes" in line
    assert "mangler kolonnerne 'Dato', 'Konto', 'Beløb' (eller Debet og Kredit)" in line
    assert "fandt: Bilagsnøgle, Bogf. dag, Omk. sted" in line
    assert "arket 'Kolonnenavne'" in line


@pytest.mark.parametrize("extra, shown", [("Beløb DKK", "Beløb DKK"), ("beløb  i kr", "beløb  i kr"),
                                          ("Beløb\nDKK", "Beløb\\x0aDKK"),
                                          ("Beløb\x1b\tDKK", "Beløb\\x1b\\x09DKK")])
def test_two_columns_meaning_belob_are_refused(tmp_path, masters, extra, shown):
    plain, _ = masters
    path = tmp_path / "to.csv"
    path.write_bytes(f'Dato;Omkostningssted;Konto;Beløb;"{extra}"\n01-03-2026;1001;2210;5,00;5,00\n'
                     .encode())
    code, stdout, stderr = cli("validate", path, "--master", plain)
    assert code == 2 and stdout == ""
    assert f"to.csv, række 1: kolonnerne 'Beløb', '{shown}' betyder alle Beløb" in stderr
    assert "Kolonnenavne" in stderr and len(stderr.strip().splitlines()) == 1
    assert "\x1b" not in stderr and "\t" not in stderr


def test_a_header_cell_with_a_line_break_is_quoted_on_the_refusals_one_line(tmp_path, masters):
    plain, _ = masters
    path = tmp_path / "brud.csv"
    path.write_bytes('Dato;"Omk.\nsted nr";Konto;Beløb\n01-03-2026;1001;2210;5,00\n'.encode())
    code, stdout, stderr = cli("validate", path, "--master", plain)
    assert code == 2 and stdout == "" and len(stderr.strip().splitlines()) == 1, stderr
    assert "mangler kolonnen 'Omkostningssted'; fandt: Dato, Omk.\\x0asted nr, Konto, Beløb." in stderr


def test_debit_and_credit_net_and_text_in_either_is_itb001(tmp_path, masters):
    plain, _ = masters
    path = write_csv(tmp_path / "dk.csv", [
        ["Dato", "Omkostningssted", "Konto", "Debet", "Kredit"],
        [dt.date(2026, 3, 1), "1001", "2210", "100,00", "30,50"],   # both filled: net 69,50
        [dt.date(2026, 3, 1), "1001", "2210", "", "10,00"],         # credit only
        [dt.date(2026, 3, 1), "1001", "2210", "1.000,00-", ""],     # a signed debit
        [dt.date(2026, 3, 1), "1001", "2210", "", "tyve"],          # text in Kredit
        [dt.date(2026, 3, 1), "1001", "2210", "", ""],              # no amount at all
    ])
    source = read_bookings(path)
    f = source.frame
    assert f["amount"].tolist()[:3] == [6950, -1000, -100000]
    assert f["amount_ok"].tolist() == [True, True, True, False, False]
    result = validate_file(path, plain)
    itb001 = {int(r): m for r, rule, m in zip(result.findings["row"], result.findings["rule"],
                                                result.findings["message"]) if rule == "ITB001"}
    assert itb001 == {5: "Beløb 'tyve' kan ikke læses som kr. og øre (højst to decimaler, fx 1.234,50). "
                         "Ret rækken. Kontakt Karen Ø, Økonomistaben.",
                      6: "Beløb mangler. Ret rækken. Kontakt Karen Ø, Økonomistaben."}


def test_belob_wins_over_debet_and_kredit(tmp_path):
    path = tmp_path / "b.csv"
    path.write_bytes("Dato;Omkostningssted;Konto;Debet;Beløb;Kredit\n01-03-2026;1001;2210;7;5,00;1\n".encode())
    assert read_bookings(path).frame["amount"].tolist() == [500]


def test_one_odd_sheet_among_others_is_found_with_true_row_numbers(tmp_path, masters):
    plain, _ = masters
    rows = export_rows(BUILTIN_HEADERS, lambda o: o / 100)
    path = write_workbook(tmp_path / "eksport.xlsx", {
        "Forside": [["Udtræk fra økonomisystemet"], ["Kørt af", "Karen"]],
        "Data 2026": rows,
        "Noter": [["Intet at bemærke"]]})
    source = read_bookings(path)
    assert set(source.frame["sheet"]) == {"Data 2026"}
    assert source.frame["row"].tolist() == list(range(5, 5 + len(SCENARIO)))


def test_two_sheets_with_bookings_are_refused(tmp_path):
    rows = export_rows(BUILTIN_HEADERS, lambda o: o / 100)
    path = write_workbook(tmp_path / "to.xlsx", {"Jan": rows, "Feb": rows})
    with pytest.raises(UnusableInput, match="flere ark har bogføringer \\('Jan', 'Feb'\\)"):
        read_bookings(path)


def test_header_matching_ignores_case_spaces_and_punctuation():
    assert header_key("Omk.sted") == header_key(" omk. STED ") == header_key("Omk sted") == "omksted"
    assert header_key("EAN-nr") == header_key("ean nr.")


def test_kolonnenavne_problems_are_master_data_problems_with_sheet_and_row():
    with pytest.raises(MasterDataError) as err:
        master_from_rows(small_master_sheets(Kolonnenavne=[
            ["Felt", "Overskrift"], ["Dato", "Bogf.dag"], ["Datum", "X"], ["Konto", "Bogf. dag"],
            ["Tekst", "Beløb"], ["Tekst", ""]]))
    shown = [(p.sheet, p.row) for p in err.value.findings]
    assert shown == [("Kolonnenavne", 3), ("Kolonnenavne", 4), ("Kolonnenavne", 5), ("Kolonnenavne", 6)]
    text = str(err.value)
    assert "Felt 'Datum' kendes ikke" in text
    assert "'Bogf. dag' er allerede knyttet til feltet Dato i række 2" in text
    assert "'Beløb' er selv navnet på feltet Beløb" in text


def test_kolonnenavne_several_headers_to_one_field_and_a_workbook_without_the_sheet_stays_valid():
    m = master_from_rows(small_master_sheets(Kolonnenavne=[
        ["Felt", "Overskrift"], ["Dato", "Dag"], ["Dato", "Posteringsdag"], ["Dato", "dag"]]))
    assert [(n.field, n.header) for n in m.column_names] == [
        ("Dato", "Dag"), ("Dato", "Posteringsdag"), ("Dato", "dag")]
    assert m.for_holder("H1").column_names == m.column_names
    assert master_from_rows(small_master_sheets()).column_names == ()


def test_builtin_variants_in_code_are_the_ones_documented():
    """docs/exports.md lists the built-in variants; code and docs say the same."""
    text = (Path(__file__).resolve().parents[1] / "docs" / "exports.md").read_text(encoding="utf-8")
    table = text.split("<!-- variants -->", 2)[1]
    documented = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 and cells[0] in FIELDS:
            documented[cells[0]] = tuple(v.strip().strip("`") for v in cells[1].split(",") if v.strip())
    assert documented == BUILTIN_VARIANTS
    for field in FIELDS:
        assert f"`{field}`" in text
    assert re.search(r"Debet\s*[−-]\s*Kredit", text)


def test_contract_header_named_in_csv_after_title_lines_with_commas(tmp_path):
    path = tmp_path / "komma.csv"
    path.write_bytes(("Posteringsliste\nPeriode: marts\n" + ",".join(HEADER) + "\n"
                      "1,01-03-2026,1001,2210,\"5,00\",,,,,\n").encode())
    source = read_bookings(path)
    assert source.frame["amount"].tolist() == [500] and source.frame["row"].tolist() == [4]


def test_consolidation_reads_an_export_with_the_master_datas_kolonnenavne(tmp_path):
    from itbudget.consolidation import OK, read_sources, source_findings

    folder = tmp_path / "ind"
    folder.mkdir()
    write_csv(folder / "H1 eksport.csv", export_rows(OWN_HEADERS, kr_danish))
    named = master_from_rows(small_master_sheets(Kolonnenavne=KOLONNENAVNE))
    (source,) = read_sources(folder, named, workers=1)
    assert source.status == OK and source.rows == len(SCENARIO), source
    sources = read_sources(folder, master_from_rows(small_master_sheets()), workers=1)
    (plain,), findings = sources, source_findings(sources)
    assert plain.status != OK and "Kolonnenavne" in plain.message
    assert [(f.file, f.is_error, f.message) for f in findings] == [(plain.file, True, plain.message)]
