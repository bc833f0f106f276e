"""DOMAIN.md section 4 figures, with the edge cases it names."""

import datetime as dt

import pytest

from tests.conftest import AS_OF, days, make_plan
from xlplan.core import analysis, figures
from xlplan.core import rows as row_rules


def test_revenue_growth_is_blank_for_a_new_account():
    assert figures.revenue_growth(make_plan(profile={"revenue_current": 100.0})) is None
    plan = make_plan(profile={"revenue_current": 100.0, "revenue_prior": 0.0})
    assert figures.revenue_growth(plan) is None
    plan = make_plan(profile={"revenue_current": 120.0, "revenue_prior": 100.0})
    assert figures.revenue_growth(plan) == pytest.approx(0.2)


def test_a_ratio_over_a_vanishing_figure_is_blank_not_infinite(pack, rules):
    from xlplan.core.portfolio import account_row

    plan = make_plan(
        plan={"currency": "USD"},
        profile={"revenue_current": 1e10, "revenue_prior": 1e-300},
        goals=[{"title": "Grow", "baseline": 0.0, "target": 1e-300, "actual": 1e10}],
    )
    assert figures.revenue_growth(plan) is None
    assert row_rules.row_attainment(plan.rows("goals")[0]) is None
    row = account_row(plan, rules, pack.rates)
    assert row.values["revenue_growth"] is None
    assert all(
        not isinstance(v, float) or v == v and abs(v) != float("inf")
        for v in row.values.values()
    )


def test_share_of_wallet_blank_for_zero_wallet_and_above_one_kept():
    assert (
        figures.share_of_wallet(
            make_plan(profile={"revenue_current": 5.0, "estimated_wallet": 0.0})
        )
        is None
    )
    over = make_plan(profile={"revenue_current": 15.0, "estimated_wallet": 10.0})
    assert figures.share_of_wallet(over) == 1.5


@pytest.mark.parametrize(
    ("baseline", "target", "actual", "better", "expected"),
    [
        (10.0, 20.0, 15.0, "Higher", 0.5),
        (40.0, 20.0, 30.0, "Lower", 0.5),  # lower is better: both terms negative
        (40.0, 20.0, 10.0, "Lower", 1.5),
        (10.0, 10.0, 12.0, "Higher", 1.0),  # target = baseline, met
        (10.0, 10.0, 12.0, "Lower", 0.0),  # target = baseline, missed
        (10.0, 10.0, 9.0, "Lower", 1.0),
        (10.0, 20.0, None, "Higher", None),
        (10.0, 20.0, 5.0, "Higher", -0.5),  # may be below 0
    ],
)
def test_attainment_follows_domain_edge_cases(
    baseline, target, actual, better, expected
):
    assert row_rules.attainment(baseline, target, actual, better) == expected


def test_goal_on_track_compares_attainment_with_time_elapsed():
    plan = make_plan(plan={"period_start": days(-50)})
    halfway = {"title": "g", "baseline": 0.0, "target": 100.0, "due_date": days(50)}
    assert row_rules.on_track({**halfway, "actual": 50.0}, plan) is True
    assert row_rules.on_track({**halfway, "actual": 49.0}, plan) is False
    assert row_rules.on_track({**halfway, "actual": None}, plan) is False
    assert row_rules.on_track({"title": None}, plan) is None


def test_severity_table():
    cases = {
        ("High", "High"): "High",
        ("High", "Medium"): "High",
        ("Medium", "Medium"): "Medium",
        ("High", "Low"): "Medium",
        ("Medium", "Low"): "Low",
        ("Low", "Low"): "Low",
    }
    from xlplan.core.rules import rules_from_pack
    from xlplan.packs import load_pack

    rules = rules_from_pack(load_pack())
    for (likelihood, impact), expected in cases.items():
        assert (
            row_rules.severity({"likelihood": likelihood, "impact": impact}, rules)
            == expected
        )
    assert row_rules.severity({"likelihood": "High"}, rules) is None


def test_weighted_pipeline_uses_stage_default_probability(rules):
    plan = make_plan(
        opportunities=[
            {"name": "a", "stage": "Identified", "estimated_value": 1000.0},
            {
                "name": "b",
                "stage": "Proposal",
                "estimated_value": 1000.0,
                "probability": 0.8,
            },
            {"name": "c", "stage": "Won", "estimated_value": 5000.0},
            {"name": "d", "stage": "Qualified", "estimated_value": None},
        ]
    )
    assert figures.pipeline(plan, rules) == 2000.0
    assert figures.weighted_pipeline(plan, rules) == pytest.approx(100.0 + 800.0)


def test_won_value_and_win_rate_count_only_the_plan_period(rules):
    period = {"period_start": days(-100), "period_end": days(100)}
    plan = make_plan(
        plan=period,
        opportunities=[
            {
                "name": "in",
                "stage": "Won",
                "estimated_value": 10.0,
                "closed_date": days(-10),
                "type": "Upsell",
            },
            {
                "name": "before",
                "stage": "Won",
                "estimated_value": 99.0,
                "closed_date": days(-200),
            },
            {
                "name": "lost",
                "stage": "Lost",
                "estimated_value": 5.0,
                "closed_date": days(-5),
            },
        ],
    )
    assert figures.won_value(plan, rules) == 10.0
    assert figures.expansion_revenue(plan, rules) == 10.0
    assert figures.win_rate(plan, rules) == 0.5
    assert figures.win_rate(make_plan(plan=period), rules) is None


def test_meddpicc_caps_economic_buyer_and_champion_until_named():
    letters = {f"meddpicc_{x}": "Confirmed" for x in row_rules.MEDDPICC_LETTERS}
    assert row_rules.meddpicc_score({"name": "x", **letters}) == pytest.approx(7 / 8)
    named = {"name": "x", **letters, "economic_buyer": "Ann", "champion": "Bo"}
    assert row_rules.meddpicc_score(named) == 1.0


def test_actions_open_overdue_and_completion(rules):
    plan = make_plan(
        actions=[
            {"action_step": "a", "progress": "Done", "due_date": days(-5)},
            {"action_step": "b", "progress": "In progress", "due_date": days(-1)},
            {"action_step": "c", "progress": None, "due_date": days(10)},
            {"action_step": "d", "progress": "Cancelled", "due_date": days(-9)},
            {"action_step": "e", "acceptance": "Declined", "due_date": days(-9)},
        ]
    )
    assert figures.open_actions(plan, rules) == 2
    assert figures.overdue_actions(plan, rules) == 1
    assert figures.action_completion(plan, rules) == pytest.approx(1 / 3)
    assert figures.action_completion(make_plan(), rules) is None


def test_action_horizon_from_days_until_due(rules):
    as_of = AS_OF
    assert (
        row_rules.action_horizon(
            {"action_step": "a", "due_date": days(90)}, as_of, rules
        )
        == "Short"
    )
    assert (
        row_rules.action_horizon(
            {"action_step": "a", "due_date": days(91)}, as_of, rules
        )
        == "Mid"
    )
    assert (
        row_rules.action_horizon(
            {"action_step": "a", "due_date": days(366)}, as_of, rules
        )
        == "Long"
    )
    done = {"action_step": "a", "due_date": days(5), "progress": "Done"}
    assert row_rules.action_horizon(done, as_of, rules) is None


def test_contact_after_as_of_is_ignored_and_engagement_window(rules):
    assert row_rules.days_since_contact({"last_contact_date": days(3)}, AS_OF) is None
    assert (
        row_rules.engaged({"name": "a", "last_contact_date": days(-90)}, AS_OF, rules)
        is True
    )
    assert (
        row_rules.engaged({"name": "a", "last_contact_date": days(-91)}, AS_OF, rules)
        is False
    )


def test_next_review_due_by_cadence_and_from_created_date(rules):
    reviewed = make_plan(
        plan={"review_cadence": "Quarterly"}, reviews=[{"date": dt.date(2026, 3, 31)}]
    )
    assert figures.next_review_due(reviewed, rules) == dt.date(2026, 6, 30)
    never = make_plan(
        plan={"created_date": dt.date(2026, 6, 1), "review_cadence": "Bi-weekly"}
    )
    assert figures.next_review_due(never, rules) == dt.date(2026, 6, 15)
    assert figures.review_overdue(never, rules) is False
    default = make_plan(plan={"created_date": dt.date(2026, 1, 31)})
    assert figures.next_review_due(default, rules) == dt.date(2026, 2, 28)
    future_review = make_plan(
        reviews=[{"date": days(5)}], plan={"last_reviewed_date": days(-3)}
    )
    assert figures.last_review(future_review) == days(-3)


def test_supporter_ratio_blank_when_nobody_rated(rules):
    assert (
        figures.supporter_ratio(make_plan(stakeholders=[{"name": "a"}]), rules) is None
    )
    plan = make_plan(
        stakeholders=[
            {"name": "a", "relationship_status": "Mentor"},
            {"name": "b", "relationship_status": "Opponent"},
        ]
    )
    assert figures.supporter_ratio(plan, rules) == 0.5


def test_goal_attainment_average_caps_each_goal(rules):
    plan = make_plan(
        goals=[
            {"title": "a", "baseline": 0.0, "target": 10.0, "actual": 20.0},
            {"title": "b", "baseline": 0.0, "target": 10.0, "actual": -5.0},
            {"title": "c", "baseline": 0.0, "target": 10.0, "actual": 5.0},
            {"title": "d", "baseline": 0.0, "target": 10.0},
        ]
    )
    assert figures.goal_attainment_avg(plan, rules) == pytest.approx(0.5)


def test_white_space_metrics_skip_unassessed_and_not_applicable(rules):
    cells = [
        {"business_unit": "A", "offering": "x", "state": "In use"},
        {"business_unit": "A", "offering": "y", "state": "Opportunity"},
        {"business_unit": "A", "offering": "z", "state": "Not applicable"},
        {"business_unit": "A", "offering": "w", "state": None},
    ]
    plan = make_plan(white_space=cells)
    assert analysis.account_penetration(plan, rules) == 0.5
    assert analysis.white_space_count(plan, rules) == 1
    assert analysis.account_penetration(make_plan(white_space=cells[3:]), rules) is None


def test_key_account_score_blank_when_an_active_criterion_is_unscored(rules):
    rows = [
        {"criterion": "Product fit", "active": True, "weight": 3.0, "score": 8},
        {"criterion": "Solvency", "active": True, "weight": 1.0, "score": 4},
        {"criterion": "Cultural fit", "active": False, "weight": 5.0, "score": 1},
    ]
    plan = make_plan(selection=rows)
    assert analysis.key_account_score(plan, rules) == pytest.approx(7.0)
    assert analysis.suggested_tier(plan, rules) == "Strategic"
    unscored = make_plan(
        selection=[*rows, {"criterion": "Custom", "active": True, "weight": 1.0}]
    )
    assert analysis.key_account_score(unscored, rules) is None


def test_force_field_zero_fails(rules):
    plan = make_plan(
        force_field=[{"side": "For", "strength": 3}, {"side": "Against", "strength": 3}]
    )
    assert analysis.force_field_score(plan, rules) == 0
    assert analysis.force_field_pass(plan, rules) is False
    assert analysis.force_field_score(make_plan(), rules) is None
