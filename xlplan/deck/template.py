"""A deck template: open it, pick a layout per slide type, fill its placeholders.

Any .pptx or .potx works. Slide types find their layout by the pack's
mapping first, then by layout name, then by the kinds of placeholder the
layout holds. The template's own sample slides are removed; Jinja2 text such
as ``{{ plan.account_name }}`` written on masters, layouts or kept shapes is
filled, even where PowerPoint split it across several runs.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.presentation import Presentation as PresentationType
from pptx.slide import SlideLayout

from xlplan.deck.narrative import render_text
from xlplan.errors import XlplanError

_POTX = "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
_PPTX = (
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)

TITLE_KINDS = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
CONTENT_KINDS = (
    PP_PLACEHOLDER.BODY,
    PP_PLACEHOLDER.OBJECT,
    PP_PLACEHOLDER.TABLE,
    PP_PLACEHOLDER.CHART,
    PP_PLACEHOLDER.ORG_CHART,
)

# Layout names that suit each slide type, in PowerPoint's and LibreOffice's words.
_NAMES = {
    "title": ("title slide", "title"),
    "two": ("two content", "title, 2 content", "comparison"),
    "content": ("title and content", "title, content", "title only", "title"),
}
_TWO_BLOCK_KINDS = ("snapshot", "market", "value", "summary")


class TemplateError(XlplanError):
    """A deck template cannot be opened or lacks what a slide needs."""


def open_template(path: Path | None, default: Path) -> PresentationType:
    """The template as a presentation with its sample slides removed."""
    source = path or default
    try:
        content = source.read_bytes()
    except OSError as error:
        raise TemplateError(
            f"{source}: cannot read the deck template ({error.strerror}).",
            hint="Give --template a .pptx or .potx file you can open.",
        ) from None
    try:
        deck = Presentation(io.BytesIO(_as_presentation(content)))
        _parse_every_layout(deck)
    except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as error:
        # python-pptx names the in-memory buffer, not the file: keep its reason only.
        reason = re.sub(r"file '<[^>]*>' ", "", str(error)) or "unreadable package"
        raise TemplateError(
            f"{source}: not a PowerPoint template ({reason}).",
            hint="Save the template from PowerPoint or Impress as .pptx or .potx.",
        ) from None
    _remove_slides(deck)
    return deck


def _parse_every_layout(deck: PresentationType) -> None:
    """Read every part the deck is drawn from now, and check what it needs.

    python-pptx parses a part when first used, and keeps a theme as bytes,
    so a damaged one would otherwise fail in the middle of rendering. Raises
    ``ValueError`` (or lxml's error) for a part that is not XML, a slide size
    of nothing, or a master without its theme.
    """
    if not deck.slide_width or not deck.slide_height:
        raise ValueError("the slide size is missing or zero")
    for part in deck.part.package.iter_parts():
        if str(part.partname).endswith(".xml") and not hasattr(part, "_element"):
            etree.fromstring(part.blob, _SAFE_XML)
    for master in deck.slide_masters:
        list(master.shapes)
        if not any(r.reltype.endswith("/theme") for r in master.part.rels.values()):
            raise ValueError(f"slide master '{master.name}' has no theme")
        for layout in master.slide_layouts:
            list(layout.placeholders)
            _ = layout.name, layout.slide_master


_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True)


def _as_presentation(content: bytes) -> bytes:
    """A .potx re-labelled as a .pptx, which is all that tells the two apart."""
    with zipfile.ZipFile(io.BytesIO(content)) as source:
        types = source.read("[Content_Types].xml")
        if _POTX.encode() not in types:
            return content
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                data = source.read(item.filename)
                if item.filename == "[Content_Types].xml":
                    data = data.replace(_POTX.encode(), _PPTX.encode())
                target.writestr(item, data)
        return out.getvalue()


def _remove_slides(deck: PresentationType) -> None:
    slide_ids = deck.slides._sldIdLst
    for slide_id in list(slide_ids):
        deck.part.drop_rel(slide_id.rId)
        slide_ids.remove(slide_id)


def placeholders(owner: Any) -> list[Any]:
    """The placeholders of a slide, layout or master, as a plain list."""
    return list(owner.placeholders)


def all_layouts(deck: PresentationType) -> list[SlideLayout]:
    """Every layout of every master, in order."""
    return [layout for master in deck.slide_masters for layout in master.slide_layouts]


def choose_layout(
    deck: PresentationType, kind: str, mapping: Mapping[str, Any]
) -> SlideLayout:
    """The layout a slide type uses: the pack's mapping, then name, then shape."""
    layouts = all_layouts(deck)
    wanted = mapping.get(kind)
    if wanted:
        for layout in layouts:
            if layout.name == wanted:
                return layout
        names = ", ".join(repr(lay.name) for lay in layouts)
        raise TemplateError(
            f"deck.yaml layouts: slide type '{kind}' names layout '{wanted}', "
            "which the template does not have.",
            hint=f"Use one of: {names}.",
        )
    by_name = _by_name(layouts, kind)
    return by_name if by_name is not None else _by_shape(layouts, kind)


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9,]+", " ", name.lower()).strip()


def _by_name(layouts: Iterable[SlideLayout], kind: str) -> SlideLayout | None:
    named = {_normal(layout.name): layout for layout in layouts}
    exact = named.get(_normal(kind.replace("_", " ")))
    if exact is not None:
        return exact
    group = (
        "title" if kind == "title" else "two" if kind in _TWO_BLOCK_KINDS else "content"
    )
    for candidate in _NAMES[group] + (_NAMES["content"] if group == "two" else ()):
        if candidate in named:
            return named[candidate]
    return None


def _by_shape(layouts: list[SlideLayout], kind: str) -> SlideLayout:
    def score(layout: SlideLayout) -> tuple[int, int]:
        types = [ph.placeholder_format.type for ph in placeholders(layout)]
        has_title = any(t in TITLE_KINDS for t in types)
        if kind == "title":
            wanted = (
                PP_PLACEHOLDER.CENTER_TITLE in types or PP_PLACEHOLDER.SUBTITLE in types
            )
        else:
            wanted = any(t in CONTENT_KINDS for t in types)
        return (int(has_title) + int(wanted), -len(types))

    if not layouts:
        raise TemplateError(
            "the deck template has no slide layouts.",
            hint="Use a template saved by PowerPoint or Impress.",
        )
    return max(layouts, key=score)


_SPLIT_MARK = re.compile(r"\{[{%]")


def fill_placeholders(deck: PresentationType, context: Mapping[str, Any]) -> None:
    """Render Jinja2 text written anywhere on masters, layouts and slides."""
    for where, shapes in _shape_owners(deck):
        for shape in shapes:
            if shape.has_text_frame:
                _fill_text_frame(
                    shape.text_frame, context, f"{where}, shape '{shape.name}'"
                )


def _shape_owners(deck: PresentationType) -> Iterable[tuple[str, Any]]:
    for m_index, master in enumerate(deck.slide_masters, start=1):
        yield f"slide master {m_index}", master.shapes
        for layout in master.slide_layouts:
            yield f"layout '{layout.name}'", layout.shapes
    for s_index, slide in enumerate(deck.slides, start=1):
        yield f"slide {s_index}", slide.shapes


def _fill_text_frame(frame: Any, context: Mapping[str, Any], where: str) -> None:
    for paragraph in frame.paragraphs:
        runs = paragraph.runs
        whole = "".join(run.text for run in runs)
        if not _SPLIT_MARK.search(whole):
            continue
        # PowerPoint splits "{{ plan.x }}" over runs when it spell-checks or
        # restyles part of it: gather the text into the first run, keep its look.
        runs[0].text = render_text(whole, context, where)
        for run in runs[1:]:
            run._r.getparent().remove(run._r)


def template_names(deck: PresentationType) -> list[str]:
    """Layout names of a template, for messages."""
    return [layout.name for layout in all_layouts(deck)]
