"""The add-in's worksheet functions, one module for both kinds of Excel.

Classic desktop Excel loads this package through the xlwings add-in
(``UDF Modules = udfs`` in the workbook's ``xlwings.conf`` sheet); the Office.js
add-in gets the same functions from xlwings Server (``addin.server``). The
functions themselves live in :mod:`udfs.functions`; this package re-exports
them because both runtimes look for decorated functions on the module.
"""

from .functions import (FUNCTIONS, itb_daekket, itb_ean_aftaleholder, itb_ean_gyldig,
                        itb_pris_pr_arbejdsplads, itb_rest, itb_valider)

__all__ = ["FUNCTIONS", "itb_daekket", "itb_ean_aftaleholder", "itb_ean_gyldig",
           "itb_pris_pr_arbejdsplads", "itb_rest", "itb_valider"]
