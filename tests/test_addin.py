"""The Valider/Opdater macros' work as plain Python on workbook snapshots (xw.Book(json=...)).

``xw.Book(json=...)`` needs xlwings' remote engine, which is only there in server
mode, so this module runs in a child pytest (see tests/officejs.py).
"""

from __future__ import annotations

from officejs import delegate, in_server_process

if not in_server_process():
    test_addin_macros = delegate(__file__)
else:
    import pytest
    import xlwings as xw

    from conftest import booking, small_master_sheets
    from addin.workbook import REPORT_SHEET, report_rows, validate_book
    from itbudget.bookings import BOOKING_HEADERS
    from itbudget.errors import TemplateVersionError
    from officejs import book_payload

    HEADER = list(BOOKING_HEADERS)

    def book_of(rows, **master_overrides):
        sheets = {"Bogføringer": rows}
        sheets.update(small_master_sheets(**master_overrides))
        return xw.Book(json=book_payload(sheets))

    def apply(payload_values, actions, sheet_pos):
        """Apply setValues actions on one sheet to a copy of its values."""
        grid = [list(r) for r in payload_values]
        for a in actions:
            if a["func"] != "setValues" or a["sheet_position"] != sheet_pos:
                continue
            for i, row in enumerate(a["values"]):
                for j, v in enumerate(row):
                    r, c = a["start_row"] + i, a["start_column"] + j
                    while len(grid) <= r:
                        grid.append([""] * len(grid[0]))
                    for g in grid:
                        g.extend([""] * (c + 1 - len(g)))
                    grid[r][c] = v
        return grid

    def test_no_typed_cell_changes_and_missing_status_columns_are_added():
        rows = [HEADER, booking(Beløb=900), booking(Beløb="100,01"), [""] * 10, booking(Konto="9999")]
        book = book_of(rows)
        typed = book_payload({"Bogføringer": rows})["sheets"][0]["values"]
        outcome = validate_book(book)
        assert (outcome.rows, outcome.errors, outcome.status_column, outcome.message_column) == (3, 2, 11, 12)
        after = apply(typed, book.json()["actions"], 0)
        for i, row in enumerate(typed):
            assert after[i][:10] == row[:10], f"row {i + 1} changed"
        assert [r[10] for r in after] == ["Status", "OK", "Fejl: ITB006 mangler 0,01 kr.", "",
                                          "Fejl: ITB004 konto findes ikke i IT-kontoplanen"]
        assert after[0][11] == "Besked" and "Kontakt" in after[2][11]

    def test_old_statuses_below_the_data_are_cleared():
        rows = [HEADER + ["Status", "Besked"], booking(), [""] * 10 + ["Fejl: gammel", "gammel"]]
        book = book_of(rows)
        validate_book(book, report=False)
        status = next(a for a in book.json()["actions"] if a["func"] == "setValues" and a["start_column"] == 10)
        assert status["values"] == [["OK"], [""]]

    def test_existing_report_is_cleared_not_duplicated():
        sheets = {"Bogføringer": [HEADER, booking()], REPORT_SHEET: [["gammel rapport"]]}
        sheets.update(small_master_sheets())
        book = xw.Book(json=book_payload(sheets))
        validate_book(book)
        funcs = [a["func"] for a in book.json()["actions"]]
        assert "addSheet" not in funcs and "sheetClear" in funcs

    def test_report_rows_summary_lines_and_linked_findings():
        book = book_of([HEADER, booking(Beløb=1000.01, Bilag="+SUM(1)")])
        from addin.workbook import book_master
        from itbudget.statuses import validate_rows
        result = validate_rows([HEADER, booking(Beløb=1000.01, Bilag="+SUM(1)")], book_master(book))
        rows = report_rows(result, "Bogføringer")
        assert rows[2][:4] == ["Bogføringer", 1, "Fejl", 1]
        assert ["1001", "2210", "", 1000.0, 0.0, 1000.01, -0.01, 0.01] in rows
        finding = rows[-1]
        assert finding[0] == '=HYPERLINK("#\'Bogføringer\'!A2","2")'
        assert finding[1] == "'+SUM(1)" and finding[2] == "ITB006"

    def test_workbook_from_a_newer_template_is_refused_in_danish():
        settings = [["Nøgle", "Værdi"], ["Kommune", "Testkommune"], ["Budgetår", 2026],
                    ["Skabelonversion", 99]]
        book = book_of([HEADER, booking()], Indstillinger=settings)
        with pytest.raises(TemplateVersionError, match="skabelonversion 99"):
            validate_book(book)
