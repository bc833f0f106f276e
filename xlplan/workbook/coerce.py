"""Read what reps really type into a field's type, and say what was odd.

A cell may hold the right type, or text that means it ("$1.2M", "45%",
"1,200", "31/03/2026"), or something that cannot be used ("TBD", "Q3", a typo
in a drop-down value, an Excel error). ``coerce`` returns the value xlplan
will use (``None`` when there is none) and, where the cell was not clean, a
``Finding`` that becomes an issue naming the cell.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from xlplan.core.excel import EXCEL_EPOCH
from xlplan.model.issues import Severity
from xlplan.model.pack import FieldSpec, FieldType
from xlplan.model.values import match_enum

EPOCH_1904 = dt.date(1904, 1, 1)
PLACEHOLDERS = {
    "tbd",
    "tbc",
    "n/a",
    "na",
    "-",
    "--",
    "?",
    "??",
    "unknown",
    "none",
    "nil",
    "tba",
}
# Lists whose value a cell keeps as typed when it is not in the list: a plan
# in an unknown currency must not have its money taken for the portfolio's
# (a blank currency is the pack's base); the code has no rate, so rollups
# leave the plan's money blank and flag it DATA_ERROR.
KEPT_WHEN_UNLISTED = frozenset({"currency"})
_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mm": 1e6, "bn": 1e9, "b": 1e9}
_NUMBER = re.compile(
    r"^(?P<neg>-)?\(?(?P<cur>[$€£¥]|[A-Z]{3})?\s*(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
    r"\s*(?P<suffix>k|m|mm|bn|b|%)?\)?\s*(?P<cur2>[A-Z]{3})?$",
    re.IGNORECASE,
)
_TRUE = {"true", "yes", "y", "x", "1", "wahr", "vrai"}
_FALSE = {"false", "no", "n", "0", "falsch", "faux"}
_TEXT_DATES = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%b %d %Y",
    "%B %d %Y",
    "%d.%m.%Y",
)


@dataclass(frozen=True)
class ErrorValue:
    """An Excel error value (#N/A, #DIV/0! ...) kept apart from a blank cell."""

    code: str


@dataclass(frozen=True)
class Finding:
    """Something odd about one cell: code, severity, message and what to do."""

    code: str
    severity: Severity
    message: str
    hint: str = ""


def coerce(
    spec: FieldSpec, raw: Any, choices: Sequence[str] = (), *, date1904: bool = False
) -> tuple[Any, Finding | None]:
    """The value to use for ``raw`` in ``spec``'s type, and a finding if it was not clean."""
    if isinstance(raw, ErrorValue):
        return None, Finding(
            "value.excel_error",
            Severity.WARNING,
            f"{spec.label}: the cell holds the error {raw.code}.",
            "Fix the formula or type a value; the cell is read as blank.",
        )
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None, None
    if spec.type.is_number:
        return _number(spec, raw)
    if spec.type is FieldType.DATE:
        return _date(spec, raw, date1904)
    if spec.type is FieldType.BOOL:
        return _bool(spec, raw)
    if spec.type is FieldType.ENUM:
        return _enum(spec, raw, choices)
    if spec.type is FieldType.REF:
        names = tuple(n.strip() for n in str(raw).split(";") if n.strip())
        return (names if spec.multi else (names[0] if names else None)), None
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw)), None
    if isinstance(raw, (dt.date, dt.datetime)):
        return raw.isoformat()[:10], None
    return str(raw), None


def _number(spec: FieldSpec, raw: Any) -> tuple[Any, Finding | None]:
    if isinstance(raw, bool):
        return None, _not_a_number(spec, raw)
    if isinstance(raw, (int, float)):
        value = float(raw)
    elif isinstance(raw, str):
        parsed = parse_number_text(raw)
        if parsed is None:
            return None, _not_a_number(spec, raw)
        value, was_percent = parsed
        if spec.type is FieldType.PCT and was_percent:
            value /= 100
        if not within_bounds(spec, value, value):
            return _out_of_bounds(spec, raw, value)
        return _whole(spec, value), Finding(
            "value.number_as_text",
            Severity.WARNING,
            f"{spec.label}: '{raw}' is text; read as {_show(value, spec)}.",
            "Type it as a plain number so Excel's own formulas count it too.",
        )
    else:
        return None, _not_a_number(spec, raw)
    if not within_bounds(spec, value, value):
        return _out_of_bounds(spec, raw, value)
    if spec.type is FieldType.INT and not value.is_integer():
        return value, Finding(
            "value.not_whole",
            Severity.WARNING,
            f"{spec.label}: {value:g} is not a whole number.",
            "Round it.",
        )
    return _whole(spec, value), None


def within_bounds(spec: FieldSpec, low: float, high: float) -> bool:
    """True when typed numbers from ``low`` to ``high`` need no range finding.

    A typed figure is at most ``LARGEST_FIGURE`` across (larger ones are
    typing slips, and summed they overflow), money is not negative, and a
    share (a typed percentage) is at most 100%. Computed fields, whose
    stored results are compared with xlplan's own, are not held to it.
    """
    if spec.computed:
        return True
    if not (low >= -LARGEST_FIGURE and high <= LARGEST_FIGURE):  # NaN fails too
        return False
    if spec.type is FieldType.MONEY and low < 0:
        return False
    return not (spec.type is FieldType.PCT and high > 1)


def _out_of_bounds(spec: FieldSpec, raw: Any, value: float) -> tuple[Any, Finding]:
    """The value and finding for a typed number ``within_bounds`` refuses."""
    typed = f"'{raw}'" if isinstance(raw, str) else f"{value:,.10g}"
    if spec.type is FieldType.PCT and 1 < value <= 100:
        return value / 100, Finding(
            "value.percent_as_number",
            Severity.WARNING,
            f"{spec.label}: {typed} read as {value / 100:.0%}.",
            f"Type {value:g}% or {value / 100:g}: a share is kept as a fraction.",
        )
    if spec.type is FieldType.MONEY and -LARGEST_FIGURE <= value < 0:
        return None, Finding(
            "value.negative_money",
            Severity.WARNING,
            f"{spec.label}: {typed} is negative; read as blank.",
            "Type the amount as a positive number.",
        )
    shown = "over 100%" if spec.type is FieldType.PCT and value > 0 else "out of range"
    return None, Finding(
        "value.out_of_range",
        Severity.WARNING,
        f"{spec.label}: {typed} is {shown}; read as blank.",
        "Type a share from 0% to 100%."
        if spec.type is FieldType.PCT
        else f"Type a figure under {LARGEST_FIGURE:,.0f} across.",
    )


def _whole(spec: FieldSpec, value: float) -> float | int:
    return int(value) if spec.type is FieldType.INT and value.is_integer() else value


def _show(value: float, spec: FieldSpec) -> str:
    return f"{value:.0%}" if spec.type is FieldType.PCT else f"{value:,.10g}"


def parse_number_text(text: str) -> tuple[float, bool] | None:
    """A number written as text ("$1.2M", "45%", "1,200", "(300)"); ``None`` if it is not one.

    Returns the number and whether it carried a percent sign.
    """
    cleaned = text.strip().replace("\u00a0", " ")
    if cleaned.casefold() in PLACEHOLDERS:
        return None
    match = _NUMBER.match(cleaned)
    if not match:
        return None
    value = float(match.group("digits").replace(",", ""))
    suffix = (match.group("suffix") or "").lower()
    if suffix in _MULTIPLIERS:
        value *= _MULTIPLIERS[suffix]
    negative = bool(match.group("neg")) or (
        cleaned.startswith("(") and cleaned.endswith(")")
    )
    return (-value if negative else value), suffix == "%"


def _not_a_number(spec: FieldSpec, raw: Any) -> Finding:
    return Finding(
        "value.not_a_number",
        Severity.WARNING,
        f"{spec.label}: '{raw}' is not a number.",
        "Type a number, or leave the cell blank until you know it.",
    )


# The serial after 31 Dec 9999, the last day Excel shows.
LAST_SERIAL = 2958466
# The largest figure a plan cell may hold across (a thousand trillion):
# larger ones are typing slips, and a few summed overflow to infinity, which
# no workbook, CSV or JSON file can hold.
LARGEST_FIGURE = 1e15


def from_serial(serial: float, date1904: bool) -> dt.date:
    """The date of an Excel serial number in either date system."""
    base = EPOCH_1904 if date1904 else EXCEL_EPOCH
    return base + dt.timedelta(days=int(serial))


def _date(spec: FieldSpec, raw: Any, date1904: bool) -> tuple[Any, Finding | None]:
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        if 1 <= raw < LAST_SERIAL:
            return from_serial(raw, date1904), None
        return None, _not_a_date(spec, raw)
    if isinstance(raw, str):
        day = parse_date_text(raw)
        if day is None:
            if len(_day_month_readings(raw)) == 2:
                return None, Finding(
                    "value.ambiguous_date",
                    Severity.WARNING,
                    f"{spec.label}: '{raw}' is text that reads as two dates (day or month first).",
                    "Type the date as a date, or as YYYY-MM-DD.",
                )
            return None, _not_a_date(spec, raw)
        return day, Finding(
            "value.date_as_text",
            Severity.WARNING,
            f"{spec.label}: '{raw}' is text; read as {day:%d %b %Y}.",
            "Type it as a date so Excel's own formulas count it too.",
        )
    return None, _not_a_date(spec, raw)


def parse_date_text(text: str) -> dt.date | None:
    """A date written as text, in ISO or an unambiguous common form."""
    cleaned = text.strip().replace(",", "")
    for pattern in _TEXT_DATES:
        try:
            return dt.datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
    readings = _day_month_readings(cleaned)
    return readings.pop() if len(readings) == 1 else None


def _day_month_readings(text: str) -> set[dt.date]:
    """The dates ``text`` can mean, day first and month first (e.g. 03/04/2026)."""
    readings = set()
    for pattern in ("%d/%m/%Y", "%m/%d/%Y"):
        try:
            readings.add(dt.datetime.strptime(text.strip(), pattern).date())
        except ValueError:
            continue
    return readings


def _not_a_date(spec: FieldSpec, raw: Any) -> Finding:
    if isinstance(raw, dt.time):
        # A cell formatted as a date whose serial number is under 1 (or out
        # of Excel's range) reads as a time of day.
        shown = "a time of day, or a date Excel cannot show (before 1900)"
    elif isinstance(raw, (int, float)) and not isinstance(raw, bool):
        shown = f"the number {raw:,.10g}, which is no date Excel can show"
    else:
        shown = f"'{raw}', which is not a date"
    return Finding(
        "value.not_a_date",
        Severity.WARNING,
        f"{spec.label}: the cell holds {shown}.",
        "Type a date such as 2026-03-31, or leave the cell blank.",
    )


def _bool(spec: FieldSpec, raw: Any) -> tuple[Any, Finding | None]:
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, (int, float)) and raw in (0, 1):
        # LibreOffice has no boolean cell: it saves TRUE as =TRUE() holding 1.
        return raw == 1, None
    text = str(raw).strip().casefold()
    if isinstance(raw, (int, float)):
        text = str(int(raw)) if float(raw).is_integer() else text
    if text in _TRUE or text in _FALSE:
        value = text in _TRUE
        return value, Finding(
            "value.bool_as_text",
            Severity.INFO,
            f"{spec.label}: '{raw}' read as {'TRUE' if value else 'FALSE'}.",
            "Pick TRUE or FALSE from the drop-down.",
        )
    return None, Finding(
        "value.not_a_bool",
        Severity.WARNING,
        f"{spec.label}: '{raw}' is not TRUE or FALSE.",
        "Pick TRUE or FALSE from the drop-down.",
    )


def _enum(
    spec: FieldSpec, raw: Any, choices: Sequence[str]
) -> tuple[Any, Finding | None]:
    text = (
        str(raw).strip()
        if not isinstance(raw, float) or not raw.is_integer()
        else str(int(raw))
    )
    matched = match_enum(text, choices)
    if matched is not None:
        if matched == text:
            return matched, None
        return matched, Finding(
            "value.list_spelling",
            Severity.INFO,
            f"{spec.label}: '{raw}' read as '{matched}'.",
            "Pick the value from the drop-down so every tool reads it the same way.",
        )
    close = difflib.get_close_matches(text, list(choices), n=1, cutoff=0.6)
    guess = f" Did you mean '{close[0]}'?" if close else ""
    if spec.list_name in KEPT_WHEN_UNLISTED and text:
        return text, Finding(
            "value.not_in_list",
            Severity.WARNING,
            f"{spec.label}: '{raw}' is not in the list.{guess} Money in it is "
            "not converted: rollups leave this plan's money blank.",
            f"Pick one of: {', '.join(choices)}.",
        )
    return None, Finding(
        "value.not_in_list",
        Severity.WARNING,
        f"{spec.label}: '{raw}' is not in the list.{guess}",
        f"Pick one of: {', '.join(choices)}.",
    )
