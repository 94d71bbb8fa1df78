"""Per-row status text and line lookups for the Excel adapters.

The worksheet function ``ITB.VALIDER`` and the ``Valider`` macro show one short
status per booking (``OK``, ``Fejl: ITB006 mangler 0,01 kr.``) and the full
messages beside it; ``ITB.REST`` and ``ITB.DAEKKET`` ask how much is left on the
budget line that covers an account at a cost centre. All of that is pure logic
over a :class:`~itbudget.validation.Validation`, kept here so the adapters in
``udfs`` and ``addin`` only convert arguments and shape answers.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from .bookings import OPTIONAL_HEADERS, REQUIRED_HEADERS, bookings_frame
from .errors import UnusableInput
from .master import MasterData
from .parsing import clean_id
from .presentation import severity_word
from .reading import HEADER_SCAN_ROWS, _locate_header, build_table
from .rules import RULES
from .validation import Validation, validate

OK = "OK"
STATUS_HEADER = "Status"
MESSAGE_HEADER = "Besked"
_RULES = {r.code: r for r in RULES}


def validate_rows(rows: Sequence[Sequence[object]], master: MasterData, *,
                  central_coverage: bool = True, sheet: str = "Bogføringer",
                  first_row: int = 1) -> Validation:
    """Validate bookings given as a 2-D list whose first row holds the headers.

    ``first_row`` is the Excel row of ``rows[0]``, so findings name real rows.
    Raises :class:`UnusableInput` (Danish) when the contract's headers are missing.
    """
    data = [list(r) if isinstance(r, (list, tuple)) else [r] for r in rows]
    table = build_table(sheet, sheet, data, first_row, REQUIRED_HEADERS, OPTIONAL_HEADERS)
    return validate(bookings_frame(table), master, central_coverage=central_coverage,
                    blank_rows=table.blank_rows)


def short_reasons(result: Validation) -> np.ndarray:
    """Each finding's short reason (``mangler 0,01 kr.``), from its rule's declaration ("" for none)."""
    fnd = result.findings
    out = np.full(len(fnd), "", dtype=object)
    pos, rules = fnd["position"].to_numpy(), fnd["rule"].to_numpy()
    for code in dict.fromkeys(rules.tolist()):
        r = _RULES.get(code)
        at = np.flatnonzero((rules == code) & (pos >= 0))
        if r is not None and len(at):
            out[at] = r.short_texts(result.ledger, pos[at])
    return out


def row_statuses(result: Validation) -> list[str]:
    """One short status per booking, aligned with the ledger's positions.

    ``OK``, or the worst severity in Danish followed by each rule code and a
    short reason: ``Fejl: ITB006 mangler 0,01 kr.; ITB011 ...``.
    """
    n = result.rows
    codes: list[list[str]] = [[] for _ in range(n)]
    worst = np.zeros(n, dtype=np.int8)  # 0 none, 1 warning, 2 error
    fnd = result.findings
    for pos, rule, sev, short in zip(fnd["position"].to_numpy(), fnd["rule"].to_numpy(),
                                     fnd["severity"].to_numpy(), short_reasons(result)):
        if pos < 0:  # a crashed rule has no row
            continue
        codes[pos].append(f"{rule} {short}".strip())
        worst[pos] = max(worst[pos], 2 if sev == "error" else 1)
    out = []
    for i in range(n):
        if not codes[i]:
            out.append(OK)
        else:
            word = severity_word("error" if worst[i] == 2 else "warning")
            out.append(f"{word}: {'; '.join(codes[i])}")
    return out


def row_messages(result: Validation) -> list[str]:
    """The full Danish messages of each booking, joined; empty when it is OK."""
    msgs: list[list[str]] = [[] for _ in range(result.rows)]
    fnd = result.findings
    for pos, rule, sev, msg in zip(fnd["position"].to_numpy(), fnd["rule"].to_numpy(),
                                   fnd["severity"].to_numpy(), fnd["message"].to_numpy()):
        if pos >= 0:
            msgs[pos].append(f"{rule} ({severity_word(sev, capital=False)}): {msg}")
    return [" | ".join(m) for m in msgs]


def status_column(result: Validation, height: int, header_index: int = 0,
                  first_row: int = 1) -> list[str]:
    """A column of ``height`` cells for a range whose row 0 is Excel row ``first_row``.

    The header row gets ``Status``; each booking its status; blank rows and
    rows above the header stay empty, so the column lines up with the range.
    """
    col = [""] * height
    if 0 <= header_index < height:
        col[header_index] = STATUS_HEADER
    rows = result.ledger.frame["row"].to_numpy()
    for r, status in zip(rows, row_statuses(result)):
        i = int(r) - first_row
        if 0 <= i < height:
            col[i] = status
    return col


def header_index(rows: Sequence[Sequence[object]]) -> int:
    """The index of the bookings header row in a 2-D list, found as the reader finds it."""
    data = [r if isinstance(r, (list, tuple)) else [r] for r in rows[:HEADER_SCAN_ROWS]]
    hi = _locate_header(data, REQUIRED_HEADERS, OPTIONAL_HEADERS)
    return 0 if hi is None else hi


def line_remaining(result: Validation, cost_centre: object, account: object) -> tuple[str, int]:
    """The budget line covering ``account`` at ``cost_centre`` and what remains on it, in øre.

    Raises :class:`UnusableInput` with a Danish message when no line covers the
    pair, or when the line is central and this scope cannot see its use.
    """
    master = result.ledger.master
    cc, acct = clean_id(cost_centre), clean_id(account)
    account_rec = master.account_by_id.get(acct)
    if account_rec is None:
        raise UnusableInput(f"Konto '{acct}' findes ikke i IT-kontoplanen.")
    lines = result.lines
    if account_rec.financing == "central":
        hit = lines[lines["central_line"] == account_rec.central_line]
        if not len(hit):
            raise UnusableInput(
                f"Konto {acct} er centralt finansieret (budgetlinje {account_rec.central_line}); "
                "dækningen kontrolleres af Økonomistaben ved konsolideringen.")
        return f"central {account_rec.central_line}", int(hit["remaining"].iat[0])
    if cc not in master.cost_centre_by_id:
        raise UnusableInput(f"Omkostningssted '{cc}' findes ikke i stamdata.")
    hit = lines[(lines["cost_centre"] == cc) & (lines["account"] == acct)]
    if not len(hit):
        raise UnusableInput(f"Konto {acct} har ingen budgetlinje på omkostningssted {cc}.")
    return f"{cc}/{acct}", int(hit["remaining"].iat[0])


def is_covered(result: Validation, cost_centre: object, account: object, amount_ore: int) -> bool:
    """Whether a further booking of ``amount_ore`` would stay within its line's budget."""
    _, remaining = line_remaining(result, cost_centre, account)
    return amount_ore <= max(remaining, 0) or amount_ore <= 0
