"""Read a table column of cells at once, with exactly the values cell by cell gives.

Both readers of tables use it: the workbook reader (``read_plan``, whose
portfolio rollups read thousands of plans) and the worksheet functions
(``xlplan.excel.cells``, which read a 200-row plan in the two milliseconds a
worksheet function has). Most cells need no lenient parsing: Excel has
already typed them. ``read_column`` therefore takes the types present in a
column with one pass in C, keeps a column whose cells are already what its
field holds (plain text, names, list values as the list spells them, plain
numbers, TRUE and FALSE), turns datetimes into dates, and reads every other
column through ``convert`` once per distinct cell value instead of once per
cell.

Distinct values are told apart by type as well as value, because Python holds
``1 == 1.0 == True`` but ``coerce`` reads them differently. The few values
whose equals may read differently even within one type (a negative zero, a
datetime with a time zone) send the column back to the cell-by-cell path:
``read_column`` returns ``None`` and the caller reads the cells one by one.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

from xlplan.model.pack import FieldSpec, FieldType
from xlplan.model.values import match_enum
from xlplan.workbook.coerce import Finding, within_bounds

Convert = Callable[[Any], tuple[Any, "Finding | None"]]
ColumnRead = tuple[Sequence[Any], list[tuple[int, Finding]]]

_NONE = type(None)
_TEXT = frozenset({FieldType.STR, FieldType.TEXT})
_AS_IS = frozenset({FieldType.DEC, FieldType.MONEY, FieldType.PCT})
# Types whose equal values read alike, apart from the checks in ``_unsafe``.
_KNOWN = frozenset({_NONE, str, float, int, bool, dt.date, dt.datetime})


def read_column(
    spec: FieldSpec,
    cells: Sequence[Any],
    convert: Convert,
    errors: frozenset[str],
    choices: tuple[str, ...] = (),
) -> ColumnRead | None:
    """The values of ``cells`` in ``spec``'s field, and the findings by cell index.

    ``convert`` reads one cell as the cell-by-cell path does; ``errors`` are
    the texts that stand for an Excel error value; ``choices`` is the field's
    value list. ``None`` when the column holds a value only the cell-by-cell
    path reads exactly.
    """
    kinds = set(map(type, cells))
    if not kinds <= _KNOWN:
        return None
    typed = _typed(spec, cells, kinds, errors, choices)
    if typed is not None:
        return typed, []
    return _by_distinct_value(cells, kinds, convert)


def _typed(
    spec: FieldSpec,
    cells: Sequence[Any],
    kinds: set[type],
    errors: frozenset[str],
    choices: tuple[str, ...],
) -> Sequence[Any] | None:
    """The column when Excel already typed it as the field's type, else ``None``.

    Text, a name, a value of the field's list as the list spells it, a number
    or a TRUE/FALSE each read as themselves; a datetime reads as its date.
    """
    if kinds <= {str, _NONE} and errors.isdisjoint(cells):
        texts = set(cells) - {None, ""}
        if spec.type in _TEXT and not any(map(str.isspace, texts)):
            return _blank_as_none(cells)
        if spec.type is FieldType.ENUM and texts <= _as_spelled(choices):
            return _blank_as_none(cells)
        if spec.type is FieldType.REF and not spec.multi and all(map(_one_name, texts)):
            return _blank_as_none(cells)
        return None
    if spec.type in _AS_IS and kinds <= {float, _NONE}:
        numbers = (
            [cell for cell in cells if cell is not None] if _NONE in kinds else cells
        )
        if numbers and not within_bounds(spec, min(numbers), max(numbers)):
            return None
        return cells
    if spec.type is FieldType.BOOL and kinds <= {bool, _NONE}:
        return cells
    if spec.type is FieldType.DATE and kinds <= {dt.datetime, _NONE}:
        if any(cell.tzinfo is not None for cell in set(cells) - {None}):
            return None
        return [None if cell is None else cell.date() for cell in cells]
    return None


def _blank_as_none(cells: Sequence[Any]) -> Sequence[Any]:
    return [cell or None for cell in cells] if "" in cells else cells


@functools.lru_cache(maxsize=256)
def _as_spelled(choices: tuple[str, ...]) -> frozenset[str]:
    """The values of a list that a cell holding them reads as they are.

    A value with spaces around it, or spelled like an earlier value but for
    case, reads as another value: those go the cell-by-cell way.
    """
    return frozenset(
        v for v in choices if v == v.strip() and match_enum(v, choices) == v
    )


def _one_name(text: str) -> bool:
    """True for a name a reference cell reads as it is: no ``;``, no spaces around."""
    return ";" not in text and text == text.strip()


def _by_distinct_value(
    cells: Sequence[Any], kinds: set[type], convert: Convert
) -> ColumnRead | None:
    """``convert`` run once per distinct (type, value), then spread over the cells."""
    keys: Sequence[Any] = cells
    if len(kinds - {_NONE}) > 1:
        keys = list(zip(map(type, cells), cells, strict=True))
    distinct = set(keys)
    if _unsafe(cells, kinds, distinct):
        return None
    values: dict[Any, Any] = {}
    odd: dict[Any, Finding] = {}
    for key in distinct:
        value, finding = convert(key[1] if keys is not cells else key)
        values[key] = value
        if finding is not None:
            odd[key] = finding
    found = [(i, odd[k]) for i, k in enumerate(keys) if k in odd] if odd else []
    return list(map(values.__getitem__, keys)), found


def _unsafe(cells: Sequence[Any], kinds: set[type], distinct: set[Any]) -> bool:
    """True when equal cells of one type may still read differently."""
    zero = 0.0 in distinct or (float, 0.0) in distinct
    # -0.0 == 0.0, yet a text field reads them as "-0.0" and "0.0".
    if zero and any(
        type(c) is float and c == 0 and math.copysign(1, c) < 0 for c in cells
    ):
        return True
    if dt.datetime in kinds:
        # Aware datetimes equal across time zones fall on different dates.
        return any(type(c) is dt.datetime and c.tzinfo is not None for c in cells)
    return False
