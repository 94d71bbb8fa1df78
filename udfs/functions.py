"""The worksheet functions ITB.VALIDER, ITB.REST, ITB.DAEKKET, ITB.EAN_GYLDIG, ...

Each function converts its Excel arguments, makes one call into the core and
shapes the answer for a cell or a spill range. The docstrings and argument
docs are the Danish help Excel shows in the function wizard. A problem with
the arguments is raised as :class:`xlwings.XlwingsError` with a Danish message
(Excel shows it as an error value; xlwings Server answers 400). No function
changes the workbook.

Names: Office.js shows ``ITB.<name>`` (the manifest's namespace is ``ITB``);
classic desktop Excel has no namespaces and shows the Python name, e.g.
``ITB_VALIDER`` — a prefix that also keeps clear of Danish Excel's own
function names (``REST`` is Danish Excel's MOD).
"""

from __future__ import annotations

from functools import wraps

from xlwings import XlwingsError, arg, func, ret

from itbudget import access
from itbudget.errors import AccessDenied, ItbudgetError
from itbudget.operations import validate_as
from itbudget.parsing import clean_id, is_ean, parse_amount
from itbudget.presentation import kr_float
from itbudget.statuses import header_index, is_covered, line_remaining, status_column

from itbudget.cells import bookings_rows, cell
from .masterdata import resolve

#: Excel function category on classic desktop Excel.
CATEGORY = "IT-budget"
#: Every worksheet function, in the order declared: the server registers and gates these (``addin/server.py``).
FUNCTIONS: list = []
#: Longest message shown in Excel (classic Excel truncates long error texts).
_MAX_MESSAGE = 1000

_DOC_BOOKINGS = ("Bogføringerne inkl. overskriftsrækken (Bilag, Dato, Omkostningssted, Konto, "
                 "Beløb, ...), fx Bogføringer[#Alle].")
_DOC_MASTER = ("Valgfrit: stamdataområder inkl. overskrifter (Indstillinger, Aftaleholdere, "
               "Omkostningssteder, EAN, Kontoplan, Budget, ...). Udelades de, bruges serverens stamdata.")


def worksheet_function(name: str):
    """``@func`` in the add-in's category, named ``name`` in Excel, and listed in :data:`FUNCTIONS`."""

    def declare(fn):
        fn = func(name=name, category=CATEGORY)(fn)
        FUNCTIONS.append(fn)
        return fn

    return declare


def _danish_errors(fn):
    """Turn the core's Danish errors into XlwingsError; keep real bugs visible."""

    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except AccessDenied:
            raise  # the server answers 403 with its Danish message
        except ItbudgetError as exc:
            raise XlwingsError(str(exc)[:_MAX_MESSAGE]) from None

    return wrapper


def _validate(bookings, stamdata):
    """Validate as the request's principal may: a holder sees only its own data.

    Returns the rows, the validation and the full master data (for access checks).
    """
    full = resolve(stamdata)
    rows = bookings_rows(bookings)
    return rows, validate_as(access.current(), rows, full), full


@worksheet_function("VALIDER")
@arg("bogfoeringer", "raw", doc=_DOC_BOOKINGS)
@arg("*stamdata", ndim=2, doc=_DOC_MASTER)
# The answer is one column of plain text ('Status', 'OK', 'Fejl: ...'): written as it is,
# without xlwings' per-cell cleaning for dates, NaN and error codes (a tenth of the call
# over the server for 10,000 rows; issue 18).
@ret("raw")
@_danish_errors
def itb_valider(bogfoeringer, *stamdata):
    """Validerer alle bogføringer på én gang og returnerer én kolonne af samme højde: 'Status' i overskriftsrækken, derefter 'OK' eller fx 'Fejl: ITB006 mangler 0,01 kr.' for hver række."""
    rows, result, _ = _validate(bogfoeringer, stamdata)
    col = status_column(result, len(rows), header_index(rows))
    return [[s] for s in col]


@worksheet_function("REST")
@arg("omkostningssted", doc="Omkostningsstedet, fx 1001.")
@arg("konto", doc="IT-kontoen, fx 2210.")
@arg("bogfoeringer", "raw", doc=_DOC_BOOKINGS)
@arg("*stamdata", ndim=2, doc=_DOC_MASTER)
@_danish_errors
def itb_rest(omkostningssted, konto, bogfoeringer, *stamdata):
    """Restbudgettet i kr. på den budgetlinje, der dækker kontoen på omkostningsstedet: budget minus disponeret minus bogført i budgetåret."""
    _, result, full = _validate(bogfoeringer, stamdata)
    access.check_cost_centres([omkostningssted], full, access.current())
    _, remaining = line_remaining(result, omkostningssted, konto)
    return kr_float(remaining)


@worksheet_function("DAEKKET")
@arg("omkostningssted", doc="Omkostningsstedet, fx 1001.")
@arg("konto", doc="IT-kontoen, fx 2210.")
@arg("beloeb", doc="Beløbet i kr., fx 1234,50.")
@arg("bogfoeringer", "raw", doc=_DOC_BOOKINGS)
@arg("*stamdata", ndim=2, doc=_DOC_MASTER)
@_danish_errors
def itb_daekket(omkostningssted, konto, beloeb, bogfoeringer, *stamdata):
    """SAND hvis beløbet har budgetmæssig dækning på budgetlinjen (kontoen på omkostningsstedet) oven i det, der allerede er bogført; ellers FALSK."""
    amount = parse_amount(cell(beloeb))  # a COM error code is no amount
    if amount is None:
        raise XlwingsError(f"Beløb '{clean_id(beloeb)[:40]}' kan ikke læses som kr. og øre (fx 1.234,50).")
    _, result, full = _validate(bogfoeringer, stamdata)
    access.check_cost_centres([omkostningssted], full, access.current())
    return is_covered(result, omkostningssted, konto, amount)


@worksheet_function("EAN_GYLDIG")
@arg("ean", doc="EAN-nummeret (13 cifre).")
def itb_ean_gyldig(ean):
    """SAND hvis EAN-nummeret har 13 cifre og korrekt GS1-kontrolciffer; ellers FALSK."""
    return is_ean(clean_id(ean))


@worksheet_function("EAN_AFTALEHOLDER")
@arg("ean", doc="EAN-nummeret (13 cifre).")
@arg("*stamdata", ndim=2, doc=_DOC_MASTER)
@_danish_errors
def itb_ean_aftaleholder(ean, *stamdata):
    """Den aftaleholder, som EAN-nummeret er registreret til i stamdata; tom tekst hvis det ikke er registreret."""
    code = clean_id(ean)
    if not is_ean(code):
        raise XlwingsError(f"EAN '{code}' er ikke et gyldigt EAN-nummer (13 cifre med korrekt kontrolciffer).")
    return access.master_for(resolve(stamdata), access.current()).holder_of_ean.get(code, "")


@worksheet_function("PRIS_PR_ARBEJDSPLADS")
@arg("aftaleholder", doc="Aftaleholderen, fx H01.")
@arg("bogfoeringer", "raw", doc=_DOC_BOOKINGS)
@arg("*stamdata", ndim=2, doc=_DOC_MASTER)
@_danish_errors
def itb_pris_pr_arbejdsplads(aftaleholder, bogfoeringer, *stamdata):
    """Hvad det koster i kr. at drive én IT-arbejdsplads hos aftaleholderen: egne IT-bogføringer plus andel af de centrale linjer, der fordeles pr. arbejdsplads, delt med arbejdspladser + hjemmearbejdspladser."""
    from itbudget.consolidation import workstation_costs

    holder = clean_id(aftaleholder)
    access.check_holder(holder, access.current())
    _, result, _ = _validate(bogfoeringer, stamdata)
    master = result.ledger.master
    if holder not in master.holder_by_id:
        raise XlwingsError(f"Aftaleholder '{holder}' findes ikke i stamdata.")
    frame = result.ledger.frame
    costs, _ = workstation_costs(frame[frame["placeable"].to_numpy()], master)
    row = costs[costs["holder"] == holder]
    per = row["per_workstation"].iat[0]
    if per is None:
        raise XlwingsError(f"Aftaleholder {holder} har ingen arbejdspladser i stamdata.")
    return kr_float(int(per))

