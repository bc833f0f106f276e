"""Build xlplan's default deck template: 16:9, one named layout per slide type.

The shipped file ``decks/xlplan-default.pptx`` is this module's output
(``python -m xlplan.deck.default_template decks/xlplan-default.pptx``). It is
an ordinary template: an organisation can open it in PowerPoint, restyle the
masters and layouts, and pass it back with ``--template``; layouts keep the
slide-type names xlplan looks for.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path

from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.opc.constants import CONTENT_TYPE as CT
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.oxml.shapes.autoshape import CT_Shape
from pptx.parts.slide import SlideLayoutPart
from pptx.shapes.autoshape import Shape
from pptx.slide import SlideLayout, SlideMaster
from pptx.util import Emu, Inches

from xlplan.deck.template import placeholders

WIDTH, HEIGHT = Emu(12192000), Emu(6858000)
PRIMARY, ACCENT, MUTED = "1F3A5F", "2E86AB", "6B7280"
HEADING_FONT = BODY_FONT = "Calibri"

# Slide types and the layout each uses; the renderer finds them by these names.
CONTENT_LAYOUTS = (
    "Agenda",
    "Summary",
    "Snapshot",
    "People",
    "Map",
    "Priorities",
    "SWOT",
    "Market",
    "Value",
    "Goals",
    "Opportunities",
    "Timeline",
    "Actions",
    "Risks",
    "Review",
    "Next steps",
)
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"


def build_default_template(path: Path) -> Path:
    """Write the default template to ``path``."""
    deck = Presentation()
    old_width = deck.slide_width
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    master = deck.slide_masters[0]
    _widen(master.shapes, WIDTH / old_width)
    for layout in master.slide_layouts:
        _widen(layout.shapes, WIDTH / old_width)
    _style_master(master)

    layouts = {layout.name: layout for layout in master.slide_layouts}
    title = layouts["Title Slide"]
    content = layouts["Title and Content"]
    _style_title_layout(title)
    _place_content(content)
    for name in CONTENT_LAYOUTS:
        _clone_layout(master, content, name)
    for layout in list(master.slide_layouts):
        if layout.name not in (*CONTENT_LAYOUTS, "Title Slide"):
            master.slide_layouts.remove(layout)
    title._element.cSld.name = "Title"
    deck.save(str(path))
    return path


def _widen(shapes: object, factor: float) -> None:
    for shape in shapes:  # type: ignore[attr-defined]
        if shape.left is not None:
            shape.left = Emu(int(shape.left * factor))
            shape.width = Emu(int(shape.width * factor))


def _style_master(master: SlideMaster) -> None:
    for shape in placeholders(master):
        kind = shape.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            shape.left, shape.top = Inches(0.6), Inches(0.45)
            shape.width, shape.height = Emu(WIDTH - Inches(1.2)), Inches(0.8)
            _flush_left(shape)
        elif kind == PP_PLACEHOLDER.BODY:
            shape.left, shape.top = Inches(0.6), Inches(1.5)
            shape.width, shape.height = Emu(WIDTH - Inches(1.2)), Inches(5.3)
    _text_style(
        master, "p:titleStyle", 2800, bold=True, color=PRIMARY, font=HEADING_FONT
    )
    _text_style(master, "p:bodyStyle", 1600, bold=False, color="222222", font=BODY_FONT)
    _add_rectangle(master, (0, 0, WIDTH, Inches(0.12)), PRIMARY)
    _add_rectangle(
        master, (Inches(0.6), Inches(1.27), Inches(1.2), Inches(0.05)), ACCENT
    )


def _text_style(
    master: SlideMaster, style: str, size: int, *, bold: bool, color: str, font: str
) -> None:
    ns = {"p": "http://schemas.openxmlformats.org/presentationml/2006/main", "a": _A}
    level = master._element.find(f"p:txStyles/{style}/a:lvl1pPr", ns)
    if level is None:
        return
    if style == "p:titleStyle":
        level.set("algn", "l")
    props = level.find("a:defRPr", ns)
    props.set("sz", str(size))
    props.set("b", "1" if bold else "0")
    for child in list(props):
        if child.tag in (f"{{{_A}}}solidFill", f"{{{_A}}}latin"):
            props.remove(child)
    fill = etree.SubElement(props, f"{{{_A}}}solidFill")
    etree.SubElement(fill, f"{{{_A}}}srgbClr", val=color)
    etree.SubElement(props, f"{{{_A}}}latin", typeface=font)
    # PowerPoint wants the fill before the fonts inside defRPr.
    props.remove(fill)
    props.insert(0, fill)


def _solid(shape: object, color: str) -> None:
    shape.fill.solid()  # type: ignore[attr-defined]
    shape.fill.fore_color.rgb = RGBColor.from_string(color)  # type: ignore[attr-defined]
    shape.line.fill.background()  # type: ignore[attr-defined]
    shape.shadow.inherit = False  # type: ignore[attr-defined]


def _add_rectangle(
    owner: SlideMaster | SlideLayout, box: tuple[int, ...], color: str
) -> None:
    """A filled rectangle behind the placeholders of a master or layout.

    python-pptx adds shapes only to slides, so the shape is built from its
    XML and placed first in the shape tree, which draws it underneath.
    """
    tree = owner.shapes._spTree
    ids = [int(x) for x in tree.xpath("//p:cNvPr/@id")]
    element = CT_Shape.new_autoshape_sp(
        max(ids, default=1) + 1, f"Brand band {len(ids)}", "rect", *box
    )
    tree.insert(2, element)  # after the tree's own properties: drawn first
    _solid(Shape(element, owner.shapes), color)


def _style_title_layout(layout: SlideLayout) -> None:
    layout._element.set("showMasterSp", "0")
    _add_rectangle(layout, (0, Inches(4.6), WIDTH, Inches(0.08)), ACCENT)
    _add_rectangle(layout, (0, 0, WIDTH, Inches(4.6)), PRIMARY)
    for shape in placeholders(layout):
        kind = shape.placeholder_format.type
        if kind == PP_PLACEHOLDER.CENTER_TITLE:
            shape.left, shape.top = Inches(0.8), Inches(1.6)
            shape.width, shape.height = Emu(WIDTH - Inches(1.6)), Inches(2.6)
            _placeholder_text(shape, 4000, "FFFFFF", bold=True, anchor="b")
        elif kind == PP_PLACEHOLDER.SUBTITLE:
            shape.left, shape.top = Inches(0.8), Inches(4.95)
            shape.width, shape.height = Emu(WIDTH - Inches(1.6)), Inches(1.0)
            _placeholder_text(shape, 1600, MUTED, bold=False, anchor="t")


def _placeholder_text(
    shape: object, size: int, color: str, *, bold: bool, anchor: str
) -> None:
    """The look a slide's placeholder inherits: a list style on the layout's one."""
    body = shape._element.txBody  # type: ignore[attr-defined]
    body.bodyPr.set("anchor", anchor)
    styles = body.find(f"{{{_A}}}lstStyle")
    for child in list(styles):
        styles.remove(child)
    level = etree.SubElement(styles, f"{{{_A}}}lvl1pPr", marL="0", indent="0", algn="l")
    etree.SubElement(level, f"{{{_A}}}buNone")
    props = etree.SubElement(
        level, f"{{{_A}}}defRPr", sz=str(size), b="1" if bold else "0"
    )
    fill = etree.SubElement(props, f"{{{_A}}}solidFill")
    etree.SubElement(fill, f"{{{_A}}}srgbClr", val=color)
    etree.SubElement(props, f"{{{_A}}}latin", typeface=HEADING_FONT)


def _place_content(layout: SlideLayout) -> None:
    for shape in placeholders(layout):
        kind = shape.placeholder_format.type
        if kind == PP_PLACEHOLDER.TITLE:
            shape.left, shape.top = Inches(0.6), Inches(0.45)
            shape.width, shape.height = Emu(WIDTH - Inches(1.2)), Inches(0.8)
            _flush_left(shape)
        elif kind in (PP_PLACEHOLDER.BODY, PP_PLACEHOLDER.OBJECT):
            shape.left, shape.top = Inches(0.6), Inches(1.55)
            shape.width, shape.height = Emu(WIDTH - Inches(1.2)), Inches(5.25)


def _flush_left(shape: object) -> None:
    """No inner left margin: the title lines up with the accent rule and content."""
    shape._element.txBody.bodyPr.set("lIns", "0")  # type: ignore[attr-defined]


def _clone_layout(master: SlideMaster, base: SlideLayout, name: str) -> SlideLayout:
    package = master.part.package
    partname = package.next_partname("/ppt/slideLayouts/slideLayout%d.xml")
    element = copy.deepcopy(base._element)
    element.cSld.name = name
    part = SlideLayoutPart(partname, CT.PML_SLIDE_LAYOUT, package, element)
    part.relate_to(master.part, RT.SLIDE_MASTER)
    r_id = master.part.relate_to(part, RT.SLIDE_LAYOUT)
    id_list = master._element.get_or_add_sldLayoutIdLst()
    used = [int(entry.get("id")) for entry in id_list.sldLayoutId_lst]
    entry = id_list._add_sldLayoutId()
    entry.set("id", str(max(used) + 1))
    entry.rId = r_id
    return part.slide_layout


if __name__ == "__main__":
    build_default_template(Path(sys.argv[1]))
