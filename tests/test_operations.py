"""The use cases: one function per operation, shared by every adapter.

``validate_as`` is the access-scoped validation that the worksheet functions
and the Valider/Opdater macros both run; it is a security check, so it exists once.
"""

from __future__ import annotations

import pytest
from conftest import booking, small_master_sheets
from test_boundaries import _imports

from itbudget.access import FINANCE, HOLDER, Principal
from itbudget.bookings import BOOKING_HEADERS
from itbudget.errors import AccessDenied
from itbudget.master import master_from_rows
from itbudget.operations import validate_as

HEADER = list(BOOKING_HEADERS)
FIN = Principal("Økonomistaben", FINANCE)
H1 = Principal("Bakkeskolen", HOLDER, "H1")


@pytest.fixture
def full():
    # Central telephony line TEL: 3.000 kr. for the whole municipality.
    return master_from_rows(small_master_sheets())


def test_finance_validates_with_central_coverage(full):
    rows = [HEADER, booking(Omkostningssted="2001", Konto="2310", Beløb=2500),
            booking(Omkostningssted="1001", Konto="2310", Beløb=1000)]
    result = validate_as(FIN, rows, full)
    assert list(result.findings["rule"]) == ["ITB006"]  # the line is exceeded across holders


def test_a_holder_validates_its_own_rows_without_central_coverage(full):
    rows = [HEADER, booking(Omkostningssted="1001", Konto="2310", Beløb=4000),
            booking(Omkostningssted="1001", Konto="2210", Beløb=1000.01)]
    result = validate_as(H1, rows, full, sheet="Mine bogføringer")
    assert list(result.findings["rule"]) == ["ITB006"]  # only its own line; TEL is not judged
    assert set(result.findings["row"]) == {3}
    assert set(result.findings["sheet"]) == {"Mine bogføringer"}


def test_a_holder_is_refused_another_holders_cost_centre(full):
    rows = [HEADER, booking(Omkostningssted="1001"), booking(Omkostningssted="2001")]
    with pytest.raises(AccessDenied, match="2001"):
        validate_as(H1, rows, full)


def test_the_adapters_share_the_use_case_and_not_each_other():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    workbook = _imports(root / "addin" / "workbook.py", "addin.workbook")
    functions = _imports(root / "udfs" / "functions.py", "udfs.functions")
    assert "itbudget.operations.validate_as" in workbook & functions
    assert not any(n.split(".")[0] == "udfs" for n in workbook)
    # Neither adapter validates rows, or checks their cost centres, by itself any more.
    for module in ("addin/workbook.py", "udfs/functions.py"):
        text = (root / module).read_text(encoding="utf-8")
        assert "validate_rows(" not in text and "ledger.frame[\"cost_centre\"]" not in text, module
    serve = _imports(root / "itbudget" / "commands" / "serve.py", "itbudget.commands.serve",
                     module_level=True)
    assert not any(n.split(".")[0] == "addin" for n in serve)
