"""Plans the workbook tests build: every sample, and edge cases DOMAIN.md names."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import AS_OF
from xlplan.model.pack import Pack
from xlplan.workbook.inputs import PlanInput
from xlplan.workbook.samples import load_samples


def d(n: int) -> dt.date:
    return AS_OF + dt.timedelta(days=n)


def sample_plans(pack: Pack) -> dict[str, PlanInput]:
    plans = {}
    for sample in load_samples(AS_OF, pack=pack):
        sample.plan.as_of = AS_OF
        plans[sample.stem] = sample.plan
    return plans


def edge_plans() -> dict[str, PlanInput]:
    """Blanks, zero denominators, lower-is-better goals, dates after as-of, typos."""
    empty = PlanInput(records={"plan": {"account_name": "Empty Co"}}, as_of=AS_OF)
    zeros = PlanInput(
        records={
            "plan": {
                "account_name": "Zero Co",
                "plan_status": "Active",
                "created_date": d(-400),
                "period_start": d(-30),
                "period_end": d(-30),
                "review_cadence": "Quarterly",
                "last_reviewed_date": d(5),
            },
            "profile": {
                "revenue_current": 0,
                "revenue_prior": 0,
                "revenue_target": 0,
                "estimated_wallet": 0,
                "cost_to_serve": 0,
                "gross_margin_pct": 0.3,
                "client_since": d(10),
                "relationship_strength": "Poor",
                "test_multi_dept": False,
            },
        },
        tables={
            "goals": [
                {
                    "title": "Cut churn",
                    "metric": "Retention",
                    "baseline": 12,
                    "target": 8,
                    "actual": 9,
                    "better": "Lower",
                    "due_date": d(60),
                    "owner": "Ann",
                },
                {
                    "title": "Hold NPS",
                    "metric": "NPS",
                    "baseline": 40,
                    "target": 40,
                    "actual": 38,
                    "better": "Higher",
                    "due_date": d(-1),
                    "owner": "Ann",
                },
                {
                    "title": "Flat cost",
                    "metric": "Custom",
                    "baseline": 5,
                    "target": 5,
                    "actual": 4,
                    "better": "Lower",
                    "due_date": d(-40),
                },
                {"title": "No actual yet", "baseline": 1, "target": 2},
            ],
            "stakeholders": [
                {
                    "name": "Future Fay",
                    "last_contact_date": d(3),
                    "is_economic_buyer": True,
                    "relationship_status": "Mentor",
                },
                {"name": "Old Olle", "last_contact_date": d(-91), "is_champion": True},
                {
                    "name": "Typo Tim",
                    "relationship_status": "Suporter",
                    "buying_role": "Evalutor",
                },
            ],
            "opportunities": [
                {"name": "Zero deal", "stage": "Qualified", "estimated_value": 0},
                {"name": "TBD deal", "stage": "Proposal", "estimated_value": "TBD"},
                {"name": "Won undated", "stage": "Won", "estimated_value": 500},
            ],
            "actions": [
                {"action_step": "Done, no date", "progress": "Done", "due_date": d(-3)},
                {
                    "action_step": "Cancelled",
                    "progress": "Cancelled",
                    "due_date": d(-3),
                },
            ],
            "risks": [
                {"description": "Budget freeze", "likelihood": "High", "impact": "High"}
            ],
            "reviews": [{"date": d(7), "review_type": "Manager 1:1"}],
            "kpis": [
                {
                    "kpi": "NPS",
                    "baseline": 30,
                    "target": 30,
                    "actual": 30,
                    "better": "Lower",
                }
            ],
            "selection": [
                {"criterion": "Product fit", "active": True, "weight": 0, "score": 5}
            ],
            "force_field": [
                {"side": "For", "consequence": "x", "strength": 2},
                {"side": "Against", "consequence": "y", "strength": 2},
            ],
        },
        grid={"Ops": {"Analytics": "Not applicable"}},
        as_of=AS_OF,
    )
    messy = PlanInput(
        records={
            "plan": {
                "account_name": "Messy Co",
                "plan_status": "under review",
                "created_date": "Q3",
                "review_cadence": "Weekly",
                "period_start": d(-10),
                "period_end": d(300),
            },
            "profile": {
                "revenue_current": "$1.2M",
                "revenue_prior": 1000,
                "employees": "n/a",
                "relationship_strength": "good",
                "contract_end_date": d(45),
            },
        },
        tables={
            "actions": [
                {
                    "action_step": "Only open",
                    "progress": "In progress",
                    "due_date": "TBD",
                    "responsible": "Ann; Bo",
                }
            ],
            "business_units": [
                {"name": "Ops", "owning_exec": "Nobody Here"},
                {"name": "Finance", "owning_exec": "Fin Exec"},
            ],
            "stakeholders": [{"name": "Fin Exec", "last_contact_date": d(-10)}],
            "swot": [
                {"quadrant": "strength", "text": "Brand"},
                {"quadrant": "Threat", "text": "Us", "about_relationship": True},
            ],
        },
        grid={"Finance": {"Core platform": "In use", "Training": "Maybe"}},
        as_of=AS_OF,
    )
    return {"edge-empty": empty, "edge-zeros": zeros, "edge-messy": messy}


def build_all(pack: Pack) -> dict[str, tuple[PlanInput, Any]]:
    """Every sample and edge plan built at ``AS_OF``: name -> (input, build result)."""
    from xlplan.workbook.build import build_plan_workbook

    plans = {**sample_plans(pack), **edge_plans()}
    return {
        name: (raw, build_plan_workbook(pack, raw, today=AS_OF))
        for name, raw in plans.items()
    }
