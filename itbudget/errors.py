"""Named exceptions. Each carries a Danish message meant for the user, and its findings.

Bad user data is reported as findings where it can be; these exceptions are for
input that cannot be used at all (exit code 2). Each carries the findings that
say why (:attr:`ItbudgetError.findings`), so the CLI edge can render them like
any other. Anything else raised is a bug.
"""

from __future__ import annotations

import errno

from .findings import EXIT_UNUSABLE, FILE, MASTER_DATA, TEMPLATE, Finding

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

    exit_code = EXIT_UNUSABLE
    #: The rule code of the finding the message becomes.
    rule = FILE

    def __init__(self, *args, findings: tuple[Finding, ...] | list[Finding] = ()):
        super().__init__(*args)
        self._findings = tuple(findings)

    @property
    def findings(self) -> tuple[Finding, ...]:
        """Why the input cannot be used, as findings (the message as one, unless told more)."""
        return self._findings or (Finding(rule=self.rule, message=str(self)),)

    def __reduce__(self):  # from a worker process: the message and the findings
        return self.__class__, self.args, {"_findings": self._findings}


def finding_of(exc: ItbudgetError, file: str, rule: str | None = None) -> Finding:
    """``exc`` as a finding on ``file``; a message that starts with the file's name is located there.

    ``str()`` of the finding is the exception's message, byte for byte.
    """
    text, prefix = str(exc), f"{file}: "
    rule = rule or exc.rule
    if file and text.startswith(prefix):
        return Finding(file=file, rule=rule, message=text[len(prefix):])
    return Finding(rule=rule, message=text)


class UnusableInput(ItbudgetError):
    """An input file cannot be read or lacks what the contract requires."""


class TemplateVersionError(UnusableInput):
    """A budget-holder workbook from a template version this release cannot read."""

    rule = TEMPLATE


class AccessDenied(ItbudgetError):
    """A user asked for data that belongs to another budget holder."""


def master_data_finding(file: str, sheet: str, row: int | None, message: str) -> Finding:
    """A problem in the master data: the file, the sheet, the row (None: the whole sheet)."""
    return Finding(file=file, sheet=sheet, row=row or 0, rule=MASTER_DATA, message=message)


class MasterDataError(ItbudgetError):
    """The master data has problems; a wrong master must never validate bookings."""

    rule = MASTER_DATA

    def __init__(self, findings: list[Finding]):
        lines = "\n".join(f"  - {p}" for p in findings[:200])
        more = f"\n  ... og {len(findings) - 200} flere" if len(findings) > 200 else ""
        super().__init__(f"Stamdata kan ikke bruges ({len(findings)} fejl):\n{lines}{more}",
                         findings=findings)

    def __reduce__(self):
        return self.__class__, (list(self.findings),)
