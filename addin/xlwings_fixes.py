"""Corrections to xlwings' handling of the workbook snapshot Office.js sends.

xlwings (0.37) turns every text cell that matches its ISO-timestamp pattern
into a ``datetime`` when a script reads a range (``_xlremote``), by cutting the
last character (the ``Z``) and calling ``datetime.fromisoformat``. A text cell
such as ``1999-12-31T23:59:59+05:30`` or ``2026-02-31T00:00:00`` then raised
ValueError, and Valider/Opdater answered 500 with the cell in the log (issue 12
point 2). Such a cell is text the user typed: it stays text and becomes a
finding like any other unreadable date.
"""

from __future__ import annotations

_PATCHED = "__itbudget_safe__"


def keep_unparseable_timestamps_as_text() -> None:
    """Make xlwings keep a timestamp-shaped text it cannot convert as the text itself. Idempotent."""
    from xlwings.pro import _xlremote

    original = _xlremote._clean_value_data_element
    if getattr(original, _PATCHED, False):
        return

    def clean_value_data_element(value, datetime_builder, empty_as, number_builder, err_to_str):
        try:
            return original(value, datetime_builder, empty_as, number_builder, err_to_str)
        except (ValueError, OverflowError):
            if isinstance(value, str):
                return value
            raise

    setattr(clean_value_data_element, _PATCHED, True)
    _xlremote._clean_value_data_element = clean_value_data_element
