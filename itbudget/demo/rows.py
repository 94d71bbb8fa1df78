"""A demo booking row: a list in :data:`~itbudget.bookings.BOOKING_HEADERS` order, and its positions by name.

Rows stay lists: the mistakes are planted into them in place, and the demo
hands them on as a workbook's or an export's rows.
"""

from __future__ import annotations

from ..bookings import BOOKING_HEADERS

Row = list
_AT = {field: i for i, field in enumerate(BOOKING_HEADERS.values())}
VOUCHER, DATE, COST_CENTRE, ACCOUNT_NO, AMOUNT = (_AT[f] for f in ("voucher", "date", "cost_centre", "account", "amount"))
TEXT, SUPPLIER, INVOICE, EAN, PROJECT = (_AT[f] for f in ("text", "supplier", "invoice_no", "ean", "project"))
