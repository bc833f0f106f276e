"""Next best actions: a ranked list of what to do next on an account, each with
its reason.

Every candidate carries the points it is worth: for the health components
(DOMAIN.md 4.4) the health points it would win back, for the rest a fixed
weight below a health component's share. The list is sorted by points, ties
keeping the order below (late work first, then people, goals, risks, deals).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xlplan.core import figures, gaps, health
from xlplan.core import rows as row_rules
from xlplan.core.completeness import Completeness, score_completeness
from xlplan.core.rules import Rules
from xlplan.model.plan import Plan

RENEWAL_POINTS = 15.0
DEAL_POINTS = 4.0
WHITE_SPACE_POINTS = 2.0
COMPLETENESS_SHARE = 0.5  # a missing plan section weighs half its completeness points


@dataclass(frozen=True)
class NextAction:
    """One suggestion: what to do, why, and the points it is worth."""

    action: str
    reason: str
    points: float


def _weight(rules: Rules, component: str) -> float:
    return rules.health_weights.get(component, 0.0)


def _review(plan: Plan, rules: Rules) -> list[NextAction]:
    due = figures.next_review_due(plan, rules)
    lost = _weight(rules, "freshness") * (1 - health.freshness(plan, rules))
    if due is None or not lost:
        return []
    return [
        NextAction("Hold the account review and log it", f"due {due:%d %b %Y}", lost)
    ]


def _overdue(plan: Plan, rules: Rules) -> list[NextAction]:
    open_count = figures.open_actions(plan, rules)
    late = [r for r in plan.rows("actions") if row_rules.overdue(r, plan.as_of)]
    share = _weight(rules, "action_discipline") / open_count if open_count else 0.0
    return [
        NextAction(
            f"Finish or re-plan '{row['action_step']}'",
            f"overdue since {row['due_date']:%d %b %Y}",
            share,
        )
        for row in sorted(late, key=lambda r: r["due_date"])
    ]


def _people(found: list[gaps.Gap], rules: Rules) -> list[NextAction]:
    third = _weight(rules, "stakeholder_coverage") / 3
    actions = []
    for gap in found:
        points = third if gap.subject.startswith(("Economic", "Champion")) else 1.0
        if gap.subject == "Engaged contacts":
            points = third / 2
        actions.append(NextAction(f"Engage: {gap.subject}", gap.reason, points))
    return actions


def _goals(plan: Plan, rules: Rules) -> list[NextAction]:
    goals = [r for r in plan.rows("goals") if r.get("title") is not None]
    share = _weight(rules, "goal_progress") / len(goals) if goals else 0.0
    actions = []
    for row in goals:
        if row_rules.on_track(row, plan):
            continue
        value = row_rules.row_attainment(row)
        reason = "no actual recorded" if value is None else f"attainment {value:.0%}"
        actions.append(NextAction(f"Get goal '{row['title']}' on track", reason, share))
    return actions


def _risks(plan: Plan, rules: Rules) -> list[NextAction]:
    weight = _weight(rules, "risk_control")
    return [
        NextAction(
            f"Give risk '{row.get('description')}' an owner and a mitigation",
            "open High risk",
            weight / 2,
        )
        for row in figures._open_high(plan, rules)
        if row.get("owner") is None or row.get("mitigation") is None
    ]


def _renewal(plan: Plan, rules: Rules) -> list[NextAction]:
    days = figures.days_to_renewal(plan, rules)
    window = rules.flags.get("renewal_within_days", 90)
    if days is None or days > window:
        return []
    has_open = any(
        r.get("type") in ("Renewal", "Contract extension")
        for r in gaps.open_opportunities(plan, rules)
    )
    if has_open:
        return []
    return [
        NextAction(
            "Open a renewal opportunity",
            f"contract ends in {days} days",
            RENEWAL_POINTS,
        )
    ]


def _deals(plan: Plan, rules: Rules) -> list[NextAction]:
    opportunities = gaps.open_opportunities(plan, rules)[:1]
    return [
        NextAction(f"Confirm {gap.subject} on '{row['name']}'", gap.reason, DEAL_POINTS)
        for row in opportunities
        for gap in gaps.meddpicc_gaps(row)[:2]
    ]


def _white_space(found: list[gaps.Gap]) -> list[NextAction]:
    return [
        NextAction(
            f"Qualify white space: {gap.subject}", gap.reason, WHITE_SPACE_POINTS
        )
        for gap in found
        if gap.reason == "no opportunity yet"
    ]


def _completeness(completeness: Completeness) -> list[NextAction]:
    actions = []
    for section in completeness.sections:
        share = COMPLETENESS_SHARE * section.weight / section.checks
        actions += [
            NextAction(
                f"Complete {section.section}: {missing}", "plan incomplete", share
            )
            for missing in section.missing
        ]
    return actions


Source = Callable[[Plan], list[NextAction]]
Keep = Callable[[str, tuple[str, ...], Source], list[NextAction]]


def next_best_actions(
    plan: Plan,
    rules: Rules,
    limit: int = 10,
    *,
    completeness: Completeness | None = None,
    coverage: list[gaps.Gap] | None = None,
    white_space: list[gaps.Gap] | None = None,
    keep: Keep | None = None,
) -> list[NextAction]:
    """Up to ``limit`` suggestions, most points first; empty for an archived plan.

    ``completeness``, ``coverage`` and ``white_space`` are the plan's
    completeness and its coverage and white-space gaps, when the caller has
    them already; each one left out is computed here. The other suggestions
    come from sources that read the plan: ``keep(name, sections, source)``
    returns ``source(plan)``, and a caller may keep each source's list by the
    plan sections it reads (the worksheet functions do), so that an edited
    table computes again only the sources that read it.
    """
    if plan.value("plan", "plan_status") == "Archived":
        return []
    if keep is None:
        keep = lambda name, sections, source: source(plan)  # noqa: E731
    if completeness is None:
        completeness = score_completeness(plan, rules)
    if coverage is None:
        coverage = gaps.coverage_gaps(plan, rules)
    if white_space is None:
        white_space = gaps.white_space_gaps(plan, rules)
    found = [
        *keep("review", ("plan", "reviews"), lambda p: _review(p, rules)),
        *keep("overdue", ("actions",), lambda p: _overdue(p, rules)),
        *_people(coverage, rules),
        *keep("goals", ("plan", "goals"), lambda p: _goals(p, rules)),
        *keep("risks", ("risks",), lambda p: _risks(p, rules)),
        *keep("renewal", ("profile", "opportunities"), lambda p: _renewal(p, rules)),
        *keep("deals", ("opportunities",), lambda p: _deals(p, rules)),
        *_white_space(white_space),
        *_completeness(completeness),
    ]
    ranked = sorted(found, key=lambda a: -a.points)  # stable: ties keep source order
    return ranked[: max(0, limit)]
