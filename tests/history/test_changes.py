"""Each kind of change, from two hand-made snapshots of one plan."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from tests.conftest import AS_OF, days
from xlplan.history.diff import ChangeKind, diff_snapshots
from xlplan.history.snapshot import PlanState, Snapshot, SnapshotInfo, decode, encode

LATER = AS_OF + dt.timedelta(days=30)


def state(key: str = "ACME-1", **changes: Any) -> PlanState:
    """One plan: a few rows per section, figures and flags; ``changes`` override."""
    base = PlanState(
        key=key,
        plan_id=key,
        account_name=f"{key} account",
        plan_owner="Ann",
        file=f"{key}.xlsx",
        file_sha256="0" * 64,
        pack_name="xlplan-default",
        pack_version="1.0.0",
        currency="EUR",
        rate=2.0,
        flags=frozenset(),
        figures={"health": 80, "health_band": "Green", "completeness": 90},
        records={"plan": {"period_start": days(-100), "plan_status": "Active"}},
        rows={
            "stakeholders": (
                {"id": None, "name": "Bo", "relationship_status": "Supporter"},
                {"id": None, "name": "Cy", "relationship_status": "Neutral"},
            ),
            "actions": (
                {
                    "action_step": "Call",
                    "progress": "In progress",
                    "due_date": days(10),
                },
                {
                    "action_step": "Demo",
                    "progress": "Not started",
                    "due_date": days(60),
                },
            ),
            "opportunities": (
                {"name": "Upsell", "stage": "Proposal", "estimated_value": 100.0},
            ),
            "goals": (
                {
                    "title": "Grow",
                    "baseline": 0.0,
                    "target": 10.0,
                    "actual": 9.0,
                    "better": "Higher",
                    "due_date": days(300),
                },
            ),
            "kpis": (
                {
                    "kpi": "NPS",
                    "period": "2026-Q1",
                    "baseline": 10.0,
                    "target": 30.0,
                    "actual": 20.0,
                },
            ),
        },
    )
    return replace(base, **changes)


def snapshot(day: dt.date, *plans: PlanState) -> Snapshot:
    info = SnapshotInfo(
        day, dt.datetime(2026, 1, 1), "USD", "", len(plans), len(plans), "0"
    )
    return Snapshot(info, {p.key: p for p in plans})


def rows(plan: PlanState, section: str, *edits: dict[str, Any]) -> PlanState:
    """``plan`` with each row of ``section`` updated by the edit at its index."""
    current = plan.rows[section]
    updated = tuple({**row, **edit} for row, edit in zip(current, edits, strict=False))
    updated += current[len(edits) :]
    return replace(plan, rows={**plan.rows, section: updated})


def changes(old: PlanState, new: PlanState, old_day=AS_OF, new_day=AS_OF) -> list:
    diff = diff_snapshots(snapshot(old_day, old), snapshot(new_day, new))
    return [
        (c.kind, c.subject, c.before, c.after, c.note, c.good) for c in diff.changes
    ]


def test_the_same_plan_a_day_later_has_no_changes():
    assert changes(state(), state(), AS_OF, AS_OF + dt.timedelta(days=1)) == []


def test_a_lost_stakeholder_and_a_worse_relationship():
    old = state()
    new = rows(old, "stakeholders", {"relationship_status": "Opponent"})
    new = replace(new, rows={**new.rows, "stakeholders": new.rows["stakeholders"][:1]})
    assert changes(old, new) == [
        (ChangeKind.STAKEHOLDER_LOST, "Cy", "Neutral", None, "", False),
        (ChangeKind.RELATIONSHIP_MOVED, "Bo", "Supporter", "Opponent", "worse", False),
    ]


def test_an_action_that_slips_and_one_that_falls_overdue():
    old = state()
    new = rows(old, "actions", {}, {"due_date": days(90)})
    found = changes(old, new, AS_OF, days(20))
    assert found == [
        (ChangeKind.ACTION_SLIPPED, "Demo", days(60), days(90), "30 days later", False),
        (
            ChangeKind.ACTION_OVERDUE,
            "Call",
            None,
            None,
            f"due {days(10):%d %b %Y}, 10 days late",
            False,
        ),
    ]


def test_an_overdue_action_that_stays_overdue_is_not_new():
    old = state()
    assert changes(old, old, days(20), days(25)) == []


def test_opportunity_value_new_gone_won_in_the_portfolio_currency():
    old = state()
    new = rows(old, "opportunities", {"estimated_value": 150.0, "stage": "Won"})
    added = {"name": "Renewal", "stage": "Identified", "estimated_value": 40.0}
    new = replace(
        new, rows={**new.rows, "opportunities": (*new.rows["opportunities"], added)}
    )
    assert changes(old, new) == [
        (ChangeKind.OPPORTUNITY_NEW, "Renewal", None, 80.0, "Identified", True),
        (ChangeKind.OPPORTUNITY_STAGE, "Upsell", "Proposal", "Won", "won", True),
        (ChangeKind.OPPORTUNITY_VALUE, "Upsell", 200.0, 300.0, "", True),
    ]
    assert changes(new, old)[0][:3] == (ChangeKind.OPPORTUNITY_GONE, "Renewal", 80.0)


def test_goal_and_kpi_moves_and_a_new_kpi_reading():
    old = state()
    new = rows(old, "goals", {"actual": 4.0})
    new = rows(new, "kpis", {"actual": 25.0})
    reading = {
        "kpi": "NPS",
        "period": "2026-Q2",
        "baseline": 10.0,
        "target": 30.0,
        "actual": 28.0,
    }
    new = replace(new, rows={**new.rows, "kpis": (*new.rows["kpis"], reading)})
    found = changes(old, new)
    assert found[0][:4] == (ChangeKind.GOAL_MOVED, "Grow", 0.9, 0.4)
    assert found[0][5] is False
    assert found[1][:4] == (
        ChangeKind.KPI_NEW,
        "NPS / 2026-Q2",
        None,
        pytest.approx(0.9),
    )
    assert found[2][:4] == (ChangeKind.KPI_MOVED, "NPS / 2026-Q1", 0.5, 0.75)
    assert found[2][4] == "actual 20 to 25" and found[2][5] is True


def test_a_goal_that_falls_behind_plan_with_time():
    old = state()
    # 9 of 10 is on track early in the period, behind once the due date is past.
    goals = [c for c in changes(old, old, AS_OF, days(400)) if c[1] == "Grow"]
    assert goals == [
        (
            ChangeKind.GOAL_TRACK,
            "Grow",
            0.9,
            0.9,
            "now behind plan as time passed: 90% attained, 100% of its time gone",
            False,
        )
    ]


def test_scores_and_staleness():
    old = state(flags=frozenset({"STALE"}))
    new = state(figures={"health": 60, "health_band": "Amber", "completeness": 95})
    found = changes(old, new)
    assert [c[0] for c in found] == [
        ChangeKind.PLAN_CURRENT,
        ChangeKind.HEALTH_MOVED,
        ChangeKind.COMPLETENESS_MOVED,
    ]
    assert found[1][2:] == (80, 60, "Green to Amber", False)
    assert found[2][2:] == (90, 95, "", True)


def test_archived_plans_are_not_retained():
    old = [state("A"), state("B"), state("C")]
    archived = state("B", figures={"plan_status": "Archived"})
    diff = diff_snapshots(snapshot(AS_OF, *old), snapshot(LATER, old[0], archived))
    assert (diff.active_before, diff.retained) == (3, 1)
    assert diff.churn == pytest.approx(2 / 3)


def test_plan_values_survive_their_json_text():
    values = {"due": days(3), "names": ("Ann", "Bo"), "n": 1.5, "flag": True, "x": None}
    assert decode(encode(values)) == values


def test_a_plan_id_copied_to_a_new_account_keeps_the_original_matched():
    original = state("BRMH-1", account_name="Brightmere")
    copied = replace(
        state("BRMH-1", account_name="Newco"), key="BRMH-1 / Newco", file="newco.xlsx"
    )
    renamed = replace(original, key="BRMH-1 / Brightmere")
    diff = diff_snapshots(snapshot(AS_OF, original), snapshot(LATER, renamed, copied))
    kinds = [(c.account, c.kind) for c in diff.changes]
    assert ("Newco", ChangeKind.ACCOUNT_ADDED) in kinds
    assert not any(kind is ChangeKind.ACCOUNT_GONE for _, kind in kinds)
    assert diff.retention == 1.0
