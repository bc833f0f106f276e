"""Plan health (DOMAIN.md 4.4): is the account work going well?

Six components score 0-1 each; health is the rounded weighted sum, for Active
and Under review plans only. The weakest component is the one that loses most
points (weight x (1 - score)), ties going to the first in table order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xlplan.core import figures
from xlplan.core import rows as row_rules
from xlplan.core.excel import excel_round, quote
from xlplan.core.refs import Refs
from xlplan.core.rules import Rules
from xlplan.model.plan import Plan

COMPONENT_TITLES = {
    "freshness": "Freshness",
    "action_discipline": "Action discipline",
    "stakeholder_coverage": "Stakeholder coverage",
    "goal_progress": "Goal progress",
    "risk_control": "Risk control",
    "relationship": "Relationship",
}


@dataclass(frozen=True)
class Health:
    """Health 0-100 (``None`` for a plan not scored), band and components."""

    score: int | None
    band: str | None
    weakest: str | None
    components: tuple[tuple[str, float], ...]


def freshness(plan: Plan, rules: Rules) -> float:
    """1 when reviewed on time, 0.5 within one more interval, else 0."""
    due = figures.next_review_due(plan, rules)
    if due is None:
        return 0.0
    if plan.as_of <= due:
        return 1.0
    grace = row_rules.next_interval(due, plan.value("plan", "review_cadence"), rules)
    return 0.5 if plan.as_of <= grace else 0.0


def freshness_formula(r: Refs, rules: Rules) -> str:
    due = r.name("next_review_due")
    grace = figures._interval_formula(due, r, rules)
    return f"IF(NOT(ISNUMBER({due})),0,IF(as_of<={due},1,IF(as_of<={grace},0.5,0)))"


def action_discipline(plan: Plan, rules: Rules) -> float:
    """``1 - overdue / open``; 1 when every action is closed, 0 with no action."""
    actions = [
        row for row in plan.rows("actions") if row.get("action_step") is not None
    ]
    if not actions:
        return 0.0
    open_count = figures.open_actions(plan, rules)
    if open_count == 0:
        return 1.0
    return 1 - figures.overdue_actions(plan, rules) / open_count


def action_discipline_formula(r: Refs, rules: Rules) -> str:
    count = f'COUNTIF({r.col("actions", "action_step")},"<>")'
    open_ = figures.open_actions_formula(r, rules)
    overdue = figures.overdue_actions_formula(r, rules)
    return f"IF({count}=0,0,IF({open_}=0,1,1-{overdue}/{open_}))"


def stakeholder_coverage(plan: Plan, rules: Rules) -> float:
    """A third each: engaged economic buyer, engaged champion, enough engaged contacts."""
    engaged = figures.engaged_contacts(plan, rules)
    contacts = (
        1.0
        if engaged >= rules.engaged_full
        else 0.5
        if engaged >= rules.engaged_half
        else 0.0
    )
    buyer = 1.0 if figures.has_economic_buyer(plan, rules) else 0.0
    champion = 1.0 if figures.has_champion(plan, rules) else 0.0
    return (buyer + champion + contacts) / 3


def stakeholder_coverage_formula(r: Refs, rules: Rules) -> str:
    engaged = figures.engaged_contacts_formula(r, rules)
    contacts = f"IF({engaged}>={rules.engaged_full},1,IF({engaged}>={rules.engaged_half},0.5,0))"
    buyer = f"IF({figures.has_economic_buyer_formula(r, rules)},1,0)"
    champion = f"IF({figures.has_champion_formula(r, rules)},1,0)"
    return f"({buyer}+{champion}+{contacts})/3"


def goal_progress(plan: Plan, rules: Rules) -> float:
    """On-track goals over goals; 0 with no goal."""
    goals = [row for row in plan.rows("goals") if row.get("title") is not None]
    if not goals:
        return 0.0
    return sum(1 for row in goals if row_rules.on_track(row, plan) is True) / len(goals)


def goal_progress_formula(r: Refs, rules: Rules) -> str:
    title, on_track = r.col("goals", "title"), r.col("goals", "on_track")
    count = f'COUNTIF({title},"<>")'
    return f'IF({count}=0,0,COUNTIFS({title},"<>",{on_track},TRUE)/{count})'


def risk_control(plan: Plan, rules: Rules) -> float:
    """1 with no open High risk; 0.5 when each has owner and mitigation; else 0."""
    risks = figures._open_high(plan, rules)
    if not risks:
        return 1.0
    handled = all(
        row.get("owner") is not None and row.get("mitigation") is not None
        for row in risks
    )
    return 0.5 if handled else 0.0


def risk_control_formula(r: Refs, rules: Rules) -> str:
    high = figures.open_high_risks_formula(r, rules)
    c = lambda f: r.col("risks", f)  # noqa: E731
    handled = (
        f'COUNTIFS({c("status")},"<>Closed",{c("severity")},{quote(rules.lists["level"][0])},'
        f'{c("owner")},"<>",{c("mitigation")},"<>")'
    )
    return f"IF({high}=0,1,IF({handled}={high},0.5,0))"


def relationship(plan: Plan, rules: Rules) -> float:
    """Position of the relationship strength in its list, worst 0 to best 1."""
    values = rules.lists["relationship_strength"]
    strength = plan.value("profile", "relationship_strength")
    if strength not in values or len(values) < 2:
        return 0.0
    return values.index(strength) / (len(values) - 1)


def relationship_formula(r: Refs, rules: Rules) -> str:
    listed = r.list_range("relationship_strength")
    strength = r.name("relationship_strength")
    return f"IFERROR((MATCH({strength},{listed},0)-1)/(COUNTA({listed})-1),0)"


COMPONENTS: dict[
    str, tuple[Callable[[Plan, Rules], float], Callable[[Refs, Rules], str]]
] = {
    "freshness": (freshness, freshness_formula),
    "action_discipline": (action_discipline, action_discipline_formula),
    "stakeholder_coverage": (stakeholder_coverage, stakeholder_coverage_formula),
    "goal_progress": (goal_progress, goal_progress_formula),
    "risk_control": (risk_control, risk_control_formula),
    "relationship": (relationship, relationship_formula),
}


def is_scored(plan: Plan, rules: Rules) -> bool:
    """Health applies to plans in a scored status (Active, Under review)."""
    return plan.value("plan", "plan_status") in rules.health_statuses


# The plan sections each component reads: a component changes only with them.
COMPONENT_READS: dict[str, tuple[str, ...]] = {
    "freshness": ("plan", "reviews"),
    "action_discipline": ("actions",),
    "stakeholder_coverage": ("stakeholders",),
    "goal_progress": ("plan", "goals"),
    "risk_control": ("risks",),
    "relationship": ("profile",),
}


def score_health(plan: Plan, rules: Rules) -> Health:
    """Health with band and weakest component; blank score for other statuses."""
    components = tuple(
        (key, compute(plan, rules)) for key, (compute, _) in COMPONENTS.items()
    )
    return health_of(plan, rules, components)


def health_of(
    plan: Plan, rules: Rules, components: tuple[tuple[str, float], ...]
) -> Health:
    """Health from the scores of its components, in ``COMPONENTS`` order."""
    if not is_scored(plan, rules):
        return Health(None, None, None, components)
    total = 0.0
    for key, value in components:
        total += rules.health_weights.get(key, 0.0) * value
    score = int(excel_round(total))
    losses = [
        rules.health_weights.get(key, 0.0) * (1 - value) for key, value in components
    ]
    weakest = COMPONENT_TITLES[components[losses.index(max(losses))][0]]
    return Health(score, rules.band(score), weakest, components)


def health_formula(score_cells: dict[str, str], r: Refs, rules: Rules) -> str:
    """The health cell: weighted sum of the component cells, for scored statuses."""
    status = r.name("plan_status")
    scored = ",".join(f"{status}={quote(s)}" for s in rules.health_statuses)
    total = "+".join(
        f"{rules.health_weights.get(k, 0.0)!r}*{cell}"
        for k, cell in score_cells.items()
    )
    return f'IF(OR({scored}),ROUND({total},0),"")'


def points_lost_formula(key: str, score_cell: str, rules: Rules) -> str:
    """Points a component loses: ``weight x (1 - score)``."""
    return f"{rules.health_weights.get(key, 0.0)!r}*(1-{score_cell})"


def band_formula(r: Refs, rules: Rules) -> str:
    health = r.name("health")
    formula = quote(rules.health_bands[-1][0])
    for name, floor in reversed(rules.health_bands[:-1]):
        formula = f"IF({health}>={floor!r},{quote(name)},{formula})"
    return f'IF(ISNUMBER({health}),{formula},"")'


def weakest_formula(names_range: str, lost_range: str, r: Refs) -> str:
    health = r.name("health")
    return f'IF(ISNUMBER({health}),INDEX({names_range},MATCH(MAX({lost_range}),{lost_range},0)),"")'
