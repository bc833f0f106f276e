"""Company templates: layouts found by name or shape, sample slides gone, text filled."""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.oxml.shapes.autoshape import CT_Shape
from pptx.shapes.autoshape import Shape
from pptx.util import Inches

from tests.conftest import CORPUS
from tests.deck.decks import RICH_SAMPLE, deck_of, plan_file, read_back, titles
from tests.workbook.plans import sample_plans
from xlplan.deck.audience import Audience
from xlplan.deck.backdrop import LARGE_TEXT_CONTRAST, backdrop_colour, contrast
from xlplan.deck.narrative import DeckTemplateError
from xlplan.deck.render import default_template
from xlplan.deck.template import TemplateError
from xlplan.model.pack import Brand, Pack

CORPUS_TEMPLATES = sorted((CORPUS / "pptx").glob("*.pptx")) if CORPUS.is_dir() else []


@pytest.fixture(scope="module")
def rich(pack: Pack, tmp_path_factory: pytest.TempPathFactory):
    raw = sample_plans(pack)[RICH_SAMPLE]
    return read_back(plan_file(pack, raw, tmp_path_factory.mktemp("t"), RICH_SAMPLE))


def _slide_count(path: Path) -> int:
    return len(Presentation(str(path)).slides)


@pytest.mark.skipif(not CORPUS_TEMPLATES, reason="../shared/corpus is absent")
@pytest.mark.parametrize("template", CORPUS_TEMPLATES, ids=lambda p: p.stem)
def test_real_templates_render_without_their_sample_slides(
    rich, template: Path
) -> None:
    plan, own_pack = rich
    deck, _ = deck_of(plan, own_pack, Audience.INTERNAL, template=template)
    source = Presentation(str(template))
    assert _slide_count(template) >= 1
    assert deck.slide_width == source.slide_width
    shown = titles(deck)
    assert shown[0] == plan.value("plan", "account_name")
    assert "Action plan" in shown and "SWOT" in shown
    own_layouts = {
        layout.name for m in source.slide_masters for layout in m.slide_layouts
    }
    assert {s.slide_layout.name for s in deck.slides} <= own_layouts


def test_a_potx_template_is_used_like_a_pptx(rich, tmp_path: Path) -> None:
    potx = tmp_path / "brand.potx"
    with (
        zipfile.ZipFile(default_template()) as source,
        zipfile.ZipFile(potx, "w") as out,
    ):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"presentation.main+xml", b"template.main+xml")
            out.writestr(item, data)
    plan, own_pack = rich
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT, template=potx)
    assert titles(deck)[0] == plan.value("plan", "account_name")


def _template_with_master_text(tmp_path: Path, runs: list[str]) -> Path:
    deck = Presentation(str(default_template()))
    master = deck.slide_masters[0]
    tree = master.shapes._spTree
    element = CT_Shape.new_textbox_sp(
        900, "Brand footer", Inches(1), Inches(7), Inches(6), Inches(0.3)
    )
    tree.append(element)
    paragraph = Shape(element, master.shapes).text_frame.paragraphs[0]
    for text in runs:
        paragraph.add_run().text = text
    path = tmp_path / "footer.pptx"
    deck.save(str(path))
    return path


def test_placeholders_split_across_runs_are_filled(rich, tmp_path: Path) -> None:
    template = _template_with_master_text(
        tmp_path, ["Plan for {{ plan.acc", "ount_name }} by ", "{{ company }}"]
    )
    plan, own_pack = rich
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT, template=template)
    footer = next(s for s in deck.slide_masters[0].shapes if s.name == "Brand footer")
    account = plan.value("plan", "account_name")
    assert (
        footer.text_frame.text == f"Plan for {account} by {own_pack.brand.company_name}"
    )


def test_an_unknown_placeholder_name_names_the_shape(rich, tmp_path: Path) -> None:
    template = _template_with_master_text(tmp_path, ["{{ plan.acount_name }}"])
    plan, own_pack = rich
    with pytest.raises(
        DeckTemplateError, match="slide master 1, shape 'Brand footer'"
    ) as caught:
        deck_of(plan, own_pack, Audience.CLIENT, template=template)
    assert caught.value.message.endswith(
        "'acount_name' is not a name a deck template knows. Did you mean 'account_name'?"
    )
    assert "_Fields" not in str(caught.value) and "DOMAIN.md" not in str(caught.value)


def test_internal_figures_in_a_client_deck_template_are_named_as_such(
    rich, tmp_path: Path
) -> None:
    template = _template_with_master_text(tmp_path, ["Health {{ figures.health }}"])
    plan, own_pack = rich
    with pytest.raises(DeckTemplateError) as caught:
        deck_of(plan, own_pack, Audience.CLIENT, template=template)
    assert caught.value.message.endswith(
        "figures.health is shown in internal decks only."
    )


def test_whole_money_prints_without_a_decimal_and_filters_group_it(
    rich, tmp_path: Path
) -> None:
    texts = [
        "Raw {{ plan.revenue_current }}",
        "Grouped {{ plan.revenue_current | number }}",
        "Compact {{ plan.revenue_current | money }}",
        "Since {{ plan.client_since.year }}",
    ]
    template = _template_with_master_text(tmp_path, texts)
    plan, own_pack = rich
    deck, _ = deck_of(plan, own_pack, Audience.INTERNAL, template=template)
    master = " ".join(
        shape.text_frame.text
        for shape in deck.slide_masters[0].shapes
        if shape.has_text_frame
    )
    revenue = plan.value("profile", "revenue_current")
    assert f"Raw {revenue:.0f}" in master and ".0" not in master
    assert f"Grouped {revenue:,.0f}" in master
    assert "Compact " in master and "Since 2022" in master


def test_a_hidden_field_in_a_template_is_blank_in_a_client_deck(
    rich, tmp_path: Path
) -> None:
    template = _template_with_master_text(
        tmp_path, ["[{{ plan.anticipated_objections }}]"]
    )
    plan, own_pack = rich
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT, template=template)
    footer = next(s for s in deck.slide_masters[0].shapes if s.name == "Brand footer")
    assert footer.text_frame.text == "[]"


def test_layout_mapping_to_a_missing_layout_lists_the_choices(rich) -> None:
    plan, own_pack = rich
    mapped = dataclasses.replace(
        own_pack, deck={**own_pack.deck, "layouts": {"swot": "Quad"}}
    )
    with pytest.raises(TemplateError, match="(?s)names layout 'Quad'.*'Title'"):
        deck_of(plan, own_pack, Audience.CLIENT, deck_pack=mapped)


def test_layout_mapping_picks_the_named_layout(rich) -> None:
    plan, own_pack = rich
    mapped = dataclasses.replace(
        own_pack, deck={**own_pack.deck, "layouts": {"swot": "Market"}}
    )
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT, deck_pack=mapped)
    swot = deck.slides[titles(deck).index("SWOT")]
    assert swot.slide_layout.name == "Market"


def test_default_template_takes_the_pack_brand(rich) -> None:
    plan, own_pack = rich
    brand = dataclasses.replace(
        own_pack.brand,
        colors={**own_pack.brand.colors, "primary": "AA0033"},
        heading_font="Georgia",
    )
    branded = dataclasses.replace(own_pack, brand=brand)
    deck, content = deck_of(plan, own_pack, Audience.CLIENT, deck_pack=branded)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        master = package.read("ppt/slideMasters/slideMaster1.xml").decode()
    assert 'val="AA0033"' in master and 'typeface="Georgia"' in master
    assert 'val="1F3A5F"' not in master
    assert isinstance(brand, Brand)


def test_a_file_that_is_not_a_template_is_refused(rich, tmp_path: Path) -> None:
    bad = tmp_path / "notes.pptx"
    bad.write_text("not a deck")
    plan, own_pack = rich
    with pytest.raises(TemplateError, match="notes.pptx: not a PowerPoint template"):
        deck_of(plan, own_pack, Audience.CLIENT, template=bad)


def _damaged_template(tmp_path: Path, part: str, change) -> Path:
    """The default template with one package part changed (``None`` drops it)."""
    source = zipfile.ZipFile(default_template())
    path = tmp_path / "brand.pptx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                data = change(data)
                if data is None:
                    continue
            target.writestr(info, data)
    return path


@pytest.mark.parametrize(
    ("part", "change"),
    [
        ("ppt/slideLayouts/slideLayout12.xml", lambda data: data[: len(data) // 2]),
        ("ppt/presentation.xml", lambda data: data[:-40]),
        ("ppt/slideMasters/slideMaster1.xml", lambda data: None),
        ("ppt/theme/theme1.xml", lambda data: data[: len(data) // 2]),
        (
            "ppt/presentation.xml",
            lambda data: re.sub(
                rb'<p:sldSz cx="\d+" cy="\d+"', b'<p:sldSz cx="0" cy="0"', data
            ),
        ),
        ("ppt/slideLayouts/_rels/slideLayout12.xml.rels", lambda data: None),
    ],
    ids=[
        "a layout cut short",
        "presentation cut short",
        "no master",
        "a theme cut short",
        "no slide size",
        "a layout without its master",
    ],
)
def test_a_damaged_template_is_named_before_rendering(
    rich, tmp_path: Path, part, change
) -> None:
    template = _damaged_template(tmp_path, part, change)
    plan, own_pack = rich
    with pytest.raises(TemplateError, match="brand.pptx: not a PowerPoint template"):
        deck_of(plan, own_pack, Audience.CLIENT, template=template)


@pytest.mark.skipif(not CORPUS_TEMPLATES, reason="../shared/corpus is absent")
def test_every_sample_plan_renders_on_every_template(
    pack: Pack, tmp_path: Path
) -> None:
    templates = [None, *CORPUS_TEMPLATES]
    for stem, raw in sample_plans(pack).items():
        plan, own_pack = read_back(plan_file(pack, raw, tmp_path, stem))
        for template in templates:
            deck, _ = deck_of(plan, own_pack, Audience.CLIENT, template=template)
            assert titles(deck)[0] == plan.value("plan", "account_name"), (
                stem,
                template,
            )
            assert len(deck.slides) >= 2, (stem, template)


def _drawn_title_colour(slide) -> str:
    """The colour of the slide's first drawn text (its title when no placeholder holds it)."""
    for shape in slide.shapes:
        if shape.has_text_frame and shape.text_frame.text.strip():
            return str(shape.text_frame.paragraphs[0].runs[0].font.color.rgb)
    raise AssertionError("slide has no text")


def test_contrast_follows_wcag() -> None:
    assert contrast("000000", "FFFFFF") == pytest.approx(21.0)
    assert contrast("1F3A5F", "1F3A5F") == pytest.approx(1.0)
    assert contrast("1F3A5F", "8031A7") < LARGE_TEXT_CONTRAST  # navy on purple
    assert contrast("FFFFFF", "8031A7") >= LARGE_TEXT_CONTRAST


def _banded_template(tmp_path: Path, colour: str) -> Path:
    """A template whose title-less layout paints a band of ``colour`` where titles go."""
    deck = Presentation()
    layout = next(layout for layout in deck.slide_layouts if layout.name == "Blank")
    for other in [layout_ for layout_ in deck.slide_layouts if layout_ is not layout]:
        deck.slide_layouts.remove(other)
    scratch = deck.slides.add_slide(layout)
    band = scratch.shapes.add_shape(1, 0, 0, deck.slide_width, Inches(1.3))
    band.fill.solid()
    band.fill.fore_color.rgb = RGBColor.from_string(colour)
    layout.shapes._spTree.append(band._element)
    path = tmp_path / f"band-{colour}.pptx"
    deck.save(str(path))
    return path


@pytest.mark.parametrize(
    ("band", "expected"), [("1F2A44", "FFFFFF"), ("FFFFFF", "1F3A5F")]
)
def test_a_drawn_title_stands_out_from_the_band_behind_it(
    rich, tmp_path: Path, band: str, expected: str
) -> None:
    """Brand navy on a dark band turns white; on a white band it stays navy."""
    plan, own_pack = rich
    deck, _ = deck_of(
        plan, own_pack, Audience.INTERNAL, template=_banded_template(tmp_path, band)
    )
    slide = deck.slides[2]  # after the title slide and the agenda
    assert _drawn_title_colour(slide) == expected


@pytest.mark.skipif(not CORPUS_TEMPLATES, reason="../shared/corpus is absent")
def test_drawn_titles_read_on_a_real_template_band(rich) -> None:
    """The Antwerp template paints a purple band under the title and has no title placeholder."""
    template = CORPUS / "pptx" / "brand__antwerpen_2masters.pptx"
    plan, own_pack = rich
    deck, _ = deck_of(plan, own_pack, Audience.INTERNAL, template=template)
    banded = 0
    for slide in list(deck.slides)[1:]:
        backdrop = backdrop_colour(slide, 40, 40)
        if backdrop is not None:
            banded += 1
            colour = _drawn_title_colour(slide)
            assert contrast(colour, backdrop) >= LARGE_TEXT_CONTRAST
    assert banded >= 10
