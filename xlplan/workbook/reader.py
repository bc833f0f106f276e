"""Read a plan workbook back into a typed ``Plan`` and the issues found on the way.

``read_plan`` is one pure function from a workbook's bytes to a ``PlanRead``.
It finds every value through Excel tables and defined names (never fixed
addresses), through the plan's own pack recorded in its hidden ``_xlplan``
sheet. Cell values come from python-calamine (fast, Rust) or openpyxl (the
fallback); tables, names, the 1904 flag and error cells from the package XML.
Every derived figure is recomputed with ``core`` at the plan's own as-of date,
and a stored result that disagrees is reported.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from xlplan.core.rules import ScoringKeyError, rules_from_pack
from xlplan.model.issues import Issue, Severity
from xlplan.model.pack import (
    FieldSpec,
    Pack,
    SectionKind,
    SectionSpec,
    parse_pack,
)
from xlplan.model.plan import Plan
from xlplan.workbook.build import META_SHEET
from xlplan.workbook.coerce import ErrorValue, Finding, coerce
from xlplan.workbook.columns import read_column
from xlplan.workbook.files import OUTPUT_PROPERTY
from xlplan.workbook.package import (
    Package,
    PlanFileError,
    check_container,
    read_custom_properties,
    read_package,
)
from xlplan.workbook.plan_checks import SOURCE_ROW, PlanChecks

Grid = list[list[Any]]
# Packs parsed from plans, by recorded hash and schema text: a portfolio's
# plans share a few.
_PACKS: dict[tuple[str, str], Pack] = {}
IDENTITY_FIELDS = {
    "plan_id",
    "account_name",
}  # each table row read from a workbook keeps its 0-based sheet row
ENGINES = ("calamine", "openpyxl")


@dataclass
class PlanRead:
    """The result of reading one file: the plan (``None`` if unusable) and its issues."""

    source: str
    plan: Plan | None = None
    pack: Pack | None = None
    meta: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    # table section -> (sheet, column index by field): where each row came from
    locations: dict[str, tuple[str, dict[str, int]]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the file was read as a plan with no error."""
        return self.plan is not None and not any(
            i.severity is Severity.ERROR for i in self.issues
        )


def read_plan(
    content: bytes, source: str = "<bytes>", *, engine: str = "calamine"
) -> PlanRead:
    """Read one plan workbook from its bytes; never raises for a bad file."""
    result = PlanRead(source=source)
    try:
        _Reader(content, result, engine).read()
    except PlanFileError as error:
        result.plan = None
        severity = (
            Severity.INFO if isinstance(error, SkippedWorkbook) else Severity.ERROR
        )
        result.issues.append(
            Issue(error.code, severity, source, error.message, error.hint)
        )
    return result


class SkippedWorkbook(PlanFileError):
    """A workbook that is no plan by design (a report xlplan wrote): a note, not an error."""


class _Values:
    """Cell values by sheet, from the chosen engine, with Excel errors put back."""

    def __init__(self, content: bytes, package: Package, engine: str) -> None:
        self._package = package
        self._grids: dict[str, Grid] = {}
        self._load: Callable[[str], Grid]
        if engine == "openpyxl":
            import openpyxl

            book = openpyxl.load_workbook(
                io.BytesIO(content), data_only=True, read_only=True
            )
            self._load = lambda name: [
                [_unescaped(value) for value in row]
                for row in book[name].iter_rows(values_only=True)
            ]
        else:
            import python_calamine

            book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
            self._load = lambda name: book.get_sheet_by_name(name).to_python(
                skip_empty_area=False
            )

    def grid(self, sheet: str) -> Grid:
        if sheet not in self._grids:
            if sheet not in self._package.sheets:
                # A defined name still points at a sheet that was renamed or
                # deleted (Excel keeps such names, as #REF! or the old name).
                raise PlanFileError(
                    "structure.sheet_missing",
                    f"The workbook has no sheet '{sheet}', which the plan's "
                    "names point to (renamed or deleted?).",
                    hint=f"Rename the sheet back to '{sheet}', or restore it from "
                    "a backup.",
                )
            try:
                grid = self._load(sheet)
            except Exception as exc:  # noqa: BLE001 - each engine raises its own types
                raise PlanFileError(
                    "file.unreadable_sheet",
                    f"Sheet '{sheet}' cannot be read ({exc}).",
                    hint="Save the workbook again from Excel.",
                ) from None
            self._grids[sheet] = [[None if v == "" else v for v in row] for row in grid]
        return self._grids[sheet]

    def cell(self, sheet: str, row: int, col: int) -> Any:
        errors = self._package.sheet_errors(sheet)
        if errors and (row, col) in errors:
            return ErrorValue(errors[(row, col)])
        grid = self.grid(sheet)
        if row < len(grid):
            line = grid[row]
            return line[col] if col < len(line) else None
        return None

    def filled_rows(self, sheet: str, rows: range, cols: Sequence[int]) -> list[int]:
        """The rows of ``rows`` with a value or an Excel error in any of ``cols``.

        Plan tables keep many blank rows for reps to type into; this skips them
        without building a row of values for each.
        """
        grid = self.grid(sheet)
        errors = self._package.sheet_errors(sheet)
        filled = []
        for row in rows:
            line = grid[row] if row < len(grid) else ()
            width = len(line)
            if any(c < width and line[c] is not None for c in cols) or (
                errors and any((row, c) in errors for c in cols)
            ):
                filled.append(row)
        return filled

    def columns(
        self, sheet: str, rows: Sequence[int], cols: Sequence[int]
    ) -> list[list[Any]]:
        """The cells of ``rows`` in each of ``cols``, a list per column, errors put back."""
        grid = self.grid(sheet)
        height = len(grid)
        lines = [grid[row] if row < height else [] for row in rows]
        found = []
        for col in cols:
            cells = [line[col] if col < len(line) else None for line in lines]
            found.append(cells)
        errors = self._package.sheet_errors(sheet)
        if errors:
            for col, cells in zip(cols, found, strict=True):
                for index, row in enumerate(rows):
                    if (row, col) in errors:
                        cells[index] = ErrorValue(errors[(row, col)])
        return found

    def row_values(self, sheet: str, row: int, cols: Sequence[int]) -> list[Any]:
        """Several cells of one row (a table row), errors put back."""
        grid = self.grid(sheet)
        line = grid[row] if row < len(grid) else []
        values = [line[c] if c < len(line) else None for c in cols]
        errors = self._package.sheet_errors(sheet)
        if errors:
            values = [
                ErrorValue(errors[(row, c)]) if (row, c) in errors else v
                for v, c in zip(values, cols, strict=True)
            ]
        return values


class _Reader(PlanChecks):
    """One read: keeps the package, the values and the issues of a file."""

    def __init__(self, content: bytes, result: PlanRead, engine: str) -> None:
        if engine not in ENGINES:
            raise ValueError(f"engine must be one of {ENGINES}")
        self.content = content
        self.result = result
        self.engine = engine
        self.source = result.source
        self._stored_rows: list[
            tuple[SectionSpec, dict[str, Any], str, int, list[Any]]
        ] = []

    def read(self) -> None:
        zipped = check_container(self.content)
        package = self._package(zipped)
        self.package = package
        self.values = _Values(self.content, package, self.engine)
        meta = self._meta()
        pack = self._pack(meta)
        self.pack = pack
        self.rules = rules_from_pack(pack)
        self.result.pack = pack
        as_of = self._as_of()
        records = {
            s.key: self._single(s)
            for s in pack.sections
            if s.kind is SectionKind.SINGLE
        }
        tables = {
            s.key: self._table(s) for s in pack.sections if s.kind is SectionKind.TABLE
        }
        for section in pack.sections:
            if section.kind is SectionKind.GRID:
                tables[section.key] = self._grid(section)
        plan = Plan(
            as_of=as_of,
            records=records,
            tables={k: tuple(v) for k, v in tables.items()},
        )
        self._check_references(plan)
        self._check_data(plan)
        self._check_client_text(plan)
        self._check_stored(plan)
        self.result.plan = plan
        self.result.issues.sort(key=self._issue_order)

    def _issue_order(self, issue: Issue) -> tuple[int, int, int]:
        """File-wide issues first, then by sheet order, row and column."""
        from xlsxwriter.utility import xl_cell_to_rowcol

        if issue.sheet is None:
            return (-1, 0, 0)
        sheet = (
            self.package.sheets.index(issue.sheet)
            if issue.sheet in self.package.sheets
            else 0
        )
        row, col = xl_cell_to_rowcol(issue.cell) if issue.cell else (0, 0)
        return (sheet, row, col)

    # ------------------------------------------------------- the package

    def _package(self, zipped: zipfile.ZipFile) -> Package:
        # Error cells are scanned only in the sheets the plan's values come from.
        package = read_package(zipped, error_sheets=set())
        if META_SHEET not in package.sheets:
            raise _not_a_plan(zipped)
        return package

    def _meta(self) -> dict[str, str]:
        meta = plan_facts(self.values.grid(META_SHEET))
        self.result.meta = meta
        return meta

    def _pack(self, meta: dict[str, str]) -> Pack:
        """The plan's own pack, from its hidden sheet (parsed once per pack hash)."""
        return pack_of_plan(meta)

    # ------------------------------------------------------- single fields

    def _as_of(self) -> dt.date:
        spec = self.pack.field("plan", "as_of")
        value = self._named_value("as_of", spec)
        if isinstance(value, dt.date):
            return value
        self._problem(
            "plan.no_as_of",
            Severity.INFO,
            "The as-of date has no stored value; today's date is used.",
            "Open and save the plan in Excel, or type a fixed as-of date.",
            "Cover",
        )
        return dt.date.today()

    def _named_value(self, name: str, spec: FieldSpec) -> Any:
        where = self.package.names.get(name)
        if where is None:
            return None
        raw = self.values.cell(where.sheet, where.row, where.col)
        value, _ = coerce(spec, raw, date1904=self.package.date1904)
        return value

    def _single(self, section: SectionSpec) -> dict[str, Any]:
        record: dict[str, Any] = {}
        for spec in section.input_fields:
            where = self.package.names.get(spec.name)
            if where is None:
                severity = Severity.ERROR if spec.required else Severity.WARNING
                self._problem(
                    "structure.name_missing",
                    severity,
                    f"The defined name '{spec.name}' ({spec.label}) is gone.",
                    "Undo the deletion, or rebuild the plan with `xlplan new`.",
                    section.sheet,
                )
                continue
            raw = self.values.cell(where.sheet, where.row, where.col)
            value, finding = coerce(
                spec, raw, self._choices(spec), date1904=self.package.date1904
            )
            if finding:
                self._issue(finding, where.sheet, where.row, where.col)
            record[spec.name] = value
            if spec.required and value is None and finding is None:
                # Without its id or account a plan cannot be placed in a portfolio.
                identity = spec.name in IDENTITY_FIELDS
                choices = self._choices(spec)
                self._problem(
                    "value.required",
                    Severity.ERROR if identity else Severity.WARNING,
                    f"{spec.label} is required but blank.",
                    f"Pick one of: {', '.join(choices)}." if choices else "Fill it in.",
                    where.sheet,
                    where.row,
                    where.col,
                )
        return record

    def _choices(self, spec: FieldSpec) -> Sequence[str]:
        return self.pack.lists.get(spec.list_name or "", ())

    # -------------------------------------------------------------- tables

    def _locate(self, section: SectionSpec) -> tuple[Any, dict[str, int]] | None:
        table = self.package.tables.get((section.table or "").casefold())
        if table is None:
            self._problem(
                "structure.table_missing",
                Severity.ERROR if section.key in ("team",) else Severity.WARNING,
                f"The Excel table '{section.table}' ({section.title}) is gone.",
                f"Undo the deletion on sheet '{section.sheet}', or rebuild the plan.",
                section.sheet,
            )
            return None
        by_label = {
            label.strip().casefold(): i for i, label in enumerate(table.columns)
        }
        columns: dict[str, int] = {}
        for spec in section.fields if section.kind is SectionKind.TABLE else ():
            index = by_label.get(spec.label.casefold())
            if index is None:
                if not spec.computed:
                    self._problem(
                        "structure.column_missing",
                        Severity.WARNING,
                        f"Table {section.table} has no column '{spec.label}'.",
                        "Restore the column; its values are read as blank.",
                        table.sheet,
                    )
                continue
            columns[spec.name] = table.first_col + index
        known = {f.label.casefold() for f in section.fields}
        extras = [c for c in table.columns if c.strip().casefold() not in known]
        if extras and section.kind is SectionKind.TABLE:
            self._problem(
                "structure.extra_columns",
                Severity.INFO,
                f"Table {section.table} has columns xlplan does not read: {', '.join(extras)}.",
                "They are kept in the workbook and ignored.",
                table.sheet,
            )
        return table, columns

    def _table(self, section: SectionSpec) -> list[dict[str, Any]]:
        located = self._locate(section)
        if located is None:
            return []
        table, columns = located
        self.result.locations[section.key] = (table.sheet, columns)
        rows = []
        inputs = [spec for spec in section.input_fields if spec.name in columns]
        last = self._last_row_below(
            table, [columns[s.name] for s in inputs if s.name != "id"]
        )
        names = [s.name for s in inputs]
        cols = [columns[name] for name in names]
        computed = [
            spec for spec in section.fields if spec.computed and spec.name in columns
        ]
        valued = [c for name, c in zip(names, cols, strict=True) if name != "id"]
        span = range(table.header_row + 1, last + 1)
        lines = self.values.filled_rows(table.sheet, span, valued)
        raws = self.values.columns(table.sheet, lines, cols)
        findings: dict[int, list[tuple[int, Finding]]] = {}
        values = []
        for spec, col, cells in zip(inputs, cols, raws, strict=True):
            read, found = self._column(spec, cells)
            values.append(read)
            for index, finding in found:
                findings.setdefault(index, []).append((col, finding))
        stored_columns = self.values.columns(
            table.sheet, lines, [columns[spec.name] for spec in computed]
        )
        fill = defaults_for(section.key)
        for index, (row, line) in enumerate(
            zip(lines, zip(*values, strict=True), strict=True)
        ):
            if row > table.last_row:
                first = next(
                    c
                    for c, cells in zip(cols, raws, strict=True)
                    if cells[index] is not None
                )
                self._problem(
                    "structure.row_below_table",
                    Severity.WARNING,
                    f"Row {row + 1} was typed just below table {section.table}, outside it.",
                    "Extend the table over it (Table Design > Resize Table); "
                    "xlplan read it anyway.",
                    table.sheet,
                    row,
                    first,
                )
            for col, finding in findings.get(index, ()):
                self._issue(finding, table.sheet, row, col)
            record = dict(zip(names, line, strict=True))
            if fill is not None:
                fill(record)
            record[SOURCE_ROW] = row
            rows.append(record)
            stored = [
                (spec, cells[index], columns[spec.name])
                for spec, cells in zip(computed, stored_columns, strict=True)
            ]
            self._stored_rows.append((section, record, table.sheet, row, stored))
        return rows

    def _column(
        self, spec: FieldSpec, cells: list[Any]
    ) -> tuple[Sequence[Any], list[tuple[int, Finding]]]:
        """A table column's values in ``spec``'s type, and the findings by line."""
        choices = self._choices(spec)
        date1904 = self.package.date1904

        def convert(raw: Any) -> tuple[Any, Finding | None]:
            return coerce(spec, raw, choices, date1904=date1904)

        read = read_column(spec, cells, convert, frozenset(), tuple(choices))
        if read is not None:
            return read
        pairs = [convert(cell) for cell in cells]
        found = [(i, finding) for i, (_, finding) in enumerate(pairs) if finding]
        return [value for value, _ in pairs], found

    def _last_row_below(self, table: Any, cols: list[int]) -> int:
        """The table's last row, or further down while rows just below hold values."""
        last = table.last_row
        while any(
            v is not None for v in self.values.row_values(table.sheet, last + 1, cols)
        ):
            last += 1
        return last

    def _grid(self, section: SectionSpec) -> list[dict[str, Any]]:
        located = self._locate(section)
        if located is None:
            return []
        table, _ = located
        offerings = self.pack.lists.get("offerings", ())
        labels = {
            label.strip().casefold(): table.first_col + i
            for i, label in enumerate(table.columns)
        }
        unit_spec, state_spec = section.field("business_unit"), section.field("state")
        unit_col = labels.get(unit_spec.label.casefold(), table.first_col)
        cells = []
        for row in range(table.header_row + 1, table.last_row + 1):
            unit, _ = coerce(unit_spec, self.values.cell(table.sheet, row, unit_col))
            for offering in offerings:
                col = labels.get(offering.casefold())
                if col is None:
                    continue
                raw = self.values.cell(table.sheet, row, col)
                state, finding = coerce(state_spec, raw, self._choices(state_spec))
                if finding:
                    self._issue(finding, table.sheet, row, col)
                if unit is None and state is not None:
                    self._problem(
                        "value.grid_no_unit",
                        Severity.WARNING,
                        "A white-space state has no business unit on its row.",
                        "Pick the business unit in the first column.",
                        table.sheet,
                        row,
                        unit_col,
                    )
                if unit is not None:
                    cells.append(
                        {"business_unit": unit, "offering": offering, "state": state}
                    )
        return cells

    # -------------------------------------------------------------- checks


def holds_a_plan(path: Path) -> bool:
    """True when ``path`` is a workbook with a plan's hidden sheet.

    Outputs are checked with it: no option, ``--force`` or not, may replace
    a rep's plan.
    """
    try:
        with zipfile.ZipFile(path) as zipped:
            return META_SHEET in read_package(zipped, error_sheets=set()).sheets
    except (OSError, zipfile.BadZipFile, PlanFileError):
        return False


def _not_a_plan(zipped: zipfile.ZipFile) -> PlanFileError:
    """Why a workbook without the hidden sheet is not read: xlplan wrote it, or not.

    Only a workbook that has turned out not to be a plan has its document
    properties read, so reading a plan costs nothing more.
    """
    kind = read_custom_properties(zipped).get(OUTPUT_PROPERTY)
    if kind:
        return SkippedWorkbook(
            "file.xlplan_output",
            f"This is an xlplan {kind} workbook, not a plan: skipped.",
            hint="Save portfolios and reviews outside the plans folder to leave "
            "this note out.",
        )
    return PlanFileError(
        "file.not_a_plan",
        "This workbook is not an xlplan plan (it has no hidden _xlplan sheet).",
        hint="Build plan workbooks with `xlplan new`; other workbooks cannot be read as plans.",
    )


def _unescaped(value: Any) -> Any:
    """Text with Excel's ``_xHHHH_`` escapes decoded, as calamine and Excel read it.

    openpyxl's read-only cells keep the escapes (a vertical tab typed with
    Alt+Enter is stored as ``_x000B_``); decoding them keeps both engines equal.
    """
    if isinstance(value, str) and "_x" in value:
        from openpyxl.utils.escape import unescape

        return unescape(value)
    return value


def apply_defaults(section: str, values: dict[str, Any]) -> None:
    """Defaults that depend on another cell, applied where the cell is blank."""
    fill = defaults_for(section)
    if fill is not None:
        fill(values)


def defaults_for(section: str) -> Callable[[dict[str, Any]], None] | None:
    """What fills a row's blank cells in ``section``; ``None`` where nothing does.

    Readers of many rows look it up once per table, not once per row.
    """
    return _DEFAULTS.get(section)


def _action_defaults(values: dict[str, Any]) -> None:
    has_outside = bool(values.get("outside_stakeholders"))
    if values.get("acceptance") is None:
        values["acceptance"] = "Proposed" if has_outside else "Not needed"
    if values.get("client_visible") is None:
        values["client_visible"] = has_outside


def _internal_by_default(values: dict[str, Any]) -> None:
    if values.get("client_visible") is None:
        values["client_visible"] = False


def _swot_defaults(values: dict[str, Any]) -> None:
    if values.get("about_relationship") is None:
        values["about_relationship"] = False


_DEFAULTS: dict[str, Callable[[dict[str, Any]], None]] = {
    "actions": _action_defaults,
    "goals": _internal_by_default,
    "opportunities": _internal_by_default,
    "kpis": _internal_by_default,
    "swot": _swot_defaults,
}


def plan_facts(rows: Sequence[Sequence[Any]]) -> dict[str, str]:
    """The hidden ``_xlplan`` sheet's rows as text by key; blank keys and values left out."""
    return {
        str(row[0]): str(row[1])
        for row in rows
        if len(row) > 1 and row[0] is not None and row[1] is not None
    }


def pack_of_plan(meta: Mapping[str, str]) -> Pack:
    """The pack a plan was built from, from the facts of its hidden ``_xlplan`` sheet.

    ``meta`` maps the sheet's keys to its values (``pack_hash``,
    ``schema_chunks``, ``schema_1`` ...). Each pack is parsed once per
    schema text and recorded hash: a hash alone would hand a plan whose
    hidden sheet was edited (or copied from another build) someone else's
    pack. Raises ``PlanFileError`` when the schema is lost or unusable.
    """
    key = meta.get("pack_hash", "")
    try:
        chunks = int(meta.get("schema_chunks", "0"))
        text = "".join(meta[f"schema_{i + 1}"] for i in range(chunks))
        if (key, text) in _PACKS:
            return _PACKS[(key, text)]
        documents = json.loads(text)
    except (KeyError, ValueError):
        raise PlanFileError(
            "plan.pack_missing",
            "The plan's hidden _xlplan sheet has lost the schema it was built from.",
            hint="Rebuild the plan with `xlplan new` and copy the rep's entries across.",
        ) from None
    pack, problems = parse_pack(documents)
    if pack is None:
        raise PlanFileError(
            "plan.pack_invalid",
            f"The pack recorded in the plan cannot be used ({problems[0] if problems else '?'}).",
            hint="Rebuild the plan with a valid pack.",
        )
    try:
        rules_from_pack(pack)
    except ScoringKeyError as exc:
        raise PlanFileError(
            "plan.pack_invalid",
            f"The plan's pack scoring is broken ({exc}).",
            hint="Rebuild the plan with a valid pack.",
        ) from None
    pack = replace(pack, content_hash=key)
    _PACKS[(key, text)] = pack
    return pack
