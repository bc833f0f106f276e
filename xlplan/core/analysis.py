"""Figures of the analysis sections (DOMAIN.md 3): SWOT, Five Forces, white
space, key-account selection and force field, each beside its Excel formula."""

from __future__ import annotations

from xlplan.core.excel import quote
from xlplan.core.figures import ratio
from xlplan.core.refs import Refs
from xlplan.core.rules import Rules
from xlplan.model.plan import Plan

_IN_USE, _OPPORTUNITY, _COMPETITOR, _NOT_APPLICABLE = range(4)


def _state_counts(plan: Plan, rules: Rules) -> list[int]:
    states = rules.lists["white_space_state"]
    counts = [0] * len(states)
    for cell in plan.rows("white_space"):
        if cell.get("state") in states:
            counts[states.index(cell["state"])] += 1
    return counts


def _state_count_formula(r: Refs, rules: Rules, state: str) -> str:
    return "+".join(
        f"COUNTIF({r.grid_col('white_space', offering)},{quote(state)})"
        for offering in rules.lists["offerings"]
    )


def _applicable_formula(r: Refs, rules: Rules) -> str:
    states = rules.lists["white_space_state"]
    applicable = [s for i, s in enumerate(states) if i != _NOT_APPLICABLE]
    return "+".join(f"({_state_count_formula(r, rules, s)})" for s in applicable)


def account_penetration(plan: Plan, rules: Rules) -> float | None:
    """Cells in use over applicable assessed cells; ``None`` when none applies."""
    counts = _state_counts(plan, rules)
    applicable = sum(c for i, c in enumerate(counts) if i != _NOT_APPLICABLE)
    return ratio(counts[_IN_USE], applicable)


def account_penetration_formula(r: Refs, rules: Rules) -> str:
    applicable = _applicable_formula(r, rules)
    in_use = _state_count_formula(r, rules, rules.lists["white_space_state"][_IN_USE])
    return f'IF(({applicable})=0,"",({in_use})/({applicable}))'


def competitor_share(plan: Plan, rules: Rules) -> float | None:
    """Cells with a competitor installed over applicable assessed cells."""
    counts = _state_counts(plan, rules)
    applicable = sum(c for i, c in enumerate(counts) if i != _NOT_APPLICABLE)
    return ratio(counts[_COMPETITOR], applicable)


def competitor_share_formula(r: Refs, rules: Rules) -> str:
    applicable = _applicable_formula(r, rules)
    installed = _state_count_formula(
        r, rules, rules.lists["white_space_state"][_COMPETITOR]
    )
    return f'IF(({applicable})=0,"",({installed})/({applicable}))'


def white_space_count(plan: Plan, rules: Rules) -> int | None:
    """Cells marked Opportunity; ``None`` when no cell is assessed."""
    counts = _state_counts(plan, rules)
    return counts[_OPPORTUNITY] if sum(counts) else None


def white_space_count_formula(r: Refs, rules: Rules) -> str:
    states = rules.lists["white_space_state"]
    assessed = "+".join(f"({_state_count_formula(r, rules, s)})" for s in states)
    return (
        f'IF(({assessed})=0,"",{_state_count_formula(r, rules, states[_OPPORTUNITY])})'
    )


def swot_validated_share(plan: Plan, rules: Rules) -> float | None:
    """SWOT items validated with the client over all items."""
    items = [row for row in plan.rows("swot") if row.get("text") is not None]
    validated = sum(1 for row in items if row.get("validated_with_client") is True)
    return ratio(validated, len(items))


def swot_validated_share_formula(r: Refs, rules: Rules) -> str:
    text, valid = r.col("swot", "text"), r.col("swot", "validated_with_client")
    items = f'COUNTIF({text},"<>")'
    return f'IF({items}=0,"",COUNTIFS({text},"<>",{valid},TRUE)/{items})'


def five_forces_net(plan: Plan, rules: Rules) -> int | None:
    """Advantage +1, Neutral 0, Disadvantage -1 over rated forces; ``None`` if none."""
    advantage, _neutral, disadvantage = rules.lists["force_position"][:3]
    rated = [row.get("client_position") for row in plan.rows("five_forces")]
    rated = [p for p in rated if p is not None]
    if not rated:
        return None
    return sum(1 for p in rated if p == advantage) - sum(
        1 for p in rated if p == disadvantage
    )


def five_forces_net_formula(r: Refs, rules: Rules) -> str:
    position = r.col("five_forces", "client_position")
    advantage, neutral, disadvantage = (
        quote(v) for v in rules.lists["force_position"][:3]
    )
    rated = "+".join(
        f"COUNTIF({position},{v})" for v in (advantage, neutral, disadvantage)
    )
    return (
        f'IF(({rated})=0,"",COUNTIF({position},{advantage})'
        f"-COUNTIF({position},{disadvantage}))"
    )


def key_account_score(plan: Plan, rules: Rules) -> float | None:
    """Weighted mean of active criterion scores (1-10).

    ``None`` when no criterion is active, an active one is unscored, or the
    active weights sum to zero.
    """
    active = [row for row in plan.rows("selection") if row.get("active") is True]
    if not active or any(row.get("score") is None for row in active):
        return None
    weights = 0.0
    for row in active:
        weights += row.get("weight") or 0.0
    if weights == 0:
        return None
    total = 0.0
    for row in active:
        total += row["score"] * (row.get("weight") or 0.0)
    return total / weights


def key_account_score_formula(r: Refs, rules: Rules) -> str:
    active, score, weight = (
        r.col("selection", f) for f in ("active", "score", "weight")
    )
    weights = f"SUMIFS({weight},{active},TRUE)"
    scored = f"SUMPRODUCT(--({active}=TRUE),--ISNUMBER({score}))"
    return (
        f'IF(COUNTIF({active},TRUE)=0,"",IF({scored}<COUNTIF({active},TRUE),"",'
        f'IF({weights}=0,"",SUMPRODUCT(--({active}=TRUE),{score},{weight})/{weights})))'
    )


def suggested_tier(plan: Plan, rules: Rules) -> str | None:
    """The tier the selection score suggests; the tier itself stays manual."""
    return tier_for_score(key_account_score(plan, rules), rules)


def tier_for_score(score: float | None, rules: Rules) -> str | None:
    """The tier a key-account score of 1-10 suggests (Key, Strategic, Other)."""
    if score is None:
        return None
    for tier, floor in rules.tier_thresholds:
        if score >= floor:
            return tier
    return rules.tier_thresholds[-1][0]


def suggested_tier_formula(r: Refs, rules: Rules) -> str:
    score = r.name("key_account_score")
    formula = quote(rules.tier_thresholds[-1][0])
    for tier, floor in reversed(rules.tier_thresholds[:-1]):
        formula = f"IF({score}>={floor!r},{quote(tier)},{formula})"
    return f'IF(ISNUMBER({score}),{formula},"")'


def force_field_score(plan: Plan, rules: Rules) -> int | None:
    """Strength For minus strength Against; ``None`` with no item."""
    items = [
        row for row in plan.rows("force_field") if row.get("side") in ("For", "Against")
    ]
    if not items:
        return None
    strength = lambda side: sum(  # noqa: E731
        row.get("strength") or 0 for row in items if row.get("side") == side
    )
    return int(strength("For") - strength("Against"))


def force_field_score_formula(r: Refs, rules: Rules) -> str:
    side, strength = r.col("force_field", "side"), r.col("force_field", "strength")
    return (
        f'IF(COUNTIF({side},"For")+COUNTIF({side},"Against")=0,"",'
        f'SUMIFS({strength},{side},"For")-SUMIFS({strength},{side},"Against"))'
    )


def force_field_pass(plan: Plan, rules: Rules) -> bool | None:
    """Force field score above zero (zero fails)."""
    score = force_field_score(plan, rules)
    return None if score is None else score > 0


def force_field_pass_formula(r: Refs, rules: Rules) -> str:
    score = r.name("force_field_score")
    return f'IF(ISNUMBER({score}),{score}>0,"")'
