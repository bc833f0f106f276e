"""Diagrams: the relationship map as shapes and connectors, the 90-day timeline."""

from __future__ import annotations

from typing import Any

from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.util import Pt

from xlplan.deck.blocks import (
    OrgMap,
    Timeline,
)
from xlplan.deck.fit import Measure, fit_text
from xlplan.deck.shapes import (
    TONE_COLOURS,
    Box,
    Drawn,
    Style,
    points,
    style_run,
    text_box,
)

MAP_ACROSS = 8  # people side by side on one level of the map
MAP_LEVELS = 4  # reporting levels drawn


def draw_org_map(slide: Any, box: Box, block: OrgMap, style: Style) -> Drawn:
    """People as boxes by reporting line, joined by connectors, legend below.

    A map holds the top ``MAP_LEVELS`` levels of at most ``MAP_ACROSS``
    people each; anyone left out is named in the notes and counted on the
    slide (the "Who is involved" table lists everyone).
    """
    levels = [level[:MAP_ACROSS] for level in _levels(block)[:MAP_LEVELS]]
    drawn = sum(len(level) for level in levels)
    note_h = 14.0 if drawn < len(block.people) else 0.0
    legend_h = 18.0 + note_h
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
        Box(box.x, box.y + box.h - 14, box.w, 14),
        block.legend,
        style,
    )
    if drawn < len(block.people):
        shown = {p.name for level in levels for p in level}
        left_out = [p.name for p in block.people if p.name not in shown]
        note = f"{drawn} of {len(block.people)} people shown; all are listed under Who is involved"
        text_box(
            slide,
            Box(box.x, box.y + box.h - legend_h, box.w, 12),
            note,
            style,
            9,
            color="muted",
            align=PP_ALIGN.LEFT,
        )
        shortened.append("Not drawn on the map: " + ", ".join(left_out))
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


def _person_box(
    slide: Any, box: Box, person: Any, style: Style, shortened: list[str]
) -> Any:
    shape = slide.shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, *box.emu())
    shape.adjustments[0] = 0.12
    shape.fill.solid()
    shape.fill.fore_color.rgb = style.rgb(
        TONE_COLOURS.get(person.tone, "computed"), "F2F2F2"
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
        style_run(run, style, size, bold=bold)
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
        swatch.fill.fore_color.rgb = style.rgb(TONE_COLOURS.get(tone, "computed"))
        swatch.line.color.rgb = style.rgb("muted")
        swatch.shadow.inherit = False
        width = Measure(style.body_font, 9).width(label) + 4
        text_box(
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
        MSO_CONNECTOR.STRAIGHT, *points(box.x, axis_y, box.x + box.w, axis_y)
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
        text_box(
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
        MSO_CONNECTOR.STRAIGHT, *points(x, axis_y, centre, label_edge + gap)
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


def _short_date(day: Any) -> str:
    return f"{day.day} {day:%b}"


def _axis_labels(slide: Any, box: Box, block: Timeline, style: Style) -> None:
    ends = (
        (f"Today, {_short_date(block.start)}", PP_ALIGN.LEFT, box.x),
        (_short_date(block.end), PP_ALIGN.RIGHT, box.x + box.w - 100),
    )
    for text, align, x in ends:
        text_box(
            slide,
            Box(x, box.y + box.h - 14, 100, 14),
            text,
            style,
            9,
            color="muted",
            align=align,
        )
