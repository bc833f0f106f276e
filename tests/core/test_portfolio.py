"""Portfolio figures: concentration, ratios of sums, flags."""

import pytest

from tests.conftest import days, make_plan
from xlplan.core import portfolio


def test_concentration_follows_the_80_20_rule():
    mix = portfolio.concentration([50.0, None, 30.0, 10.0, 0.0, 10.0])
    assert mix.accounts_with_revenue == 4
    assert mix.shares[0] == pytest.approx((0.5, 0.5, "A"))
    assert mix.shares[2] == pytest.approx((0.3, 0.8, "A"))
    assert mix.shares[3][2] == "B" and mix.shares[5][2] == "B"
    assert 1 not in mix.shares and 4 not in mix.shares
    assert mix.top20_share == pytest.approx(0.5)
    assert mix.hhi == pytest.approx(0.25 + 0.09 + 0.01 + 0.01)
    empty = portfolio.concentration([None, 0.0])
    assert (empty.top20_share, empty.hhi) == (None, None)


def test_ratio_of_sums_not_average_of_ratios():
    value, n = portfolio.ratio_of_sums([(1.0, 2.0), (9.0, 10.0), (None, 5.0)])
    assert value == pytest.approx(10 / 12) and n == 2
    assert portfolio.ratio_of_sums([]) == (None, 0)


def test_plan_flags(pack, rules):
    plan = make_plan(
        plan={"plan_status": "Active", "created_date": days(-200), "currency": "USD"},
        profile={
            "account_tier": "Key",
            "account_health": "At risk",
            "contract_end_date": days(30),
            "revenue_current": 100.0,
        },
        actions=[{"action_step": "late", "due_date": days(-2)}],
    )
    row = portfolio.account_row(plan, rules, pack.rates)
    assert {
        "STALE",
        "LOW_COMPLETENESS",
        "NO_ECONOMIC_BUYER",
        "NO_CHAMPION",
        "NO_EXEC_SPONSOR",
        "SINGLE_THREADED",
        "OVERDUE_ACTIONS",
        "HIGH_RISK",
        "RENEWAL_DUE",
    } <= row.flags
    assert "DATA_ERROR" not in row.flags


def test_a_currency_without_a_rate_blanks_money_and_flags(pack, rules):
    plan = make_plan(plan={"currency": "XYZ"}, profile={"revenue_current": 100.0})
    row = portfolio.account_row(plan, rules, pack.rates)
    assert row.values["revenue_current"] is None and "DATA_ERROR" in row.flags
    euro = portfolio.account_row(
        make_plan(plan={"currency": "EUR"}, profile={"revenue_current": 100.0}),
        rules,
        pack.rates,
    )
    assert euro.values["revenue_current"] == pytest.approx(
        100.0 * pack.rates.rates["EUR"]
    )


def test_portfolio_flags_concentration_and_owner_load(pack, rules):
    rows = [
        portfolio.account_row(
            make_plan(
                plan={"plan_owner": "Ann"},
                profile={"account_tier": "Key", "revenue_current": r},
            ),
            rules,
            pack.rates,
        )
        for r in (90.0, 5, 1, 1, 1, 1, 1)
    ]
    flagged = portfolio.add_portfolio_flags(rows, rules)
    assert (
        "CONCENTRATION" in flagged[0].flags and "CONCENTRATION" not in flagged[2].flags
    )
    assert all("OWNER_LOAD" in r.flags for r in flagged)
