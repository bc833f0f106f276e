"""Interpret a raw cell value the way Excel's own formulas see it.

This is the strict view: text in a number cell is not a number, an enum value
matches its list without regard to case (as Excel's ``=`` and ``COUNTIF`` do),
and anything else unusable is ``None``. The workbook builder uses it to write
each formula's cached result, so cached results equal what Excel computes.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping, Sequence
from typing import Any

from xlplan.model.pack import FieldSpec, FieldType


def interpret(spec: FieldSpec, raw: Any, lists: Mapping[str, Sequence[str]]) -> Any:
    """The typed value of ``raw`` for ``spec``; ``None`` for blank or unusable."""
    if raw is None or (isinstance(raw, str) and raw.strip() == ""):
        return None
    kind = spec.type
    if kind.is_number:
        return _number(raw, whole=kind is FieldType.INT)
    if kind is FieldType.DATE:
        return _date(raw)
    if kind is FieldType.BOOL:
        return raw if isinstance(raw, bool) else None
    if kind is FieldType.ENUM:
        return match_enum(raw, lists.get(spec.list_name or "", ()))
    if kind is FieldType.REF:
        names = tuple(n.strip() for n in str(raw).split(";") if n.strip())
        return names if spec.multi else (names[0] if names else None)
    return str(raw)


def match_enum(raw: Any, values: Sequence[str]) -> str | None:
    """The list value equal to ``raw`` ignoring case, else ``None``.

    When two list values differ only in case, the first one is returned.
    """
    if not isinstance(raw, str):
        return None
    wanted = raw.casefold()
    if isinstance(values, tuple):
        return _by_casefold(values).get(wanted)
    for value in values:
        if value.casefold() == wanted:
            return value
    return None


@functools.lru_cache(maxsize=512)
def _by_casefold(values: tuple[str, ...]) -> dict[str, str]:
    """A pack list keyed by its values' case folds (the first value of each)."""
    folded: dict[str, str] = {}
    for value in values:
        folded.setdefault(value.casefold(), value)
    return folded


def _number(raw: Any, *, whole: bool) -> float | int | None:
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    if whole and float(raw).is_integer():
        return int(raw)
    return float(raw)


def _date(raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    return None
