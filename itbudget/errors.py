"""Named exceptions. Each carries a Danish message meant for the user.

Bad user data is reported as findings where it can be; these exceptions are for
input that cannot be used at all (exit code 2). Anything else raised is a bug.
"""

from __future__ import annotations

import errno
from dataclasses import dataclass

#: The operating system's reasons, in Danish, for the errors a user can fix.
_OS_REASONS = {
    errno.ENOENT: "mappen eller filen findes ikke",
    errno.EACCES: "ingen adgang",
    errno.EPERM: "ingen adgang",
    errno.ENOSPC: "der er ikke plads på disken",
    errno.EROFS: "drevet er skrivebeskyttet",
    errno.EISDIR: "der ligger en mappe med det navn",
    errno.ENOTDIR: "en del af stien er ikke en mappe",
    errno.EEXIST: "der ligger allerede en fil eller mappe med det navn",
    errno.ENAMETOOLONG: "navnet er for langt",
    errno.EBUSY: "filen er i brug",
    errno.EDQUOT: "diskkvoten er opbrugt",
}


def os_reason(exc: OSError) -> str:
    """Why the operating system refused, in Danish where the reason is a common one."""
    reason = _OS_REASONS.get(exc.errno)
    if reason:
        return reason
    return f"fejl fra styresystemet: {exc.strerror or exc}"


class ItbudgetError(Exception):
    """A problem with the user's input, with a Danish message (exit code 2)."""

    exit_code = 2


class UnusableInput(ItbudgetError):
    """An input file cannot be read or lacks what the contract requires."""


class TemplateVersionError(UnusableInput):
    """A budget-holder workbook from a template version this release cannot read."""


class AccessDenied(ItbudgetError):
    """A user asked for data that belongs to another budget holder."""


@dataclass(frozen=True)
class Problem:
    """One problem in the master data: where it is and what is wrong (Danish)."""

    file: str
    sheet: str
    row: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}, ark '{self.sheet}'"
        if self.row:
            where += f", række {self.row}"
        return f"{where}: {self.message}"


class MasterDataError(ItbudgetError):
    """The master data has problems; a wrong master must never validate bookings."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems[:200])
        more = f"\n  ... og {len(problems) - 200} flere" if len(problems) > 200 else ""
        super().__init__(f"Stamdata kan ikke bruges ({len(problems)} fejl):\n{lines}{more}")
