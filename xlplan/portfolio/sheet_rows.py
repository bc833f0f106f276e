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
from collections import Counter
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
    heights: Sequence[float | None] = (),
) -> None:
    """Write ``rows`` from row ``top`` (zero-based) down as one block of ``sheet``.

    ``heights`` gives rows a height in points (``None``: the default), as
    ``set_row`` does: rows of wrapped text that spreadsheets do not grow.

    Each cell takes its column's format; text goes to the workbook's shared
    strings, numbers, dates (as serials) and blanks are typed as XlsxWriter
    types them, and booleans read "yes" or "no". Text is never a formula.
    Every row has one value per format (``ValueError`` otherwise).

    A column is rendered a distinct value at a time: each value's cell XML
    is made once, from the character after its row number to the next
    cell's row number, so that a row is its row number joined between its
    cells' pieces (``_ColumnPieces``), all in C.
    """
    if not rows:
        return
    if set(map(len, rows)) != {len(formats)}:
        raise ValueError(f"Each row needs {len(formats)} values, one per format.")
    letters = [xl_col_to_name(c) for c in range(len(formats))]
    pieces = [
        _ColumnPieces(sheet, f._get_xf_index(), following)
        for f, following in zip(formats, [*letters[1:], None], strict=True)
    ]
    columns = [
        piece.of(values)
        for piece, values in zip(pieces, zip(*rows, strict=True), strict=True)
    ]
    first = letters[0]
    sheet.str_table.count += sum(piece.repeats for piece in pieces)
    tall = [
        f' ht="{height:g}" customHeight="1"' if height else ""
        for height in heights or [None] * len(rows)
    ]
    parts = [
        f'<row r="{number}"{size}><c r="{first}{number}{str(number).join(cells)}</row>'
        for number, cells, size in zip(
            range(top + 1, top + 1 + len(rows)),
            zip(*columns, strict=True),
            tall,
            strict=True,
        )
    ]
    sheet.set_block(top, top + len(rows) - 1, len(formats) - 1, "".join(parts))


class _ColumnPieces:
    """One column's cell XML for each distinct value, around the row numbers.

    A cell's piece runs from just after its row number (``" s="3" t="s">...``)
    to the next cell's row number (``...</c><c r="D``), the last column's to
    the end of its cell. Counts the text cells that found their text shared
    already (``repeats``), as ``render_rows`` adds them to the table's count.
    """

    def __init__(self, sheet: TableSheet, style: int, following: str | None) -> None:
        self.sheet = sheet
        self.style = style
        self.next = "" if following is None else f'<c r="{following}'
        self.repeats = 0

    def of(self, values: Sequence[Any]) -> list[str]:
        """The piece of each of ``values``, in order."""
        kinds = set(map(type, values))
        # True equals 1 and would share its piece, and a dict cannot hold a
        # value Python cannot hash: such cells are made plain first.
        shown = values if kinds <= _PLAIN else list(map(_plain, values))
        made = {
            value: self._piece(value, count) for value, count in Counter(shown).items()
        }
        return list(map(made.__getitem__, shown))

    def _piece(self, value: Any, count: int) -> str:
        """The piece of a value that ``count`` cells of the column hold."""
        if type(value) is str and value:
            return self._text(value, count)
        if value is None or type(value) is str:
            return f'" s="{self.style}"/>{self.next}'
        if type(value) is tuple:  # a list of names, say; "" if empty, as XlsxWriter
            return self._text("; ".join(map(str, value)), count)
        if isinstance(value, dt.date):  # a date-time too
            value = _serial(self.sheet, value)
        elif value == 0:
            value = 0  # -0.0 equals 0 and shares its piece: both read 0
        if not math.isfinite(value):
            # XlsxWriter's own refusal, so a broken figure fails as loudly as before.
            raise TypeError(
                "NAN/INF not supported in write_number() "
                "without 'nan_inf_to_errors' Workbook() option"
            )
        return f'" s="{self.style}"><v>{value:.16G}</v></c>{self.next}'

    def _text(self, text: str, count: int) -> str:
        """The piece of a text ``count`` cells hold, shared once and counted for each."""
        shared = self.sheet.str_table
        index = shared.string_table.get(text)
        if index is None:
            index = shared._get_shared_string_index(_fit_text(text))
            count -= 1  # counted by the shared-string table
        self.repeats += count
        return f'" s="{self.style}" t="s"><v>{index}</v></c>{self.next}'


# Cell values a column's pieces are made of as they are: each equals only
# values of its own kind (numbers aside, which read alike), and all can be hashed.
_PLAIN = frozenset({str, int, float, type(None), dt.date, dt.datetime, tuple})


def _plain(value: Any) -> Any:
    """A cell value made plain: a boolean as "yes" or "no", a number or date as
    it is, anything else as a one-text tuple (its text, shared as it is)."""
    if type(value) is bool:
        return "yes" if value else "no"
    if type(value) in _PLAIN or isinstance(value, (int, float, dt.date)):
        return value
    return (str(value),)


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
