"""Every computed field of the pack, paired with its Python value and formula.

The workbook builder writes ``formula`` into the cell and ``value`` as its
cached result; the parity tests recalculate the workbook in LibreOffice and
compare the two. A pack may only declare computed fields listed here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from xlplan.core import analysis, completeness, figures, health
from xlplan.core import rows as row_rules
from xlplan.core.refs import Refs
from xlplan.core.rules import Rules
from xlplan.model.plan import Plan, Row

Formula = Callable[[Refs, Rules], str]

# Defined names the cover's completeness and health blocks carry.
COMPLETENESS_POINTS = "completeness_points"
HEALTH_COMPONENTS = "health_components"
HEALTH_POINTS_LOST = "health_points_lost"


def health_cell(component: str) -> str:
    """Defined name of a health component's score cell."""
    return f"health_{component}"


@dataclass(frozen=True)
class FieldFigure:
    """A computed single field: ``value(plan, rules)`` and its formula."""

    value: Callable[[Plan, Rules], Any]
    formula: Formula


@dataclass(frozen=True)
class ColumnFigure:
    """A computed table column: ``value(row, plan, rules)`` and its formula."""

    value: Callable[[Row, Plan, Rules], Any]
    formula: Formula


def _completeness_formula(r: Refs, rules: Rules) -> str:
    return completeness.completeness_formula(COMPLETENESS_POINTS)


def _health_formula(r: Refs, rules: Rules) -> str:
    cells = {key: health_cell(key) for key in health.COMPONENTS}
    return health.health_formula(cells, r, rules)


def _weakest_formula(r: Refs, rules: Rules) -> str:
    return health.weakest_formula(HEALTH_COMPONENTS, HEALTH_POINTS_LOST, r)


FIELDS: dict[str, FieldFigure] = {
    "last_review": FieldFigure(
        lambda p, rules: figures.last_review(p), figures.last_review_formula
    ),
    "next_review_due": FieldFigure(
        figures.next_review_due, figures.next_review_due_formula
    ),
    "review_overdue": FieldFigure(
        figures.review_overdue, figures.review_overdue_formula
    ),
    "days_since_review": FieldFigure(
        lambda p, rules: figures.days_since_review(p), figures.days_since_review_formula
    ),
    "tenure_years": FieldFigure(
        lambda p, rules: figures.tenure_years(p), figures.tenure_years_formula
    ),
    "share_of_wallet": FieldFigure(
        lambda p, rules: figures.share_of_wallet(p), figures.share_of_wallet_formula
    ),
    "plan_warranted": FieldFigure(
        lambda p, rules: figures.plan_warranted(p), figures.plan_warranted_formula
    ),
    "completeness": FieldFigure(
        lambda p, rules: completeness.score_completeness(p, rules).score,
        _completeness_formula,
    ),
    "health": FieldFigure(
        lambda p, rules: health.score_health(p, rules).score, _health_formula
    ),
    "health_band": FieldFigure(
        lambda p, rules: health.score_health(p, rules).band, health.band_formula
    ),
    "health_weakest": FieldFigure(
        lambda p, rules: health.score_health(p, rules).weakest, _weakest_formula
    ),
    "revenue_growth": FieldFigure(
        lambda p, rules: figures.revenue_growth(p), figures.revenue_growth_formula
    ),
    "revenue_attainment": FieldFigure(
        lambda p, rules: figures.revenue_attainment(p),
        figures.revenue_attainment_formula,
    ),
    "pipeline": FieldFigure(figures.pipeline, figures.pipeline_formula),
    "weighted_pipeline": FieldFigure(
        figures.weighted_pipeline, figures.weighted_pipeline_formula
    ),
    "won_value": FieldFigure(figures.won_value, figures.won_value_formula),
    "lost_value": FieldFigure(figures.lost_value, figures.lost_value_formula),
    "win_rate": FieldFigure(figures.win_rate, figures.win_rate_formula),
    "expansion_revenue": FieldFigure(
        figures.expansion_revenue, figures.expansion_revenue_formula
    ),
    "open_actions": FieldFigure(figures.open_actions, figures.open_actions_formula),
    "overdue_actions": FieldFigure(
        figures.overdue_actions, figures.overdue_actions_formula
    ),
    "action_completion": FieldFigure(
        figures.action_completion, figures.action_completion_formula
    ),
    "engaged_contacts": FieldFigure(
        figures.engaged_contacts, figures.engaged_contacts_formula
    ),
    "multi_threaded": FieldFigure(
        figures.multi_threaded, figures.multi_threaded_formula
    ),
    "supporter_ratio": FieldFigure(
        figures.supporter_ratio, figures.supporter_ratio_formula
    ),
    "has_economic_buyer": FieldFigure(
        figures.has_economic_buyer, figures.has_economic_buyer_formula
    ),
    "has_champion": FieldFigure(figures.has_champion, figures.has_champion_formula),
    "has_exec_sponsor": FieldFigure(
        figures.has_exec_sponsor, figures.has_exec_sponsor_formula
    ),
    "open_high_risks": FieldFigure(
        figures.open_high_risks, figures.open_high_risks_formula
    ),
    "goal_attainment_avg": FieldFigure(
        figures.goal_attainment_avg, figures.goal_attainment_avg_formula
    ),
    "days_to_renewal": FieldFigure(
        figures.days_to_renewal, figures.days_to_renewal_formula
    ),
    "roi": FieldFigure(figures.roi, figures.roi_formula),
    "account_penetration": FieldFigure(
        analysis.account_penetration, analysis.account_penetration_formula
    ),
    "white_space_count": FieldFigure(
        analysis.white_space_count, analysis.white_space_count_formula
    ),
    "competitor_share": FieldFigure(
        analysis.competitor_share, analysis.competitor_share_formula
    ),
    "swot_validated_share": FieldFigure(
        analysis.swot_validated_share, analysis.swot_validated_share_formula
    ),
    "five_forces_net": FieldFigure(
        analysis.five_forces_net, analysis.five_forces_net_formula
    ),
    "key_account_score": FieldFigure(
        analysis.key_account_score, analysis.key_account_score_formula
    ),
    "suggested_tier": FieldFigure(
        analysis.suggested_tier, analysis.suggested_tier_formula
    ),
    "force_field_score": FieldFigure(
        analysis.force_field_score, analysis.force_field_score_formula
    ),
    "force_field_pass": FieldFigure(
        analysis.force_field_pass, analysis.force_field_pass_formula
    ),
}


def _goal_or_kpi_attainment(section: str) -> ColumnFigure:
    return ColumnFigure(
        lambda row, p, rules: row_rules.row_attainment(row),
        lambda r, rules: row_rules.attainment_formula(r, section),
    )


COLUMNS: dict[tuple[str, str], ColumnFigure] = {
    ("stakeholders", "days_since_contact"): ColumnFigure(
        lambda row, p, rules: row_rules.days_since_contact(row, p.as_of),
        row_rules.days_since_contact_formula,
    ),
    ("stakeholders", "engaged"): ColumnFigure(
        lambda row, p, rules: row_rules.engaged(row, p.as_of, rules),
        row_rules.engaged_formula,
    ),
    ("business_units", "last_exec_contact"): ColumnFigure(
        lambda row, p, rules: row_rules.last_exec_contact(row, p),
        row_rules.last_exec_contact_formula,
    ),
    ("white_space", "assessed"): ColumnFigure(
        row_rules.grid_assessed, row_rules.grid_assessed_formula
    ),
    ("goals", "attainment"): _goal_or_kpi_attainment("goals"),
    ("goals", "on_track"): ColumnFigure(
        lambda row, p, rules: row_rules.on_track(row, p), row_rules.on_track_formula
    ),
    ("goals", "smart_complete"): ColumnFigure(
        lambda row, p, rules: row_rules.smart_complete(row),
        row_rules.smart_complete_formula,
    ),
    ("opportunities", "weighted_value"): ColumnFigure(
        lambda row, p, rules: row_rules.weighted_value(row, rules),
        row_rules.weighted_value_formula,
    ),
    ("opportunities", "meddpicc_score"): ColumnFigure(
        lambda row, p, rules: row_rules.meddpicc_score(row),
        row_rules.meddpicc_score_formula,
    ),
    ("actions", "horizon"): ColumnFigure(
        lambda row, p, rules: row_rules.action_horizon(row, p.as_of, rules),
        row_rules.action_horizon_formula,
    ),
    ("actions", "overdue"): ColumnFigure(
        lambda row, p, rules: row_rules.overdue(row, p.as_of), row_rules.overdue_formula
    ),
    ("risks", "severity"): ColumnFigure(
        lambda row, p, rules: row_rules.severity(row, rules), row_rules.severity_formula
    ),
    ("kpis", "attainment"): _goal_or_kpi_attainment("kpis"),
    ("reviews", "counted_date"): ColumnFigure(
        lambda row, p, rules: row_rules.counted_review_date(row, p.as_of),
        row_rules.counted_review_date_formula,
    ),
}
