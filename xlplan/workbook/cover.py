"""The cover's completeness and health blocks and its headline traffic lights."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from xlplan.core import completeness, health
from xlplan.core.registry import (
    COMPLETENESS_POINTS,
    HEALTH_COMPONENTS,
    HEALTH_POINTS_LOST,
    health_cell,
)
from xlplan.workbook.cells import HEADER_ROW, absolute, quote_sheet

if TYPE_CHECKING:
    import xlsxwriter

    from xlplan.core.refs import Refs
    from xlplan.core.rules import Rules
    from xlplan.workbook.styles import Styles


class CoverBlocks:
    """Completeness and health blocks beside the cover's figures; mixed into the builder."""

    book: xlsxwriter.Workbook
    sheets: dict[str, Worksheet]
    cover: str
    styles: Styles
    rules: Rules
    refs: Refs
    positions: dict[str, tuple[int, int]]
    _completeness: Any
    _health: Any

    def _cover_blocks(self) -> None:
        """Completeness and health, beside the cover's figures, in columns F to I."""
        sheet = self.sheets[self.cover]
        sheet.set_column(4, 4, 3)
        sheet.set_column(5, 5, 30)
        sheet.set_column(6, 7, 12)
        row = self._completeness_block(sheet, HEADER_ROW) + 1
        self._health_block(sheet, row)
        self._headline_lights(sheet)

    def _block_header(
        self, sheet: Worksheet, row: int, titles: tuple[str, str, str]
    ) -> None:
        for col, title in zip((5, 6, 7), titles, strict=True):
            sheet.write_string(row, col, title, self.styles.block)

    def _completeness_block(self, sheet: Worksheet, row: int) -> int:
        self._block_header(sheet, row, ("Plan completeness", "Points", "Checks met"))
        first = row + 1
        points_fmt = self.styles.figure("0.0")
        count_fmt = self.styles.figure("0")
        keys = list(completeness.SECTION_CHECKS)
        for i, result in enumerate(self._completeness.sections):
            key, r = keys[i], first + i
            weight = self.rules.completeness_weights.get(key, 0.0)
            label = f"{result.section} ({weight:g} pts, {result.checks} checks)"
            sheet.write_string(r, 5, label, self.styles.label)
            points = completeness.section_points_formula(
                key, xl_rowcol_to_cell(r, 7), self.rules
            )
            sheet.write_formula(r, 6, "=" + points, points_fmt, result.points)
            met = completeness.section_met_formula(key, self.refs, self.rules)
            sheet.write_formula(r, 7, "=" + met, count_fmt, result.met)
            self.book.define_name(f"completeness_{key}", f"={self._cover_ref(r, 6)}")
        last = first + len(self._completeness.sections) - 1
        self.book.define_name(
            COMPLETENESS_POINTS, f"={self._cover_ref(first, 6)}:{absolute(last, 6)}"
        )
        return last + 1

    def _health_block(self, sheet: Worksheet, row: int) -> None:
        self._block_header(sheet, row, ("Health components", "Score", "Points lost"))
        first = row + 1
        for i, (key, value) in enumerate(self._health.components):
            r = first + i
            weight = self.rules.health_weights.get(key, 0.0)
            sheet.write_string(r, 5, health.COMPONENT_TITLES[key], self.styles.label)
            _, formula = health.COMPONENTS[key]
            sheet.write_formula(
                r,
                6,
                "=" + formula(self.refs, self.rules),
                self.styles.figure("0%"),
                value,
            )
            self.book.define_name(health_cell(key), f"={self._cover_ref(r, 6)}")
            lost = health.points_lost_formula(key, xl_rowcol_to_cell(r, 6), self.rules)
            sheet.write_formula(
                r, 7, "=" + lost, self.styles.figure("0.0"), weight * (1 - value)
            )
        last = first + len(self._health.components) - 1
        self.book.define_name(
            HEALTH_COMPONENTS, f"={self._cover_ref(first, 5)}:{absolute(last, 5)}"
        )
        self.book.define_name(
            HEALTH_POINTS_LOST, f"={self._cover_ref(first, 7)}:{absolute(last, 7)}"
        )

    def _cover_ref(self, row: int, col: int) -> str:
        return f"{quote_sheet(self.cover)}!{absolute(row, col)}"

    def _headline_lights(self, sheet: Worksheet) -> None:
        """Traffic lights on the cover's headline cells."""
        below = self.rules.completeness_flag_below
        for name, test, light in (
            ("health_band", '="Green"', "good"),
            ("health_band", '="Amber"', "warn"),
            ("health_band", '="Red"', "bad"),
            ("completeness", f"<{below:g}", "bad"),
            ("review_overdue", "=TRUE", "bad"),
            ("overdue_actions", ">0", "bad"),
            ("open_high_risks", ">0", "bad"),
        ):
            if name not in self.positions:
                continue
            row, col = self.positions[name]
            cell = xl_rowcol_to_cell(row, col)
            guard = f"ISNUMBER({cell})" if test[0] in "<>" else "TRUE"
            sheet.conditional_format(
                row,
                col,
                row,
                col,
                {
                    "type": "formula",
                    "criteria": f"=AND({guard},{cell}{test})",
                    "format": self.styles.fills[light],
                },
            )

    # ------------------------------------------------------ lists, meta
