"""Cell formats of a plan workbook, from the pack's brand.

Input cells are tinted and bordered so a rep sees where to type; computed
cells are grey and italic-free with a darker number colour; headers carry the
brand's primary colour.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from xlplan.model.pack import Brand, FieldSpec, FieldType

NUMBER_FORMATS = {
    # Excel shows a boolean as TRUE/FALSE whatever the format; LibreOffice
    # needs this format or it prints 1 and 0.
    FieldType.BOOL: '"TRUE";"TRUE";"FALSE"',
    FieldType.DATE: "d mmm yyyy",
    FieldType.MONEY: "#,##0",
    FieldType.PCT: "0%",
    FieldType.INT: "0",
    FieldType.DEC: "#,##0.##",
}
ONE_DECIMAL = {"tenure_years", "key_account_score"}


class Styles:
    """Formats created once per workbook and looked up by role and field type."""

    def __init__(self, book: Workbook, brand: Brand) -> None:
        self._book = book
        self.brand = brand
        c = brand.colors
        self._base = {"font_name": brand.body_font, "font_size": 10, "valign": "top"}
        self._cache: dict[tuple[Any, ...], Format] = {}
        self._props: dict[int, dict[str, Any]] = {}
        self.title = self._add(
            font_size=18,
            bold=True,
            font_color=c.get("primary", "1F3A5F"),
            font_name=brand.heading_font,
            valign="vcenter",
        )
        self.subtitle = self._add(
            font_size=11, font_color=c.get("muted", "6B7280"), italic=True
        )
        self.company = self._add(
            font_size=9, bold=True, font_color=c.get("accent", "2E86AB")
        )
        self.block = self._add(
            font_size=12,
            bold=True,
            font_color=c.get("primary", "1F3A5F"),
            bottom=2,
            bottom_color=c.get("accent", "2E86AB"),
        )
        self.header = self._add(
            bold=True,
            font_color="FFFFFF",
            bg_color=c.get("primary", "1F3A5F"),
            text_wrap=True,
            valign="vcenter",
            border=1,
            border_color="FFFFFF",
        )
        self.label = self._add(bold=True, font_color=c.get("text", "222222"))
        self.required_label = self._add(bold=True, font_color=c.get("text", "222222"))
        self.help = self._add(
            font_size=9, font_color=c.get("muted", "6B7280"), text_wrap=True
        )
        self.legend = self._add(font_size=9, font_color=c.get("muted", "6B7280"))
        self.meta = self._add(font_size=9)
        self.fills = {
            "good": self._add(bg_color=c.get("good", "C6EFCE"), font_color="006100"),
            "warn": self._add(bg_color=c.get("warn", "FFEB9C"), font_color="9C5700"),
            "bad": self._add(bg_color=c.get("bad", "FFC7CE"), font_color="9C0006"),
            "muted": self._add(font_color="808080"),
        }

    def _add(self, **props: Any) -> Format:
        fmt = self._book.add_format({**self._base, **props})
        self._props[id(fmt)] = props
        return fmt

    def figure(self, number_format: str) -> Format:
        """A computed cell with ``number_format`` (for the cover's score blocks)."""
        key = ("figure", number_format)
        if key not in self._cache:
            c = self.brand.colors
            self._cache[key] = self._add(
                bg_color=c.get("computed", "F2F2F2"),
                border=1,
                border_color="D0D0D0",
                font_color="404040",
                num_format=number_format,
                align="right",
            )
        return self._cache[key]

    def quoted(self, fmt: Format) -> Format:
        """``fmt`` with Excel's quote prefix, so text like "=x" stays text when edited."""
        key = ("quoted", id(fmt))
        if key not in self._cache:
            props = {k: v for k, v in self._props[id(fmt)].items()}
            props["quote_prefix"] = True
            self._cache[key] = self._add(**props)
        return self._cache[key]

    def cell(self, spec: FieldSpec, *, computed: bool, wide: bool = False) -> Format:
        """The format of a value cell for ``spec``, input or computed."""
        key = (spec.type, spec.name in ONE_DECIMAL, computed, wide)
        if key not in self._cache:
            c = self.brand.colors
            props: dict[str, Any] = {"border": 1}
            if computed:
                props.update(
                    bg_color=c.get("computed", "F2F2F2"),
                    border_color="D0D0D0",
                    font_color="404040",
                )
            else:
                props.update(bg_color=c.get("light", "EAF1F8"), border_color="B7C9DC")
            number_format = (
                "0.0" if spec.name in ONE_DECIMAL else NUMBER_FORMATS.get(spec.type)
            )
            if number_format:
                props["num_format"] = number_format
            if spec.type in (FieldType.TEXT, FieldType.STR, FieldType.REF) or wide:
                props["text_wrap"] = True
            if spec.type in (FieldType.BOOL, FieldType.DATE):
                props["align"] = "center"
            elif spec.type.is_number:
                props["align"] = "right"
            self._cache[key] = self._add(**props)
        return self._cache[key]


def column_width(spec: FieldSpec) -> float:
    """A readable column width for a field's type and label."""
    by_type = {
        FieldType.TEXT: 40,
        FieldType.STR: 24,
        FieldType.DATE: 12,
        FieldType.MONEY: 13,
        FieldType.PCT: 9,
        FieldType.INT: 9,
        FieldType.DEC: 10,
        FieldType.BOOL: 10,
        FieldType.ENUM: 15,
        FieldType.REF: 18,
    }
    width = by_type[spec.type]
    if spec.type in (
        FieldType.PCT,
        FieldType.INT,
        FieldType.DEC,
        FieldType.BOOL,
        FieldType.DATE,
    ):
        width = max(width, min(len(spec.label) + 2, 16))
    if spec.name == "id":
        width = 8
    return width
