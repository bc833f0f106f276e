"""Native tables sized by font metrics, continued on the next slide when long."""

from __future__ import annotations

from typing import Any

from lxml.etree import SubElement
from pptx.oxml.ns import qn
from pptx.util import Emu

from xlplan.deck.blocks import (
    Table,
)
from xlplan.deck.fit import Measure, fit_text
from xlplan.deck.shapes import EMU_PER_PT, TONE_COLOURS, Box, Drawn, Style

CELL_MARGIN = 5.0  # points, left and right of table text
CELL_PAD = 3.0  # points, above and below


def _column_widths(block: Table, width: float) -> list[float]:
    shares = block.widths or tuple(1.0 for _ in block.columns)
    return [width * share / sum(shares) for share in shares]


def _row_height(cells: tuple[str, ...], widths: list[float], measure: Measure) -> float:
    lines = max(
        len(measure.wrap(text, w - 2 * CELL_MARGIN))
        for text, w in zip(cells, widths, strict=True)
    )
    return lines * measure.line_height() + 2 * CELL_PAD + 2


TABLE_SIZES = (14.0, 12.0, 11.0, 10.0, 9.0, 8.0)  # points, largest first


def draw_table(slide: Any, box: Box, block: Table, style: Style) -> Drawn:
    """A native table; rows that do not fit continue in ``Drawn.rest``.

    The font is the largest size at which every word fits its column (a
    slide viewer clips a word wider than its cell rather than break it) and,
    where possible, every row fits the slide; short tables read larger.
    """
    widths = _column_widths(block, box.w)
    sizes = [s for s in TABLE_SIZES if s <= max(style.table_size, TABLE_SIZES[0])]
    fitting = [s for s in sizes if _words_fit(block, widths, s, style)] or [sizes[-1]]
    laid = _lay_out_rows(block, widths, box.h, Measure(style.body_font, fitting[0]))
    size = fitting[0]
    for candidate in fitting:
        trial = _lay_out_rows(block, widths, box.h, Measure(style.body_font, candidate))
        if trial[0] == len(block.rows) or candidate <= style.table_size:
            laid, size = trial, candidate
            break
    shown, rows, heights, shortened = laid
    _write_table(slide, box, block, rows[:shown], widths, heights, style, size)
    rest = None
    if shown < len(block.rows):
        rest = block.page(tuple(block.rows[shown:]), tuple(block.tones[shown:]))
    return Drawn(rest=rest, shortened=shortened)


def _words_fit(block: Table, widths: list[float], size: float, style: Style) -> bool:
    """True when no word of the table is wider than its column at ``size``."""
    measure = Measure(style.body_font, size)
    bold = Measure(style.body_font, size, bold=True)
    for row, face in ((block.columns, bold), *((r, measure) for r in block.rows)):
        for text, width in zip(row, widths, strict=True):
            room = width - 2 * CELL_MARGIN
            if any(face.width(word) > room for word in text.split()):
                return False
    return True


def _lay_out_rows(
    block: Table, widths: list[float], room: float, measure: Measure
) -> tuple[int, list[tuple[str, ...]], list[float], list[str]]:
    """How many rows fit in ``room`` points, their text (cut if one row is too
    tall for a slide) and heights, with the header first."""
    bold = Measure(measure.family, measure.size, bold=True)
    heights = [_row_height(block.columns, widths, bold)]
    shortened: list[str] = []
    rows = list(block.rows)
    for index, row in enumerate(rows):
        height = _row_height(row, widths, measure)
        if height > room - heights[0]:
            rows[index] = _cut_row(row, widths, measure, room - heights[0])
            shortened.append(" | ".join(row))
            height = _row_height(rows[index], widths, measure)
        if sum(heights) + height > room and len(heights) > 1:
            break
        heights.append(height)
    return len(heights) - 1, rows, heights, shortened


def _cut_row(
    row: tuple[str, ...], widths: list[float], measure: Measure, height: float
) -> tuple[str, ...]:
    inner = height - 2 * CELL_PAD - 2
    out = []
    for text, width in zip(row, widths, strict=True):
        fitted = fit_text(
            text,
            measure.family,
            width - 2 * CELL_MARGIN,
            inner,
            largest=measure.size,
            smallest=measure.size,
        )
        out.append(fitted.text)
    return tuple(out)


def _write_table(
    slide: Any,
    box: Box,
    block: Table,
    rows: list[tuple[str, ...]],
    widths: list[float],
    heights: list[float],
    style: Style,
    size: float,
) -> None:
    frame = slide.shapes.add_table(
        len(rows) + 1, len(block.columns), *Box(box.x, box.y, box.w, sum(heights)).emu()
    )
    table = frame.table
    table.first_row = True
    for index, width in enumerate(widths):
        table.columns[index].width = Emu(int(width * EMU_PER_PT))
    for index, height in enumerate(heights):
        table.rows[index].height = Emu(int(height * EMU_PER_PT))
    for col, heading in enumerate(block.columns):
        _fill_cell(
            table.cell(0, col),
            heading,
            style,
            "primary",
            size,
            bold=True,
            color="FFFFFF",
        )
    for r, row in enumerate(rows, start=1):
        band = "light" if r % 2 == 0 else "FFFFFF"
        tone = block.tones[r - 1] if r - 1 < len(block.tones) else ""
        for col, text in enumerate(row):
            fill = (
                TONE_COLOURS.get(tone, band)
                if col == block.tone_column and tone
                else band
            )
            _fill_cell(table.cell(r, col), text, style, fill, size)


def _fill_cell(
    cell: Any,
    text: str,
    style: Style,
    fill: str,
    size: float,
    *,
    bold: bool = False,
    color: str = "text",
) -> None:
    """Write one table cell's text, font, margins and fill as its XML.

    Tables are most of a deck's shapes; writing the cell's few elements
    directly is several times faster than python-pptx's property setters,
    and lxml still escapes the text.
    """
    cell_xml = cell._tc
    for child in list(cell_xml):
        cell_xml.remove(child)
    body = SubElement(cell_xml, _a("txBody"))
    SubElement(body, _a("bodyPr"), wrap="square")
    SubElement(body, _a("lstStyle"))
    hundredths, ink = (
        str(int(size * 100)),
        str(style.rgb(color, _hex(color, "222222"))),
    )
    for line in text.split("\n"):
        paragraph = SubElement(body, _a("p"))
        if line:
            run = SubElement(paragraph, _a("r"))
            _run_props(run, "rPr", hundredths, bold, ink, style.body_font)
            SubElement(run, _a("t")).text = line
        # The paragraph mark carries the size too: an empty cell at the
        # viewer's default 18 pt would make its row taller than measured.
        _run_props(paragraph, "endParaRPr", hundredths, bold, ink, style.body_font)
    margin, pad = str(int(CELL_MARGIN * EMU_PER_PT)), str(int(CELL_PAD * EMU_PER_PT))
    cell_props = SubElement(
        cell_xml, _a("tcPr"), marL=margin, marR=margin, marT=pad, marB=pad, anchor="t"
    )
    shade = str(style.rgb(fill, _hex(fill, "FFFFFF")))
    SubElement(SubElement(cell_props, _a("solidFill")), _a("srgbClr"), val=shade)


def _run_props(
    parent: Any, tag: str, size: str, bold: bool, ink: str, font: str
) -> None:
    props = SubElement(parent, _a(tag), lang="en-GB", sz=size, b="1" if bold else "0")
    SubElement(SubElement(props, _a("solidFill")), _a("srgbClr"), val=ink)
    SubElement(props, _a("latin"), typeface=font)


def _a(tag: str) -> str:
    return qn(f"a:{tag}")


def _hex(value: str, fallback: str) -> str:
    """A literal colour passed where a brand role is expected, else the fallback."""
    return value if len(value) == 6 else fallback
