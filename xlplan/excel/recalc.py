"""Each range read once, and each score of a plan computed once, per recalculation.

Excel recalculates the Insights sheet by calling a dozen worksheet functions
over overlapping sets of the same ranges, and passes every call fresh copies
of them: nothing can be recognised by identity. ``PlanCache`` recognises a
range by comparing it with the ranges of the same size and header it has
kept: their cells, their cells' types (Python holds ``1 == 1.0 == True``, a
plan does not) and the sign of any zero (``-0.0 == 0.0``). It keeps the
``RangeRead`` of the last ranges it saw, joins them into a plan once per set
of ranges and day, and keeps that plan's scores so that, say, the health
score and its explanation compute health once. Comparing costs a few passes
in C over the cells, several times less than reading them.

``core`` stays pure: the cache lives here, beside the functions that use it.
Rows are shared between the cached reads and the plans joined from them, so
nothing may change a plan's rows in place (``core`` never does).
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from xlplan.excel.cells import CellsRead, RangeRead, as_grid, join_ranges, read_range
from xlplan.model.pack import Pack
from xlplan.model.plan import Plan

T = TypeVar("T")
RANGES_KEPT = 64
SAME_SHAPE_KEPT = 4
PLANS_KEPT = 16


@dataclass
class PlanEntry:
    """A plan joined from cached range reads, and the scores computed from it.

    ``reads`` keeps the range reads alive, so the ids that key the entry
    cannot be reused by other objects while it is cached.
    """

    reads: tuple[RangeRead, ...]
    read: CellsRead
    scores: dict[str, Any] = field(default_factory=dict)

    def score(self, name: str, compute: Callable[[Plan], T]) -> T:
        """``compute(plan)``, worked out the first time ``name`` is asked for."""
        if name not in self.scores:
            self.scores[name] = compute(self.read.plan)
        result: T = self.scores[name]
        return result


@dataclass(frozen=True)
class _Seen:
    """A range as it was read: a copy of its cells, their types, its zeros.

    Python holds ``1``, ``1.0`` and ``TRUE`` equal, and ``0.0`` and ``-0.0``,
    yet a plan reads them differently: a range matches only with the same
    cells, the same cell types and the same sign on each zero.
    """

    cells: list[list[Any]]
    types: list[type]
    zeros: tuple[tuple[int, float], ...]
    read: RangeRead

    def matches(
        self, grid: list[list[Any]], flat: list[Any], types: list[type]
    ) -> bool:
        """True when ``grid`` (flattened to ``flat``) holds what this range held."""
        return (
            grid == self.cells
            and types == self.types
            and all(math.copysign(1.0, flat[i]) == sign for i, sign in self.zeros)
        )


def _grid(argument: Any) -> list[list[Any]]:
    if isinstance(argument, list) and set(map(type, argument)) <= {list}:
        return argument
    return as_grid(argument)


def _flat(grid: list[list[Any]]) -> tuple[list[Any], list[type]]:
    """The cells of ``grid`` in one list, and their types."""
    flat = list(itertools.chain.from_iterable(grid))
    return flat, list(map(type, flat))


def _positions(types: list[type], kind: type) -> Iterator[int]:
    """Where ``kind`` is in ``types``, each found by a search in C."""
    start = 0
    while True:
        try:
            start = types.index(kind, start) + 1
        except ValueError:
            return
        yield start - 1


def _zeros(flat: list[Any], types: list[type]) -> tuple[tuple[int, float], ...]:
    """The index and sign of each float zero."""
    return tuple(
        (i, math.copysign(1.0, flat[i]))
        for i in _positions(types, float)
        if flat[i] == 0
    )


def _has_time_zone(flat: list[Any], types: list[type]) -> bool:
    """True for a datetime with a time zone: equal ones may fall on other dates."""
    return any(flat[i].tzinfo is not None for i in _positions(types, dt.datetime))


class PlanCache:
    """The last ranges read and plans joined for one pack, least recent dropped first."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self._ranges: OrderedDict[Hashable, list[_Seen]] = OrderedDict()
        self._plans: OrderedDict[Hashable, PlanEntry] = OrderedDict()

    def plan(self, ranges: Sequence[Any], today: dt.date) -> PlanEntry:
        """The plan in ``ranges``; ``today`` is its as-of date when they hold none."""
        reads = tuple(self._range(argument) for argument in ranges)
        key = (tuple(map(id, reads)), today)
        entry = _recall(self._plans, key)
        if entry is None:
            entry = PlanEntry(reads, join_ranges(reads, today))
            _keep(self._plans, key, entry, PLANS_KEPT)
        return entry

    def clear(self) -> None:
        """Forget every range read and plan, as after starting Python afresh."""
        self._ranges.clear()
        self._plans.clear()

    def clear_scores(self) -> None:
        """Forget the scores of the cached plans, keeping the plans."""
        for entry in self._plans.values():
            entry.scores.clear()

    def _range(self, argument: Any) -> RangeRead:
        grid = _grid(argument)
        try:
            shape = (len(grid), tuple(grid[0]) if grid else ())
            kept = _recall(self._ranges, shape) or []
        except TypeError:  # a cell Python cannot hash: read it every time
            return read_range(argument, self.pack)
        flat, types = _flat(grid)
        for seen in kept:
            if seen.matches(grid, flat, types):
                return seen.read
        read = read_range(argument, self.pack)
        # Excel sends no datetime with a time zone; one is read every time.
        if not _has_time_zone(flat, types):
            cells = [list(row) for row in grid]
            kept.insert(0, _Seen(cells, types, _zeros(flat, types), read))
            _keep(self._ranges, shape, kept[:SAME_SHAPE_KEPT], RANGES_KEPT)
        return read


def _recall(kept: OrderedDict[Hashable, T], key: Hashable) -> T | None:
    found = kept.get(key)
    if found is not None:
        kept.move_to_end(key)
    return found


def _keep(kept: OrderedDict[Hashable, T], key: Hashable, value: T, size: int) -> None:
    kept[key] = value
    while len(kept) > size:
        kept.popitem(last=False)
