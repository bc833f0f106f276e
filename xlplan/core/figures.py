"""Plan-level figures (DOMAIN.md 2-4), each beside its native Excel formula.

Value functions take the ``Plan`` and the ``Rules`` and return ``None`` where
DOMAIN.md says blank: missing inputs, a zero denominator, nothing to count.
Formula functions return the cover cell's formula without the leading ``=``.
Sums run in sheet order, stage by stage, as Excel's SUMIFS do, so float
results agree to the last bit.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable

from xlplan.core import rows as row_rules
from xlplan.core.excel import quote
from xlplan.core.refs import Refs
from xlplan.core.rules import Rules
from xlplan.model.plan import Plan, Row

Test = Callable[[Row], bool]


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """``numerator / denominator``; ``None`` when either is blank or the denominator is 0.

    ``None`` too when the quotient overflows (a figure over a vanishing one),
    as Excel's own formula gives #NUM! there.
    """
    if numerator is None or denominator is None or denominator == 0:
        return None
    quotient = numerator / denominator
    return quotient if math.isfinite(quotient) else None


def ratio_formula(numerator: str, denominator: str) -> str:
    return (
        f"IF(AND(ISNUMBER({numerator}),ISNUMBER({denominator})),"
        f'IF({denominator}=0,"",{numerator}/{denominator}),"")'
    )


def _count(rows: Iterable[Row], test: Test) -> int:
    return sum(1 for row in rows if test(row))


def _sum(rows: Iterable[Row], field: str, test: Test) -> float:
    total = 0.0
    for row in rows:
        value = row.get(field)
        if (
            test(row)
            and isinstance(value, (int, float))
            and not isinstance(value, bool)
        ):
            total += value
    return total


def _field_is(field: str, value: object) -> Test:
    return lambda row: row.get(field) == value


def _closed_of_type(stage: str, kind: str, in_period: Test) -> Test:
    return lambda row: (
        row.get("stage") == stage and row.get("type") == kind and in_period(row)
    )


# ------------------------------------------------------------------- reviews


def last_review(plan: Plan) -> dt.date | None:
    """The latest counted review in the log, else the typed date (if not after as-of)."""
    counted = [
        row_rules.counted_review_date(row, plan.as_of) for row in plan.rows("reviews")
    ]
    dates = [day for day in counted if day is not None]
    if dates:
        return max(dates)
    typed = plan.value("plan", "last_reviewed_date")
    return typed if isinstance(typed, dt.date) and typed <= plan.as_of else None


def last_review_formula(r: Refs, rules: Rules) -> str:
    counted = f"MAX({r.col('reviews', 'counted_date')})"
    typed = r.name("last_reviewed_date")
    return f'IF({counted}>0,{counted},IF(ISNUMBER({typed}),IF({typed}<=as_of,{typed},""),""))'


def _interval_formula(day: str, r: Refs, rules: Rules) -> str:
    cadence = r.name("review_cadence")
    step = rules.interval(None)
    formula = _step_formula(day, step.days, step.months)
    for name, interval in rules.review_intervals.items():
        if name != rules.default_cadence:
            step_text = _step_formula(day, interval.days, interval.months)
            formula = f"IF({cadence}={quote(name)},{step_text},{formula})"
    return formula


def _step_formula(day: str, days: int, months: int) -> str:
    moved = f"EDATE({day},{months})" if months else day
    return f"{moved}+{days}" if days else moved


def next_review_due(plan: Plan, rules: Rules) -> dt.date | None:
    """Last review (else created date) plus one cadence interval."""
    base = last_review(plan) or plan.value("plan", "created_date")
    if not isinstance(base, dt.date):
        return None
    return row_rules.next_interval(base, plan.value("plan", "review_cadence"), rules)


def next_review_due_formula(r: Refs, rules: Rules) -> str:
    last, created = r.name("last_review"), r.name("created_date")
    return (
        f"IF(ISNUMBER({last}),{_interval_formula(last, r, rules)},"
        f'IF(ISNUMBER({created}),{_interval_formula(created, r, rules)},""))'
    )


def review_overdue(plan: Plan, rules: Rules) -> bool | None:
    """``as_of`` past the next review due; ``None`` when that is unknown."""
    due = next_review_due(plan, rules)
    return None if due is None else plan.as_of > due


def review_overdue_formula(r: Refs, rules: Rules) -> str:
    due = r.name("next_review_due")
    return f'IF(ISNUMBER({due}),as_of>{due},"")'


def days_since_review(plan: Plan) -> int | None:
    """Days from the last review to ``as_of``; ``None`` if never reviewed."""
    last = last_review(plan)
    return None if last is None else (plan.as_of - last).days


def days_since_review_formula(r: Refs, rules: Rules) -> str:
    last = r.name("last_review")
    return f'IF(ISNUMBER({last}),as_of-{last},"")'


# ------------------------------------------------------------------- profile


def tenure_years(plan: Plan) -> float | None:
    """Years a client (365.25-day years); ``None`` for a prospect or a future date."""
    since = plan.value("profile", "client_since")
    if not isinstance(since, dt.date) or since > plan.as_of:
        return None
    return (plan.as_of - since).days / 365.25


def tenure_years_formula(r: Refs, rules: Rules) -> str:
    since = r.name("client_since")
    return f'IF(ISNUMBER({since}),IF({since}>as_of,"",(as_of-{since})/365.25),"")'


def share_of_wallet(plan: Plan) -> float | None:
    """Our revenue over the client's spend in our category."""
    return ratio(
        plan.value("profile", "revenue_current"),
        plan.value("profile", "estimated_wallet"),
    )


def share_of_wallet_formula(r: Refs, rules: Rules) -> str:
    return ratio_formula(r.name("revenue_current"), r.name("estimated_wallet"))


_TESTS = ("test_multi_dept", "test_fast_growth", "test_high_profile")


def plan_warranted(plan: Plan) -> bool | None:
    """Any strategic-account test TRUE; ``None`` when none is answered."""
    answers = [plan.value("profile", name) for name in _TESTS]
    if any(answer is True for answer in answers):
        return True
    return None if all(answer is None for answer in answers) else False


def plan_warranted_formula(r: Refs, rules: Rules) -> str:
    cells = [r.name(name) for name in _TESTS]
    any_true = ",".join(f"{c}=TRUE" for c in cells)
    all_blank = ",".join(f'{c}=""' for c in cells)
    return f'IF(OR({any_true}),TRUE,IF(AND({all_blank}),"",FALSE))'


# ---------------------------------------------------------- revenue and deals


def revenue_growth(plan: Plan) -> float | None:
    """``(current - prior) / prior``; ``None`` for a new account (no prior revenue)."""
    current, prior = (
        plan.value("profile", "revenue_current"),
        plan.value("profile", "revenue_prior"),
    )
    if current is None:
        return None
    return ratio(current - prior if prior is not None else None, prior)


def revenue_growth_formula(r: Refs, rules: Rules) -> str:
    c, p = r.name("revenue_current"), r.name("revenue_prior")
    return f'IF(AND(ISNUMBER({c}),ISNUMBER({p})),IF({p}=0,"",({c}-{p})/{p}),"")'


def revenue_attainment(plan: Plan) -> float | None:
    """Revenue current over the period's revenue target."""
    return ratio(
        plan.value("profile", "revenue_current"),
        plan.value("profile", "revenue_target"),
    )


def revenue_attainment_formula(r: Refs, rules: Rules) -> str:
    return ratio_formula(r.name("revenue_current"), r.name("revenue_target"))


def pipeline(plan: Plan, rules: Rules) -> float:
    """Sum of estimated value over open stages (blank values skipped)."""
    deals = plan.rows("opportunities")
    return sum(
        (
            _sum(deals, "estimated_value", _field_is("stage", stage))
            for stage in rules.open_stages
        ),
        0.0,
    )


def pipeline_formula(r: Refs, rules: Rules) -> str:
    value, stage = (
        r.col("opportunities", "estimated_value"),
        r.col("opportunities", "stage"),
    )
    return "+".join(f"SUMIFS({value},{stage},{quote(s)})" for s in rules.open_stages)


def weighted_pipeline(plan: Plan, rules: Rules) -> float:
    """Sum of weighted values of open opportunities."""
    total = 0.0
    for row in plan.rows("opportunities"):
        value = row_rules.weighted_value(row, rules)
        if value is not None:
            total += value
    return total


def weighted_pipeline_formula(r: Refs, rules: Rules) -> str:
    return f"SUM({r.col('opportunities', 'weighted_value')})"


def _in_period(plan: Plan) -> Test:
    start, end = plan.value("plan", "period_start"), plan.value("plan", "period_end")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        return lambda row: True

    def test(row: Row) -> bool:
        closed = row.get("closed_date")
        return isinstance(closed, dt.date) and start <= closed <= end

    return test


def _period_criteria(r: Refs) -> tuple[str, str]:
    closed = r.col("opportunities", "closed_date")
    start, end = r.name("period_start"), r.name("period_end")
    window = f',{closed},">="&{start},{closed},"<="&{end}'
    return window, f"AND(ISNUMBER({start}),ISNUMBER({end}))"


def _closed_sum(plan: Plan, stage: str, types: Iterable[str] | None = None) -> float:
    in_period = _in_period(plan)
    deals = plan.rows("opportunities")
    if types is None:
        return _sum(
            deals,
            "estimated_value",
            lambda row: row.get("stage") == stage and in_period(row),
        )
    return sum(
        (
            _sum(deals, "estimated_value", _closed_of_type(stage, kind, in_period))
            for kind in types
        ),
        0.0,
    )


def _closed_formula(
    r: Refs, function: str, stage: str, types: Iterable[str] | None = None
) -> str:
    value, stage_col = (
        r.col("opportunities", "estimated_value"),
        r.col("opportunities", "stage"),
    )
    type_col = r.col("opportunities", "type")
    window, dated = _period_criteria(r)
    head = f"{function}({value}," if function == "SUMIFS" else f"{function}("
    kinds = [f",{type_col},{quote(t)}" for t in types] if types is not None else [""]

    def term(extra: str) -> str:
        parts = [f"{head}{stage_col},{quote(stage)}{kind}{extra})" for kind in kinds]
        return "+".join(parts)

    return f"IF({dated},{term(window)},{term('')})"


def won_value(plan: Plan, rules: Rules) -> float:
    """Value won within the plan period (all won deals when the period is blank)."""
    return _closed_sum(plan, "Won")


def won_value_formula(r: Refs, rules: Rules) -> str:
    return _closed_formula(r, "SUMIFS", "Won")


def lost_value(plan: Plan, rules: Rules) -> float:
    """Value lost within the plan period."""
    return _closed_sum(plan, "Lost")


def lost_value_formula(r: Refs, rules: Rules) -> str:
    return _closed_formula(r, "SUMIFS", "Lost")


def expansion_revenue(plan: Plan, rules: Rules) -> float:
    """Won value of expansion deal types within the period."""
    return _closed_sum(plan, "Won", rules.expansion_types)


def expansion_revenue_formula(r: Refs, rules: Rules) -> str:
    return _closed_formula(r, "SUMIFS", "Won", rules.expansion_types)


def closed_counts(plan: Plan) -> tuple[int, int]:
    """Deals won and lost within the plan period (all closed deals when it is blank)."""
    in_period = _in_period(plan)
    deals = plan.rows("opportunities")
    won = _count(deals, lambda row: row.get("stage") == "Won" and in_period(row))
    lost = _count(deals, lambda row: row.get("stage") == "Lost" and in_period(row))
    return won, lost


def win_rate(plan: Plan, rules: Rules) -> float | None:
    """Won / (won + lost) by count within the period; ``None`` with no closed deal."""
    won, lost = closed_counts(plan)
    return ratio(won, won + lost)


def win_rate_formula(r: Refs, rules: Rules) -> str:
    won = _closed_formula(r, "COUNTIFS", "Won")
    lost = _closed_formula(r, "COUNTIFS", "Lost")
    return f'IF(({won})+({lost})=0,"",({won})/(({won})+({lost})))'


# -------------------------------------------------------------------- actions


def _countable(row: Row) -> bool:
    return (
        row.get("action_step") is not None
        and row.get("progress") != "Cancelled"
        and row.get("acceptance") != "Declined"
    )


def open_actions(plan: Plan, rules: Rules) -> int:
    """Actions neither done, cancelled nor declined."""
    return _count(plan.rows("actions"), row_rules.is_open_action)


def open_actions_formula(r: Refs, rules: Rules) -> str:
    c = lambda f: r.col("actions", f)  # noqa: E731
    return (
        f'COUNTIFS({c("action_step")},"<>",{c("progress")},"<>Done",'
        f'{c("progress")},"<>Cancelled",{c("acceptance")},"<>Declined")'
    )


def overdue_actions(plan: Plan, rules: Rules) -> int:
    """Open actions due before ``as_of``."""
    return _count(
        plan.rows("actions"), lambda row: row_rules.overdue(row, plan.as_of) is True
    )


def overdue_actions_formula(r: Refs, rules: Rules) -> str:
    return f"COUNTIF({r.col('actions', 'overdue')},TRUE)"


def action_completion(plan: Plan, rules: Rules) -> float | None:
    """Done / (actions - cancelled - declined); ``None`` with nothing to count."""
    actions = plan.rows("actions")
    countable = _count(actions, _countable)
    done = _count(
        actions, lambda row: _countable(row) and row.get("progress") == "Done"
    )
    return ratio(done, countable)


def action_completion_formula(r: Refs, rules: Rules) -> str:
    c = lambda f: r.col("actions", f)  # noqa: E731
    base = f'{c("action_step")},"<>",{c("acceptance")},"<>Declined"'
    countable = f'COUNTIFS({base},{c("progress")},"<>Cancelled")'
    done = f'COUNTIFS({base},{c("progress")},"Done")'
    return f'IF({countable}=0,"",{done}/{countable})'


# ------------------------------------------------------------- stakeholders


def engaged_contacts(plan: Plan, rules: Rules) -> int:
    """Stakeholders contacted within the engagement window."""
    return _count(
        plan.rows("stakeholders"),
        lambda row: row_rules.engaged(row, plan.as_of, rules) is True,
    )


def engaged_contacts_formula(r: Refs, rules: Rules) -> str:
    return f"COUNTIF({r.col('stakeholders', 'engaged')},TRUE)"


def multi_threaded(plan: Plan, rules: Rules) -> bool:
    """Two or more engaged contacts."""
    return engaged_contacts(plan, rules) >= 2


def multi_threaded_formula(r: Refs, rules: Rules) -> str:
    return f"{engaged_contacts_formula(r, rules)}>=2"


def supporter_ratio(plan: Plan, rules: Rules) -> float | None:
    """Mentors and supporters over stakeholders with a status; ``None`` if none rated."""
    people = plan.rows("stakeholders")
    rated = _count(people, lambda row: row.get("relationship_status") is not None)
    supporters = _count(
        people, lambda row: row.get("relationship_status") in rules.supporter_statuses
    )
    return ratio(supporters, rated)


def supporter_ratio_formula(r: Refs, rules: Rules) -> str:
    status = r.col("stakeholders", "relationship_status")
    count = lambda values: "+".join(f"COUNTIF({status},{quote(v)})" for v in values)  # noqa: E731
    rated = count(rules.lists["relationship_status"])
    return f'IF(({rated})=0,"",({count(rules.supporter_statuses)})/({rated}))'


def _has_engaged(flag: str) -> Callable[[Plan, Rules], bool]:
    def compute(plan: Plan, rules: Rules) -> bool:
        return any(
            row.get(flag) is True and row_rules.engaged(row, plan.as_of, rules) is True
            for row in plan.rows("stakeholders")
        )

    compute.__doc__ = f"A stakeholder flagged {flag} exists and is engaged."
    return compute


has_economic_buyer = _has_engaged("is_economic_buyer")
has_champion = _has_engaged("is_champion")


def _has_engaged_formula(flag: str) -> Callable[[Refs, Rules], str]:
    def formula(r: Refs, rules: Rules) -> str:
        return (
            f"COUNTIFS({r.col('stakeholders', flag)},TRUE,"
            f"{r.col('stakeholders', 'engaged')},TRUE)>0"
        )

    return formula


has_economic_buyer_formula = _has_engaged_formula("is_economic_buyer")
has_champion_formula = _has_engaged_formula("is_champion")

EXEC_SPONSOR_ROLE = "Executive sponsor"


def has_exec_sponsor(plan: Plan, rules: Rules) -> bool:
    """Our team has a member whose role is Executive sponsor."""
    return any(row.get("team_role") == EXEC_SPONSOR_ROLE for row in plan.rows("team"))


def has_exec_sponsor_formula(r: Refs, rules: Rules) -> str:
    return f"COUNTIF({r.col('team', 'team_role')},{quote(EXEC_SPONSOR_ROLE)})>0"


# ---------------------------------------------------------- risks and goals


def _open_high(plan: Plan, rules: Rules) -> list[Row]:
    high = rules.lists["level"][0]
    return [
        row
        for row in plan.rows("risks")
        if row.get("status") != "Closed" and row_rules.severity(row, rules) == high
    ]


def open_high_risks(plan: Plan, rules: Rules) -> int:
    """Risks not closed whose severity is High."""
    return len(_open_high(plan, rules))


def open_high_risks_formula(r: Refs, rules: Rules) -> str:
    return (
        f'COUNTIFS({r.col("risks", "status")},"<>Closed",'
        f"{r.col('risks', 'severity')},{quote(rules.lists['level'][0])})"
    )


def goal_attainment_avg(plan: Plan, rules: Rules) -> float | None:
    """Mean goal attainment, each capped to 0-1; ``None`` when no goal has data."""
    values = [row_rules.row_attainment(row) for row in plan.rows("goals")]
    known = [v for v in values if v is not None]
    if not known:
        return None
    full = sum(1 for v in known if v >= 1)
    partial = 0.0
    for value in known:
        if 0 < value < 1:
            partial += value
    return (full + partial) / len(known)


def goal_attainment_avg_formula(r: Refs, rules: Rules) -> str:
    att = r.col("goals", "attainment")
    return (
        f'IF(COUNT({att})=0,"",(COUNTIFS({att},">=1")'
        f'+SUMIFS({att},{att},">0",{att},"<1"))/COUNT({att}))'
    )


def days_to_renewal(plan: Plan, rules: Rules) -> int | None:
    """Days from ``as_of`` to the contract end (negative once past)."""
    end = plan.value("profile", "contract_end_date")
    return (end - plan.as_of).days if isinstance(end, dt.date) else None


def days_to_renewal_formula(r: Refs, rules: Rules) -> str:
    end = r.name("contract_end_date")
    return f'IF(ISNUMBER({end}),{end}-as_of,"")'


def roi(plan: Plan, rules: Rules) -> float | None:
    """``(revenue x margin - cost to serve) / cost to serve``."""
    revenue = plan.value("profile", "revenue_current")
    margin = plan.value("profile", "gross_margin_pct")
    cost = plan.value("profile", "cost_to_serve")
    if revenue is None or margin is None:
        return None
    return ratio(revenue * margin - cost if cost is not None else None, cost)


def roi_formula(r: Refs, rules: Rules) -> str:
    rev, margin, cost = (
        r.name(n) for n in ("revenue_current", "gross_margin_pct", "cost_to_serve")
    )
    return (
        f"IF(AND(ISNUMBER({rev}),ISNUMBER({margin}),ISNUMBER({cost})),"
        f'IF({cost}=0,"",({rev}*{margin}-{cost})/{cost}),"")'
    )
