"""MEDDPICC, coverage and white-space gaps, KPI status, health explained, tiers."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import days, make_plan
from xlplan.core import gaps
from xlplan.core.analysis import tier_for_score
from xlplan.core.health import score_health
from xlplan.core.rows import MEDDPICC_LETTERS, meddpicc_score
from xlplan.core.rules import rules_from_pack
from xlplan.packs import load_pack

RULES = rules_from_pack(load_pack())
LEVELS = ["Unknown", "Partial", "Confirmed", None]


def _deal(**fields):
    return {"name": "Renewal", "stage": "Qualified", **fields}


def test_meddpicc_gaps_list_letters_short_of_confirmed():
    row = _deal(**{f"meddpicc_{x}": "Confirmed" for x in MEDDPICC_LETTERS})
    found = gaps.meddpicc_gaps(row)
    # E and the first C are capped without a named economic buyer and champion
    assert [g.subject for g in found] == ["E Economic buyer", "C Champion"]
    assert "name the economic buyer" in found[0].reason
    named = dict(row, economic_buyer="Ann", champion="Bo")
    assert gaps.meddpicc_gaps(named) == []
    assert gaps.meddpicc_gaps({"stage": "Won"}) == []


def test_meddpicc_gaps_agree_with_the_score():
    row = _deal(meddpicc_m="Partial", meddpicc_i="Confirmed", economic_buyer="Ann")
    assert len(gaps.meddpicc_gaps(row)) == 7
    assert meddpicc_score(row) == pytest.approx(1.5 / 8)


@given(st.lists(st.sampled_from(LEVELS), min_size=8, max_size=8), st.booleans())
def test_meddpicc_score_in_range_and_gaps_shrink_as_letters_are_confirmed(
    levels, named
):
    row = _deal(
        **{f"meddpicc_{x}": v for x, v in zip(MEDDPICC_LETTERS, levels, strict=True)}
    )
    if named:
        row.update(economic_buyer="Ann", champion="Bo")
    score = meddpicc_score(row)
    assert 0 <= score <= 1
    better = dict(row, meddpicc_m="Confirmed")
    assert meddpicc_score(better) >= score
    assert len(gaps.meddpicc_gaps(better)) <= len(gaps.meddpicc_gaps(row))


def test_plan_meddpicc_gaps_skip_closed_deals_and_put_big_deals_first(rules):
    plan = make_plan(
        opportunities=[
            _deal(name="small", estimated_value=10.0),
            _deal(name="won", stage="Won"),
            _deal(name="big", estimated_value=99.0),
        ]
    )
    subjects = [g.subject for g in gaps.plan_meddpicc_gaps(plan, rules)]
    assert subjects[0].startswith("big, ")
    assert not any(s.startswith("won") for s in subjects)


@pytest.mark.parametrize("limit", [0, 1, 9, 16, 100])
def test_plan_meddpicc_gaps_up_to_a_limit_are_the_first_of_them_all(rules, limit):
    deals = [_deal(name=f"deal {i}", estimated_value=float(i)) for i in range(5)]
    plan = make_plan(opportunities=deals)
    every = gaps.plan_meddpicc_gaps(plan, rules)
    assert len(every) == 40
    assert gaps.plan_meddpicc_gaps(plan, rules, limit=limit) == every[:limit]


def test_coverage_gaps_of_an_empty_plan(rules):
    found = [str(g) for g in gaps.coverage_gaps(make_plan(), rules)]
    assert found[0] == "Economic buyer: no stakeholder is flagged economic buyer"
    assert "Engaged contacts: 0 engaged within 90 days; 3 needed" in found


def test_coverage_gaps_name_people_not_engaged_and_units_not_reached(rules):
    plan = make_plan(
        profile={"account_tier": "Key"},
        stakeholders=[
            {"name": "Eve", "is_economic_buyer": True, "last_contact_date": days(-200)},
            {"name": "Cal", "is_champion": True, "last_contact_date": days(-5)},
            {"name": "Dan", "buying_role": "Decision maker", "business_unit": "Ops"},
        ],
        business_units=[{"name": "Ops"}, {"name": "Retail"}],
    )
    found = [str(g) for g in gaps.coverage_gaps(plan, rules)]
    assert "Economic buyer Eve: last contact 200 days ago" in found
    assert not any(f.startswith("Champion") for f in found)
    assert "Decision maker Dan: never contacted" in found
    assert "Business unit Ops: no engaged contact" in found
    assert "Executive sponsor: a Key account has none on our team" in found


def test_white_space_gaps_by_priority_and_unassessed_units(rules):
    plan = make_plan(
        business_units=[
            {"name": "Low", "priority": "Low"},
            {"name": "High", "priority": "High"},
            {"name": "New"},
        ],
        white_space=[
            {"business_unit": "Low", "offering": "Training", "state": "Opportunity"},
            {"business_unit": "High", "offering": "Analytics", "state": "Opportunity"},
            {"business_unit": "High", "offering": "Training", "state": "In use"},
        ],
        opportunities=[
            _deal(business_unit="High", offering="Analytics", estimated_value=5.0)
        ],
    )
    found = [str(g) for g in gaps.white_space_gaps(plan, rules)]
    assert found == [
        "Analytics at High: open opportunity exists",
        "Training at Low: no opportunity yet",
        "Business unit New: white space not assessed",
    ]


@pytest.mark.parametrize(
    ("period", "end"),
    [
        ("2026", dt.date(2026, 12, 31)),
        ("2026-Q1", dt.date(2026, 3, 31)),
        ("2026-q4", dt.date(2026, 12, 31)),
        ("2026-H1", dt.date(2026, 6, 30)),
        ("2024-02", dt.date(2024, 2, 29)),
        ("2026-13", None),
        ("Q3", None),
        (None, None),
        (2026, None),
    ],
)
def test_period_end(period, end):
    assert gaps.period_end(period) == end


def test_kpi_status_against_expected_progress():
    plan = make_plan(plan={"period_start": days(-50)})
    row = {"period": None, "baseline": 0.0, "target": 10.0, "better": "Higher"}
    assert gaps.kpi_status(row, plan).status == "No data"
    # no period: the target itself is expected
    assert gaps.kpi_status(dict(row, actual=9.0), plan).status == "Behind"
    halfway = (days(50)).strftime("%Y-%m")
    status = gaps.kpi_status(dict(row, actual=9.0, period=halfway), plan)
    assert status.status == "On track" and 0 < status.expected < 1


def test_explain_health_names_band_weakest_and_short_components(rules):
    plan = make_plan(
        plan={"plan_status": "Active", "created_date": days(-10)},
        profile={"relationship_strength": "Excellent"},
    )
    text = gaps.explain_health(score_health(plan, rules), rules)
    assert text.startswith("Red 40/100, weakest: Action discipline")
    assert "Goal progress 0/20" in text
    draft = score_health(make_plan(plan={"plan_status": "Draft"}), rules)
    assert gaps.explain_health(draft, rules).startswith("No health score")


@pytest.mark.parametrize(
    ("score", "tier"),
    [
        (7.5, "Key"),
        (7.49, "Strategic"),
        (5.0, "Strategic"),
        (1.0, "Other"),
        (None, None),
    ],
)
def test_tier_for_score(rules, score, tier):
    assert tier_for_score(score, rules) == tier


@settings(deadline=None)
@given(st.floats(1, 10), st.floats(0, 9))
def test_a_higher_score_never_suggests_a_lower_tier(score, step):
    rules = RULES
    order = ["Other", "Strategic", "Key"]
    higher = min(10.0, score + step)
    assert order.index(tier_for_score(higher, rules)) >= order.index(
        tier_for_score(score, rules)
    )


def test_key_account_tier_and_selection_warnings(rules):
    plan = make_plan(
        selection=[
            {"criterion": "Product fit", "active": True, "weight": 3.0, "score": 9},
            {"criterion": "Solvency", "active": True, "weight": 1.0, "score": 5},
        ]
    )
    assert gaps.key_account_tier(plan, rules) == (8.0, "Key")
    assert gaps.selection_warnings(plan, rules) == ["2 active criteria; pick 3 to 5"]
    unscored = make_plan(selection=[{"criterion": "Solvency", "active": True}])
    assert gaps.key_account_tier(unscored, rules) == (None, None)
    assert "not scored: Solvency" in gaps.selection_warnings(unscored, rules)
