"""Next best actions: ranked, each with a reason, moving the right way."""

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import days, make_plan
from tests.core.test_scores import _plan_from, health_inputs
from xlplan.core import gaps
from xlplan.core.completeness import score_completeness
from xlplan.core.next_actions import next_best_actions
from xlplan.core.rules import rules_from_pack
from xlplan.packs import load_pack

RULES = rules_from_pack(load_pack())


def test_late_review_and_overdue_actions_come_first():
    plan = make_plan(
        plan={"plan_status": "Active", "review_cadence": "Monthly"},
        reviews=[{"date": days(-120)}],
        actions=[
            {"action_step": "Send proposal", "due_date": days(-3)},
            {"action_step": "Book QBR", "due_date": days(10)},
        ],
    )
    found = next_best_actions(plan, RULES, limit=3)
    assert found[0].action == "Hold the account review and log it"
    assert found[0].points == 20
    assert found[1].action == "Finish or re-plan 'Send proposal'"
    assert found[1].reason.startswith("overdue since")
    assert all(a.reason for a in found)


def test_renewal_without_an_open_renewal_is_suggested():
    plan = make_plan(profile={"contract_end_date": days(30)})
    actions = [a.action for a in next_best_actions(plan, RULES, limit=50)]
    assert "Open a renewal opportunity" in actions
    covered = make_plan(
        profile={"contract_end_date": days(30)},
        opportunities=[{"name": "R", "type": "Renewal", "stage": "Proposal"}],
    )
    actions = [a.action for a in next_best_actions(covered, RULES, limit=50)]
    assert "Open a renewal opportunity" not in actions


def test_limit_and_archived_plans():
    assert len(next_best_actions(make_plan(), RULES, limit=4)) == 4
    assert next_best_actions(make_plan(), RULES, limit=0) == []
    archived = make_plan(plan={"plan_status": "Archived"})
    assert next_best_actions(archived, RULES) == []


@settings(max_examples=60, deadline=None)
@given(health_inputs, st.integers(1, 20))
def test_ranked_by_points_and_never_more_than_the_limit(data, limit):
    found = next_best_actions(_plan_from(data), RULES, limit=limit)
    assert len(found) <= limit
    assert [a.points for a in found] == sorted((a.points for a in found), reverse=True)


@settings(max_examples=60, deadline=None)
@given(health_inputs)
def test_finishing_an_overdue_action_never_adds_an_overdue_suggestion(data):
    def late(d):
        found = next_best_actions(_plan_from(d), RULES, limit=100)
        return sum(1 for a in found if a.action.startswith("Finish or re-plan"))

    improved = dict(data, overdue=max(0, data["overdue"] - 1))
    assert late(improved) <= late(data)


@settings(max_examples=60, deadline=None)
@given(health_inputs)
def test_scores_passed_in_give_the_list_computed_here(data):
    plan = _plan_from(data)
    parts = {
        "completeness": score_completeness(plan, RULES),
        "coverage": gaps.coverage_gaps(plan, RULES),
        "white_space": gaps.white_space_gaps(plan, RULES),
    }
    kept = []

    def keep(name, sections, source):
        kept.append(name)
        return source(plan)

    found = next_best_actions(plan, RULES, limit=100, keep=keep, **parts)
    assert found == next_best_actions(plan, RULES, limit=100)
    archived = plan.value("plan", "plan_status") == "Archived"
    assert len(kept) == (0 if archived else 6)
