"""The add-in's worksheet functions, one module for both kinds of Excel.

Classic desktop Excel loads this package through the xlwings add-in
(``UDF Modules = udfs`` in the workbook's ``xlwings.conf`` sheet); the Office.js
add-in gets the same functions from xlwings Server (``addin.server``). The
functions themselves live in :mod:`udfs.functions`; this package re-exports
every one of them (its :data:`~udfs.functions.FUNCTIONS`) because both runtimes
look for decorated functions on the module.
"""

from .functions import FUNCTIONS

# Every function declared with ``@worksheet_function``, under its Python name: one edit adds one.
globals().update({f.__name__: f for f in FUNCTIONS})
__all__ = ["FUNCTIONS", *(f.__name__ for f in FUNCTIONS)]
