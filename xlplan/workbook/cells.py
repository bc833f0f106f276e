"""Writing single cells of a plan workbook: raw values, validation rules, names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.worksheet import Worksheet

from xlplan.model.pack import FieldSpec, FieldType, list_range, ref_range
from xlplan.workbook.styles import Styles

FORMULA_STARTS = ("=", "+", "-", "@")
HEADER_ROW = 3  # 0-based: title, guidance, legend, then a table header or block title


def validation_for(spec: FieldSpec) -> dict[str, Any]:
    if spec.type is FieldType.ENUM:
        return {
            "validate": "list",
            "source": f"={list_range(spec.list_name or '')}",
            "error_title": "Pick from the list",
            "error_message": f"{spec.label}: choose a value from the drop-down."[:255],
        }
    if spec.type is FieldType.REF:
        return {
            "validate": "list",
            "source": f"={ref_range(spec.ref_to or '')}",
            "error_type": "information" if spec.multi else "warning",
            "error_title": "Not in the list",
            "error_message": f"{spec.label}: this name is not on the referenced sheet yet."[
                :255
            ],
        }
    if spec.type is FieldType.BOOL:
        return {"validate": "list", "source": ["TRUE", "FALSE"]}
    if spec.type is FieldType.DATE:
        return {
            "validate": "date",
            "criteria": ">=",
            "value": dt.date(1990, 1, 1),
            "error_title": "A date",
            "error_message": f"{spec.label}: type a date, e.g. 2026-03-31.",
        }
    if spec.type is FieldType.INT:
        return {
            "validate": "integer",
            "criteria": "between",
            "minimum": -1_000_000_000,
            "maximum": 1_000_000_000,
            "error_title": "A whole number",
            "error_message": f"{spec.label}: type a whole number.",
        }
    if spec.type in (FieldType.DEC, FieldType.MONEY, FieldType.PCT):
        hint = (
            "a percentage such as 35%"
            if spec.type is FieldType.PCT
            else "a number, without text"
        )
        return {
            "validate": "decimal",
            "criteria": "between",
            "minimum": -1e15,
            "maximum": 1e15,
            "error_title": "A number",
            "error_message": f"{spec.label}: type {hint}.",
        }
    return {"validate": "any"}


def write_raw(
    sheet: Worksheet, row: int, col: int, raw: Any, fmt: Any, styles: Styles
) -> None:
    """Write a value as a rep would have typed it; text is never taken as a formula."""
    if raw is None or raw == "":
        sheet.write_blank(row, col, None, fmt)
    elif isinstance(raw, bool):
        sheet.write_boolean(row, col, raw, fmt)
    elif isinstance(raw, (int, float)):
        sheet.write_number(row, col, raw, fmt)
    elif isinstance(raw, dt.datetime):
        sheet.write_datetime(row, col, raw, fmt)
    elif isinstance(raw, dt.date):
        sheet.write_datetime(row, col, dt.datetime.combine(raw, dt.time()), fmt)
    else:
        text = clean_text(str(raw))
        # A leading = + - @ stays text even when the rep edits the cell later.
        shown = styles.quoted(fmt) if text[:1] in FORMULA_STARTS else fmt
        sheet.write_string(row, col, text, shown)


def clean_text(text: str) -> str:
    """Drop characters XML 1.0 forbids (a vertical tab from Alt+Enter becomes a newline)."""
    text = text.replace("\x0b", "\n")
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20)


def formula_text(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def absolute(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)


def quote_sheet(name: str) -> str:
    return f"'{name}'" if not name.replace("_", "").isalnum() else name


def escape_header(text: str) -> str:
    return text.replace("&", "&&")
