"""Completeness (DOMAIN.md 4.3) and health (4.4)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import days, make_plan
from xlplan.core.completeness import score_completeness
from xlplan.core.health import score_health


def test_empty_plan_scores_zero_completeness_and_lists_what_is_missing(rules):
    result = score_completeness(make_plan(), rules)
    assert result.score == 0
    assert "Stakeholders: an economic buyer named" in result.missing
    assert "Actions: at least 3 actions" in result.missing


def test_every_row_checks_fail_on_an_empty_list(rules):
    only_won = make_plan(
        opportunities=[{"name": "a", "stage": "Won", "estimated_value": 1.0}]
    )
    section = {s.section: s for s in score_completeness(only_won, rules).sections}[
        "Opportunities"
    ]
    assert (section.met, section.checks) == (1, 2)


def test_cover_section_points(rules):
    plan = make_plan(
        plan={
            "plan_owner": "Ann",
            "period_start": days(-1),
            "period_end": days(300),
            "headline_goal": "Grow",
            "review_cadence": "Monthly",
        }
    )
    cover = score_completeness(plan, rules).sections[0]
    assert cover.points == 5.0


def test_draft_plans_have_no_health(rules):
    assert score_health(make_plan(plan={"plan_status": "Draft"}), rules).score is None


def test_health_band_and_weakest_component(rules):
    plan = make_plan(
        plan={"plan_status": "Active", "created_date": days(-10)},
        profile={"relationship_strength": "Excellent"},
    )
    result = score_health(plan, rules)
    # fresh (20) + no High risk (10) + Excellent (10); no actions, stakeholders or goals
    assert result.score == 40
    assert result.band == "Red"
    assert result.weakest == "Action discipline"  # ties go to the first in table order


def test_freshness_is_half_within_one_more_interval(rules):
    plan = make_plan(
        plan={"plan_status": "Active", "review_cadence": "Monthly"},
        reviews=[{"date": days(-45)}],
    )
    components = dict(score_health(plan, rules).components)
    assert components["freshness"] == 0.5


health_inputs = st.fixed_dictionaries(
    {
        "status": st.sampled_from(["Active", "Under review"]),
        "strength": st.sampled_from([None, "Poor", "Fair", "Good", "Excellent"]),
        "contact_days": st.lists(st.integers(-400, 0), max_size=6),
        "overdue": st.integers(0, 5),
        "on_time": st.integers(0, 5),
        "review_days": st.integers(-400, 0),
    }
)


def _plan_from(data):
    people = [
        {
            "name": f"p{i}",
            "last_contact_date": days(d),
            "is_champion": i == 0,
            "is_economic_buyer": i == 1,
        }
        for i, d in enumerate(data["contact_days"])
    ]
    actions = [
        {"action_step": f"late{i}", "due_date": days(-3)}
        for i in range(data["overdue"])
    ]
    actions += [
        {"action_step": f"ok{i}", "due_date": days(30)} for i in range(data["on_time"])
    ]
    return make_plan(
        plan={"plan_status": data["status"], "review_cadence": "Monthly"},
        profile={"relationship_strength": data["strength"]},
        stakeholders=people,
        actions=actions,
        reviews=[{"date": days(data["review_days"])}],
    )


@settings(max_examples=150, deadline=None)
@given(health_inputs)
def test_health_stays_within_0_100(rules, data):
    result = score_health(_plan_from(data), rules)
    assert 0 <= result.score <= 100
    assert result.band in {"Green", "Amber", "Red"}
    assert 0 <= score_completeness(_plan_from(data), rules).score <= 100


@settings(max_examples=100, deadline=None)
@given(health_inputs)
def test_health_never_drops_when_an_overdue_action_is_done(rules, data):
    before = score_health(_plan_from(data), rules).score
    improved = dict(
        data, overdue=max(0, data["overdue"] - 1), on_time=data["on_time"] + 1
    )
    assert score_health(_plan_from(improved), rules).score >= before


@settings(max_examples=100, deadline=None)
@given(health_inputs)
def test_health_never_drops_when_the_plan_is_reviewed_today(rules, data):
    before = score_health(_plan_from(data), rules).score
    assert score_health(_plan_from(dict(data, review_days=0)), rules).score >= before


@pytest.mark.parametrize("better", ["Higher", "Lower"])
@given(actual=st.floats(-1e6, 1e6), step=st.floats(0.001, 1e3))
def test_attainment_moves_the_right_way(better, actual, step):
    from xlplan.core.rows import attainment

    baseline, target = (0.0, 100.0) if better == "Higher" else (100.0, 0.0)
    improved = actual + step if better == "Higher" else actual - step
    assert attainment(baseline, target, improved, better) >= attainment(
        baseline, target, actual, better
    )
