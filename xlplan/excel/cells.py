"""Turn what Excel hands a worksheet function into a typed ``Plan``.

Excel passes ranges as 2-D lists: a whole table with its header row, or a
block of label and value rows such as the cover's. Blanks arrive as ``None``
or ``""``; dates as ``datetime`` or as serial numbers (xlwings without date
conversion, xlwings Lite); error values as ``None`` or as text such as
``"#N/A"``, depending on the add-in's settings. Every cell goes through the
reader's own ``coerce``, so a worksheet function reads a value exactly as the
reader does, and what is odd about a cell becomes a finding.

Which section a range holds is found from its header labels (tables, the
white-space grid) or its row labels (single sections), so the arguments may
come in any order.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from xlplan.model.pack import FieldSpec, Pack, SectionKind, SectionSpec
from xlplan.model.plan import Plan, Row
from xlplan.workbook.coerce import ErrorValue, Finding, coerce
from xlplan.workbook.columns import read_column
from xlplan.workbook.reader import apply_defaults, defaults_for

EXCEL_ERRORS = frozenset(
    {
        "#NULL!",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#N/A",
        "#GETTING_DATA",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#UNKNOWN!",
        "#CONNECT!",
        "#BUSY!",
    }
)
_PLAIN = (str,)

# A line of a table below its header: its row (``None`` when the line is
# blank but for the id) and what was odd about its cells.
Line = tuple[Row | None, tuple[str, ...]]


@dataclass
class CellsRead:
    """The plan built from the ranges, and what was odd about their cells."""

    plan: Plan
    findings: list[str] = field(default_factory=list)


def excel_value(raw: Any) -> Any:
    """A cell as ``coerce`` expects it: error text becomes an ``ErrorValue``."""
    if isinstance(raw, str):
        if raw in EXCEL_ERRORS:
            return ErrorValue(raw)
        if not raw.strip():
            return None
    return raw


def as_grid(value: Any) -> list[list[Any]]:
    """Any argument as a 2-D list: a single cell or a 1-D row becomes one row.

    A list of lists, as xlwings passes a range, is returned as it is, not
    copied: nothing here changes a grid.
    """
    if isinstance(value, list) and value and set(map(type, value)) == {list}:
        return value
    if isinstance(value, (list, tuple)):
        if value and all(isinstance(row, (list, tuple)) for row in value):
            return [list(row) for row in value]
        return [list(value)]
    return [[value]]


def _key(text: Any) -> str:
    """A label as matched: no spaces or required-mark ``*`` around, any case.

    Kept per label (and type: ``1``, ``1.0`` and ``True`` are told apart), as
    the same header cells come with every call; a cell Python cannot hash is
    worked out each time.
    """
    try:
        return _kept_key(text)
    except TypeError:
        return _label_key(text)


def _label_key(text: Any) -> str:
    return str(text).strip().rstrip("*").strip().casefold() if text else ""


_kept_key = functools.lru_cache(maxsize=4096, typed=True)(_label_key)


@dataclass(frozen=True)
class _Layout:
    """Where each label of a pack belongs: row labels and table headers."""

    singles: dict[str, tuple[SectionSpec, FieldSpec]]
    headers: dict[str, list[SectionSpec]]
    tables: tuple[SectionSpec, ...]
    # section key -> its input fields by label
    inputs: dict[str, dict[str, FieldSpec]]


_LAYOUTS: dict[int, tuple[Pack, _Layout]] = {}


def _layout(pack: Pack) -> _Layout:
    """The pack's layout, worked out once per pack object."""
    cached = _LAYOUTS.get(id(pack))
    if cached is None or cached[0] is not pack:
        cached = (pack, _make_layout(pack))
        _LAYOUTS[id(pack)] = cached
    return cached[1]


def _make_layout(pack: Pack) -> _Layout:
    singles: dict[str, tuple[SectionSpec, FieldSpec]] = {}
    headers: dict[str, list[SectionSpec]] = {}
    tables = []
    for section in pack.sections:
        if section.kind is SectionKind.SINGLE:
            for spec in section.fields:
                singles.setdefault(_key(spec.label), (section, spec))
            continue
        tables.append(section)
        labels = [f.label for f in section.fields]
        if section.kind is SectionKind.GRID:
            labels += list(pack.lists.get("offerings", ()))
        for label in labels:
            headers.setdefault(_key(label), []).append(section)
    inputs = {
        section.key: {_key(f.label): f for f in section.input_fields}
        for section in tables
    }
    return _Layout(singles, headers, tuple(tables), inputs)


def _table_section(header: Sequence[Any], layout: _Layout) -> SectionSpec | None:
    """The table whose labels the header row matches best (at least 60%)."""
    keys = [key for key in map(_key, header) if key]
    votes: dict[str, int] = {}
    for key in keys:
        for section in layout.headers.get(key, ()):
            votes[section.key] = votes.get(section.key, 0) + 1
    if not votes:
        return None
    best = max(votes, key=lambda k: votes[k])
    if votes[best] < max(2, 0.6 * len(keys)):
        return None
    return next(s for s in layout.tables if s.key == best)


class _Collector:
    """Builds records and rows from ranges, one range at a time."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self.layout = _layout(pack)
        self.records: dict[str, dict[str, Any]] = {}
        self.tables: dict[str, list[Row]] = {}
        self.findings: list[str] = []
        self.as_of: list[dt.date | None] = []
        self.lines: list[Line] = []

    def value(self, spec: FieldSpec, raw: Any, where: str) -> Any:
        value, finding = self.convert(spec, raw)
        if finding is not None:
            self._note(finding, where)
        return value

    def convert(self, spec: FieldSpec, raw: Any) -> tuple[Any, Finding | None]:
        """One cell read as the reader reads it, and what was odd about it."""
        raw = excel_value(raw)
        if raw is None:
            return None, None
        if type(raw) in _PLAIN and spec.type.value in ("str", "text"):
            return raw, None
        return coerce(spec, raw, self.pack.lists.get(spec.list_name or "", ()))

    def _note(self, finding: Finding, where: str) -> None:
        self.findings.append(_said(finding, where))

    def read(self) -> RangeRead:
        """What the ranges added so far hold."""
        return RangeRead(
            self.records, self.tables, self.findings, self.as_of, self.lines
        )

    def add(self, argument: Any) -> None:
        grid = as_grid(argument)
        if not grid or not grid[0]:
            return
        section = _table_section(grid[0], self.layout)
        if section is None:
            self._record_block(grid)
        elif section.kind is SectionKind.GRID:
            self._grid(section, grid)
        else:
            self._table(section, grid)

    def _record_block(self, grid: list[list[Any]]) -> None:
        for line in grid:
            found = self.layout.singles.get(_key(line[0])) if line else None
            if found is None or len(line) < 2:
                continue
            section, spec = found
            if spec.name == "as_of":
                day = self.value(spec, line[1], section.title)
                self.as_of.append(day if isinstance(day, dt.date) else None)
            elif not spec.computed:
                value = self.value(spec, line[1], section.title)
                self.records.setdefault(section.key, {})[spec.name] = value

    def _columns(
        self, section: SectionSpec, header: list[Any]
    ) -> list[FieldSpec | None]:
        by_label = self.layout.inputs[section.key]
        return [by_label.get(_key(h)) for h in header]

    def _table(self, section: SectionSpec, grid: list[list[Any]]) -> None:
        columns = self._columns(section, grid[0])
        lines = self._lines_by_column(section, columns, grid)
        if lines is None:
            lines = [
                self.line(section, columns, line, number)
                for number, line in enumerate(grid[1:], start=1)
            ]
        self.add_lines(section, lines)

    def add_lines(self, section: SectionSpec, lines: list[Line]) -> None:
        """Add the lines of a table range: the rows that are not blank, the findings."""
        self.lines += lines
        rows = self.tables.setdefault(section.key, [])
        rows += [row for row, _ in lines if row is not None]
        self.findings += itertools.chain.from_iterable(found for _, found in lines)

    def line(
        self,
        section: SectionSpec,
        columns: list[FieldSpec | None],
        cells: list[Any],
        number: int,
    ) -> Line:
        """Line ``number`` of a table, read cell by cell."""
        row: dict[str, Any] = {}
        findings = []
        for spec, raw in zip(columns, cells, strict=False):
            if spec is not None:
                value, finding = self.convert(spec, raw)
                if finding is not None:
                    findings.append(_said(finding, f"{section.title} row {number}"))
                row[spec.name] = value
        if all(v is None for k, v in row.items() if k != "id"):
            return None, tuple(findings)
        apply_defaults(section.key, row)
        return row, tuple(findings)

    def _lines_by_column(
        self,
        section: SectionSpec,
        columns: list[FieldSpec | None],
        grid: list[list[Any]],
    ) -> list[Line] | None:
        """The lines ``line`` reads, read a column at a time.

        ``None`` when the table has ragged rows, two columns of one field or
        a cell only the cell-by-cell path reads.
        """
        used = [(i, spec) for i, spec in enumerate(columns) if spec is not None]
        names = [spec.name for _, spec in used]
        body = grid[1:]
        if len(set(names)) < len(names) or set(map(len, body)) - {len(grid[0])}:
            return None
        cells = list(zip(*body, strict=True)) if body else [()] * len(columns)
        values, found = [], []
        for index, spec in used:
            convert = functools.partial(self.convert, spec)
            choices = tuple(self.pack.lists.get(spec.list_name or "", ()))
            read = read_column(spec, cells[index], convert, EXCEL_ERRORS, choices)
            if read is None:
                return None
            values.append(read[0])
            found += [(number, index, finding) for number, finding in read[1]]
        said: dict[int, list[str]] = {}
        for number, _, finding in sorted(found, key=lambda f: f[:2]):
            where = f"{section.title} row {number + 1}"
            said.setdefault(number, []).append(_said(finding, where))
        rows = _rows(section.key, names, values)
        return [(row, tuple(said.get(i, ()))) for i, row in enumerate(rows)]

    def _grid(self, section: SectionSpec, grid: list[list[Any]]) -> None:
        unit_spec, state_spec = section.field("business_unit"), section.field("state")
        offerings = {_key(o): o for o in self.pack.lists.get("offerings", ())}
        header = [offerings.get(_key(h)) for h in grid[0]]
        unit_col = next(
            (i for i, h in enumerate(grid[0]) if _key(h) == _key(unit_spec.label)), 0
        )
        cells = self.tables.setdefault(section.key, [])
        for line in grid[1:]:
            unit = self.value(unit_spec, line[unit_col], section.title)
            if unit is None:
                continue
            for offering, raw in zip(header, line, strict=False):
                if offering is not None:
                    state = self.value(state_spec, raw, f"{unit}, {offering}")
                    cells.append(
                        {"business_unit": unit, "offering": offering, "state": state}
                    )


def _rows(
    section: str, names: list[str], columns: list[Sequence[Any]]
) -> list[Row | None]:
    """Each line's row from the table's field columns; ``None`` when blank but the id."""
    at = names.index("id") if "id" in names else None
    valued = len(names) - (at is not None)
    fill = defaults_for(section)
    found: list[Row | None] = []
    for values in zip(*columns, strict=True):
        blanks = values.count(None) - (at is not None and values[at] is None)
        if blanks == valued:
            found.append(None)
            continue
        row = dict(zip(names, values, strict=True))
        if fill is not None:
            fill(row)
        found.append(row)
    return found


def _said(finding: Finding, where: str) -> str:
    """A finding as a worksheet function lists it: where, what, what to do."""
    return f"{where}: {finding.message} {finding.hint}".strip()


@dataclass(frozen=True)
class RangeRead:
    """What one range adds to a plan: record values, table rows, findings.

    ``as_of`` lists the as-of cells the range holds, in order; the last one
    read sets the plan's as-of date, blank or not. ``lines`` holds, for a
    table, each line below the header as ``(row, findings)``, the row
    ``None`` when the line is blank; it is empty for other ranges. Rows are
    shared with every plan joined from this read: treat them as read-only.
    """

    records: dict[str, dict[str, Any]]
    tables: dict[str, list[Row]]
    findings: list[str]
    as_of: list[dt.date | None]
    lines: list[Line] = field(default_factory=list)

    @property
    def sections(self) -> frozenset[str]:
        """The keys of the sections this range holds values or rows of."""
        return frozenset(self.records).union(self.tables)


def read_range(argument: Any, pack: Pack) -> RangeRead:
    """One range as Excel passes it (a block or a whole table), read on its own."""
    collector = _Collector(pack)
    collector.add(argument)
    return collector.read()


def reread_range(
    grid: list[list[Any]], previous: RangeRead, unchanged: Sequence[bool], pack: Pack
) -> RangeRead:
    """A table read again where its lines changed since ``previous`` read it.

    ``grid`` has the header and the number of lines of the table ``previous``
    read; ``unchanged`` says, for each line below the header, whether it
    holds what it held then. Those lines are taken from ``previous``, the
    others read cell by cell, so the read equals ``read_range(grid, pack)``.
    """
    collector = _Collector(pack)
    section = _table_section(grid[0], collector.layout)
    if section is None or section.kind is not SectionKind.TABLE:
        raise ValueError("only a table's lines can be read again")
    columns = collector._columns(section, grid[0])
    lines = [
        old if same else collector.line(section, columns, cells, number)
        for number, (cells, same, old) in enumerate(
            zip(grid[1:], unchanged, previous.lines, strict=True), start=1
        )
    ]
    collector.add_lines(section, lines)
    return collector.read()


def join_ranges(reads: Iterable[RangeRead], today: dt.date | None = None) -> CellsRead:
    """The plan of several ranges read apart, as if read one after the other."""
    records: dict[str, dict[str, Any]] = {"plan": {}, "profile": {}}
    tables: dict[str, list[Row]] = {}
    findings: list[str] = []
    as_of: dt.date | None = None
    for read in reads:
        for key, values in read.records.items():
            records.setdefault(key, {}).update(values)
        for key, rows in read.tables.items():
            tables.setdefault(key, []).extend(rows)
        findings += read.findings
        as_of = read.as_of[-1] if read.as_of else as_of
    plan = Plan(
        as_of or today or dt.date.today(),
        records,
        {k: tuple(v) for k, v in tables.items()},
    )
    return CellsRead(plan, findings)


def read_cells(
    arguments: Iterable[Any], pack: Pack, today: dt.date | None = None
) -> CellsRead:
    """The plan the ranges hold; its as-of date is the block's, else ``today``."""
    return join_ranges((read_range(a, pack) for a in arguments), today)
