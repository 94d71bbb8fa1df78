"""itbudget: the pure core.

Master data, bookings, the validation rules ITB001-ITB011, coverage and
roll-up. Nothing in this package imports xlwings; the Excel adapters live in
the top-level ``udfs`` and ``addin`` packages and the workbook builders in
``workbook_templates``.
"""

__version__ = "0.1.0"

from .errors import ItbudgetError, MasterDataError, UnusableInput  # noqa: E402
from .master import MasterData, load_master  # noqa: E402
from .validation import Validation, validate, validate_file  # noqa: E402

__all__ = ["ItbudgetError", "MasterDataError", "UnusableInput", "MasterData", "load_master",
           "Validation", "validate", "validate_file", "__version__"]
