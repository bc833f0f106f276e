"""Decks printed by LibreOffice: one page per slide, no text outside its place.

Overflow is judged from the word positions LibreOffice laid out in the PDF,
not from xlplan's own measurements: no word leaves the page and no slide
content runs into the footer band.
"""

from __future__ import annotations

import copy
import datetime as dt
import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from pptx import Presentation

from tests.conftest import AS_OF, CORPUS, requires_libreoffice
from tests.deck.decks import RICH_SAMPLE, deck_of, plan_file, read_back
from tests.libreoffice import render_pdf
from tests.workbook.plans import sample_plans
from xlplan.deck.audience import Audience
from xlplan.model.pack import Pack
from xlplan.workbook.inputs import PlanInput

pytestmark = [pytest.mark.libreoffice, requires_libreoffice]
FOOTER_BAND = 26.0  # points at the bottom of a slide kept for the footer line
WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)
PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)


def _pages(
    pdf: Path,
) -> list[tuple[float, float, list[tuple[float, float, float, float, str]]]]:
    layout = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pages = []
    for width, height, body in PAGE.findall(layout):
        words = [
            (float(a), float(b), float(c), float(d), w)
            for a, b, c, d, w in WORD.findall(body)
        ]
        pages.append((float(width), float(height), words))
    return pages


def _decks(pack: Pack, folder: Path) -> list[Path]:
    raw = sample_plans(pack)
    paths = []
    for stem in (RICH_SAMPLE, "brightmere-health", "tidewell-media"):
        plan, own_pack = read_back(plan_file(pack, raw[stem], folder, stem))
        for audience in Audience:
            _, content = deck_of(plan, own_pack, audience)
            path = folder / f"{stem}-{audience.value}.pptx"
            path.write_bytes(content)
            paths.append(path)
    long_plan = _long_plan(raw[RICH_SAMPLE])
    plan, own_pack = read_back(plan_file(pack, long_plan, folder, "long"))
    for audience in Audience:
        _, content = deck_of(plan, own_pack, audience)
        paths.append(folder / f"long-{audience.value}.pptx")
        paths[-1].write_bytes(content)
    # Corvane's footprint wraps within a hair of its card's width.
    plan, own_pack = read_back(
        plan_file(pack, raw["corvane-retail"], folder, "corvane")
    )
    _, content = deck_of(plan, own_pack, Audience.CLIENT)
    paths.append(folder / "corvane-client.pptx")
    paths[-1].write_bytes(content)
    for template in sorted((CORPUS / "pptx").glob("*.pptx")) if CORPUS.is_dir() else []:
        _, content = deck_of(plan, own_pack, Audience.INTERNAL, template=template)
        paths.append(folder / f"on-{template.stem}.pptx")
        paths[-1].write_bytes(content)
    return paths


def _long_plan(raw: PlanInput) -> PlanInput:
    """A plan whose tables and texts are far longer than a slide holds."""
    raw = copy.deepcopy(raw)
    base = raw.tables["actions"][0]
    raw.tables["actions"] = [
        base
        | {
            "action_step": f"Step {i:02d} " + "with a longer description " * (i % 5),
            "notes_constraints": "constraint " * (i % 7),
            "due_date": AS_OF + dt.timedelta(days=3 + i),
            "progress": "In progress",
            "client_visible": True,
        }
        for i in range(45)
    ]
    raw.records["plan"]["value_proposition"] = " ".join(
        f"Benefit {i} of working with us on the client's strategy." for i in range(150)
    )
    raw.tables["stakeholders"] = _big_organisation()
    raw.tables["swot"] += [
        {"quadrant": "Strength", "text": f"Strength number {i} " + "detail " * i}
        for i in range(14)
    ]
    return raw


def _big_organisation() -> list[dict[str, object]]:
    """A chief executive, twelve direct reports and their teams, one cycle."""
    people: list[dict[str, object]] = [
        {"name": "Chief Executive", "title": "CEO", "relationship_status": "Supporter"}
    ]
    for i in range(12):
        people.append(
            {
                "name": f"Director {i}",
                "title": "Director of a long-named function",
                "reports_to": "Chief Executive",
                "relationship_status": "Neutral",
            }
        )
        for j in range(3 if i < 3 else 0):
            people.append(
                {
                    "name": f"Manager {i}.{j}",
                    "title": "Manager",
                    "reports_to": f"Director {i}",
                }
            )
    people.append({"name": "Loop A", "reports_to": "Loop B"})
    people.append({"name": "Loop B", "reports_to": "Loop A"})
    return people


@pytest.fixture(scope="module")
def printed(
    pack: Pack, tmp_path_factory: pytest.TempPathFactory
) -> list[tuple[Path, Path]]:
    if shutil.which("pdftotext") is None:
        pytest.skip("poppler-utils (pdftotext) is not installed")
    folder = tmp_path_factory.mktemp("pdf")
    decks = _decks(pack, folder)
    return list(zip(decks, render_pdf(decks, folder / "pdf"), strict=True))


def test_every_slide_prints_as_one_page(printed: list[tuple[Path, Path]]) -> None:
    for deck, pdf in printed:
        assert len(_pages(pdf)) == len(Presentation(str(deck)).slides), deck.name


def test_no_text_leaves_the_page_or_runs_into_the_footer(
    printed: list[tuple[Path, Path]],
) -> None:
    problems = []
    for deck, pdf in printed:
        footers = _footer_texts(deck)
        for number, (width, height, words) in enumerate(_pages(pdf), start=1):
            for x0, y0, x1, y1, word in words:
                if x0 < -0.5 or y0 < -0.5 or x1 > width + 0.5 or y1 > height + 0.5:
                    problems.append(f"{deck.name} p{number}: '{word}' leaves the page")
                elif (
                    y1 > height - FOOTER_BAND
                    and html.unescape(word) not in footers[number - 1]
                ):
                    problems.append(
                        f"{deck.name} p{number}: '{word}' runs into the footer"
                    )
    assert problems == []


def test_every_word_on_a_slide_is_printed_on_its_page(
    printed: list[tuple[Path, Path]],
) -> None:
    """Text pushed off the slide by a table or box that grew is clipped away."""
    missing = []
    for deck, pdf in printed:
        pages = _pages(pdf)
        for number, slide in enumerate(Presentation(str(deck)).slides, start=1):
            # Joined without spaces: a word LibreOffice broke over two lines still counts.
            page_text = "".join(
                html.unescape(word) for *_, word in pages[number - 1][2]
            )
            lost = {word for word in _slide_words(slide) if word not in page_text}
            if lost:
                missing.append(f"{deck.name} slide {number}: {sorted(lost)[:5]}")
    assert not missing, "\n".join(missing)


def test_no_two_words_print_over_each_other(printed: list[tuple[Path, Path]]) -> None:
    """Text that outgrew its box or table row lands on the text below it."""
    overlaps = []
    for deck, pdf in printed:
        for number, (_, _, words) in enumerate(_pages(pdf), start=1):
            clash = _first_overlap(words)
            if clash:
                overlaps.append(f"{deck.name} page {number}: {clash}")
    assert not overlaps, "\n".join(overlaps)


def test_no_text_runs_out_of_its_card(printed: list[tuple[Path, Path]]) -> None:
    """A card's text wrapped to more lines than measured spills below the card."""
    spilled = []
    for deck, pdf in printed:
        pages = _pages(pdf)
        for number, slide in enumerate(Presentation(str(deck)).slides, start=1):
            words = pages[number - 1][2]
            for card, box in _text_in_cards(slide):
                bottom = card[3]
                for x0, y0, _, y1, word in words:
                    inside = box[0] - 1 <= x0 <= box[2] and box[1] - 1 <= y0 < bottom
                    if inside and y1 > bottom + 1:
                        spilled.append(f"{deck.name} slide {number}: '{word}'")
    assert not spilled, "\n".join(spilled)


def _text_in_cards(slide: Any) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
    """(card, text box) rectangles in points: text boxes starting on a textless panel."""

    def box(shape: Any) -> tuple[float, ...]:
        left, top = shape.left / 12700, shape.top / 12700
        return (left, top, left + shape.width / 12700, top + shape.height / 12700)

    shapes = [s for s in slide.shapes if s.left is not None and s.width is not None]
    cards = [
        box(s)
        for s in shapes
        if s.shape_type == 1 and not (s.has_text_frame and s.text_frame.text.strip())
    ]
    found = []
    for shape in shapes:
        if shape.shape_type != 17 or not shape.text_frame.text.strip():
            continue
        rect = box(shape)
        for card in cards:
            if card[0] <= rect[0] < card[2] and card[1] <= rect[1] < card[3]:
                found.append((card, rect))
                break
    return found


def _first_overlap(words: list[tuple[float, float, float, float, str]]) -> str:
    ordered = sorted(words, key=lambda w: w[1])
    for index, (x0, y0, x1, y1, word) in enumerate(ordered):
        for a0, b0, a1, b1, other in ordered[index + 1 :]:
            if b0 >= y1:
                break
            width = min(x1, a1) - max(x0, a0)
            height = min(y1, b1) - max(y0, b0)
            smaller = min((x1 - x0) * (y1 - y0), (a1 - a0) * (b1 - b0))
            if width > 0 and height > 0 and width * height > 0.25 * smaller:
                return f"'{word}' and '{other}'"
    return ""


def _slide_words(slide: Any) -> set[str]:
    words: set[str] = set()
    for shape in slide.shapes:
        if shape.has_text_frame:
            words.update(shape.text_frame.text.split())
        if shape.has_table:
            for row in shape.table.rows:
                for cell in row.cells:
                    words.update(cell.text.split())
    return words


def _footer_texts(deck: Path) -> list[set[str]]:
    """The words of each slide's footer line (its lowest text boxes)."""
    out = []
    presentation = Presentation(str(deck))
    bottom = presentation.slide_height - int(FOOTER_BAND * 12700)
    for slide in presentation.slides:
        words: set[str] = set()
        for shape in slide.shapes:
            if shape.has_text_frame and shape.top is not None and shape.top >= bottom:
                words.update(shape.text_frame.text.split())
        out.append(words)
    return out
