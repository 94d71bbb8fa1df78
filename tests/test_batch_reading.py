"""Consolidation types the bookings of many files in one pass (issue 18); nothing may change by it.

:func:`itbudget.bookings.bookings_frames` must give, row for row, what typing each
file's table alone gives, whatever mix of files a worker gets; a file whose typing
fails must be reported alone; and the parallel read must hand each file its own rows.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from conftest import booking, write_workbook
from itbudget import consolidation
from itbudget.bookings import BOOKING_HEADERS, bookings_frame, bookings_frames, read_bookings_table
from itbudget.consolidation import OK, UNREADABLE, read_batch, read_sources, with_frames
from itbudget.reading import Table


def alone(tables: list[Table]) -> pd.DataFrame:
    frames = [bookings_frame(t).drop(columns=["file", "sheet"]) for t in tables]
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def mixed(tmp_path):
    """Files of every shape a folder holds: typed cells, text amounts and dates, Debet/Kredit,
    missing optional columns, a CSV export, typed numbers where others have text."""
    rows = [booking(Bilag="A1", Beløb=100), booking(Bilag="A2", Beløb="1.234,50", Dato="03-04-2026"),
            booking(Bilag="A3", Beløb="12,345", Dato="31-02-2026"), booking(Bilag="A4", Beløb=None)]
    write_workbook(tmp_path / "a.xlsx", {"Bogføringer": [list(BOOKING_HEADERS)] + rows})
    write_workbook(tmp_path / "b.xlsx", {"Bogføringer": [
        ["Dato", "Omkostningssted", "Konto", "Debet", "Kredit", "Tekst"],
        [dt.date(2026, 2, 1), 1001, 2210, 500, None, "debet"],
        [dt.date(2026, 2, 2), "1002", "2310", None, "75,25", "kredit"],
        [dt.date(2026, 2, 3), "1001", "2210", "x", None, "ulæselig"]]})
    write_workbook(tmp_path / "c.xlsx", {"Bogføringer": [
        ["Dato", "Omkostningssted", "Konto", "Beløb"],
        [46100, 1001.0, 2210.0, 12.5], [dt.datetime(2026, 5, 1, 13, 0), "1002", "2310", -3]]})
    (tmp_path / "d.csv").write_text(";".join(BOOKING_HEADERS) + "\nD1;01-06-2026;1001;2210;99,95;;;;;\n",
                                    encoding="utf-8")
    write_workbook(tmp_path / "e.xlsx", {"Bogføringer": [list(BOOKING_HEADERS)] + [
        booking(Bilag=f"E{i}", Beløb=i, Omkostningssted=1001 + i % 2) for i in range(3)]})
    return [tmp_path / n for n in ("a.xlsx", "b.xlsx", "c.xlsx", "d.csv", "e.xlsx", "b.xlsx", "a.xlsx")]


def test_typing_files_together_gives_what_typing_each_alone_gives(mixed):
    names = ()
    tables = [read_bookings_table(p, names)[0] for p in mixed]
    assert {"Debet", "Kredit"} <= set(tables[1].columns) and "Beløb" not in tables[1].columns
    together = bookings_frames(tables)
    pd.testing.assert_frame_equal(together, alone(tables))
    # The Debet/Kredit file keeps its own amounts in the middle of the others.
    b = together.iloc[4:7]
    assert b["amount"].tolist() == [50000, -7525, 0] and b["amount_ok"].tolist() == [True, True, False]
    assert list(together.columns) == [c for c in bookings_frame(tables[0]).columns if c not in ("file", "sheet")]


def test_columns_of_different_types_are_not_joined_into_one():
    """Integers beside floats are typed apart: NumPy would join them as floats and round a long code."""
    def table(amounts, accounts):
        n = len(amounts)
        return Table(file="f", sheet="s", rows=np.arange(2, 2 + n),
                     columns={"Dato": np.array([dt.date(2026, 1, 1)] * n, dtype=object),
                              "Omkostningssted": np.array(["1001"] * n, dtype=object),
                              "Konto": accounts, "Beløb": amounts})
    tables = [table(np.array([1.5, 2.0]), np.array([12345678901234567, 2310])),
              table(np.array([0.125]), np.array([2210.5]))]
    together = bookings_frames(tables)
    pd.testing.assert_frame_equal(together, alone(tables))
    assert together["amount"].tolist() == [150, 200, 0]
    assert together["account"].tolist() == ["12345678901234567", "2310", "2210.5"]


def test_no_tables_give_an_empty_frame_with_every_column():
    empty = bookings_frames([])
    assert len(empty) == 0 and "amount" in empty and "file" not in empty


def test_a_file_whose_typing_fails_is_reported_alone(mixed, monkeypatch):
    real = consolidation.bookings_frames

    def failing(tables):
        if any(t.file == "c.xlsx" for t in tables):
            raise RuntimeError("uventet værdi")
        return real(tables)

    monkeypatch.setattr(consolidation, "bookings_frames", failing)
    sources = with_frames(*read_batch(mixed[:4], ()))
    assert [(s.file, s.status) for s in sources] == [
        ("a.xlsx", OK), ("b.xlsx", OK), ("c.xlsx", UNREADABLE), ("d.csv", OK)]
    assert sources[2].message == "c.xlsx: filen kunne ikke læses (RuntimeError: uventet værdi)."
    assert sources[0].frame["voucher"].tolist() == ["A1", "A2", "A3", "A4"]
    assert sources[1].frame["text"].tolist() == ["debet", "kredit", "ulæselig"]
    assert sources[3].frame["voucher"].tolist() == ["D1"]


def test_each_file_keeps_its_own_rows_when_workers_read_runs_of_files(tmp_path, master):
    folder = tmp_path / "indsamlet"
    folder.mkdir()
    sizes = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7]
    for k, n in enumerate(sizes):
        rows = [booking(Bilag=f"F{k:02d}-{i}", Beløb=k * 100 + i) for i in range(n)]
        write_workbook(folder / f"f{k:02d}.xlsx", {"Bogføringer": [list(BOOKING_HEADERS)] + rows})
    write_workbook(folder / "g korrupt.xlsx", {"Ark1": []})
    seen = []
    sources = read_sources(folder, master, workers=2, progress=lambda *a: seen.append(a))
    # Progress once a file, counting up to all of them.
    assert [d for d, _, _ in seen] == list(range(1, len(sizes) + 2))
    assert {t for _, t, _ in seen} == {len(sizes) + 1}
    assert sorted(f for _, _, f in seen) == sorted(p.name for p in folder.iterdir())
    by_file = {s.file: s for s in sources}
    assert by_file["g korrupt.xlsx"].status == UNREADABLE
    for k, n in enumerate(sizes):
        s = by_file[f"f{k:02d}.xlsx"]
        assert s.rows == n and s.sheet == "Bogføringer"
        assert s.frame["voucher"].tolist() == [f"F{k:02d}-{i}" for i in range(n)]
        assert s.frame["amount"].tolist() == [(k * 100 + i) * 100 for i in range(n)]
        assert s.frame["row"].tolist() == list(range(2, 2 + n))
    ledger = consolidation.consolidate(sources, master).ledger
    assert (ledger["voucher"].str[1:3] == ledger["file"].str[1:3]).all()
    assert len(ledger) == sum(sizes)

