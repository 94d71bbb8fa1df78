"""itbudget: the pure core.

Master data, bookings, the validation rules ITB001-ITB011, coverage and
roll-up. Nothing in this package imports xlwings; the Excel adapters live in
the top-level ``udfs`` and ``addin`` packages and the workbook builders in
``workbook_templates``.
"""

__version__ = "0.1.0"

#: The public API, imported on first use (PEP 562): ``import itbudget.cli`` stays
#: light, so a command can start reading its input before pandas is imported.
_API = {
    "ItbudgetError": "errors", "MasterDataError": "errors", "UnusableInput": "errors",
    "MasterData": "master", "load_master": "master",
    "Validation": "validation", "validate": "validation",
}
__all__ = [*_API, "__version__"]


def __getattr__(name: str):
    if name in _API:
        import importlib

        return getattr(importlib.import_module(f".{_API[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
