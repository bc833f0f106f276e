"""Content blocks drawn as native PowerPoint shapes, tables and charts.

Every function here draws one block into a rectangle of a slide, measures
text with ``fit`` before placing it, and reports what it could not show: the
rows left for a continuation slide, or text shortened to fit (which the
renderer puts in the speaker notes).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lxml.etree import SubElement
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Emu, Pt

from xlplan.deck.blocks import (
    Chart,
    OrgMap,
    Paragraphs,
    Quadrants,
    Table,
    Tiles,
    Timeline,
)
from xlplan.deck.fit import Measure, fit_text

EMU_PER_PT = 12700
CELL_MARGIN = 5.0  # points, left and right of table text
CELL_PAD = 3.0  # points, above and below


@dataclass(frozen=True)
class Box:
    """A rectangle on a slide, in points."""

    x: float
    y: float
    w: float
    h: float

    def emu(self) -> tuple[Emu, Emu, Emu, Emu]:
        """The rectangle as python-pptx lengths."""
        return (
            Emu(int(self.x * EMU_PER_PT)),
            Emu(int(self.y * EMU_PER_PT)),
            Emu(int(self.w * EMU_PER_PT)),
            Emu(int(self.h * EMU_PER_PT)),
        )

    def rows(self, count: int, gap: float, shares: tuple[float, ...]) -> list[Box]:
        """The box split into stacked rows."""
        usable = self.h - gap * (count - 1)
        boxes, y = [], self.y
        for share in shares:
            height = usable * share / sum(shares)
            boxes.append(Box(self.x, y, self.w, height))
            y += height + gap
        return boxes

    def columns(
        self, count: int, gap: float, shares: tuple[float, ...] = ()
    ) -> list[Box]:
        """The box split into side-by-side columns."""
        shares = shares or tuple(1.0 for _ in range(count))
        usable = self.w - gap * (count - 1)
        boxes, x = [], self.x
        for share in shares:
            width = usable * share / sum(shares)
            boxes.append(Box(x, self.y, width, self.h))
            x += width + gap
        return boxes


@dataclass(frozen=True)
class Style:
    """Brand colours and fonts the drawn shapes use."""

    colors: dict[str, str]
    heading_font: str
    body_font: str
    body_size: float = 14
    table_size: float = 11

    def rgb(self, name: str, fallback: str = "222222") -> RGBColor:
        """A brand colour by role (primary, accent, light, text, muted, good ...)."""
        return RGBColor.from_string(
            str(self.colors.get(name, fallback)).lstrip("#")[:6]
        )


@dataclass
class Drawn:
    """What a block could not show on its slide."""

    rest: Any = None  # a block holding what continues on the next slide
    shortened: list[str] = field(default_factory=list)


def _style_run(
    run: Any,
    style: Style,
    size: float,
    *,
    bold: bool = False,
    color: str = "text",
    font: str | None = None,
) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font or style.body_font
    run.font.color.rgb = style.rgb(color)


def _text_box(
    slide: Any, box: Box, text: str, style: Style, size: float, **kw: Any
) -> Any:
    shape = slide.shapes.add_textbox(*box.emu())
    frame = shape.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Pt(0)
    frame.margin_top = frame.margin_bottom = Pt(0)
    frame.vertical_anchor = kw.pop("anchor", MSO_ANCHOR.TOP)
    align = kw.pop("align", None)
    for index, line in enumerate(text.split("\n")):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        _style_run(paragraph.add_run(), style, size, **kw)
        paragraph.runs[0].text = line
    return shape


def draw_paragraphs(slide: Any, box: Box, block: Paragraphs, style: Style) -> Drawn:
    """Running text or a bullet list, fitted to the box."""
    marker = "•  " if block.bullets else ""
    text = "\n".join(marker + item for item in block.items)
    fitted = fit_text(
        text,
        style.body_font,
        box.w,
        box.h * 0.95,
        largest=style.body_size + 4,
        smallest=11,
        paragraph_gap=0.5,
    )
    shape = _text_box(slide, box, fitted.text, style, fitted.size)
    for paragraph in shape.text_frame.paragraphs:
        paragraph.space_after = Pt(fitted.size * 0.5)
    return Drawn(shortened=[text] if fitted.shortened else [])


def draw_tiles(slide: Any, box: Box, block: Tiles, style: Style) -> Drawn:
    """Headline figures as cards: small label above a large value."""
    count = len(block.items)
    per_row = count if count <= 4 else (count + 1) // 2
    rows = (count + per_row - 1) // per_row
    gap = 10.0
    height = min(86.0, (box.h - gap * (rows - 1)) / rows)
    width = (box.w - gap * (per_row - 1)) / per_row
    shortened = []
    for index, (label, value) in enumerate(block.items):
        x = box.x + (index % per_row) * (width + gap)
        y = box.y + (index // per_row) * (height + gap)
        card = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, *Box(x, y, width, height).emu()
        )
        card.fill.solid()
        card.fill.fore_color.rgb = style.rgb("light", "EAF1F8")
        card.line.fill.background()
        card.shadow.inherit = False
        _text_box(
            slide,
            Box(x + 10, y + 8, width - 20, 16),
            label.upper(),
            style,
            9,
            color="muted",
            bold=True,
        )
        fitted = fit_text(
            value,
            style.heading_font,
            width - 20,
            height - 32,
            largest=22,
            smallest=11,
            bold=True,
        )
        _text_box(
            slide,
            Box(x + 10, y + 26, width - 20, height - 30),
            fitted.text,
            style,
            fitted.size,
            bold=True,
            color="primary",
            font=style.heading_font,
        )
        if fitted.shortened:
            shortened.append(f"{label}: {value}")
    return Drawn(shortened=shortened)


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


_TONE_FILLS = {"good": "good", "warn": "warn", "bad": "bad", "muted": "computed"}


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
                _TONE_FILLS.get(tone, band)
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
        run = SubElement(SubElement(body, _a("p")), _a("r"))
        props = SubElement(
            run, _a("rPr"), lang="en-GB", sz=hundredths, b="1" if bold else "0"
        )
        SubElement(SubElement(props, _a("solidFill")), _a("srgbClr"), val=ink)
        SubElement(props, _a("latin"), typeface=style.body_font)
        SubElement(run, _a("t")).text = line
    margin, pad = str(int(CELL_MARGIN * EMU_PER_PT)), str(int(CELL_PAD * EMU_PER_PT))
    cell_props = SubElement(
        cell_xml, _a("tcPr"), marL=margin, marR=margin, marT=pad, marB=pad, anchor="t"
    )
    shade = str(style.rgb(fill, _hex(fill, "FFFFFF")))
    SubElement(SubElement(cell_props, _a("solidFill")), _a("srgbClr"), val=shade)


_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"


def _a(tag: str) -> str:
    return f"{{{_DRAWING}}}{tag}"


def _hex(value: str, fallback: str) -> str:
    """A literal colour passed where a brand role is expected, else the fallback."""
    return value if len(value) == 6 else fallback


def draw_quadrants(slide: Any, box: Box, block: Quadrants, style: Style) -> Drawn:
    """Four labelled lists in a 2x2 grid."""
    gap = 12.0
    width, height = (box.w - gap) / 2, (box.h - gap) / 2
    shortened = []
    for index, (heading, items) in enumerate(block.cells):
        x = box.x + (index % 2) * (width + gap)
        y = box.y + (index // 2) * (height + gap)
        panel = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, *Box(x, y, width, height).emu()
        )
        panel.fill.solid()
        panel.fill.fore_color.rgb = style.rgb("light", "EAF1F8")
        panel.line.fill.background()
        panel.shadow.inherit = False
        band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, *Box(x, y, 5, height).emu())
        band.fill.solid()
        band.fill.fore_color.rgb = style.rgb("accent" if index % 3 == 0 else "primary")
        band.line.fill.background()
        band.shadow.inherit = False
        _text_box(
            slide,
            Box(x + 16, y + 10, width - 28, 20),
            heading,
            style,
            15,
            bold=True,
            color="primary",
            font=style.heading_font,
        )
        text = "\n".join(f"•  {item}" for item in items) or "–"
        fitted = fit_text(
            text, style.body_font, width - 32, height - 44, largest=13, smallest=10
        )
        _text_box(
            slide,
            Box(x + 16, y + 36, width - 32, height - 44),
            fitted.text,
            style,
            fitted.size,
        )
        if fitted.shortened:
            shortened.append(f"{heading}: {text}")
    return Drawn(shortened=shortened)


def draw_chart(slide: Any, box: Box, block: Chart, style: Style) -> Drawn:
    """A clustered bar chart, its data embedded and editable in PowerPoint."""
    data = CategoryChartData(number_format=block.number_format)
    data.categories = block.categories
    for name, values in block.series:
        data.add_series(name, values)
    frame = slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, *box.emu(), data)
    chart = frame.chart
    chart.has_title = True
    chart.chart_title.text_frame.text = block.title
    _style_run(
        chart.chart_title.text_frame.paragraphs[0].runs[0],
        style,
        12,
        bold=True,
        color="primary",
    )
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    chart.legend.font.size = Pt(10)
    chart.category_axis.tick_labels.font.size = Pt(10)
    chart.value_axis.tick_labels.font.size = Pt(9)
    chart.value_axis.has_major_gridlines = False
    colours = ("computed", "accent")
    for index, series in enumerate(chart.series):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = style.rgb(colours[index % 2], "BBBBBB")
    plot = chart.plots[0]
    plot.gap_width = 60
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format = block.number_format
    labels.number_format_is_linked = False
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(9)
    return Drawn()


def draw_org_map(slide: Any, box: Box, block: OrgMap, style: Style) -> Drawn:
    """People as boxes by reporting line, joined by connectors, legend below."""
    levels = _levels(block)
    legend_h = 18.0
    rows = len(levels)
    widest = max(len(level) for level in levels)
    gap_x, gap_y = 10.0, 26.0
    width = min(170.0, (box.w - gap_x * (widest - 1)) / widest)
    height = min(62.0, (box.h - legend_h - gap_y * rows) / rows)
    places: dict[str, Any] = {}
    shortened: list[str] = []
    for depth, level in enumerate(levels):
        total = len(level) * width + (len(level) - 1) * gap_x
        x = box.x + (box.w - total) / 2
        y = box.y + depth * (height + gap_y)
        for person in level:
            places[person.name] = _person_box(
                slide, Box(x, y, width, height), person, style, shortened
            )
            x += width + gap_x
    for person in block.people:
        if person.reports_to in places and person.name in places:
            _connect(slide, places[person.reports_to], places[person.name], style)
    _legend(
        slide,
        Box(box.x, box.y + box.h - legend_h + 4, box.w, legend_h - 4),
        block.legend,
        style,
    )
    return Drawn(shortened=shortened)


def _levels(block: OrgMap) -> list[list[Any]]:
    """People grouped by depth in the reporting tree, children next to their boss."""
    children: dict[str | None, list[Any]] = {}
    for person in block.people:
        children.setdefault(person.reports_to, []).append(person)
    levels: list[list[Any]] = []
    current = children.get(None, [])
    seen: set[str] = set()
    while current:
        levels.append(current)
        seen.update(p.name for p in current)
        current = [
            c for p in current for c in children.get(p.name, []) if c.name not in seen
        ]
    rest = [p for p in block.people if p.name not in seen]
    if rest:  # a reporting cycle: show the people rather than lose them
        levels.append(rest)
    return levels


_TONE_COLOURS = {
    "good": "good",
    "warn": "warn",
    "bad": "bad",
    "muted": "computed",
    "": "computed",
}


def _person_box(
    slide: Any, box: Box, person: Any, style: Style, shortened: list[str]
) -> Any:
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, *box.emu())
    shape.adjustments[0] = 0.12
    shape.fill.solid()
    shape.fill.fore_color.rgb = style.rgb(
        _TONE_COLOURS.get(person.tone, "computed"), "F2F2F2"
    )
    shape.line.color.rgb = style.rgb("primary")
    shape.line.width = Pt(0.75)
    shape.shadow.inherit = False
    frame = shape.text_frame
    frame.word_wrap = True
    frame.margin_left = frame.margin_right = Pt(4)
    frame.margin_top = frame.margin_bottom = Pt(2)
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    lines = [(person.name, True), (person.title, False)]
    if person.role:
        lines.append((person.role, False))
    size = 10.0 if box.h >= 56 else 9.0 if box.h >= 40 else 7.0
    for index, (text, bold) in enumerate(line for line in lines if line[0]):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        paragraph.alignment = PP_ALIGN.CENTER
        fitted = fit_text(
            text,
            style.body_font,
            box.w - 8,
            size * 1.25,
            largest=size,
            smallest=size,
            bold=bold,
        )
        if fitted.shortened:
            shortened.append(text)
        run = paragraph.add_run()
        run.text = fitted.text
        _style_run(run, style, size, bold=bold)
    shape.name = f"Stakeholder: {person.name}"
    return shape


def _connect(slide: Any, boss: Any, report: Any, style: Style) -> None:
    line = slide.shapes.add_connector(MSO_CONNECTOR.ELBOW, 0, 0, 0, 0)
    line.begin_connect(boss, 2)  # bottom middle
    line.end_connect(report, 0)  # top middle
    line.line.color.rgb = style.rgb("muted", "6B7280")
    line.line.width = Pt(1)


def _legend(
    slide: Any, box: Box, legend: tuple[tuple[str, str], ...], style: Style
) -> None:
    x = box.x
    for tone, label in legend:
        swatch = slide.shapes.add_shape(
            MSO_SHAPE.RECTANGLE, *Box(x, box.y + 2, 10, 10).emu()
        )
        swatch.fill.solid()
        swatch.fill.fore_color.rgb = style.rgb(_TONE_COLOURS.get(tone, "computed"))
        swatch.line.color.rgb = style.rgb("muted")
        swatch.shadow.inherit = False
        width = Measure(style.body_font, 9).width(label) + 4
        _text_box(
            slide, Box(x + 14, box.y, width + 4, 14), label, style, 9, color="muted"
        )
        x += width + 34


def draw_timeline(slide: Any, box: Box, block: Timeline, style: Style) -> Drawn:
    """Actions on a time axis: each label in its own slot, a leader to its date.

    Labels alternate above and below the axis in evenly spaced slots, in date
    order, so actions due on the same days never print over each other.
    """
    axis_y = box.y + box.h / 2
    line = slide.shapes.add_connector(
        MSO_CONNECTOR.STRAIGHT, *_points(box.x, axis_y, box.x + box.w, axis_y)
    )
    line.line.color.rgb = style.rgb("primary")
    line.line.width = Pt(2.5)
    _axis_labels(slide, box, block, style)
    per_row = max((len(block.items) + 1) // 2, 1)
    slot_w = box.w / per_row
    label_h = box.h / 2 - 46
    shortened: list[str] = []
    for index, item in enumerate(block.items):
        above = index % 2 == 0
        centre = box.x + slot_w * (index // 2 + 0.5)
        label = Box(
            centre - slot_w / 2 + 4,
            axis_y - 30 - label_h if above else axis_y + 30,
            slot_w - 8,
            label_h,
        )
        x = box.x + box.w * _position(item.day, block)
        _leader(
            slide, x, axis_y, centre, label.y + label.h if above else label.y, style
        )
        _marker(slide, x, axis_y, item.milestone, style)
        text = f"{item.label}\n{item.owner}" if item.owner else item.label
        fitted = fit_text(
            f"{_short_date(item.day)}\n{text}",
            style.body_font,
            label.w,
            label.h,
            largest=11,
            smallest=8,
        )
        if fitted.shortened:
            shortened.append(f"{_short_date(item.day)}: {text}")
        anchor = MSO_ANCHOR.BOTTOM if above else MSO_ANCHOR.TOP
        _text_box(
            slide,
            label,
            fitted.text,
            style,
            fitted.size,
            anchor=anchor,
            align=PP_ALIGN.CENTER,
        )
    return Drawn(shortened=shortened)


def _position(day: Any, block: Timeline) -> float:
    span = max((block.end - block.start).days, 1)
    return min(max((day - block.start).days / span, 0.0), 1.0)


def _leader(
    slide: Any, x: float, axis_y: float, centre: float, label_edge: float, style: Style
) -> None:
    gap = -4 if label_edge < axis_y else 4
    leader = slide.shapes.add_connector(
        MSO_CONNECTOR.STRAIGHT, *_points(x, axis_y, centre, label_edge + gap)
    )
    leader.line.color.rgb = style.rgb("muted")
    leader.line.width = Pt(0.75)


def _marker(slide: Any, x: float, axis_y: float, milestone: bool, style: Style) -> None:
    shape = MSO_SHAPE.DIAMOND if milestone else MSO_SHAPE.OVAL
    dot = slide.shapes.add_shape(shape, *Box(x - 6, axis_y - 6, 12, 12).emu())
    dot.fill.solid()
    dot.fill.fore_color.rgb = style.rgb("accent")
    dot.line.fill.background()
    dot.shadow.inherit = False


def _points(x1: float, y1: float, x2: float, y2: float) -> tuple[Emu, Emu, Emu, Emu]:
    """Two points in points, as the lengths a connector takes."""
    return tuple(Emu(int(v * EMU_PER_PT)) for v in (x1, y1, x2, y2))  # type: ignore[return-value]


def _short_date(day: Any) -> str:
    return f"{day.day} {day:%b}"


def _axis_labels(slide: Any, box: Box, block: Timeline, style: Style) -> None:
    ends = (
        (f"Today, {_short_date(block.start)}", PP_ALIGN.LEFT, box.x),
        (_short_date(block.end), PP_ALIGN.RIGHT, box.x + box.w - 100),
    )
    for text, align, x in ends:
        _text_box(
            slide,
            Box(x, box.y + box.h - 14, 100, 14),
            text,
            style,
            9,
            color="muted",
            align=align,
        )


DRAWERS = {
    Paragraphs: draw_paragraphs,
    Tiles: draw_tiles,
    Table: draw_table,
    Quadrants: draw_quadrants,
    Chart: draw_chart,
    OrgMap: draw_org_map,
    Timeline: draw_timeline,
}
