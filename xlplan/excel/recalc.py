"""Each range read once, and each score of a plan computed once, per recalculation.

Excel recalculates the Insights sheet by calling a dozen worksheet functions
over overlapping sets of the same ranges, and passes every call fresh copies
of them: nothing can be recognised by identity. ``PlanCache`` recognises a
range by comparing it with the ranges of the same size and header it has
kept: their cells, their cells' types (Python holds ``1 == 1.0 == True``, a
plan does not; text, blanks, dates and times equal only their own type, so
columns of them are left out) and the sign of any zero (``-0.0 == 0.0``). Comparing costs a pass
in C over the cells and one over the cells of the other columns, several
times less than reading them; a table passed again with a line changed is
read again on that line only.

It keeps the ``RangeRead`` of the last ranges it saw and joins them into a
plan once per set of ranges and day. ``Scores`` keeps each score by the
reads of the sections it reads, so that, say, the health score and its
explanation compute health once, the list of next actions reuses the
completeness the completeness cell computed, and a changed range computes
again only the scores that read its section (``functions`` keeps health,
completeness and next actions part by part, so only the parts).

``core`` stays pure: the cache lives here, beside the functions that use it.
Rows are shared between the cached reads and the plans joined from them, so
nothing may change a plan's rows in place (``core`` never does).
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import math
import operator
from collections import OrderedDict
from collections.abc import (
    Callable,
    Collection,
    Hashable,
    Iterable,
    Iterator,
    Sequence,
)
from dataclasses import dataclass
from typing import Any, TypeVar

from xlplan.core.rules import Rules, rules_from_pack
from xlplan.excel.cells import (
    CellsRead,
    RangeRead,
    as_grid,
    join_ranges,
    read_range,
    reread_range,
)
from xlplan.model.pack import Pack
from xlplan.model.plan import Plan

T = TypeVar("T")
# Values of these types equal only values of their own type, so a cell that
# compares equal to one of them has its type: text, blanks, dates and times.
_EQUAL_ONLY_TO_OWN_TYPE = frozenset({str, type(None), dt.date, dt.datetime, dt.time})
_ZONED = (dt.datetime, dt.time)
_ZONE = operator.attrgetter("tzinfo")
RANGES_KEPT = 64
SAME_SHAPE_KEPT = 4
PLANS_KEPT = 16
SCORES_KEPT = 64


class Scores:
    """Scores of plans, each kept by the reads of the sections it reads.

    A score that reads only some sections of a plan (completeness reads no
    KPI) is the same for every plan holding the same reads of those sections
    on the same as-of date: it is computed once for all of them, so the
    completeness a list of next actions needs is the one the completeness
    cell already worked out, and a changed range outside those sections
    leaves it as it was. The reads in each key are kept alive with the score,
    so their ids cannot be reused while it is kept.
    """

    def __init__(self) -> None:
        self._kept: OrderedDict[Hashable, tuple[tuple[RangeRead, ...], Any]] = (
            OrderedDict()
        )

    def score(
        self,
        name: str,
        reads: tuple[RangeRead, ...],
        plan: Plan,
        compute: Callable[[Plan], T],
    ) -> T:
        """``compute(plan)``, worked out once per ``name``, ``reads`` and as-of date."""
        key = (name, tuple(map(id, reads)), plan.as_of)
        found = _recall(self._kept, key)
        if found is None:
            found = (reads, compute(plan))
            _keep(self._kept, key, found, SCORES_KEPT)
        result: T = found[1]
        return result

    def clear(self) -> None:
        """Forget every score."""
        self._kept.clear()


@dataclass
class PlanEntry:
    """A plan joined from cached range reads, and where its scores are kept.

    ``reads`` keeps the range reads alive, so the ids that key the entry
    cannot be reused by other objects while it is cached.
    """

    reads: tuple[RangeRead, ...]
    read: CellsRead
    scores: Scores
    rules: Rules  # the pack's rules the plan is scored by

    def score(
        self, name: str, sections: Collection[str], compute: Callable[[Plan], T]
    ) -> T:
        """``compute(plan)`` for a score that reads only ``sections`` of the plan.

        ``sections`` must hold every section ``compute`` reads: the score is
        shared with every plan holding the same reads of them.
        """
        reads = tuple(r for r in self.reads if not r.sections.isdisjoint(sections))
        return self.scores.score(name, reads, self.read.plan, compute)


@dataclass(frozen=True)
class _Seen:
    """A range as it was read: a copy of its cells, their types, its zeros.

    Python holds ``1``, ``1.0`` and ``TRUE`` equal, and ``0.0`` and ``-0.0``,
    yet a plan reads them differently: a range matches only with the same
    cells, the same cell types and the same sign on each zero. Text, blanks,
    dates and times equal only their own type, so the types are compared in
    ``columns``, those that held anything else, numbers above all (every
    column, ``None``, in a range with lines of several lengths): ``pick``
    takes those cells of a range and ``types`` holds their types (column by
    column; line by line for ``None``). ``zeros`` holds the line, column and
    sign of each float zero.
    """

    cells: list[list[Any]]
    columns: tuple[int, ...] | None
    pick: Callable[[list[list[Any]]], Iterable[Any]]
    types: list[type]
    zeros: tuple[tuple[int, int, float], ...]
    read: RangeRead

    def matches(self, grid: list[list[Any]]) -> bool:
        """True when ``grid`` holds what this range held."""
        return (
            grid == self.cells
            and self._types_of(grid) == self.types
            and self._same_zeros(grid)
        )

    def unchanged_lines(self, grid: list[list[Any]]) -> list[bool]:
        """For each line of ``grid``, of this range's size, whether it holds what it held."""
        same = list(map(operator.eq, grid, self.cells))
        if self._types_of(grid) != self.types:
            same = [
                kept and self._types_of([line]) == self._types_of([cells])
                for kept, line, cells in zip(same, grid, self.cells, strict=True)
            ]
        for row, col, sign in self.zeros:
            if same[row] and math.copysign(1.0, grid[row][col]) != sign:
                same[row] = False
        return same

    def with_lines(
        self, grid: list[list[Any]], same: list[bool], read: RangeRead
    ) -> _Seen | None:
        """What to keep of ``grid``, this range with the lines ``same`` marks False changed."""
        changed = [line for line, kept in zip(grid, same, strict=True) if not kept]
        if self.columns is None or {len(line) for line in changed} - {len(grid[0])}:
            return _seen(grid, read)
        if _zoned(changed):
            return None
        columns = {*self.columns, *(_typed_columns(changed) or ())}
        cells = [
            old if kept else list(line)
            for line, old, kept in zip(grid, self.cells, same, strict=True)
        ]
        return _kept(cells, tuple(sorted(columns)), read)

    def _types_of(self, grid: list[list[Any]]) -> list[type]:
        return list(map(type, self.pick(grid)))

    def _same_zeros(self, grid: list[list[Any]]) -> bool:
        return all(
            math.copysign(1.0, grid[row][col]) == sign for row, col, sign in self.zeros
        )


def _seen(grid: list[list[Any]], read: RangeRead) -> _Seen | None:
    """What to keep of ``grid`` to recognise it; ``None`` when it must be read again.

    Excel sends no date or time with a time zone, and equal ones may fall on
    other dates: a range holding one is read every time (``None``).
    """
    if _zoned(grid):
        return None
    return _kept([list(line) for line in grid], _typed_columns(grid), read)


def _zoned(grid: list[list[Any]]) -> bool:
    """True when a cell of ``grid`` is a date-time or time with a time zone."""
    cells = list(itertools.chain.from_iterable(grid))
    types = list(map(type, cells))
    zones = map(
        _ZONE,
        itertools.chain.from_iterable(_of_type(cells, types, kind) for kind in _ZONED),
    )
    return any(map(operator.is_not, zones, itertools.repeat(None)))


def _kept(
    cells: list[list[Any]], columns: tuple[int, ...] | None, read: RangeRead
) -> _Seen:
    """What to keep of a copy of a range's ``cells``, types compared in ``columns``."""
    pick = _picker(columns)
    picked = list(pick(cells))
    types = list(map(type, picked))
    zeros = _zeros(cells, columns, picked, types)
    return _Seen(cells, columns, pick, types, zeros, read)


def _typed_columns(grid: list[list[Any]]) -> tuple[int, ...] | None:
    """The columns holding anything but text, blanks, dates and times.

    ``None`` for lines of several lengths.
    """
    if len(set(map(len, grid))) > 1:
        return None
    return tuple(
        col
        for col, cells in enumerate(zip(*grid, strict=True))
        if not set(map(type, cells)) <= _EQUAL_ONLY_TO_OWN_TYPE
    )


def _picker(
    columns: tuple[int, ...] | None,
) -> Callable[[list[list[Any]]], Iterable[Any]]:
    """A function that takes the cells of ``columns`` from a range, column by column.

    Each column is taken in C (``map`` of an item getter over the lines),
    several times faster than the typed cells of each line in turn. For
    ``None`` it takes every cell, line by line.
    """
    if columns is None:
        return itertools.chain.from_iterable
    getters = tuple(map(operator.itemgetter, columns))
    return lambda grid: itertools.chain.from_iterable(
        [map(getter, grid) for getter in getters]
    )


def _of_type(items: Iterable[Any], types: list[type], kind: type) -> Iterator[Any]:
    """The items at the places where ``types`` holds ``kind``, picked in C."""
    return itertools.compress(items, map(operator.is_, types, itertools.repeat(kind)))


def _zeros(
    grid: list[list[Any]],
    columns: tuple[int, ...] | None,
    cells: list[Any],
    types: list[type],
) -> tuple[tuple[int, int, float], ...]:
    """The line, column and sign of each float zero of ``grid``.

    ``cells`` are the cells of ``columns`` column by column (every cell line by
    line for ``None``), ``types`` their types.
    """
    floats = list(_of_type(cells, types, float))
    if 0.0 not in floats:
        return ()
    places = itertools.compress(
        _of_type(itertools.count(), types, float),
        map(operator.eq, floats, itertools.repeat(0.0)),
    )
    if columns is None:
        starts = list(itertools.accumulate(map(len, grid), initial=0))
        found = [(bisect.bisect_right(starts, p) - 1, p) for p in places]
        spots = [(row, place - starts[row]) for row, place in found]
    else:
        spots = [(p % len(grid), columns[p // len(grid)]) for p in places]
    return tuple((row, col, math.copysign(1.0, grid[row][col])) for row, col in spots)


class PlanCache:
    """The last ranges read and plans joined for one pack, least recent dropped first."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.rules = rules_from_pack(pack)
        self._ranges: OrderedDict[Hashable, list[_Seen]] = OrderedDict()
        self._plans: OrderedDict[Hashable, PlanEntry] = OrderedDict()
        self._scores = Scores()

    def plan(self, ranges: Sequence[Any], today: dt.date) -> PlanEntry:
        """The plan in ``ranges``; ``today`` is its as-of date when they hold none."""
        reads = tuple(self._range(argument) for argument in ranges)
        key = (tuple(map(id, reads)), today)
        entry = _recall(self._plans, key)
        if entry is None:
            entry = PlanEntry(
                reads, join_ranges(reads, today), self._scores, self.rules
            )
            _keep(self._plans, key, entry, PLANS_KEPT)
        return entry

    def clear(self) -> None:
        """Forget every range read and plan, as after starting Python afresh."""
        self._ranges.clear()
        self._plans.clear()
        self._scores.clear()

    def clear_scores(self) -> None:
        """Forget every score, keeping the ranges read and the plans joined."""
        self._scores.clear()

    def _range(self, argument: Any) -> RangeRead:
        grid = as_grid(argument)
        try:
            shape = (len(grid), tuple(grid[0]) if grid else ())
            kept = _recall(self._ranges, shape) or []
        except TypeError:  # a cell Python cannot hash: read it every time
            return read_range(grid, self.pack)
        for seen in kept:
            if seen.matches(grid):
                return seen.read
        new = self._read_again(grid, kept[0]) if kept else None
        if new is None:
            read = read_range(grid, self.pack)
            new = _seen(grid, read)
            if new is None:
                return read
        kept.insert(0, new)
        _keep(self._ranges, shape, kept[:SAME_SHAPE_KEPT], RANGES_KEPT)
        return new.read

    def _read_again(self, grid: list[list[Any]], last: _Seen) -> _Seen | None:
        """``grid`` read where it changed since ``last``, the range of its size kept last.

        When a rep types into a table, Excel passes the table again with one
        line changed: the other lines are taken from the read of ``last``.
        ``None`` when ``grid`` is not such a table, or holds a time zone.
        """
        if not last.read.lines:
            return None
        header, *lines = same = last.unchanged_lines(grid)
        if not header:
            return None
        return last.with_lines(
            grid, same, reread_range(grid, last.read, lines, self.pack)
        )


def _recall(kept: OrderedDict[Hashable, T], key: Hashable) -> T | None:
    found = kept.get(key)
    if found is not None:
        kept.move_to_end(key)
    return found


def _keep(kept: OrderedDict[Hashable, T], key: Hashable, value: T, size: int) -> None:
    kept[key] = value
    while len(kept) > size:
        kept.popitem(last=False)
