"""The worksheet functions as plain Python (xlwings decorators are no-ops here)."""

from __future__ import annotations

import datetime as dt

import pytest
from xlwings import XlwingsError

import udfs
from conftest import EAN_H1, EAN_H2, booking, small_master_sheets, write_workbook
from itbudget.bookings import BOOKING_HEADERS
from itbudget.master import master_from_rows
from itbudget.statuses import row_messages, row_statuses, validate_rows
from udfs import masterdata

HEADER = list(BOOKING_HEADERS)


@pytest.fixture(autouse=True)
def _no_server_master(monkeypatch):
    from itbudget.settings import Settings, use_process_settings

    use_process_settings(Settings(stamdata=None))  # no server master
    masterdata.clear_cache()


def ranges(**overrides):
    return list(small_master_sheets(**overrides).values())


def test_valider_one_column_same_height_with_serial_dates_blanks_and_text_amounts():
    serial = float((dt.date(2026, 3, 1) - dt.date(1899, 12, 30)).days)
    rows = [HEADER,
            booking(Dato=serial, Beløb=900),
            booking(Dato="01-03-2026", Beløb="100,01"),   # 0,01 kr. past the 1.000 kr. budget
            [""] * 10,                                     # blank row keeps its place
            [None] * 10,
            booking(Konto="9999"),
            booking(Konto="2220", Beløb="600,00")]         # advar account: a warning
    out = udfs.itb_valider(rows, *ranges())
    assert [r[0] for r in out] == [
        "Status", "OK", "Fejl: ITB006 mangler 0,01 kr.", "", "",
        "Fejl: ITB004 konto findes ikke i IT-kontoplanen",
        "Advarsel: ITB006 mangler 100,00 kr."]


def test_valider_puts_status_on_the_header_row_the_reader_finds():
    # Headers written loosely ("Beløb:") under a title row that happens to say "Bilag".
    rows = [["Bilag"] + [""] * 9, [f"{h}:" for h in HEADER], booking(Beløb=900)]
    assert [r[0] for r in udfs.itb_valider(rows, *ranges())] == ["", "Status", "OK"]


def test_valider_flags_duplicates_as_warning_and_lists_every_code():
    rows = [HEADER,
            booking(Leverandør="Atea", Fakturanr="F1", EAN=EAN_H1),
            booking(Leverandør="Atea", Fakturanr="F1", EAN=EAN_H2)]
    out = [r[0] for r in udfs.itb_valider(rows, *ranges())]
    assert out[1] == "OK"
    assert out[2].startswith("Fejl: ITB010 ")
    assert "ITB011" in out[2]


def test_valider_without_headers_is_a_danish_xlwings_error():
    with pytest.raises(XlwingsError, match="kolonneoverskrifterne mangler"):
        udfs.itb_valider([["a", "b"], [1, 2]], *ranges())
    with pytest.raises(XlwingsError, match="område"):
        udfs.itb_valider("Bogføringer", *ranges())


def test_valider_without_any_master_data_says_how_to_give_it():
    with pytest.raises(XlwingsError, match="Ingen stamdata"):
        udfs.itb_valider([HEADER, booking()])


def test_valider_uses_server_master_file_and_caches_it(tmp_path, monkeypatch):
    path = write_workbook(tmp_path / "stamdata.xlsx", small_master_sheets())
    from itbudget.settings import Settings, use_process_settings

    use_process_settings(Settings(stamdata=path))
    assert udfs.itb_valider([HEADER, booking(Beløb=1000.01)]) == [["Status"], ["Fejl: ITB006 mangler 0,01 kr."]]
    first = masterdata.master_from_file(path)
    assert masterdata.master_from_file(path) is first
    # New content (new hash) is read again: a bigger budget covers the booking.
    budget = [["Omkostningssted", "Konto", "Budget"], ["1001", "2210", 5000], ["1001", "2220", 500],
              ["1001", "2250", 10000], ["2001", "2210", 2000]]
    write_workbook(path, small_master_sheets(Budget=budget))
    assert udfs.itb_valider([HEADER, booking(Beløb=1000.01)]) == [["Status"], ["OK"]]


def test_master_ranges_are_recognised_by_headers_and_cached():
    m1 = masterdata.master_from_ranges(ranges())
    assert masterdata.master_from_ranges(ranges()) is m1
    assert masterdata.sheet_of_range([["Omkostningssted", "Navn", "Aftaleholder"]]) == "Omkostningssteder"
    assert masterdata.sheet_of_range([["Aftaleholder", "Navn", "Arbejdspladser"]]) == "Aftaleholdere"
    assert masterdata.sheet_of_range([["Omkostningssted", "Konto", "Budget"]]) == "Budget"
    with pytest.raises(Exception, match="kan ikke genkendes"):
        masterdata.sheet_of_range([["Hvad", "Som", "Helst"]])
    with pytest.raises(XlwingsError, match="to gange"):
        udfs.itb_valider([HEADER, booking()], *ranges(), small_master_sheets()["Budget"])


def test_rest_and_daekket():
    rows = [HEADER, booking(Beløb=900), booking(Omkostningssted=1001.0, Konto=2210.0, Beløb="50,50")]
    m = ranges()
    assert udfs.itb_rest(1001, 2210, rows, *m) == pytest.approx(49.50)
    assert udfs.itb_daekket("1001", "2210", "49,50", rows, *m) is True
    assert udfs.itb_daekket("1001", "2210", 49.51, rows, *m) is False
    assert udfs.itb_daekket("1001", "2210", -10, rows, *m) is True  # a credit note
    assert udfs.itb_rest("1001", "2310", rows, *m) == pytest.approx(3000.00)  # central TEL line
    with pytest.raises(XlwingsError, match="ingen budgetlinje"):
        udfs.itb_rest("1002", "2210", rows, *m)
    with pytest.raises(XlwingsError, match="findes ikke i IT-kontoplanen"):
        udfs.itb_rest("1001", "9999", rows, *m)
    with pytest.raises(XlwingsError, match="kan ikke læses"):
        udfs.itb_daekket("1001", "2210", "mange penge", rows, *m)


def test_ean_functions():
    assert udfs.itb_ean_gyldig(EAN_H1) is True
    assert udfs.itb_ean_gyldig(float(EAN_H1)) is True  # a number cell
    assert udfs.itb_ean_gyldig("5798000416605") is False
    assert udfs.itb_ean_gyldig("") is False
    assert udfs.itb_ean_aftaleholder(EAN_H2, *ranges()) == "H2"
    assert udfs.itb_ean_aftaleholder("4006381333931", *ranges()) == ""  # valid, not ours
    with pytest.raises(XlwingsError, match="ikke et gyldigt EAN"):
        udfs.itb_ean_aftaleholder("123", *ranges())


def test_pris_pr_arbejdsplads_matches_the_domain_definition():
    # H1: 12 seats, direct 300 kr.; DRIFT (per workstation) pooled 420 kr. over 12 + 30 seats.
    rows = [HEADER, booking(Beløb=300), booking(Konto="2320", Beløb=420),
            booking(Omkostningssted="2001", Konto="2310", Beløb=100)]
    h1 = udfs.itb_pris_pr_arbejdsplads("H1", rows, *ranges())
    h2 = udfs.itb_pris_pr_arbejdsplads("H2", rows, *ranges())
    assert h1 == pytest.approx((300 + 120) / 12, abs=0.005)
    assert h2 == pytest.approx((100 + 300) / 30, abs=0.005)
    with pytest.raises(XlwingsError, match="findes ikke"):
        udfs.itb_pris_pr_arbejdsplads("H9", rows, *ranges())


def test_core_statuses_align_with_positions_and_messages():
    master = master_from_rows(small_master_sheets())
    result = validate_rows([HEADER, booking(), booking(Dato="", Beløb="")], master)
    assert row_statuses(result)[0] == "OK"
    assert row_statuses(result)[1].startswith("Fejl: ITB001")
    msgs = row_messages(result)
    assert msgs[0] == "" and "Dato mangler" in msgs[1]


def test_functions_never_mutate_their_arguments():
    rows = [HEADER, booking(Beløb="1.000,01")]
    m = ranges()
    snapshot = (repr(rows), repr(m))
    udfs.itb_valider(rows, *m)
    udfs.itb_rest("1001", "2210", rows, *m)
    assert (repr(rows), repr(m)) == snapshot


def test_every_worksheet_function_is_declared_once_and_found_on_the_udfs_module():
    """One decorated function is one worksheet function: listed for the server, on ``udfs`` for classic Excel."""
    from udfs import functions

    public = {n for n, v in vars(functions).items() if n.startswith("itb_") and callable(v)}
    assert sorted(f.__name__ for f in udfs.FUNCTIONS) == sorted(public)
    assert all(getattr(udfs, f.__name__) is f for f in udfs.FUNCTIONS)
