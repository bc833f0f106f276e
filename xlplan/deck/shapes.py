"""The pieces every drawn block uses: boxes in points, the brand style, text boxes.

Positions are kept in points while laying out and turned into python-pptx
lengths only when a shape is added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR
from pptx.util import Emu, Pt

EMU_PER_PT = 12700


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


# Traffic-light tones and the brand colour each is drawn in.
TONE_COLOURS = {"good": "good", "warn": "warn", "bad": "bad", "muted": "computed"}


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


def style_run(
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


def text_box(
    slide: Any, box: Box, text: str, style: Style, size: float, **kw: Any
) -> Any:
    """A text box with no inner margins, one paragraph per line of ``text``.

    ``kw`` takes ``anchor`` and ``align`` for the frame, and the run
    settings of ``style_run`` (bold, color, font).
    """
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
        style_run(paragraph.add_run(), style, size, **kw)
        paragraph.runs[0].text = line
        # An empty line takes the paragraph mark's size, not the run's.
        paragraph._p.get_or_add_endParaRPr().set("sz", str(int(size * 100)))
    return shape


def points(x1: float, y1: float, x2: float, y2: float) -> tuple[Emu, Emu, Emu, Emu]:
    """Two points in points, as the lengths a connector takes."""
    return tuple(Emu(int(v * EMU_PER_PT)) for v in (x1, y1, x2, y2))  # type: ignore[return-value]
