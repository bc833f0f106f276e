"""The colour a company template paints behind a title xlplan draws itself.

A template without title placeholders gets its titles drawn in the brand's
primary colour. Many templates put a coloured band where the title goes (a
purple header, a dark photo strip); navy on purple cannot be read. This finds
the solid colour the master and layout paint under a point and picks a text
colour that stands out from it by the WCAG contrast ratio.
"""

from __future__ import annotations

from typing import Any

from lxml import etree
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.ns import qn

from xlplan.deck.shapes import Style

EMU_PER_PT = 12700
LARGE_TEXT_CONTRAST = 3.0  # WCAG AA for large or bold text, as titles are
DARK, LIGHT = "000000", "FFFFFF"
# Scheme colour names that stand for a theme slot of another name.
_SCHEME_ALIASES = {"tx1": "dk1", "bg1": "lt1", "tx2": "dk2", "bg2": "lt2"}
_OTHER_FILLS = {qn("a:gradFill"), qn("a:blipFill"), qn("a:pattFill"), qn("a:grpFill")}


def backdrop_colour(slide: Any, x: float, y: float) -> str | None:
    """The solid colour (hex) the slide's master and layout show at (x, y) points.

    ``None`` when what is there is a picture, a gradient or a colour this
    cannot resolve: the caller then keeps its own choice.
    """
    layout = slide.slide_layout
    master = layout.slide_master
    theme = _theme_colours(master)
    colour: str | None = None
    for owner in (master, layout):  # the layout's own background wins
        background = owner._element.cSld.find(qn("p:bg"))
        if background is not None:
            _, colour = _paint(background.find(qn("p:bgPr")), theme)
    shows_master = layout._element.get("showMasterSp") != "0"
    for owner in (master, layout) if shows_master else (layout,):
        for shape in owner.shapes:  # in drawing order: the last one is on top
            if shape.is_placeholder or not _covers(shape, x, y):
                continue
            if shape._element.tag == qn("p:pic"):
                colour = None
                continue
            opaque, painted = _paint(shape._element.find(qn("p:spPr")), theme)
            if not opaque:
                opaque, painted = _style_fill(shape._element, theme)
            if opaque:
                colour = painted
    return colour


def readable_role(style: Style, backdrop: str | None, preferred: str) -> str:
    """``preferred`` when it reads on ``backdrop``; else the brand text colour or white."""
    if backdrop is None:
        return preferred
    wanted = str(style.rgb(preferred))
    if contrast(wanted, backdrop) >= LARGE_TEXT_CONTRAST:
        return preferred
    text = str(style.rgb("text", DARK))
    return "text" if contrast(text, backdrop) >= contrast(LIGHT, backdrop) else "white"


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two hex colours (1 to 21)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _covers(shape: Any, x: float, y: float) -> bool:
    if None in (shape.left, shape.top, shape.width, shape.height):
        return False
    left, top = shape.left / EMU_PER_PT, shape.top / EMU_PER_PT
    right = left + shape.width / EMU_PER_PT
    bottom = top + shape.height / EMU_PER_PT
    return left <= x <= right and top <= y <= bottom


def _paint(properties: Any, theme: dict[str, str]) -> tuple[bool, str | None]:
    """Whether shape or background properties paint over what lies below, and in
    which solid colour (``None`` for a picture, gradient or pattern)."""
    if properties is None:
        return False, None
    for fill in properties:
        if fill.tag == qn("a:noFill"):
            return False, None
        if fill.tag == qn("a:solidFill"):
            return True, _colour(fill[0], theme) if len(fill) else None
        if fill.tag in _OTHER_FILLS:
            return True, None
    return False, None


def _style_fill(shape: Any, theme: dict[str, str]) -> tuple[bool, str | None]:
    """The fill a shape takes from its theme style when its own properties give none."""
    reference = shape.find(f"{qn('p:style')}/{qn('a:fillRef')}")
    if reference is None or reference.get("idx", "0") == "0":
        return False, None
    return True, _colour(reference[0], theme) if len(reference) else None


def _colour(element: Any, theme: dict[str, str]) -> str | None:
    if element.tag == qn("a:srgbClr"):
        return str(element.get("val", "")).upper() or None
    if element.tag == qn("a:sysClr"):
        return str(element.get("lastClr", "")).upper() or None
    if element.tag == qn("a:schemeClr"):
        name = element.get("val", "")
        return theme.get(_SCHEME_ALIASES.get(name, name))
    return None


def _theme_colours(master: Any) -> dict[str, str]:
    """The master's theme colour slots (dk1, lt1, accent1 ...) as hex."""
    try:
        part = master.part.part_related_by(RT.THEME)
    except KeyError:
        return {}
    root = etree.fromstring(part.blob)
    scheme = root.find(f".//{qn('a:clrScheme')}")
    if scheme is None:
        return {}
    slots = {}
    for slot in scheme:
        name = etree.QName(slot).localname
        if len(slot):
            value = _colour(slot[0], {})
            if value:
                slots[name] = value
    return slots
