"""The client deck shows only the allow-list; the internal deck shows everything."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deck.decks import (
    MARKER,
    deck_of,
    every_text,
    marker_plan,
    plan_file,
    read_back,
)
from xlplan.deck.audience import Audience, build_deck_data
from xlplan.model.pack import Audience as FieldAudience
from xlplan.model.pack import Pack

# DOMAIN.md 5.4: fields that never reach a client deck.
NEVER_FOR_CLIENTS = {
    "relationship_status",
    "influence_level",
    "contact_frequency",
    "days_since_contact",
    "engaged",
    "our_connector",
    "motivations",
    "progression_strategy",
    "key_selling_points",
    "buyer_sentiment",
    "relationship_strength",
    "relationship_perception",
    "account_health",
    "engagement_level",
    "financial_health",
    "account_tier",
    "key_account_score",
    "health",
    "completeness",
    "buying_role",
    "is_economic_buyer",
    "is_champion",
    "decision_criteria",
    "estimated_value",
    "probability",
    "weighted_value",
    "stage",
    "meddpicc_score",
    "pipeline",
    "win_rate",
    "revenue_target",
    "share_of_wallet",
    "estimated_wallet",
    "margin_pct",
    "gross_margin_pct",
    "cost_to_serve",
    "roi",
    "notes",
    "notes_constraints",
    "anticipated_objections",
    "threat_level",
    "handover_notes",
    "allocation_pct",
}


@pytest.fixture(scope="module")
def marked(pack: Pack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("marked")
    return plan_file(pack, marker_plan(pack), folder, "marked")


def test_default_pack_marks_no_never_field_for_clients(pack: Pack) -> None:
    client = {
        f.name
        for s in pack.sections
        for f in s.fields
        if f.audience is FieldAudience.CLIENT
    }
    assert not client & NEVER_FOR_CLIENTS
    assert not any(name.startswith("meddpicc") for name in client)


def test_client_deck_leaks_no_internal_marker(marked: Path) -> None:
    plan, own_pack = read_back(marked)
    _, content = deck_of(plan, own_pack, Audience.CLIENT)
    leaks = {
        (part, hit)
        for part, text in every_text(content)
        for hit in MARKER.findall(text)
    }
    assert leaks == set()


def test_internal_deck_shows_the_markers_the_client_deck_hides(marked: Path) -> None:
    plan, own_pack = read_back(marked)
    _, content = deck_of(plan, own_pack, Audience.INTERNAL)
    found = {hit for _, text in every_text(content) for hit in MARKER.findall(text)}
    for marker in (
        "MARKER-risk",
        "MARKER-our-competitor",
        "MARKER-relationship-swot",
        "MARKER-hidden-opportunity",
        "MARKER-revenue-goal",
    ):
        assert marker in found
    assert any(hit.startswith("MARKER-actions-notes") for hit in found)


def test_client_data_keeps_only_allowed_rows_and_columns(
    marked: Path, pack: Pack
) -> None:
    plan, own_pack = read_back(marked)
    data = build_deck_data(
        plan,
        own_pack,
        Audience.CLIENT,
        client_rows=pack.deck["client_rows"],
        company="Us",
    )
    assert "risks" not in data.rows and "force_field" not in data.rows
    assert all(not r.get("about_relationship") for r in data.table("swot"))
    assert set(data.table("stakeholders")[0]) == {"name", "title"}
    visible = [r for r in plan.rows("actions") if r.get("client_visible")]
    assert 0 < len(data.table("actions")) == len(visible) < len(plan.rows("actions"))
    goal_titles = {r["title"] for r in data.table("goals")}
    assert "MARKER-revenue-goal" not in goal_titles and goal_titles
    assert data.figures == {}


def test_a_section_without_a_client_rule_shows_the_client_nothing(
    marked: Path, pack: Pack
) -> None:
    plan, own_pack = read_back(marked)
    rules = {k: v for k, v in pack.deck["client_rows"].items() if k != "objectives"}
    data = build_deck_data(
        plan, own_pack, Audience.CLIENT, client_rows=rules, company="Us"
    )
    assert data.table("objectives") == ()
    full = build_deck_data(
        plan,
        own_pack,
        Audience.CLIENT,
        client_rows=pack.deck["client_rows"],
        company="Us",
    )
    assert full.table("objectives")
