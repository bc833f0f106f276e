"""Excel's arithmetic in Python, and small helpers for writing formulas.

``core`` functions round, add months and count days exactly as Excel does, so
a native formula and its Python twin agree to 1e-9.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

EXCEL_EPOCH = dt.date(1899, 12, 30)


def excel_round(value: float, digits: int = 0) -> float:
    """Round half away from zero, like Excel's ROUND (Python rounds half to even).

    Excel rounds the shortest decimal that shows the double (2.675 rounds to
    2.68 though the double is 2.67499...), so round the decimal ``repr`` gives.
    """
    exact = Decimal(repr(value)).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP
    )
    return float(exact)


def add_months(day: dt.date, months: int) -> dt.date:
    """Excel's EDATE: the same day ``months`` later, clamped to the month's end."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def to_serial(day: dt.date) -> int:
    """The 1900-system serial number Excel stores for ``day``."""
    return (day - EXCEL_EPOCH).days


def from_serial(serial: float) -> dt.date:
    """The date of a 1900-system serial number (whole days)."""
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


def quote(text: str) -> str:
    """A formula string literal: ``"Done"``, with inner quotes doubled."""
    return '"' + text.replace('"', '""') + '"'


def any_of(tests: Iterable[str]) -> str:
    """``OR(a,b,...)`` or the single test; ``FALSE`` for none."""
    parts = list(tests)
    if not parts:
        return "FALSE"
    return parts[0] if len(parts) == 1 else "OR(" + ",".join(parts) + ")"


def all_of(tests: Iterable[str]) -> str:
    """``AND(a,b,...)`` or the single test; ``TRUE`` for none."""
    parts = list(tests)
    if not parts:
        return "TRUE"
    return parts[0] if len(parts) == 1 else "AND(" + ",".join(parts) + ")"


def clamp01(value: float) -> float:
    """``value`` capped to 0-1."""
    return min(max(value, 0.0), 1.0)
