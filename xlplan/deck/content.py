"""The slides of a plan deck, as content blocks, in DOMAIN.md 5.3 order.

Each builder reads only what ``DeckData`` lets its audience see and returns
no slide when its section is empty, so an empty section never leaves a blank
slide behind. The agenda is written last, from the slides that made it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from xlplan.deck.audience import DeckData
from xlplan.deck.blocks import (
    Chart,
    Milestone,
    OrgMap,
    Paragraphs,
    Person,
    Quadrants,
    Slide,
    Table,
    Tiles,
    Timeline,
    clean_text,
    format_value,
    long_date,
)
from xlplan.deck.narrative import render_narrative
from xlplan.model.plan import Row

TIMELINE_DAYS = 90
TIMELINE_PER_SLIDE = 8
TOP_OBJECTIVES = 5
_QUOTES = '"“”'
AGENDA_COLUMN = 8  # agenda items before a second column
CLOSED_PROGRESS = ("Done", "Cancelled")

Builder = Callable[[DeckData, Mapping[str, Any]], "list[Slide]"]


def build_slides(
    data: DeckData, narrative: Mapping[str, Any], context: Mapping[str, Any]
) -> list[Slide]:
    """Every slide of the deck, title and agenda first."""
    body: list[Slide] = []
    for builder in BODY:
        body.extend(builder(data, {"narrative": narrative, "context": context}))
    body = [_compact(slide) for slide in body]
    opening = [_title(data)]
    agenda = _agenda(body)
    if agenda:
        opening.append(agenda)
    return opening + body


def _compact(slide: Slide) -> Slide:
    """The slide with table columns that are blank in every row left out."""
    blocks = tuple(
        b.without_blank_columns() if isinstance(b, Table) else b for b in slide.blocks
    )
    return dataclasses.replace(slide, blocks=blocks)


def _title(data: DeckData) -> Slide:
    account = data.value("account_name") or "Account plan"
    period = _period(data)
    subtitle = " · ".join(
        p for p in (f"Account plan {period}".strip(), data.company) if p
    )
    return Slide(
        "title",
        clean_text(account),
        subtitle=subtitle,
        extra={
            "goal": clean_text(data.value("headline_goal")),
            "date": long_date(data.as_of),
        },
    )


def _period(data: DeckData) -> str:
    start, end = data.value("period_start"), data.value("period_end")
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        return f"{start:%b %Y} – {end:%b %Y}"
    return ""


def _agenda(body: Sequence[Slide]) -> Slide | None:
    titles: list[str] = []
    for slide in body:
        if slide.kind not in ("agenda", "next_steps") and slide.title not in titles:
            titles.append(slide.title)
    if len(titles) < 3:
        return None
    numbered = [f"{index:02d}   {title}" for index, title in enumerate(titles, start=1)]
    if len(numbered) <= AGENDA_COLUMN:
        return Slide("agenda", "Agenda", (Paragraphs(tuple(numbered)),))
    half = (len(numbered) + 1) // 2
    columns = (Paragraphs(tuple(numbered[:half])), Paragraphs(tuple(numbered[half:])))
    return Slide("agenda", "Agenda", columns)


def _summary(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
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


def _snapshot(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    items = _tile_items(data, _SNAPSHOT_FIELDS)
    if data.internal:
        items += _tile_items(data, _INTERNAL_SNAPSHOT)
        pipeline = data.figures.get("pipeline")
        if pipeline:
            items.append(("Open pipeline", format_value(pipeline, "money")))
    if not items:
        return []
    blocks: list[Any] = [Tiles(tuple(items))]
    for name in ("mission_and_strategy", "highest_current_priority"):
        text = clean_text(data.value(name))
        if text:
            quote = text.strip(_QUOTES)
            blocks = [Tiles(tuple(items)), Paragraphs((f"“{quote}”",))]
            break
    stacked = (2.0, 1.0) if len(blocks) == 2 else None
    return [
        Slide("snapshot", "Account snapshot", tuple(blocks), extra={"stacked": stacked})
    ]


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
        else:
            shown = format_value(value, kind)
        items.append((label, shown))
    return items


def _people(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
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
        tones.append(_tone(r.get("relationship_status")))
    table = Table(
        ("Name", "Title", "Role", "Influence", "Relationship", "Our connector"),
        tuple(rows),
        (3, 4, 3, 2, 2.4, 2.6),
        tuple(tones),
        4,
    )
    slides = [Slide("people", "Who is involved", (table,))]
    slides.append(_map_slide(people))
    return slides


_TONES = {
    "Mentor": "good",
    "Supporter": "good",
    "Neutral": "warn",
    "Non-supporter": "bad",
    "Opponent": "bad",
}


def _tone(status: Any) -> str:
    return _TONES.get(str(status), "") if status else "muted"


def _map_slide(people: Sequence[Row]) -> Slide:
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
                tone=_tone(r.get("relationship_status")),
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


def _priorities(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
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


def _swot(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
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


def _market(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    forces = [r for r in data.table("five_forces") if r.get("client_position")]
    competitors = data.table("competitors")
    blocks: list[Any] = []
    if forces:
        rows = tuple(
            (clean_text(r.get("force")), format_value(r.get("client_position")))
            for r in forces
        )
        tones = tuple(
            _POSITION_TONES.get(str(r.get("client_position")), "") for r in forces
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


_POSITION_TONES = {"Advantage": "good", "Neutral": "warn", "Disadvantage": "bad"}


def _value(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
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
        tones = tuple(_MET_TONES.get(str(r.get("met")), "") for r in commitments)
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


_MET_TONES = {"Met": "good", "Missed": "bad"}


def _goals(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    goals, kpis = data.table("goals"), data.table("kpis")
    slides: list[Slide] = []
    if goals:
        rows = tuple(
            (
                clean_text(r.get("title")),
                format_value(r.get("metric")),
                _measure(r.get("baseline"), r.get("unit")),
                _measure(r.get("target"), r.get("unit")),
                _measure(r.get("actual"), r.get("unit")),
                format_value(r.get("attainment"), "pct"),
                format_value(r.get("due_date")),
            )
            for r in goals
        )
        table = Table(
            ("Goal", "Measure", "Baseline", "Target", "Actual", "Progress", "Due"),
            rows,
            (4.2, 2.2, 1.6, 1.6, 1.6, 1.5, 1.8),
        )
        slides.append(Slide("goals", "Goals", (table,)))
    chart = _kpi_chart(kpis)
    if chart is not None:
        slides.append(Slide("goals", "Goals and KPIs", (chart, _kpi_table(kpis))))
    return slides


def _measure(value: Any, unit: Any) -> str:
    if value is None:
        return ""
    if unit == "%":
        number = float(value)
        return f"{number * 100:.0f}%" if abs(number) <= 1.5 else f"{number:.0f}%"
    if unit == "money":
        return format_value(value, "money")
    return format_value(value)


def _latest_kpis(kpis: Sequence[Row]) -> list[Row]:
    """The latest period of each KPI, in first-seen order."""
    latest: dict[str, Row] = {}
    for row in kpis:
        name = str(row.get("kpi"))
        if name not in latest or str(row.get("period") or "") >= str(
            latest[name].get("period") or ""
        ):
            latest[name] = row
    return list(latest.values())


def _kpi_chart(kpis: Sequence[Row]) -> Chart | None:
    rows = [r for r in _latest_kpis(kpis) if r.get("target") is not None]
    if not rows:
        return None
    names = tuple(clean_text(r.get("kpi")) for r in rows)
    attainment = tuple(
        None if r.get("actual") is None else _share_of_target(r) for r in rows
    )
    return Chart(
        "Actual as % of target (latest period)",
        names,
        (("Target", tuple(1.0 for _ in rows)), ("Actual", attainment)),
        "0%",
    )


def _share_of_target(row: Row) -> float | None:
    target, actual = row.get("target"), row.get("actual")
    if not target or actual is None:
        return None
    if row.get("better") == "Lower":
        return float(target) / float(actual) if actual else None
    return float(actual) / float(target)


def _kpi_table(kpis: Sequence[Row]) -> Table:
    rows = tuple(
        (
            clean_text(r.get("kpi")),
            clean_text(r.get("period")),
            _measure(r.get("target"), r.get("unit")),
            _measure(r.get("actual"), r.get("unit")),
        )
        for r in _latest_kpis(kpis)
    )
    return Table(("KPI", "Period", "Target", "Actual"), rows, (3, 1.8, 1.6, 1.6))


def _opportunities(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    opportunities = data.table("opportunities")
    if not opportunities:
        return []
    if not data.internal:
        topics = tuple(clean_text(r.get("name")) for r in opportunities)
        return [
            Slide(
                "opportunities",
                "Ideas we would like to explore",
                (Paragraphs(topics, bullets=True),),
            )
        ]
    ordered = sorted(opportunities, key=lambda r: -(r.get("weighted_value") or 0))
    rows = tuple(
        (
            clean_text(r.get("name")),
            format_value(r.get("stage")),
            format_value(r.get("estimated_value"), "money"),
            format_value(r.get("probability"), "pct"),
            format_value(r.get("weighted_value"), "money"),
            format_value(r.get("meddpicc_score"), "pct"),
            format_value(r.get("expected_close")),
        )
        for r in ordered
    )
    table = Table(
        ("Opportunity", "Stage", "Value", "Prob.", "Weighted", "MEDDPICC", "Close"),
        rows,
        (4.4, 1.8, 1.5, 1.2, 1.6, 1.7, 1.8),
    )
    return [Slide("opportunities", "Pipeline", (table,))]


def _open(row: Row) -> bool:
    return row.get("progress") not in CLOSED_PROGRESS


def _timeline(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    end = data.as_of + dt.timedelta(days=TIMELINE_DAYS)
    items = [
        Milestone(
            r["due_date"],
            clean_text(r.get("action_step")),
            _owners(r),
            bool(r.get("is_milestone")),
        )
        for r in data.table("actions")
        if _open(r)
        and isinstance(r.get("due_date"), dt.date)
        and data.as_of <= r["due_date"] <= end
    ]
    if not items:
        return []
    items.sort(key=lambda m: m.day)
    return [
        Slide(
            "timeline",
            "The next 90 days",
            (Timeline(data.as_of, end, tuple(items[i : i + TIMELINE_PER_SLIDE])),),
            continued=i > 0,
        )
        for i in range(0, len(items), TIMELINE_PER_SLIDE)
    ]


def _owners(row: Row) -> str:
    parts: list[str] = []
    for field in ("responsible", "outside_stakeholders"):
        value = row.get(field)
        items = value if isinstance(value, (list, tuple)) else [value]
        parts.extend(clean_text(v) for v in items if v)
    return ", ".join(parts)


def _due_by(row: Row, day: dt.date) -> bool:
    """True for an action due on or before ``day`` (overdue ones included)."""
    due = row.get("due_date")
    return isinstance(due, dt.date) and due <= day


def _actions(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    actions = list(data.table("actions"))
    if not data.internal:
        horizon = data.as_of + dt.timedelta(days=TIMELINE_DAYS)
        actions = [r for r in actions if _open(r) and _due_by(r, horizon)]
    if not actions:
        return []
    far = dt.date.max
    actions.sort(
        key=lambda r: (not r.get("overdue"), not _open(r), r.get("due_date") or far)
    )
    columns = ["Action", "Owners", "Due", "Status", "Client agreement"]
    widths = [4.5, 3.2, 1.8, 1.8, 2]
    if data.internal:
        columns.append("Notes")
        widths.append(3.5)
    rows, tones = [], []
    for r in actions:
        status = (
            "Overdue"
            if r.get("overdue")
            else format_value(r.get("progress")) or "Not started"
        )
        row = [
            clean_text(r.get("action_step")),
            _owners(r),
            format_value(r.get("due_date")),
            status,
            format_value(r.get("acceptance")),
        ]
        if data.internal:
            row.append(clean_text(r.get("notes_constraints") or r.get("notes")))
        rows.append(tuple(row))
        tones.append(
            "bad"
            if r.get("overdue")
            else _PROGRESS_TONES.get(str(r.get("progress")), "")
        )
    table = Table(tuple(columns), tuple(rows), tuple(widths), tuple(tones), 3)
    return [Slide("actions", "Action plan", (table,))]


_PROGRESS_TONES = {"Done": "good", "Blocked": "bad", "Cancelled": "muted"}


def _risks(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    if not data.internal:
        return []
    risks = [r for r in data.table("risks") if r.get("status") != "Closed"]
    if not risks:
        return []
    order = {"High": 0, "Medium": 1, "Low": 2}
    risks.sort(key=lambda r: order.get(str(r.get("severity")), 3))
    rows = tuple(
        (
            clean_text(r.get("description")),
            format_value(r.get("severity")),
            clean_text(r.get("mitigation")),
            format_value(r.get("owner")),
            format_value(r.get("status")),
        )
        for r in risks
    )
    tones = tuple(
        {"High": "bad", "Medium": "warn", "Low": "good"}.get(str(r.get("severity")), "")
        for r in risks
    )
    blocks: list[Any] = [
        Table(
            ("Risk", "Severity", "Mitigation", "Owner", "Status"),
            rows,
            (4.5, 1.5, 4.5, 2, 1.6),
            tones,
            1,
        )
    ]
    score = data.figures.get("force_field_score")
    subtitle = (
        f"Force field score {score:+.0f}" if isinstance(score, (int, float)) else ""
    )
    return [Slide("risks", "Risks and mitigations", tuple(blocks), subtitle=subtitle)]


def _latest_review(data: DeckData) -> Row | None:
    reviews = [r for r in data.table("reviews") if isinstance(r.get("date"), dt.date)]
    return max(reviews, key=lambda r: r["date"]) if reviews else None


def _review(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    items: list[str] = []
    cadence = data.value("review_cadence") or "Monthly"
    items.append(f"Review cadence: {cadence}")
    due = data.value("next_review_due")
    if isinstance(due, dt.date) and due >= data.as_of:
        items.append(f"Next review: {long_date(due)}")
    elif isinstance(due, dt.date):
        overdue = f" (overdue since {long_date(due)})" if data.internal else ""
        items.append(f"Next review: to be scheduled{overdue}")
    latest = _latest_review(data)
    if latest:
        for field, label in (
            ("decisions_needed", "Decisions needed"),
            ("key_decision_makers", "Who decides"),
            ("successes", "What went well"),
            ("hurdles", "What got in the way"),
        ):
            text = clean_text(latest.get(field))
            if text:
                items.append(f"{label}: {text}")
    if data.internal:
        internal = [
            r
            for r in data.table("reviews")
            if r.get("review_type") in ("Internal account review", "Manager 1:1")
        ]
        if internal:
            last = max(internal, key=lambda r: r.get("date") or dt.date.min)
            note = clean_text(
                last.get("notes") or last.get("next_steps") or last.get("hurdles")
            )
            if note:
                items.append(
                    f"Latest internal review ({format_value(last.get('date'))}): {note}"
                )
    if len(items) == 1 and not latest:
        return []
    return [
        Slide(
            "review", "Review and decisions", (Paragraphs(tuple(items), bullets=True),)
        )
    ]


def _next_steps(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    latest = _latest_review(data)
    steps = (
        [clean_text(latest.get("next_steps"))]
        if latest and latest.get("next_steps")
        else []
    )
    upcoming = sorted(
        (
            r
            for r in data.table("actions")
            if _open(r)
            and isinstance(r.get("due_date"), dt.date)
            and r["due_date"] >= data.as_of
        ),
        key=lambda r: r["due_date"],
    )[:4]
    steps += [
        f"{clean_text(r.get('action_step'))} – by {long_date(r['due_date'])}"
        for r in upcoming
    ]
    if not steps:
        return []
    return [
        Slide("next_steps", "Next steps", (Paragraphs(tuple(steps), bullets=True),))
    ]


BODY: tuple[Builder, ...] = (
    _summary,
    _snapshot,
    _people,
    _priorities,
    _swot,
    _market,
    _value,
    _goals,
    _opportunities,
    _timeline,
    _actions,
    _risks,
    _review,
    _next_steps,
)
