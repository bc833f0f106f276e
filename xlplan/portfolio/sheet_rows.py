"""Table rows written straight into a worksheet's XML, for portfolios of thousands.

XlsxWriter spends about 10 µs on each cell: a tuple per cell when it is
written, then an attribute list, escaping and a file write per cell when the
sheet is assembled. A portfolio of 2,000 plans has over half a million cells
in its table sheets. ``TableSheet`` is an XlsxWriter worksheet that also takes
one block of rows as ready-made ``<row>`` XML and places it among the rows
XlsxWriter writes itself, so titles, headers, tables, formats, charts and the
shared-string table all stay XlsxWriter's. ``render_rows`` renders that block
with the cell types, shared strings and style ids XlsxWriter would have given
each cell through ``write_string``, ``write_number``, ``write_datetime`` and
``write_blank``.
"""

from __future__ import annotations

import datetime as dt
import math
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import xlsxwriter.workbook
from xlsxwriter.format import Format
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name, xl_range
from xlsxwriter.worksheet import Worksheet

if TYPE_CHECKING:
    from _typeshed import SizedBuffer

# A text longer than this many characters may pass Excel's limit in UTF-16
# units (a character above U+FFFF, such as an emoji, counts twice).
SAFE_TEXT = 32767 // 2
# zlib's fastest level: a quarter of the default level's time for a package
# about a third larger (2,000 plans: 0.09 s and 2.9 MB against 0.35 s, 2.2 MB).
QUICK_LEVEL = 1


class TableSheet(Worksheet):
    """An XlsxWriter worksheet that can hold one block of pre-rendered rows."""

    dim_rowmin: int | None  # XlsxWriter's first and last used rows, zero-based
    dim_rowmax: int | None

    def __init__(self) -> None:
        super().__init__()
        self.block: tuple[int, int, str] | None = None
        self.serials: dict[dt.date, float] = {}

    def set_block(self, first: int, last: int, last_col: int, xml: str) -> None:
        """Rows ``first`` to ``last`` (zero-based) as ``<row>`` XML, columns 0 to ``last_col``.

        Nothing else may be written to those rows; rows above and below are
        XlsxWriter's as usual. Raises ``ValueError`` past Excel's last row.
        """
        if self.constant_memory:
            raise NotImplementedError("TableSheet needs XlsxWriter's default mode.")
        if last >= self.xls_rowmax or last_col >= self.xls_colmax:
            raise ValueError(
                f"{last + 1} rows or {last_col + 1} columns do not fit on a sheet."
            )
        self._check_dimensions(first, 0)
        self._check_dimensions(last, last_col)
        self.block = (first, last, xml)

    def add_table(
        self,
        first_row: int,
        first_col: int,
        last_row: int,
        last_col: int,
        options: dict[str, Any] | None = None,
    ) -> int:
        """XlsxWriter's ``add_table`` (numeric ranges), without a cost per cell.

        XlsxWriter records every cell of a table's range to refuse overlapping
        tables and merged ranges: half a second for the tables of 2,000 plans.
        A table without data, formulas or a total row is declared over its
        header and first row, then widened, so overlaps are checked on those
        two rows only.
        """
        options = options or {}
        plain = not {"data", "total_row"} & options.keys() and not any(
            column.get("formula") for column in options.get("columns", [])
        )
        if not plain or last_row <= first_row + 1:
            return super().add_table(first_row, first_col, last_row, last_col, options)
        result = super().add_table(
            first_row, first_col, first_row + 1, last_col, options
        )
        if result == 0:
            table = self.tables[-1]
            table["range"] = table["a_range"] = xl_range(
                first_row, first_col, last_row, last_col
            )
            if table.get("autofilter"):
                table["autofilter"] = table["a_range"]
        return result

    def _write_rows(self) -> None:
        if self.block is None:
            super()._write_rows()
            return
        first, last, xml = self.block
        self._refuse_cells_in(first, last)
        low, high = self.dim_rowmin, self.dim_rowmax
        try:
            if low is not None and low < first:
                self.dim_rowmax = first - 1
                super()._write_rows()
            self.fh.write(xml)
            if high is not None and high > last:
                self.dim_rowmin, self.dim_rowmax = last + 1, high
                super()._write_rows()
        finally:
            self.dim_rowmin, self.dim_rowmax = low, high

    def _refuse_cells_in(self, first: int, last: int) -> None:
        rows = [r for r, cells in self.table.items() if cells and first <= r <= last]
        rows += [r for r in (*self.row_info, *self.comments) if first <= r <= last]
        if rows:
            raise RuntimeError(
                f"Row {min(rows) + 1} of {self.name} was written twice: "
                "by XlsxWriter and as a block of rows."
            )


def render_rows(
    sheet: TableSheet,
    top: int,
    rows: Sequence[Sequence[Any]],
    formats: Sequence[Format],
) -> None:
    """Write ``rows`` from row ``top`` (zero-based) down as one block of ``sheet``.

    Each cell takes its column's format; text goes to the workbook's shared
    strings, numbers, dates (as serials) and blanks are typed as XlsxWriter
    types them, and booleans read "yes" or "no". Text is never a formula.
    """
    columns = [
        _CellParts(xl_col_to_name(c), f._get_xf_index()) for c, f in enumerate(formats)
    ]
    # Texts already shared are looked up here and counted once at the end:
    # the shared-string table's own method costs a call per cell.
    shared = sheet.str_table
    known, share, repeats = shared.string_table, shared._get_shared_string_index, 0
    parts: list[str] = []
    add = parts.append
    for r, row in enumerate(rows, start=top + 1):
        number = str(r)
        add(f'<row r="{number}">')
        for cell, value in zip(columns, row, strict=False):
            kind = type(value)
            if kind is tuple and value:  # a list of names, say
                value, kind = "; ".join(map(str, value)), str
            elif kind is bool:
                value, kind = ("yes" if value else "no"), str
            if kind is str and value:
                index = known.get(value)
                if index is None:
                    index = share(_fit_text(value))
                else:
                    repeats += 1
                add(f"{cell.start}{number}{cell.text}{index}</v></c>")
            elif kind is int or (kind is float and math.isfinite(value)):
                add(f"{cell.start}{number}{cell.number}{value:.16G}</v></c>")
            elif value is None:
                add(f"{cell.start}{number}{cell.blank}")
            elif kind is dt.date:
                serial = _serial(sheet, value)
                add(f"{cell.start}{number}{cell.number}{serial:.16G}</v></c>")
            else:
                add(_other_cell(sheet, f"{cell.letter}{r}", cell.style, value))
        add("</row>")
    shared.count += repeats
    if rows:
        sheet.set_block(top, top + len(rows) - 1, len(formats) - 1, "".join(parts))


class _CellParts:
    """One column's cell XML around a row number and a value, made once.

    A text cell is ``start`` + row + ``text`` + string index + ``</v></c>``,
    a number cell the same with ``number``, a blank ``start`` + row + ``blank``:
    formatting only the row and the value of each cell is a third faster.
    """

    __slots__ = ("letter", "style", "start", "text", "number", "blank")

    def __init__(self, letter: str, style: int) -> None:
        self.letter = letter
        self.style = style
        self.start = f'<c r="{letter}'
        self.text = f'" s="{style}" t="s"><v>'
        self.number = f'" s="{style}"><v>'
        self.blank = f'" s="{style}"/>'


def _other_cell(sheet: TableSheet, ref: str, style: int, value: Any) -> str:
    """The cell XML for a value that is not plain text or a plain number."""
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}"/>'
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, (dt.date, dt.datetime)):
        return _number_cell(ref, style, _serial(sheet, value))
    elif isinstance(value, (int, float)):
        return _number_cell(ref, style, value)
    elif isinstance(value, tuple):
        text = "; ".join(map(str, value))
    else:
        text = str(value)
    index = sheet.str_table._get_shared_string_index(_fit_text(text))
    return f'<c r="{ref}" s="{style}" t="s"><v>{index}</v></c>'


def _serial(sheet: TableSheet, value: dt.date) -> float:
    """A date's Excel serial, as ``write_datetime`` computes it; remembered per date."""
    serial = sheet.serials.get(value)
    if serial is None:
        day = (
            value
            if isinstance(value, dt.datetime)
            else dt.datetime.combine(value, dt.time())
        )
        serial = sheet.serials[value] = sheet._convert_date_time(day)
    return serial


def _number_cell(ref: str, style: int, number: float) -> str:
    if math.isnan(number) or math.isinf(number):
        # XlsxWriter's own refusal, so a broken figure fails as loudly as before.
        raise TypeError(
            "NAN/INF not supported in write_number() "
            "without 'nan_inf_to_errors' Workbook() option"
        )
    return f'<c r="{ref}" s="{style}"><v>{number:.16G}</v></c>'


def _fit_text(text: str) -> str:
    """``text`` cut to Excel's 32,767 UTF-16 units per cell, as XlsxWriter cuts it."""
    if len(text) > SAFE_TEXT and _utf16_len(text) > 32767:
        return str(_utf16_truncate(text, 32767))
    return text


class _QuickZip(zipfile.ZipFile):
    """A zip file whose parts are deflated at ``QUICK_LEVEL`` unless told otherwise."""

    def writestr(
        self,
        zinfo_or_arcname: str | zipfile.ZipInfo,
        data: SizedBuffer | str,
        compress_type: int | None = None,
        compresslevel: int | None = None,
    ) -> None:
        level = QUICK_LEVEL if compresslevel is None else compresslevel
        super().writestr(zinfo_or_arcname, data, compress_type, level)


@contextmanager
def quick_deflate() -> Iterator[None]:
    """XlsxWriter's ``close`` in the block deflates the package at zlib's fastest level.

    Deflating is most of the time ``close`` takes for a portfolio of
    thousands of plans. XlsxWriter offers no setting for it, so its module's
    ``ZipFile`` is swapped for one that deflates faster, for the block only
    (XlsxWriter in memory writes every part with ``writestr``).
    """
    module = xlsxwriter.workbook
    if module.ZipFile is not zipfile.ZipFile:
        raise RuntimeError("XlsxWriter's zip file was already swapped.")
    module.ZipFile = _QuickZip
    try:
        yield
    finally:
        module.ZipFile = zipfile.ZipFile
