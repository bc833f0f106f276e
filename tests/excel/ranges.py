"""Ranges as Excel hands them to a worksheet function, taken from a built plan.

``plan_ranges`` returns each section's range as xlwings passes a 2-D range:
tables with their header row (``Table[#All]``), single sections as their
label and value columns. ``as_excel_sends`` then reshapes values the way a
given xlwings setting delivers them: dates as serial numbers, blanks as "",
error values as text.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
from openpyxl.utils.cell import range_boundaries

from xlplan.model.pack import Pack, SectionKind

Grid = list[list[Any]]


def plan_ranges(content: bytes, pack: Pack, sections: tuple[str, ...]) -> list[Grid]:
    """The ranges of ``sections`` in a workbook's cached values."""
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    found = []
    for key in sections:
        section = pack.section(key)
        sheet = book[section.sheet]
        if section.kind is SectionKind.SINGLE:
            rows = [_name_row(book, f.name) for f in section.fields]
            top, bottom = min(rows), max(rows)
            cells = sheet.iter_rows(top, bottom, 2, 3, values_only=True)
        else:
            low_col, low_row, high_col, high_row = range_boundaries(
                sheet.tables[section.table].ref
            )
            cells = sheet.iter_rows(low_row, high_row, low_col, high_col, True)
        found.append([list(row) for row in cells])
    return found


def pack_block(content: bytes) -> Grid:
    """The hidden sheet's block the ``xlplan_pack`` name refers to, as Excel passes it."""
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    title, ref = next(iter(book.defined_names["xlplan_pack"].destinations))
    return [[cell.value for cell in row] for row in book[title][ref.replace("$", "")]]


def _name_row(book: Any, name: str) -> int:
    destination = next(iter(book.defined_names[name].destinations))[1]
    return int(destination.split("$")[-1])


def as_excel_sends(ranges: list[Grid], *, serial_dates: bool, blank: Any) -> list[Grid]:
    """``ranges`` with dates as serials (or datetimes) and blanks as ``blank``."""
    return [[[_cell(v, serial_dates, blank) for v in row] for row in r] for r in ranges]


def _cell(value: Any, serial_dates: bool, blank: Any) -> Any:
    if value is None:
        return blank
    if isinstance(value, dt.datetime) and serial_dates:
        return (value - dt.datetime(1899, 12, 30)).days
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return float(value)  # Excel holds doubles
    return value
