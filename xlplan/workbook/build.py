"""Build a plan workbook from a template pack and the values to pre-fill.

Everything comes from the pack: sheets, Excel tables, defined names, drop-downs,
guidance, traffic lights. Every computed figure is a native formula written
with its cached result from ``core``, so previews, pandas and LibreOffice show
numbers before Excel ever opens the file. The builder is the one authority on
where things sit; formulas refer to them only by defined name or table column.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

import xlplan
from xlplan.core import completeness, health
from xlplan.core.excel import to_serial
from xlplan.core.refs import Refs
from xlplan.core.registry import (
    COLUMNS,
    FIELDS,
)
from xlplan.core.rules import Rules, rules_from_pack
from xlplan.model.pack import (
    PACK_RANGE,
    FieldSpec,
    FieldType,
    Pack,
    SectionKind,
    SectionSpec,
    list_range,
    ref_range,
)
from xlplan.model.plan import Plan
from xlplan.workbook.cells import (
    HEADER_ROW,
    absolute,
    clean_text,
    escape_header,
    formula_text,
    quote_sheet,
    validation_for,
    write_raw,
)
from xlplan.workbook.cover import CoverBlocks
from xlplan.workbook.files import WORKBOOK_OPTIONS
from xlplan.workbook.inputs import PlanInput, to_plan
from xlplan.workbook.insights import add_insights_sheet
from xlplan.workbook.styles import Styles, column_width

log = logging.getLogger(__name__)

META_SHEET = "_xlplan"
LISTS_SHEET = "Lists"
SPARE_ROWS = 10
MIN_TABLE_ROWS = 15
SCHEMA_CHUNK = 30000  # characters per cell; Excel's limit is 32,767
LEGEND = "Type in the blue cells (drop-downs where there is a list); grey cells are computed."
PRINT_WIDTH = 240  # column-width units on one landscape A4 page, printed at about 70%


@dataclass(frozen=True)
class BuildResult:
    """The workbook bytes and the typed plan its cached results came from."""

    content: bytes
    plan: Plan


def build_plan_workbook(
    pack: Pack,
    raw: PlanInput,
    *,
    today: dt.date | None = None,
    extend: Callable[[xlsxwriter.Workbook, dict[str, Worksheet]], None] | None = None,
) -> BuildResult:
    """Lay out one plan workbook in memory; ``today`` defaults to the run date.

    ``extend`` may add to the finished book (a VBA project, buttons) before it
    is closed.
    """
    today = today or dt.date.today()
    raw = with_default_rows(pack, raw)
    plan = to_plan(pack, raw, today)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    builder = _Builder(book, pack, raw, plan)
    builder.build()
    if extend is not None:
        extend(book, builder.sheets)
    book.close()
    return BuildResult(buffer.getvalue(), plan)


def with_default_rows(pack: Pack, raw: PlanInput) -> PlanInput:
    """``raw`` with the rows every plan starts with where it has none of its own.

    Fixed-row tables (the five forces) list their rows; the selection table
    lists every criterion with the organisation's weights, active where the
    pack gives a weight.
    """
    tables = dict(raw.tables)
    for section in pack.sections:
        if section.kind is not SectionKind.TABLE or tables.get(section.key):
            continue
        if section.fixed_rows_list:
            first = section.input_fields[1].name
            tables[section.key] = [
                {first: v} for v in pack.lists[section.fixed_rows_list]
            ]
    if not tables.get("selection"):
        weights = rules_from_pack(pack).selection_weights
        tables["selection"] = [
            {"criterion": name, "active": name in weights, "weight": weights.get(name)}
            for name in pack.lists.get("selection_criterion", ())
        ]
    return replace(raw, tables=tables)


def row_height(values: list[Any], widths: list[float]) -> float:
    """Points needed to show wrapped text of a row, between one and seven lines."""
    lines = 1
    for value, width in zip(values, widths, strict=False):
        if isinstance(value, str) and value:
            per_line = max(8.0, width * 1.15)
            wrapped = sum(
                math.ceil(max(1, len(part)) / per_line) for part in value.split("\n")
            )
            lines = max(lines, wrapped)
    return float(min(lines, 7) * 13 + 2)


def cached(value: Any) -> Any:
    """A Python value as the cached result XlsxWriter writes after a formula."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return to_serial(value)
    return value


class _Builder(CoverBlocks):
    """Writes one workbook; keeps the formats, the rules and the defined names."""

    def __init__(
        self, book: xlsxwriter.Workbook, pack: Pack, raw: PlanInput, plan: Plan
    ) -> None:
        self.book = book
        self.pack = pack
        self.raw = raw
        self.plan = plan
        self.rules: Rules = rules_from_pack(pack)
        self.refs = Refs(pack.sections)
        self.styles = Styles(book, pack.brand)
        self.sheets: dict[str, Worksheet] = {}
        self.next_row: dict[str, int] = {}
        self.cover = pack.section("plan").sheet
        self.positions: dict[str, tuple[int, int]] = {}
        self._health = health.score_health(plan, self.rules)
        self._completeness = completeness.score_completeness(plan, self.rules)

    def build(self) -> None:
        for section in self.pack.sections:
            self._sheet(section.sheet, section)
        self._lists_sheet()
        for section in self._in_layout_order():
            if section.kind is SectionKind.SINGLE:
                self._single(section)
            elif section.kind is SectionKind.TABLE:
                self._table(section)
            else:
                self._grid(section)
        self._cover_blocks()
        add_insights_sheet(self.book, self.pack, self.styles, self.positions)
        self._meta_sheet()
        self.sheets[self.cover].activate()
        self.book.set_properties(
            {
                "title": f"Account plan - {clean_text(self.raw.account_name)}",
                "company": self.pack.brand.company_name,
                "comments": f"Built by xlplan {xlplan.__version__} from pack "
                f"{self.pack.name} {self.pack.version}",
            }
        )

    def _in_layout_order(self) -> list[SectionSpec]:
        """Sections in sheet order, with the cover's computed figures above its inputs."""
        figures_first = [
            s
            for s in self.pack.sections
            if s.sheet == self.cover
            and s.kind is SectionKind.SINGLE
            and all(f.computed for f in s.fields)
        ]
        return figures_first + [s for s in self.pack.sections if s not in figures_first]

    def _sheet(self, name: str, section: SectionSpec) -> Worksheet:
        if name in self.sheets:
            return self.sheets[name]
        sheet = self.book.add_worksheet(name)
        self.sheets[name] = sheet
        sheet.hide_gridlines(2)
        sheet.set_column(0, 0, 2)
        sheet.set_row(0, 30)
        account = clean_text(self.raw.account_name)
        is_cover = name == self.cover
        sheet.write_string(
            0, 1, "Account plan" if is_cover else section.title, self.styles.title
        )
        sheet.write_string(
            1, 1, account if is_cover else section.help, self.styles.subtitle
        )
        sheet.write_string(2, 1, LEGEND, self.styles.legend)
        sheet.set_landscape()
        sheet.set_paper(9)
        sheet.fit_to_pages(1, 0)
        sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
        company = escape_header(self.pack.brand.company_name[:60])
        sheet.set_header(f"&L&8{company}&C&8{escape_header(account[:60])}&R&8&A")
        sheet.set_footer("&L&8Confidential: internal account plan&R&8Page &P of &N")
        self.next_row[name] = HEADER_ROW
        return sheet

    # ------------------------------------------------- single sections

    def _single(self, section: SectionSpec) -> None:
        sheet = self.sheets[section.sheet]
        row = self.next_row[section.sheet]
        sheet.set_column(1, 1, 28)
        sheet.set_column(2, 2, 36)
        sheet.set_column(3, 3, 58)
        for col in (1, 2, 3):
            sheet.write_blank(row, col, None, self.styles.block)
        sheet.write_string(row, 1, section.title, self.styles.block)
        row += 1
        values = self.raw.records.get(section.key, {})
        for spec in section.fields:
            self._single_field(sheet, section, spec, row, values.get(spec.name))
            row += 1
        self.next_row[section.sheet] = row + 1
        sheet.freeze_panes(HEADER_ROW, 0)
        sheet.repeat_rows(0, 1)

    def _single_field(
        self,
        sheet: Worksheet,
        section: SectionSpec,
        spec: FieldSpec,
        row: int,
        raw: Any,
    ) -> None:
        label = spec.label + (" *" if spec.required else "")
        sheet.write_string(row, 1, label, self.styles.label)
        sheet.write_string(row, 3, spec.help, self.styles.help)
        wide = spec.type is FieldType.TEXT
        if wide and isinstance(raw, str):
            sheet.set_row(row, row_height([raw], [36]))
        fmt = self.styles.cell(spec, computed=spec.computed, wide=wide)
        if spec.name == "as_of":
            self._as_of_cell(sheet, row, 2, fmt)
        elif spec.computed:
            figure = FIELDS[spec.name]
            formula = "=" + figure.formula(self.refs, self.rules)
            value = cached(figure.value(self.plan, self.rules))
            sheet.write_formula(row, 2, formula, fmt, value)
        else:
            write_raw(sheet, row, 2, raw, fmt, self.styles)
            self._validate(sheet, section, spec, row, 2, row)
        self.positions[spec.name] = (row, 2)
        self.book.define_name(
            spec.name, f"={quote_sheet(section.sheet)}!{absolute(row, 2)}"
        )
        self._light(sheet, section, spec, row, 2, row)

    def _as_of_cell(self, sheet: Worksheet, row: int, col: int, fmt: Any) -> None:
        if self.raw.as_of is None:
            sheet.write_formula(row, col, "=TODAY()", fmt, to_serial(self.plan.as_of))
        else:
            sheet.write_datetime(
                row, col, dt.datetime.combine(self.raw.as_of, dt.time()), fmt
            )

    # ---------------------------------------------------------- tables

    def _table(self, section: SectionSpec) -> None:
        sheet = self.sheets[section.sheet]
        rows = list(self.raw.tables.get(section.key, []))
        count = (
            len(rows)
            if section.fixed_rows_list
            else max(len(rows) + SPARE_ROWS, MIN_TABLE_ROWS)
        )
        top = self.next_row[section.sheet]
        if top > HEADER_ROW:
            sheet.write_string(top, 1, section.title, self.styles.block)
            top += 1
        typed = self.plan.rows(section.key)
        self._write_table(sheet, section, top, 1, rows, typed, count)
        self.next_row[section.sheet] = top + count + 3
        if top == HEADER_ROW:
            sheet.freeze_panes(HEADER_ROW + 1, 2)
        sheet.repeat_rows(HEADER_ROW, HEADER_ROW)

    def _write_table(
        self,
        sheet: Worksheet,
        section: SectionSpec,
        top: int,
        left: int,
        rows: list[dict[str, Any]],
        typed: tuple[Any, ...],
        count: int,
    ) -> None:
        columns = []
        for offset, spec in enumerate(section.fields):
            col = left + offset
            fmt = self.styles.cell(spec, computed=spec.computed)
            sheet.set_column(col, col, column_width(spec))
            columns.append(
                {
                    "header": spec.label,
                    "header_format": self.styles.header,
                    "format": fmt,
                }
            )
        last = top + count
        sheet.add_table(
            top,
            left,
            last,
            left + len(section.fields) - 1,
            {
                "name": section.table,
                "columns": columns,
                "style": "Table Style Light 1",
                "autofilter": True,
            },
        )
        sheet.set_row(top, 30)
        widths = [column_width(spec) for spec in section.fields]
        for offset, spec in enumerate(section.fields):
            self._write_column(
                sheet, section, spec, top + 1, left + offset, rows, typed, count
            )
        for i, values in enumerate(rows):
            texts = [values.get(spec.name) for spec in section.fields]
            sheet.set_row(top + 1 + i, row_height(texts, widths))
        if top == HEADER_ROW:
            pages = max(1, math.ceil((sum(widths) + 2) / PRINT_WIDTH))
            sheet.fit_to_pages(pages, 0)
            if pages > 1:
                sheet.repeat_columns(1, 2)
        label_field = section.label_field or section.fields[1].name
        label_col = left + [f.name for f in section.fields].index(label_field)
        self.book.define_name(
            ref_range(section.key),
            f"={quote_sheet(section.sheet)}!{absolute(top + 1, label_col)}:{absolute(last, label_col)}",
        )

    def _write_column(
        self,
        sheet: Worksheet,
        section: SectionSpec,
        spec: FieldSpec,
        first: int,
        col: int,
        rows: list[dict[str, Any]],
        typed: tuple[Any, ...],
        count: int,
    ) -> None:
        fmt = self.styles.cell(spec, computed=spec.computed)
        if spec.computed:
            figure = COLUMNS[(section.key, spec.name)]
            formula = "=" + figure.formula(self.refs, self.rules)
            for i in range(count):
                row = typed[i] if i < len(typed) else {}
                sheet.write_formula(
                    first + i,
                    col,
                    formula,
                    fmt,
                    cached(figure.value(row, self.plan, self.rules)),
                )
        else:
            for i in range(count):
                raw = rows[i].get(spec.name) if i < len(rows) else None
                write_raw(sheet, first + i, col, raw, fmt, self.styles)
            self._validate(sheet, section, spec, first, col, first + count - 1)
        self._light(sheet, section, spec, first, col, first + count - 1)

    # ------------------------------------------------------------ grid

    def _grid(self, section: SectionSpec) -> None:
        sheet = self.sheets[section.sheet]
        units = self.pack.section("business_units")
        left = 1 + len(units.fields) + 1
        top = HEADER_ROW
        offerings = self.pack.lists["offerings"]
        unit_spec, state_spec = section.field("business_unit"), section.field("state")
        assessed_spec = section.field("assessed")
        grid_units = list(self.raw.grid) or [
            str(row.get("name"))
            for row in self.raw.tables.get("business_units", [])
            if row.get("name")
        ]
        count = max(len(grid_units) + SPARE_ROWS, MIN_TABLE_ROWS)
        last = top + count
        headers = [unit_spec.label, *offerings, assessed_spec.label]
        sheet.set_column(left, left, 22)
        sheet.set_column(left + 1, left + len(offerings), 13)
        sheet.set_column(left + len(offerings) + 1, left + len(offerings) + 1, 10)
        sheet.add_table(
            top,
            left,
            last,
            left + len(headers) - 1,
            {
                "name": section.table,
                "style": "Table Style Light 1",
                "columns": [
                    {"header": h, "header_format": self.styles.header} for h in headers
                ],
            },
        )
        sheet.write_string(
            top - 1, left, section.title + ": " + section.help, self.styles.help
        )
        input_fmt = self.styles.cell(state_spec, computed=False)
        for i in range(count):
            unit = grid_units[i] if i < len(grid_units) else None
            write_raw(
                sheet,
                top + 1 + i,
                left,
                unit,
                self.styles.cell(unit_spec, computed=False),
                self.styles,
            )
            cells = self.raw.grid.get(unit, {}) if unit else {}
            for j, offering in enumerate(offerings):
                write_raw(
                    sheet,
                    top + 1 + i,
                    left + 1 + j,
                    (cells or {}).get(offering),
                    input_fmt,
                    self.styles,
                )
        self._validate(sheet, section, unit_spec, top + 1, left, last)
        first_state, last_state = left + 1, left + len(offerings)
        self._validate_range(sheet, state_spec, top + 1, first_state, last, last_state)
        for col in range(first_state, last_state + 1):
            self._light(sheet, section, state_spec, top + 1, col, last)
        self._grid_assessed(
            sheet, section, top + 1, left + len(offerings) + 1, count, grid_units
        )

    def _grid_assessed(
        self,
        sheet: Worksheet,
        section: SectionSpec,
        first: int,
        col: int,
        count: int,
        units: list[str],
    ) -> None:
        figure = COLUMNS[(section.key, "assessed")]
        formula = "=" + figure.formula(self.refs, self.rules)
        fmt = self.styles.cell(section.field("assessed"), computed=True)
        for i in range(count):
            row = {"business_unit": units[i]} if i < len(units) else {}
            sheet.write_formula(
                first + i,
                col,
                formula,
                fmt,
                cached(figure.value(row, self.plan, self.rules)),
            )

    # ------------------------------------------- validation and lights

    def _validate(
        self,
        sheet: Worksheet,
        section: SectionSpec,
        spec: FieldSpec,
        first: int,
        col: int,
        last: int,
    ) -> None:
        self._validate_range(sheet, spec, first, col, last, col)

    def _validate_range(
        self,
        sheet: Worksheet,
        spec: FieldSpec,
        first: int,
        col: int,
        last: int,
        last_col: int,
    ) -> None:
        rule = validation_for(spec)
        if spec.help:
            rule["input_title"] = spec.label[:32]
            rule["input_message"] = spec.help[:255]
        sheet.data_validation(first, col, last, last_col, rule)

    def _light(
        self,
        sheet: Worksheet,
        section: SectionSpec,
        spec: FieldSpec,
        first: int,
        col: int,
        last: int,
    ) -> None:
        rules: list[tuple[str, Any]] = [
            (formula_text(value), self.styles.fills[light])
            for value, light in self.pack.brand.lights_for(section.key, spec).items()
            if light in self.styles.fills
        ]
        if spec.type is FieldType.BOOL and spec.computed:
            if spec.name in _BAD_WHEN_TRUE:
                rules.append(("TRUE", self.styles.fills["bad"]))
            if spec.name in _GOOD_WHEN_TRUE:
                rules += [
                    ("TRUE", self.styles.fills["good"]),
                    ("FALSE", self.styles.fills["bad"]),
                ]
        for value, fmt in rules:
            sheet.conditional_format(
                first,
                col,
                last,
                col,
                {"type": "cell", "criteria": "==", "value": value, "format": fmt},
            )

    # ---------------------------------------------------- cover blocks

    def _lists_sheet(self) -> None:
        sheet = self.book.add_worksheet(LISTS_SHEET)
        sheet.hide()
        for col, (name, values) in enumerate(self.pack.lists.items()):
            sheet.write_string(0, col, name, self.styles.label)
            for row, value in enumerate(values, start=1):
                sheet.write_string(row, col, value)
            letter = xl_col_to_name(col)
            self.book.define_name(
                list_range(name),
                f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}",
            )

    def _meta_sheet(self) -> None:
        sheet = self.book.add_worksheet(META_SHEET)
        sheet.very_hidden()
        schema_json = json.dumps(
            {k: v for k, v in self.pack.documents.items()}, default=str, sort_keys=True
        )
        rows: list[tuple[str, str]] = [
            ("format", "xlplan-plan"),
            ("format_version", "1"),
            ("pack_name", self.pack.name),
            ("pack_version", self.pack.version),
            ("pack_hash", self.pack.content_hash),
            ("xlplan_version", xlplan.__version__),
            ("built_on", dt.date.today().isoformat()),
            (
                "schema_chunks",
                str((len(schema_json) + SCHEMA_CHUNK - 1) // SCHEMA_CHUNK),
            ),
        ]
        for row, (key, value) in enumerate(rows):
            sheet.write_string(row, 0, key)
            sheet.write_string(row, 1, value)
        for i in range(0, len(schema_json), SCHEMA_CHUNK):
            row = len(rows) + i // SCHEMA_CHUNK
            sheet.write_string(row, 0, f"schema_{i // SCHEMA_CHUNK + 1}")
            sheet.write_string(row, 1, schema_json[i : i + SCHEMA_CHUNK])
        last = len(rows) + (len(schema_json) + SCHEMA_CHUNK - 1) // SCHEMA_CHUNK
        self.book.define_name(PACK_RANGE, f"={META_SHEET}!$A$1:$B${last}")


_BAD_WHEN_TRUE = {"overdue", "review_overdue"}
_GOOD_WHEN_TRUE = {"engaged", "on_track", "smart_complete"}
