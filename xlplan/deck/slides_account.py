"""Slides about the account: summary, snapshot, people, priorities, SWOT, market, value.

Each builder takes the deck data and the narrative environment and returns
its slides, none when its section has nothing the audience may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from xlplan.deck.audience import DeckData
from xlplan.deck.blocks import (
    OrgMap,
    Paragraphs,
    Person,
    Quadrants,
    Slide,
    Table,
    Tiles,
    clean_text,
    format_value,
)
from xlplan.deck.narrative import render_narrative
from xlplan.model.plan import Row

TOP_OBJECTIVES = 5
_QUOTES = '"“”'


def summary(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    text = render_narrative("summary", env["narrative"], env["context"])
    paragraphs = [text] if text else []
    goal = clean_text(data.value("headline_goal"))
    blocks: list[Any] = []
    if goal:
        paragraphs.insert(0, goal)
    if data.internal:
        internal = render_narrative(
            "internal_summary", env["narrative"], env["context"]
        )
        if internal:
            paragraphs.append(internal)
    if not paragraphs:
        return []
    blocks.append(Paragraphs(tuple(paragraphs)))
    if data.internal:
        blocks.append(_internal_tiles(data))
    return [Slide("summary", "Executive summary", tuple(blocks))]


def _internal_tiles(data: DeckData) -> Tiles:
    figures = data.figures
    health = figures.get("health")
    items = [
        ("Tier", format_value(data.value("account_tier")) or "–"),
        (
            "Health",
            f"{health:.0f} · {figures.get('health_band')}"
            if health is not None
            else "–",
        ),
        ("Weakest", format_value(figures.get("health_weakest")) or "–"),
        ("Completeness", f"{figures.get('completeness', 0):.0f}%"),
        ("Flags", ", ".join(figures.get("flags") or []) or "None"),
    ]
    position = figures.get("portfolio") or {}
    if position.get("found"):
        share = position.get("revenue_share")
        shown = f" · {share * 100:.0f}% of revenue" if isinstance(share, float) else ""
        items.append(
            ("Portfolio", f"#{position['revenue_rank']} of {position['n']}{shown}")
        )
    return Tiles(tuple(items))


_SNAPSHOT_FIELDS = (
    ("industry", "Industry", ""),
    ("hq_location", "Headquarters", ""),
    ("geographic_spread", "Footprint", ""),
    ("employees", "Employees", "int"),
    ("year_founded", "Founded", "year"),
    ("client_since", "Client since", "date"),
)
_INTERNAL_SNAPSHOT = (
    ("revenue_current", "Revenue", "money"),
    ("revenue_target", "Revenue target", "money"),
    ("share_of_wallet", "Share of wallet", "pct"),
    ("relationship_strength", "Relationship", ""),
)


def snapshot(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    items = _tile_items(data, _SNAPSHOT_FIELDS)
    if data.internal:
        items += _tile_items(data, _INTERNAL_SNAPSHOT)
        pipeline = data.figures.get("pipeline")
        if pipeline:
            items.append(("Open pipeline", _money(data, pipeline)))
    if not items:
        return []
    blocks: list[Any] = [Tiles(tuple(items))]
    for name in ("mission_and_strategy", "highest_current_priority"):
        text = clean_text(data.value(name))
        if text:
            quote = text.strip(_QUOTES)
            blocks = [Tiles(tuple(items)), Paragraphs((f"“{quote}”",))]
            break
    stacked = (1.0, 1.0) if len(blocks) == 2 else None
    return [
        Slide("snapshot", "Account snapshot", tuple(blocks), extra={"stacked": stacked})
    ]


def _money(data: DeckData, value: Any) -> str:
    """Money with the plan's currency code in front (internal decks know it)."""
    currency = data.value("currency")
    shown = format_value(value, "money")
    return f"{currency} {shown}" if currency else shown


def _tile_items(
    data: DeckData, fields: Sequence[tuple[str, str, str]]
) -> list[tuple[str, str]]:
    items = []
    for name, label, kind in fields:
        value = data.value(name)
        if value is None or value == "":
            continue
        if kind == "year" and isinstance(value, (int, float)):
            shown = f"{value:.0f}"
        elif kind == "date" and isinstance(value, dt.date):
            shown = f"{value:%Y}"
        elif kind == "money":
            shown = _money(data, value)
        else:
            shown = format_value(value, kind)
        items.append((label, shown))
    return items


def people(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    if data.internal:
        return _people_internal(data)
    actions = data.table("actions")
    theirs = _names_on(actions, "outside_stakeholders")
    ours = _names_on(actions, "responsible")
    rows = [
        (
            clean_text(r.get("name")),
            clean_text(r.get("title")),
            f"{data.value('account_name') or 'Client'}",
        )
        for r in data.table("stakeholders")
        if r.get("name") in theirs
    ]
    rows += [
        (clean_text(r.get("name")), clean_text(r.get("title")), data.company)
        for r in data.table("team")
        if r.get("name") in ours
    ]
    if not rows:
        return []
    table = Table(("Name", "Title", "Organisation"), tuple(rows), (3, 4, 3))
    return [Slide("people", "Who is involved", (table,))]


def _names_on(rows: Sequence[Row], field: str) -> set[str]:
    names: set[str] = set()
    for row in rows:
        value = row.get(field)
        items = value if isinstance(value, (list, tuple)) else [value]
        names.update(str(v).strip() for v in items if v)
    return names


def _people_internal(data: DeckData) -> list[Slide]:
    people = data.table("stakeholders")
    if not people:
        return []
    rows, tones = [], []
    for r in people:
        roles = [
            label
            for flag, label in (
                ("is_economic_buyer", "Economic buyer"),
                ("is_champion", "Champion"),
                ("is_client_sponsor", "Sponsor"),
            )
            if r.get(flag)
        ]
        rows.append(
            (
                clean_text(r.get("name")),
                clean_text(r.get("title")),
                ", ".join(roles) or format_value(r.get("buying_role")),
                format_value(r.get("influence_level")),
                format_value(r.get("relationship_status")),
                format_value(r.get("our_connector")),
            )
        )
        tones.append(_relationship_tone(data, r))
    table = Table(
        ("Name", "Title", "Role", "Influence", "Relationship", "Our connector"),
        tuple(rows),
        (3, 4, 3, 2, 2.4, 2.6),
        tuple(tones),
        4,
    )
    slides = [Slide("people", "Who is involved", (table,))]
    slides.append(_map_slide(data, people))
    return slides


def _relationship_tone(data: DeckData, row: Row) -> str:
    status = row.get("relationship_status")
    return (
        data.tone("stakeholders", "relationship_status", status) if status else "muted"
    )


def _map_slide(data: DeckData, people: Sequence[Row]) -> Slide:
    names = {str(r.get("name")) for r in people}
    persons = []
    for r in people:
        boss = r.get("reports_to")
        role = (
            "EB"
            if r.get("is_economic_buyer")
            else "Champion"
            if r.get("is_champion")
            else ""
        )
        persons.append(
            Person(
                name=clean_text(r.get("name")),
                title=clean_text(r.get("title")),
                reports_to=str(boss) if boss and str(boss) in names else None,
                tone=_relationship_tone(data, r),
                role=role or format_value(r.get("buying_role")),
            )
        )
    legend = (
        ("good", "Mentor / Supporter"),
        ("warn", "Neutral"),
        ("bad", "Non-supporter / Opponent"),
        ("muted", "Not assessed"),
    )
    return Slide("map", "Relationship map", (OrgMap(tuple(persons), legend),))


def priorities(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    objectives = sorted(
        data.table("objectives"),
        key=lambda r: (
            not r.get("validated_with_client"),
            r.get("priority_rank") is None,
            r.get("priority_rank") or 0,
        ),
    )[:TOP_OBJECTIVES]
    if not objectives:
        return []
    rows = tuple(
        (
            format_value(r.get("priority_rank")),
            clean_text(r.get("title")),
            clean_text(r.get("why_important") or r.get("description")),
            clean_text(r.get("success_measure")),
            format_value(r.get("target_date")),
        )
        for r in objectives
    )
    table = Table(
        ("#", "Priority", "Why it matters", "Success measure", "By"),
        rows,
        (0.6, 3, 5, 3.4, 1.8),
    )
    return [Slide("priorities", "Your priorities", (table,))]


_QUADRANTS = ("Strength", "Weakness", "Opportunity", "Threat")
_QUADRANT_HEADINGS = {
    "Strength": "Strengths",
    "Weakness": "Weaknesses",
    "Opportunity": "Opportunities",
    "Threat": "Threats",
}


def swot(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    items = data.table("swot")
    if not items:
        return []
    cells = []
    for quadrant in _QUADRANTS:
        mine = sorted(
            (r for r in items if r.get("quadrant") == quadrant),
            key=lambda r: (r.get("rank") is None, r.get("rank") or 0),
        )
        cells.append(
            (
                _QUADRANT_HEADINGS[quadrant],
                tuple(clean_text(r.get("text")) for r in mine),
            )
        )
    return [Slide("swot", "SWOT", (Quadrants(tuple(cells)),))]


def market(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    forces = [r for r in data.table("five_forces") if r.get("client_position")]
    competitors = data.table("competitors")
    blocks: list[Any] = []
    if forces:
        rows = tuple(
            (clean_text(r.get("force")), format_value(r.get("client_position")))
            for r in forces
        )
        tones = tuple(
            data.tone("five_forces", "client_position", r.get("client_position"))
            for r in forces
        )
        blocks.append(Table(("Force", "Client position"), rows, (3, 2), tones, 1))
    if competitors:
        columns = ["Competitor", "Offerings"]
        if data.internal:
            columns += ["Perspective", "Threat"]
        rows2 = []
        for r in competitors:
            row = [clean_text(r.get("name")), clean_text(r.get("offerings"))]
            if data.internal:
                row += [
                    format_value(r.get("perspective")),
                    format_value(r.get("threat_level")),
                ]
            rows2.append(tuple(row))
        blocks.append(Table(tuple(columns), tuple(rows2)))
    if not blocks:
        return []
    return [Slide("market", "Market", tuple(blocks))]


def value(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    blocks: list[Any] = []
    proposition = clean_text(data.value("value_proposition"))
    impacts = sorted(
        {
            str(r["impact_category"])
            for r in data.table("actions")
            if r.get("impact_category")
        }
    )
    paragraphs = [proposition] if proposition else []
    if impacts:
        paragraphs.append("Where the value shows: " + ", ".join(impacts).lower() + ".")
    if paragraphs:
        blocks.append(Paragraphs(tuple(paragraphs)))
    commitments = data.table("commitments")
    if commitments:
        rows = tuple(
            (
                clean_text(r.get("commitment")),
                clean_text(r.get("metric")),
                clean_text(r.get("threshold")),
                clean_text(r.get("latest_actual")),
                format_value(r.get("met")),
            )
            for r in commitments
        )
        tones = tuple(
            data.tone("commitments", "met", r.get("met")) for r in commitments
        )
        blocks.append(
            Table(
                ("Commitment", "Metric", "Promised", "Latest", "Status"),
                rows,
                (4, 2.4, 2, 2, 1.6),
                tones,
                4,
            )
        )
    if not blocks:
        return []
    return [Slide("value", "How we add value", tuple(blocks))]
