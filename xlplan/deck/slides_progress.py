"""Slides about progress: goals and KPIs, opportunities, the next 90 days,
the action plan, risks, review and next steps.

Each builder takes the deck data and the narrative environment and returns
its slides, none when its section has nothing the audience may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from xlplan.deck.audience import DeckData
from xlplan.deck.blocks import (
    Chart,
    Milestone,
    Paragraphs,
    Slide,
    Table,
    Timeline,
    clean_text,
    format_value,
    long_date,
)
from xlplan.model.plan import Row

TIMELINE_DAYS = 90
TIMELINE_PER_SLIDE = 8
CLOSED_PROGRESS = ("Done", "Cancelled")
CHART_FLOOR, CHART_CEILING = -1.0, 2.0  # KPI progress drawn from -100% to 200%


def goals(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
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
    """Progress to target of each KPI's latest period, DOMAIN.md's attainment.

    Attainment runs from the baseline (0%) to the target (100%), so a KPI
    where lower is better reads the same way as one where higher is.
    """
    rows = [r for r in _latest_kpis(kpis) if r.get("attainment") is not None]
    if not rows:
        return None
    values = [float(r["attainment"]) for r in rows]
    # A far-off KPI would squash every other bar: draw it at the scale's edge
    # and give its real figure in the category name.
    names = tuple(
        _kpi_name(r) + ("" if _on_scale(v) else f" ({v:.0%})")
        for r, v in zip(rows, values, strict=True)
    )
    progress = tuple(min(max(v, CHART_FLOOR), CHART_CEILING) for v in values)
    return Chart(
        "Progress from baseline to target (latest period)",
        names,
        (("Target", tuple(1.0 for _ in rows)), ("Progress", progress)),
        "0%",
    )


def _on_scale(value: float) -> bool:
    return CHART_FLOOR <= value <= CHART_CEILING


def _kpi_name(row: Row) -> str:
    name = clean_text(row.get("kpi"))
    return "Custom KPI" if name == "Custom" else name


def _kpi_table(kpis: Sequence[Row]) -> Table:
    rows = tuple(
        (
            _kpi_name(r),
            clean_text(r.get("period")),
            _measure(r.get("target"), r.get("unit")),
            _measure(r.get("actual"), r.get("unit")),
        )
        for r in _latest_kpis(kpis)
    )
    return Table(("KPI", "Period", "Target", "Actual"), rows, (3, 1.8, 1.6, 1.6))


def opportunities(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
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
    currency = data.value("currency")
    unit = f" ({currency})" if currency else ""
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
        (
            "Opportunity",
            "Stage",
            f"Value{unit}",
            "Prob.",
            f"Weighted{unit}",
            "MEDDPICC",
            "Close",
        ),
        rows,
        (4.4, 1.8, 1.5, 1.2, 1.6, 1.7, 1.8),
    )
    return [Slide("opportunities", "Pipeline", (table,))]


def _open(row: Row) -> bool:
    return row.get("progress") not in CLOSED_PROGRESS


def timeline(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
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


def _overdue(row: Row, as_of: dt.date) -> bool:
    """An open action past its due date, whether or not the deck shows the
    plan's own Overdue column (a client deck does not)."""
    if row.get("overdue") is not None:
        return bool(row.get("overdue"))
    due = row.get("due_date")
    return _open(row) and isinstance(due, dt.date) and due < as_of


def actions(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
    actions = list(data.table("actions"))
    if not data.internal:
        horizon = data.as_of + dt.timedelta(days=TIMELINE_DAYS)
        actions = [r for r in actions if _open(r) and _due_by(r, horizon)]
    if not actions:
        return []
    far = dt.date.max
    late = {id(r): _overdue(r, data.as_of) for r in actions}
    actions.sort(
        key=lambda r: (not late[id(r)], not _open(r), r.get("due_date") or far)
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
            if late[id(r)]
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
            if late[id(r)]
            else data.tone("actions", "progress", r.get("progress"))
        )
    table = Table(tuple(columns), tuple(rows), tuple(widths), tuple(tones), 3)
    return [Slide("actions", "Action plan", (table,))]


def risks(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
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
    tones = tuple(data.tone("risks", "severity", r.get("severity")) for r in risks)
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


def review(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
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


def next_steps(data: DeckData, env: Mapping[str, Any]) -> list[Slide]:
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
