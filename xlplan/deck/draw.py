"""Content blocks drawn as native PowerPoint shapes, tables and charts.

Every function here draws one block into a rectangle of a slide, measures
text with ``fit`` before placing it, and reports what it could not show: the
rows left for a continuation slide, or text shortened to fit (which the
renderer puts in the speaker notes).
"""

from __future__ import annotations

from typing import Any

from pptx.chart.data import CategoryChartData
from pptx.enum.chart import (
    XL_CHART_TYPE,
    XL_LABEL_POSITION,
    XL_LEGEND_POSITION,
    XL_TICK_LABEL_POSITION,
)
from pptx.enum.shapes import MSO_SHAPE
from pptx.util import Pt

from xlplan.deck.blocks import (
    Chart,
    OrgMap,
    Paragraphs,
    Quadrants,
    Table,
    Tiles,
    Timeline,
)
from xlplan.deck.draw_diagrams import draw_org_map, draw_timeline
from xlplan.deck.draw_table import draw_table
from xlplan.deck.fit import fit_text
from xlplan.deck.shapes import Box, Drawn, Style, style_run, text_box


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
    shape = text_box(slide, box, fitted.text, style, fitted.size)
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
        text_box(
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
        text_box(
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
        text_box(
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
        text_box(
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
    style_run(
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
    # Names at the chart's edge, clear of bars that run below zero.
    chart.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW
    chart.value_axis.tick_labels.font.size = Pt(9)
    chart.value_axis.has_major_gridlines = False
    chart.value_axis.tick_labels.number_format = block.number_format
    chart.value_axis.tick_labels.number_format_is_linked = False
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


DRAWERS = {
    Paragraphs: draw_paragraphs,
    Tiles: draw_tiles,
    Table: draw_table,
    Quadrants: draw_quadrants,
    Chart: draw_chart,
    OrgMap: draw_org_map,
    Timeline: draw_timeline,
}
