"""Render one plan into a deck: slides from content blocks on a template's layouts.

The pipeline: filter the plan for the audience (``audience``), write the
slides as content blocks (``content``), open the template and fill its own
placeholders (``template``), then draw each slide on its layout (``draw``),
moving what does not fit onto continuation slides and what must be cut into
the speaker notes.
"""

from __future__ import annotations

import io
from collections import deque
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType

from xlplan.deck.audience import Audience, build_deck_data
from xlplan.deck.backdrop import backdrop_colour, readable_role
from xlplan.deck.blocks import Chart, Slide, Table, clean_text
from xlplan.deck.content import build_slides
from xlplan.deck.draw import DRAWERS
from xlplan.deck.narrative import template_context
from xlplan.deck.shapes import Box, Style, text_box
from xlplan.deck.template import (
    CONTENT_KINDS,
    TITLE_KINDS,
    choose_layout,
    fill_placeholders,
    open_template,
    placeholders,
)
from xlplan.model.pack import Pack, SectionKind
from xlplan.model.plan import Plan
from xlplan.resources import bundled_dir

DEFAULT_TEMPLATE = "xlplan-default.pptx"
MARGIN = 36.0  # points around the content on a layout without placeholders
GAP = 18.0  # points between two side-by-side blocks
MIN_CONTENT_SHARE = (
    0.2  # a placeholder smaller than this share of the slide is not content
)


def default_template() -> Path:
    """The deck template that ships with xlplan."""
    return bundled_dir("decks") / DEFAULT_TEMPLATE


def render_plan_deck(
    plan: Plan,
    pack: Pack,
    *,
    deck_pack: Pack | None = None,
    audience: Audience = Audience.CLIENT,
    template: Path | None = None,
    flags: Sequence[str] = (),
    portfolio: Mapping[str, Any] | None = None,
) -> bytes:
    """A finished deck for one plan, as the bytes of a .pptx file.

    ``pack`` is the plan's own pack: its schema decides which fields a client
    may see. ``deck_pack`` (default: the same) gives the brand, the client row
    rules, the layout mapping and the narrative texts.
    """
    settings = deck_pack or pack
    data = build_deck_data(
        plan,
        pack,
        audience,
        client_rows=settings.deck.get("client_rows") or {},
        company=settings.brand.company_name,
        brand=settings.brand,
        flags=flags,
        portfolio=portfolio,
    )
    known = frozenset(
        f.name for s in pack.sections if s.kind is SectionKind.SINGLE for f in s.fields
    )
    context = template_context(data, known)
    slides = build_slides(data, settings.deck.get("narrative") or {}, context)

    deck = open_template(template, default_template())
    style = _style(settings)
    if template is None:
        _rebrand(deck, style)
    fill_placeholders(deck, context)
    footer = _footer(settings, data.value("account_name"), audience)
    writer = _Writer(deck, style, settings.deck.get("layouts") or {}, footer)
    for slide in slides:
        writer.add(slide)

    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _style(pack: Pack) -> Style:
    return Style(
        colors={"white": "FFFFFF", **pack.brand.colors},
        heading_font=pack.brand.heading_font,
        body_font=pack.brand.body_font,
    )


# The default template is drawn in these colours and font; a pack's brand
# replaces them, so the shipped template takes any organisation's look.
_DEFAULT_LOOK = {"1F3A5F": "primary", "2E86AB": "accent", "6B7280": "muted"}
_DEFAULT_FONT = "Calibri"


def _rebrand(deck: PresentationType, style: Style) -> None:
    """Recolour and refont the default template's masters and layouts."""
    owners = [m for m in deck.slide_masters] + [
        layout for m in deck.slide_masters for layout in m.slide_layouts
    ]
    for owner in owners:
        for colour in owner._element.iter(qn("a:srgbClr")):
            role = _DEFAULT_LOOK.get(colour.get("val", "").upper())
            if role:
                colour.set("val", str(style.rgb(role)))
        for font in owner._element.iter(qn("a:latin")):
            if font.get("typeface") == _DEFAULT_FONT:
                font.set("typeface", style.heading_font)


def _footer(pack: Pack, account: Any, audience: Audience) -> str:
    marking = (
        "Internal – not for the client"
        if audience is Audience.INTERNAL
        else "Confidential"
    )
    name = " ".join(str(account).split()) if account else ""
    parts = [clean_text(pack.brand.company_name), name, marking]
    return "  ·  ".join(p for p in parts if p)


class _Writer:
    """Adds slides to a deck, continuing blocks that do not fit."""

    def __init__(
        self,
        deck: PresentationType,
        style: Style,
        layouts: Mapping[str, Any],
        footer: str,
    ) -> None:
        self.deck = deck
        self.style = style
        self.layouts = layouts
        self.footer = footer
        self.width = (deck.slide_width or 12192000) / 12700
        self.height = (deck.slide_height or 6858000) / 12700
        self._bodies: dict[int, list[Box]] = {}

    def add(self, slide: Slide) -> None:
        queue = deque([slide])
        while queue:
            current = queue.popleft()
            follow = self._write(current)
            if follow is not None:
                queue.appendleft(follow)

    def _write(self, spec: Slide) -> Slide | None:
        layout = choose_layout(self.deck, spec.kind, self.layouts)
        slide = self.deck.slides.add_slide(layout)
        title = spec.title + (" (continued)" if spec.continued else "")
        if spec.kind == "title":
            self._title_slide(slide, spec)
            return None
        title_bottom = self._set_title(slide, title, spec.subtitle)
        area = self._content_area(slide, title_bottom)
        self._clear_placeholders(slide)
        follow, notes = self._draw_blocks(slide, spec, area)
        self._finish(slide, notes)
        return follow

    def _set_title(self, slide: Any, title: str, subtitle: str) -> float:
        holder = _placeholder(slide, TITLE_KINDS)
        if holder is not None:
            holder.text_frame.text = title
            bottom = (holder.top + holder.height) / 12700
        else:
            box = Box(MARGIN, MARGIN * 0.8, self.width - 2 * MARGIN, 36)
            text_box(
                slide,
                box,
                title,
                self.style,
                26,
                bold=True,
                color=self._readable(slide, box.x + 10, box.y + 18, "primary"),
                font=self.style.heading_font,
            )
            bottom = MARGIN * 0.8 + 40
        if subtitle:
            box = Box(self.width / 2, bottom - 22, self.width / 2 - MARGIN, 16)
            text_box(
                slide,
                box,
                subtitle,
                self.style,
                12,
                color=self._readable(slide, box.x + box.w - 10, box.y + 8, "muted"),
                align=PP_ALIGN.RIGHT,
            )
        return bottom

    def _readable(self, slide: Any, x: float, y: float, preferred: str) -> str:
        """The colour role for text drawn at (x, y): ``preferred`` unless the
        template paints a colour there it would not stand out from."""
        return readable_role(self.style, backdrop_colour(slide, x, y), preferred)

    def _content_area(self, slide: Any, title_bottom: float) -> Box:
        bodies = self._layout_bodies(slide.slide_layout)
        if bodies:
            left = min(b.x for b in bodies)
            top = max(min(b.y for b in bodies), title_bottom + 8)
            right = max(b.x + b.w for b in bodies)
            bottom = min(max(b.y + b.h for b in bodies), self.height - MARGIN)
            return Box(left, top, right - left, bottom - top)
        top = title_bottom + 14
        return Box(
            MARGIN, top, self.width - 2 * MARGIN, self.height - MARGIN - 10 - top
        )

    def _layout_bodies(self, layout: Any) -> list[Box]:
        """The layout's content placeholders big enough to hold a block, once per layout."""
        key = id(layout._element)
        if key not in self._bodies:
            slide_area = self.width * self.height
            boxes = [
                Box(
                    ph.left / 12700, ph.top / 12700, ph.width / 12700, ph.height / 12700
                )
                for ph in placeholders(layout)
                if ph.placeholder_format.type in CONTENT_KINDS and ph.width is not None
            ]
            self._bodies[key] = [
                b for b in boxes if b.w * b.h >= MIN_CONTENT_SHARE * slide_area
            ]
        return self._bodies[key]

    def _clear_placeholders(self, slide: Any) -> None:
        for holder in list(slide.placeholders):
            if holder.placeholder_format.type in TITLE_KINDS:
                continue
            holder._element.getparent().remove(holder._element)

    def _draw_blocks(
        self, slide: Any, spec: Slide, area: Box
    ) -> tuple[Slide | None, list[str]]:
        if len(spec.blocks) < 2:
            boxes = [area]
        elif spec.extra.get("stacked"):
            boxes = area.rows(len(spec.blocks), GAP, spec.extra["stacked"])
        else:
            boxes = area.columns(len(spec.blocks), GAP, _shares(spec))
        notes: list[str] = []
        rest = []
        for block, box in zip(spec.blocks, boxes, strict=True):
            draw: Any = DRAWERS[type(block)]
            drawn = draw(slide, box, block, self.style)
            notes.extend(drawn.shortened)
            if drawn.rest is not None:
                rest.append(drawn.rest)
        if rest:
            return Slide(
                spec.kind, spec.title, tuple(rest), spec.subtitle, continued=True
            ), notes
        return None, notes

    def _title_slide(self, slide: Any, spec: Slide) -> None:
        holder = _placeholder(slide, TITLE_KINDS)
        lines = [
            spec.extra.get("goal", ""),
            f"{spec.subtitle}  ·  {spec.extra.get('date', '')}",
        ]
        if holder is not None:
            holder.text_frame.text = spec.title
        else:
            box = Box(MARGIN, self.height * 0.3, self.width - 2 * MARGIN, 60)
            text_box(
                slide,
                box,
                spec.title,
                self.style,
                36,
                bold=True,
                color=self._readable(slide, box.x + 10, box.y + 30, "primary"),
                font=self.style.heading_font,
            )
        sub = _placeholder(slide, (PP_PLACEHOLDER.SUBTITLE,))
        if sub is not None:
            sub.text_frame.text = "\n".join(line for line in lines if line)
        else:
            text_box(
                slide,
                Box(MARGIN, self.height * 0.3 + 70, self.width - 2 * MARGIN, 40),
                "\n".join(line for line in lines if line),
                self.style,
                14,
                color="muted",
            )
        self._clear_placeholders_except(slide, (PP_PLACEHOLDER.SUBTITLE,))
        self._finish(slide, [])

    def _clear_placeholders_except(self, slide: Any, keep: tuple[Any, ...]) -> None:
        for holder in list(slide.placeholders):
            kind = holder.placeholder_format.type
            if kind in TITLE_KINDS or kind in keep:
                continue
            holder._element.getparent().remove(holder._element)

    def _finish(self, slide: Any, notes: list[str]) -> None:
        number = len(self.deck.slides)
        y = self.height - 22
        text_box(
            slide,
            Box(MARGIN, y, self.width * 0.7, 12),
            self.footer,
            self.style,
            8,
            color="muted",
        )
        text_box(
            slide,
            Box(self.width - MARGIN - 40, y, 40, 12),
            str(number),
            self.style,
            8,
            color="muted",
            align=PP_ALIGN.RIGHT,
        )
        if notes:
            text = "Shown shortened on the slide; the full text:\n\n" + "\n\n".join(
                notes
            )
            slide.notes_slide.notes_text_frame.text = text


def _shares(spec: Slide) -> tuple[float, ...]:
    """Width shares of side-by-side blocks: a table beside text gets the wider column."""
    tables = [isinstance(block, Table) for block in spec.blocks]
    if sum(tables) == 1 and not any(isinstance(b, Chart) for b in spec.blocks):
        return tuple(3.0 if is_table else 2.0 for is_table in tables)
    return tuple(1.0 for _ in spec.blocks)


def _placeholder(slide: Any, kinds: tuple[Any, ...]) -> Any:
    for holder in slide.placeholders:
        if holder.placeholder_format.type in kinds:
            return holder
    return None


__all__ = ["default_template", "render_plan_deck"]
