"""One record for every problem a person can fix: a finding.

A booking that breaks a rule, a master-data cell that cannot be read, a file
that cannot be used, an e-invoice addressed to the wrong EAN, a project form
that clashes with stamdata, a workbook from a template this release cannot
read: each is a :class:`Finding` with where it is, the rule code, the
severity, a Danish message, and the holder it belongs to and whom to contact
where those are known.

Loaders return ``(value, findings)`` as beancount's loader does; what to print
and which exit code to give is the caller's choice, through :func:`exit_code`.
Many findings (one per booking and rule) travel as a columnar frame whose
columns are exactly the record's fields (:data:`COLUMNS`); :func:`to_frame`
and :func:`records` convert between the two.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Iterable, Iterator

if TYPE_CHECKING:  # pandas is imported where a frame is built: the CLI imports this at parse time
    import pandas as pd

ERROR = "error"
WARNING = "warning"

#: Codes of the findings that are not about a booking (the bookings rules are ITB001-ITB019).
MASTER_DATA = "STAMDATA"      # a sheet or cell of the master data cannot be used
FILE = "FIL"                  # a file cannot be used, or is not one the command reads
PROJECT_FORM = "PROJEKTSKEMA"  # a project form cannot be read, or clashes with stamdata
TEMPLATE = "SKABELON"         # a holder workbook from a template version this release cannot read


@dataclass(frozen=True, kw_only=True)
class Finding:
    """One problem: where (file, sheet, row or part), which rule, how bad, what to do.

    ``row`` is the Excel row (0: the problem has no row); ``part`` names a
    place that is not a row (an invoice's element, a project form's field);
    ``position`` is the booking's position in the ledger (-1: not a booking).
    """

    file: str = ""
    sheet: str = ""
    row: int = 0
    voucher: str = ""
    rule: str
    severity: str = ERROR
    message: str
    position: int = -1
    part: str = ""
    holder: str = ""
    contact: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def where(self) -> str:
        """The location in Danish: ``Stamdata.xlsx, ark 'Budget', række 4``."""
        out = [self.file] if self.file else []
        if self.sheet:
            out.append(f"ark '{self.sheet}'")
        if self.row:
            out.append(f"række {self.row}")
        if self.part:
            out.append(self.part)
        return ", ".join(out)

    def __str__(self) -> str:
        where = self.where()
        return f"{where}: {self.message}" if where else self.message


#: The findings frame's columns: the record's fields, in order.
COLUMNS = [f.name for f in fields(Finding)]
_INT_COLUMNS = ("row", "position")
_DEFAULTS = {f.name: f.default for f in fields(Finding) if f.name not in ("rule", "message")}


def empty_frame() -> pd.DataFrame:
    """A clean run: no findings, the same columns."""
    import numpy as np
    import pandas as pd

    return pd.DataFrame({c: pd.Series(dtype=np.int64 if c in _INT_COLUMNS else object)
                         for c in COLUMNS})


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every column of :data:`COLUMNS`, in order; missing ones take the default."""
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        frame = frame.assign(**{c: _DEFAULTS[c] for c in missing})
    return frame[COLUMNS]


def to_frame(findings: Iterable[Finding]) -> pd.DataFrame:
    """Records as the columnar findings frame."""
    import numpy as np
    import pandas as pd

    items = list(findings)
    if not items:
        return empty_frame()
    return pd.DataFrame({c: np.array([getattr(f, c) for f in items],
                                     dtype=np.int64 if c in _INT_COLUMNS else object)
                         for c in COLUMNS})


def records(frame: pd.DataFrame) -> Iterator[Finding]:
    """The frame's rows as records (extra columns, e.g. a routed ``amount``, are left out)."""
    arrays = {c: frame[c].to_numpy() for c in COLUMNS if c in frame.columns}
    for i in range(len(frame)):
        kw = {c: a[i] for c, a in arrays.items()}
        for c in _INT_COLUMNS:
            if c in kw:
                kw[c] = int(kw[c])
        yield Finding(**kw)


def count_errors(findings: Iterable[Finding] | pd.DataFrame) -> int:
    if hasattr(findings, "columns"):  # a findings frame
        return int((findings["severity"] == ERROR).sum())
    return sum(f.severity == ERROR for f in findings)


#: Exit codes: the one place that decides them.
EXIT_OK, EXIT_FINDINGS, EXIT_UNUSABLE = 0, 1, 2


def exit_code(*findings: Iterable[Finding] | pd.DataFrame) -> int:
    """0 when no finding is an error, 1 when one is (records or frames, any number of them).

    Input that cannot be used at all is raised (:class:`itbudget.errors.ItbudgetError`,
    which carries its findings) and exits with :data:`EXIT_UNUSABLE` at the CLI edge.
    """
    return EXIT_FINDINGS if any(count_errors(f) for f in findings) else EXIT_OK


__all__ = ["COLUMNS", "ERROR", "EXIT_FINDINGS", "EXIT_OK", "EXIT_UNUSABLE", "FILE", "Finding",
           "MASTER_DATA", "PROJECT_FORM", "TEMPLATE", "WARNING", "conform", "count_errors",
           "empty_frame", "exit_code", "records", "to_frame"]
