"""Portfolio figures (DOMAIN.md 3.6, 4.1, 5.1, 5.2): one row per plan, flags,
revenue concentration and ratios of sums.

Every plan in a rollup is computed against one as-of date. Money is converted
to the portfolio currency with the pack's rates; a plan whose currency has no
rate keeps its other figures, has its money columns blank and a data flag.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from xlplan.core import analysis, figures
from xlplan.core import rows as row_rules
from xlplan.core.completeness import score_completeness
from xlplan.core.health import score_health
from xlplan.core.rules import Rules
from xlplan.model.pack import Rates
from xlplan.model.plan import Plan

FLAGS = (
    "STALE",
    "LOW_COMPLETENESS",
    "NO_ECONOMIC_BUYER",
    "NO_CHAMPION",
    "NO_EXEC_SPONSOR",
    "SINGLE_THREADED",
    "OVERDUE_ACTIONS",
    "HIGH_RISK",
    "RENEWAL_DUE",
    "CONCENTRATION",
    "OWNER_LOAD",
    "DATA_ERROR",
)
# How each flag reads to a person (a deck, a sentence); the codes stay the data.
FLAG_LABELS = {
    "STALE": "Stale",
    "LOW_COMPLETENESS": "Low completeness",
    "NO_ECONOMIC_BUYER": "No economic buyer",
    "NO_CHAMPION": "No champion",
    "NO_EXEC_SPONSOR": "No executive sponsor",
    "SINGLE_THREADED": "Single-threaded",
    "OVERDUE_ACTIONS": "Actions overdue",
    "HIGH_RISK": "High risk",
    "RENEWAL_DUE": "Renewal due",
    "CONCENTRATION": "Revenue concentration",
    "OWNER_LOAD": "Owner overloaded",
    "DATA_ERROR": "Values ignored",
}
MONEY_COLUMNS = (
    "revenue_current",
    "revenue_target",
    "pipeline",
    "weighted_pipeline",
    "won_value",
)
PLANNED_TIERS = ("Key", "Strategic")


@dataclass(frozen=True)
class AccountRow:
    """One plan's row of the portfolio: its figures (by column name) and flags."""

    values: Mapping[str, Any]
    flags: frozenset[str]


def rate_for(currency: str | None, rates: Rates) -> float | None:
    """Units of the portfolio currency per unit of ``currency`` (base when blank)."""
    return rates.rates.get(currency or rates.base)


def account_row(
    plan: Plan, rules: Rules, rates: Rates, data_errors: int = 0
) -> AccountRow:
    """Every Accounts column of DOMAIN.md 5.1 for one plan, before portfolio flags."""
    completeness = score_completeness(plan, rules)
    health = score_health(plan, rules)
    rate = rate_for(plan.value("plan", "currency"), rates)
    money = {
        "revenue_current": plan.value("profile", "revenue_current"),
        "revenue_target": plan.value("profile", "revenue_target"),
        "pipeline": figures.pipeline(plan, rules),
        "weighted_pipeline": figures.weighted_pipeline(plan, rules),
        "won_value": figures.won_value(plan, rules),
    }
    converted = {
        k: (None if v is None or rate is None else v * rate) for k, v in money.items()
    }
    values: dict[str, Any] = {
        "plan_id": plan.plan_id,
        "account_name": plan.value("plan", "account_name"),
        "account_tier": plan.value("profile", "account_tier"),
        "plan_owner": plan.value("plan", "plan_owner"),
        "kam": plan.value("plan", "kam"),
        "period_type": plan.value("plan", "period_type"),
        "period_start": plan.value("plan", "period_start"),
        "period_end": plan.value("plan", "period_end"),
        "plan_status": plan.value("plan", "plan_status"),
        "currency": plan.value("plan", "currency"),
        "last_reviewed_date": figures.last_review(plan),
        "days_since_review": figures.days_since_review(plan),
        "next_review_due": figures.next_review_due(plan, rules),
        "completeness": completeness.score,
        "health": health.score,
        "health_band": health.band,
        "health_weakest": health.weakest,
        "key_account_score": analysis.key_account_score(plan, rules),
        "force_field_score": analysis.force_field_score(plan, rules),
        "relationship_strength": plan.value("profile", "relationship_strength"),
        "account_health": plan.value("profile", "account_health"),
        "engagement_level": plan.value("profile", "engagement_level"),
        "supporter_ratio": figures.supporter_ratio(plan, rules),
        "engaged_contacts": figures.engaged_contacts(plan, rules),
        "has_economic_buyer": figures.has_economic_buyer(plan, rules),
        "has_champion": figures.has_champion(plan, rules),
        "has_exec_sponsor": figures.has_exec_sponsor(plan, rules),
        **converted,
        "revenue_growth": figures.revenue_growth(plan),
        "revenue_attainment": figures.revenue_attainment(plan),
        "win_rate": figures.win_rate(plan, rules),
        "share_of_wallet": figures.share_of_wallet(plan),
        "account_penetration": analysis.account_penetration(plan, rules),
        "action_completion": figures.action_completion(plan, rules),
        "open_actions": figures.open_actions(plan, rules),
        "overdue_actions": figures.overdue_actions(plan, rules),
        "goal_attainment_avg": figures.goal_attainment_avg(plan, rules),
        "open_high_risks": figures.open_high_risks(plan, rules),
        "days_to_renewal": figures.days_to_renewal(plan, rules),
        "data_errors": data_errors,
    }
    # A ratio of a figure to a vanishing one (growth on a prior revenue of
    # 1e-300) is no number a sheet can hold: blank, and the plan flagged.
    overflowed = [
        k for k, v in values.items() if type(v) is float and not math.isfinite(v)
    ]
    for key in overflowed:
        values[key] = None
    flags = _plan_flags(plan, values, rules, rate, data_errors)
    if overflowed:
        flags.add("DATA_ERROR")
    return AccountRow(values, frozenset(flags))


def _plan_flags(
    plan: Plan,
    values: Mapping[str, Any],
    rules: Rules,
    rate: float | None,
    data_errors: int,
) -> set[str]:
    flags = set()
    since = values["days_since_review"]
    if figures.review_overdue(plan, rules) or (
        since is not None and since > rules.stale_after_days
    ):
        flags.add("STALE")
    if values["completeness"] < rules.completeness_flag_below:
        flags.add("LOW_COMPLETENESS")
    if not values["has_economic_buyer"]:
        flags.add("NO_ECONOMIC_BUYER")
    if not values["has_champion"]:
        flags.add("NO_CHAMPION")
    if values["account_tier"] == "Key" and not values["has_exec_sponsor"]:
        flags.add("NO_EXEC_SPONSOR")
    if values["engaged_contacts"] <= 1:
        flags.add("SINGLE_THREADED")
    if values["overdue_actions"] >= 1:
        flags.add("OVERDUE_ACTIONS")
    if values["open_high_risks"] >= 1 or values["account_health"] == "At risk":
        flags.add("HIGH_RISK")
    renewal = values["days_to_renewal"]
    due = renewal is not None and renewal <= rules.flags.get("renewal_within_days", 90)
    if due and not _has_open_renewal(plan, rules):
        flags.add("RENEWAL_DUE")
    if data_errors or rate is None:
        flags.add("DATA_ERROR")
    return flags


def _has_open_renewal(plan: Plan, rules: Rules) -> bool:
    return any(
        row.get("type") in ("Renewal", "Contract extension")
        and row.get("stage") in rules.open_stages
        for row in plan.rows("opportunities")
    )


@dataclass(frozen=True)
class Concentration:
    """Revenue concentration over accounts with revenue (DOMAIN.md 3.6)."""

    shares: Mapping[
        int, tuple[float, float, str]
    ]  # index -> share, cumulative share, class
    top20_share: float | None
    hhi: float | None
    accounts_with_revenue: int


def concentration(revenues: Sequence[float | None]) -> Concentration:
    """Share, cumulative share and Pareto class per account; top-20% share and HHI.

    Accounts with blank or zero revenue are left out; all blank with none.
    """
    ranked = sorted(
        ((i, r) for i, r in enumerate(revenues) if r is not None and r > 0),
        key=lambda x: -x[1],
    )
    total = sum(r for _, r in ranked)
    if not ranked:
        return Concentration({}, None, None, 0)
    shares: dict[int, tuple[float, float, str]] = {}
    running = 0.0
    for index, revenue in ranked:
        before = running / total
        running += revenue
        shares[index] = (revenue / total, running / total, "A" if before < 0.8 else "B")
    top = math.ceil(0.2 * len(ranked))
    top20 = sum(r for _, r in ranked[:top]) / total
    hhi = sum((r / total) ** 2 for _, r in ranked)
    return Concentration(shares, top20, hhi, len(ranked))


def add_portfolio_flags(rows: list[AccountRow], rules: Rules) -> list[AccountRow]:
    """Flags that need the whole portfolio: CONCENTRATION and OWNER_LOAD."""
    mix = concentration([r.values.get("revenue_current") for r in rows])
    limit = rules.flags.get("owner_load_max", 5)
    load: dict[str, int] = {}
    for row in rows:
        owner = row.values.get("plan_owner")
        if owner and row.values.get("account_tier") in PLANNED_TIERS:
            load[str(owner).casefold()] = load.get(str(owner).casefold(), 0) + 1
    result = []
    for index, row in enumerate(rows):
        flags = set(row.flags)
        share, cumulative, pareto = mix.shares.get(index, (None, None, None))
        if share is not None and share >= rules.flags.get("concentration_share", 0.10):
            flags.add("CONCENTRATION")
        owner = str(row.values.get("plan_owner") or "").casefold()
        if owner and load.get(owner, 0) > limit:
            flags.add("OWNER_LOAD")
        values = {
            **row.values,
            "revenue_share": share,
            "cum_share": cumulative,
            "pareto_class": pareto,
        }
        result.append(replace(row, values=values, flags=frozenset(flags)))
    return result


def ratio_of_sums(
    pairs: Iterable[tuple[float | None, float | None]],
) -> tuple[float | None, int]:
    """``sum(numerators) / sum(denominators)`` over pairs with both, and how many had data."""
    known = [(n, d) for n, d in pairs if n is not None and d is not None]
    total = sum(d for _, d in known)
    return (None if not known or total == 0 else sum(n for n, _ in known) / total), len(
        known
    )


def portfolio_win_rate(closed: Iterable[tuple[int, int]]) -> tuple[float | None, int]:
    """Won / (won + lost) by count over every plan's deals (``figures.closed_counts``)."""
    pairs = [(float(won), float(won + lost)) for won, lost in closed if won + lost]
    return ratio_of_sums(pairs)


def overdue_for_owner(plans: Sequence[Plan]) -> dict[str, tuple[int, int]]:
    """Open and overdue actions per plan owner."""
    totals: dict[str, tuple[int, int]] = {}
    for plan in plans:
        owner = str(plan.value("plan", "plan_owner") or "(no owner)")
        open_count = sum(1 for r in plan.rows("actions") if row_rules.is_open_action(r))
        late = sum(
            1 for r in plan.rows("actions") if row_rules.overdue(r, plan.as_of) is True
        )
        before = totals.get(owner, (0, 0))
        totals[owner] = (before[0] + open_count, before[1] + late)
    return totals
