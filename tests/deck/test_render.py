"""Decks reopened with python-pptx say what the plan says, and nothing overflows."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import AS_OF
from tests.deck.decks import (
    RICH_SAMPLE,
    deck_of,
    every_text,
    plan_file,
    read_back,
    tables,
    titles,
)
from tests.workbook.plans import sample_plans
from xlplan.core.rows import row_attainment
from xlplan.deck.audience import Audience
from xlplan.deck.narrative import DeckTemplateError
from xlplan.model.pack import Pack
from xlplan.workbook.inputs import PlanInput


@pytest.fixture(scope="module")
def rich(pack: Pack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = sample_plans(pack)[RICH_SAMPLE]
    return plan_file(pack, raw, tmp_path_factory.mktemp("rich"), RICH_SAMPLE)


def test_client_deck_has_the_client_slides_in_order(rich: Path) -> None:
    plan, own_pack = read_back(rich)
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT)
    shown = titles(deck)
    assert shown[0] == plan.value("plan", "account_name")
    expected = [
        "Agenda",
        "Executive summary",
        "Account snapshot",
        "Who is involved",
        "Your priorities",
        "SWOT",
        "Market",
        "How we add value",
        "Goals",
        "Goals and KPIs",
        "Ideas we would like to explore",
        "The next 90 days",
        "Action plan",
        "Review and decisions",
        "Next steps",
    ]
    assert [t for t in shown[1:] if not t.endswith("(continued)")] == expected
    assert "Risks and mitigations" not in shown and "Relationship map" not in shown


def test_internal_deck_adds_map_pipeline_and_risks(rich: Path) -> None:
    plan, own_pack = read_back(rich)
    deck, _ = deck_of(plan, own_pack, Audience.INTERNAL)
    shown = titles(deck)
    for title in ("Relationship map", "Pipeline", "Risks and mitigations"):
        assert title in shown


def test_priorities_table_holds_the_validated_objectives_first(rich: Path) -> None:
    plan, own_pack = read_back(rich)
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT)
    slide = deck.slides[titles(deck).index("Your priorities")]
    (table,) = tables(slide)
    objectives = sorted(
        plan.rows("objectives"),
        key=lambda r: (
            not r.get("validated_with_client"),
            r.get("priority_rank") or 99,
        ),
    )
    assert table[0] == ["#", "Priority", "Why it matters", "Success measure", "By"]
    assert [row[1] for row in table[1:]] == [r["title"] for r in objectives[:5]]


def test_kpi_chart_embeds_progress_to_target(rich: Path) -> None:
    plan, own_pack = read_back(rich)
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT)
    slide = deck.slides[titles(deck).index("Goals and KPIs")]
    chart = next(s.chart for s in slide.shapes if s.has_chart)
    progress = dict(zip(chart.plots[0].categories, chart.series[1].values, strict=True))
    hidden = (
        "Revenue growth",
        "Expansion revenue",
        "Win rate",
        "Share of wallet",
        "Churn",
    )
    visible = [
        r
        for r in plan.rows("kpis")
        if r.get("client_visible") and r["kpi"] not in hidden
    ]
    expected = {}
    for row in sorted(visible, key=lambda r: str(r.get("period"))):
        expected[row["kpi"]] = row_attainment(row)  # the latest period wins
    assert progress and set(progress) <= set(expected)
    for name, value in progress.items():
        assert value == pytest.approx(expected[name])
    assert chart.series[0].name == "Target" and set(chart.series[0].values) == {1.0}


def test_long_action_plan_continues_on_further_slides(
    pack: Pack, tmp_path: Path
) -> None:
    raw = copy.deepcopy(sample_plans(pack)[RICH_SAMPLE])
    base = raw.tables["actions"][0]
    raw.tables["actions"] = [
        base
        | {
            "action_step": f"Step {i:02d} " + "with a longer description " * (i % 4),
            "due_date": AS_OF + dt.timedelta(days=5 + i),
            "progress": "In progress",
            "outside_stakeholders": base.get("outside_stakeholders") or None,
            "client_visible": True,
        }
        for i in range(60)
    ]
    plan, own_pack = read_back(plan_file(pack, raw, tmp_path, "long"))
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT)
    shown = titles(deck)
    pages = [i for i, t in enumerate(shown) if t.startswith("Action plan")]
    assert len(pages) >= 3
    assert all(shown[i] == "Action plan (continued)" for i in pages[1:])
    rows = [row[0] for i in pages for row in tables(deck.slides[i])[0][1:]]
    assert rows == sorted(rows) and len(rows) == 60


def test_text_excel_breaks_with_a_vertical_tab_is_cleaned(
    pack: Pack, tmp_path: Path
) -> None:
    raw = copy.deepcopy(sample_plans(pack)[RICH_SAMPLE])
    raw.records["plan"]["value_proposition"] = "First line\x0bSecond line\x01"
    plan, own_pack = read_back(plan_file(pack, raw, tmp_path, "vt"))
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT)
    slide = deck.slides[titles(deck).index("How we add value")]
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    assert any("First line\nSecond line" in t for t in texts)


def test_text_too_long_for_its_box_is_shortened_and_kept_in_the_notes(
    pack: Pack, tmp_path: Path
) -> None:
    raw = copy.deepcopy(sample_plans(pack)[RICH_SAMPLE])
    story = " ".join(f"sentence {i} about the client's strategy." for i in range(400))
    raw.records["plan"]["value_proposition"] = story
    plan, own_pack = read_back(plan_file(pack, raw, tmp_path, "story"))
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT)
    slide = deck.slides[titles(deck).index("How we add value")]
    shown = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert "…" in shown and "sentence 399" not in shown
    assert "sentence 399" in slide.notes_slide.notes_text_frame.text


def test_an_empty_plan_gives_a_title_slide_and_no_blank_slides(
    pack: Pack, tmp_path: Path
) -> None:
    raw = PlanInput(records={"plan": {"account_name": "Empty Co"}}, as_of=AS_OF)
    plan, own_pack = read_back(plan_file(pack, raw, tmp_path, "empty"))
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT)
    for slide in list(deck.slides)[1:]:
        drawn = [s for s in slide.shapes if s != slide.shapes.title]
        assert len(drawn) > 2, titles(deck)
    assert titles(deck)[0] == "Empty Co"


def test_the_summary_narrative_comes_from_the_pack(rich: Path) -> None:
    plan, own_pack = read_back(rich)
    narrative = {
        "summary": "{{ plan.account_name }} and {{ company }}: {{ counts.actions }} steps."
    }
    reworded = dataclasses.replace(
        own_pack, deck={**own_pack.deck, "narrative": narrative}
    )
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT, deck_pack=reworded)
    slide = deck.slides[titles(deck).index("Executive summary")]
    text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    visible = sum(1 for r in plan.rows("actions") if r.get("client_visible"))
    expected = (
        f"{plan.value('plan', 'account_name')} and {own_pack.brand.company_name}: "
    )
    assert expected + f"{visible} steps." in text


def test_a_narrative_naming_an_unknown_field_says_where(rich: Path) -> None:
    plan, own_pack = read_back(rich)
    broken = dataclasses.replace(
        own_pack,
        deck={**own_pack.deck, "narrative": {"summary": "{{ plan.revenue_forecast }}"}},
    )
    with pytest.raises(DeckTemplateError, match="deck.yaml narrative 'summary'"):
        deck_of(plan, own_pack, Audience.CLIENT, deck_pack=broken)


def test_client_action_plan_covers_the_next_90_days(pack: Pack, tmp_path: Path) -> None:
    raw = copy.deepcopy(sample_plans(pack)[RICH_SAMPLE])
    raw.tables["actions"].append(
        {
            "action_step": "Far-off workshop",
            "due_date": AS_OF + dt.timedelta(days=200),
            "progress": "Not started",
            "client_visible": True,
        }
    )
    plan, own_pack = read_back(plan_file(pack, raw, tmp_path, "far"))

    def steps(audience: Audience) -> list[str]:
        deck, _ = deck_of(plan, own_pack, audience)
        shown = titles(deck)
        pages = [i for i, t in enumerate(shown) if t.startswith("Action plan")]
        return [row[0] for i in pages for row in tables(deck.slides[i])[0][1:]]

    assert "Far-off workshop" not in steps(Audience.CLIENT)
    assert "Far-off workshop" in steps(Audience.INTERNAL)


def test_an_open_action_past_its_date_reads_overdue_in_both_decks(
    pack: Pack, tmp_path: Path
) -> None:
    raw = copy.deepcopy(sample_plans(pack)[RICH_SAMPLE])
    raw.tables["actions"].append(
        {
            "action_step": "Missed steering call",
            "due_date": AS_OF - dt.timedelta(days=10),
            "progress": "Not started",
            "client_visible": True,
        }
    )
    plan, own_pack = read_back(plan_file(pack, raw, tmp_path, "late"))

    for audience in Audience:
        deck, _ = deck_of(plan, own_pack, audience)
        shown = titles(deck)
        slide = deck.slides[shown.index("Action plan")]
        header, *rows = tables(slide)[0]
        late = next(r for r in rows if r[0] == "Missed steering call")
        assert late[header.index("Status")] == "Overdue", audience
        assert rows[0][header.index("Status")] == "Overdue"  # overdue rows first


def test_a_large_organisation_map_names_who_it_leaves_out(
    pack: Pack, tmp_path: Path
) -> None:
    from tests.deck.test_pdf import _big_organisation

    raw = copy.deepcopy(sample_plans(pack)[RICH_SAMPLE])
    raw.tables["stakeholders"] = _big_organisation()
    plan, own_pack = read_back(plan_file(pack, raw, tmp_path, "big"))
    deck, _ = deck_of(plan, own_pack, Audience.INTERNAL)
    slide = deck.slides[titles(deck).index("Relationship map")]
    boxes = [s for s in slide.shapes if s.name.startswith("Stakeholder: ")]
    assert (
        len(boxes) == 1 + 8 + 8 + 2
    )  # chief, 8 of 12 directors, 8 of 9 managers, loop
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    assert f"19 of {len(plan.rows('stakeholders'))} people shown" in " ".join(texts)
    notes = slide.notes_slide.notes_text_frame.text
    assert "Director 11" in notes and "Manager 2.2" in notes
    assert "Director 0" not in notes and "Loop A" not in notes


def test_an_account_name_with_an_excel_line_break_renders_cleanly(
    pack: Pack, tmp_path: Path
) -> None:
    raw = copy.deepcopy(sample_plans(pack)[RICH_SAMPLE])
    raw.records["plan"]["account_name"] = "Halvorsen\x0bLogistics"
    plan, own_pack = read_back(plan_file(pack, raw, tmp_path, "vt"))
    for audience in Audience:
        deck, content = deck_of(plan, own_pack, audience)
        assert not [part for part, text in every_text(content) if "_x000B_" in text]
        footer = deck.slides[1].shapes[-2].text_frame.text
        assert "Halvorsen Logistics" in footer


def test_a_long_unbroken_token_is_cut_to_fit_and_kept_in_the_notes(
    pack: Pack, tmp_path: Path
) -> None:
    raw = copy.deepcopy(sample_plans(pack)[RICH_SAMPLE])
    token = "https://example.com/" + "x" * 10_000
    raw.records["plan"]["value_proposition"] = token
    plan, own_pack = read_back(plan_file(pack, raw, tmp_path, "token"))
    deck, _ = deck_of(plan, own_pack, Audience.CLIENT)
    slide = deck.slides[titles(deck).index("How we add value")]
    shown = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
    assert "https://example.com/xxx" in shown and token not in shown
    assert token in slide.notes_slide.notes_text_frame.text
