"""Computed columns of plan tables, each beside its native Excel formula.

Every value function takes one row (a mapping of typed values), the plan's
as-of date or plan and the ``Rules``; every ``*_formula`` function returns the
formula (without the leading ``=``) that the same column holds in Excel.
A row whose naming field is blank gets a blank result, as the sheet shows for
its spare rows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence

from xlplan.core.excel import add_months, any_of, quote
from xlplan.core.refs import Refs
from xlplan.core.rules import Rules
from xlplan.model.plan import Plan, Row

# ---------------------------------------------------------------- stakeholders


def days_since_contact(row: Row, as_of: dt.date) -> int | None:
    """Days from the last contact to ``as_of``; ``None`` if never or after as-of."""
    last = row.get("last_contact_date")
    if not isinstance(last, dt.date) or last > as_of:
        return None
    return (as_of - last).days


def days_since_contact_formula(r: Refs, rules: Rules) -> str:
    last = r.this("stakeholders", "last_contact_date")
    return f'IF(ISNUMBER({last}),IF({last}>as_of,"",as_of-{last}),"")'


def engaged(row: Row, as_of: dt.date, rules: Rules) -> bool | None:
    """Contacted within the engagement window; ``None`` for an unnamed row."""
    if row.get("name") is None:
        return None
    days = days_since_contact(row, as_of)
    return days is not None and days <= rules.engaged_within_days


def engaged_formula(r: Refs, rules: Rules) -> str:
    days = r.this("stakeholders", "days_since_contact")
    name = r.this("stakeholders", "name")
    return f'IF({name}="","",IF(ISNUMBER({days}),{days}<={rules.engaged_within_days},FALSE))'


# -------------------------------------------------------------- business units


def last_exec_contact(row: Row, plan: Plan) -> dt.date | None:
    """The owning executive's last contact date, found by name like MATCH does."""
    wanted = row.get("owning_exec")
    if not isinstance(wanted, str):
        return None
    for person in plan.rows("stakeholders"):
        name = person.get("name")
        if isinstance(name, str) and name.casefold() == wanted.casefold():
            last = person.get("last_contact_date")
            return last if isinstance(last, dt.date) else None
    return None


def last_exec_contact_formula(r: Refs, rules: Rules) -> str:
    exec_ = r.this("business_units", "owning_exec")
    found = (
        f"INDEX({r.col('stakeholders', 'last_contact_date')},"
        f"MATCH({exec_},{r.col('stakeholders', 'name')},0))"
    )
    return f'IF({exec_}="","",IFERROR(IF(ISNUMBER({found}),{found},""),""))'


# ------------------------------------------------------------ goals and KPIs


def attainment(
    baseline: float | None,
    target: float | None,
    actual: float | None,
    better: str | None,
) -> float | None:
    """``(actual - baseline) / (target - baseline)``; see DOMAIN.md 4.2.

    When target equals baseline the goal scores 1 if the actual meets the
    target in the ``better`` direction (Higher unless Lower), else 0.
    ``None`` when any input is blank.
    """
    if baseline is None or target is None or actual is None:
        return None
    if target == baseline:
        meets = actual <= target if better == "Lower" else actual >= target
        return 1.0 if meets else 0.0
    share = (actual - baseline) / (target - baseline)
    return share if math.isfinite(share) else None  # a vanishing span overflows


def attainment_formula(r: Refs, section: str) -> str:
    a, b, t = (r.this(section, f) for f in ("actual", "baseline", "target"))
    better = r.this(section, "better")
    return (
        f"IF(AND(ISNUMBER({a}),ISNUMBER({b}),ISNUMBER({t})),"
        f'IF({t}={b},IF(IF({better}="Lower",{a}<={t},{a}>={t}),1,0),({a}-{b})/({t}-{b})),"")'
    )


def row_attainment(row: Row) -> float | None:
    """Attainment of a goal or KPI row."""
    return attainment(
        row.get("baseline"), row.get("target"), row.get("actual"), row.get("better")
    )


def expected_progress(
    due: dt.date | None, period_start: dt.date | None, as_of: dt.date
) -> float:
    """Share of the time to a goal's due date already gone, 0-1.

    1 when the due date is on or before the period start, or when either date
    is blank (with no timeline the target itself is expected).
    """
    if due is None or period_start is None or due <= period_start:
        return 1.0
    share = (as_of - period_start).days / (due - period_start).days
    return min(1.0, max(0.0, share))


def on_track(row: Row, plan: Plan) -> bool | None:
    """Attainment at least the expected progress; a goal with no actual is not."""
    if row.get("title") is None:
        return None
    value = row_attainment(row)
    if value is None:
        return False
    return value >= expected_progress(
        row.get("due_date"), plan.value("plan", "period_start"), plan.as_of
    )


def on_track_formula(r: Refs, rules: Rules) -> str:
    att, due = r.this("goals", "attainment"), r.this("goals", "due_date")
    title = r.this("goals", "title")
    start = r.name("period_start")
    expected = (
        f"IF(AND(ISNUMBER({due}),ISNUMBER({start})),IF({due}<={start},1,"
        f"MIN(1,MAX(0,(as_of-{start})/({due}-{start})))),1)"
    )
    return f'IF({title}="","",IF(ISNUMBER({att}),{att}>={expected},FALSE))'


def smart_complete(row: Row) -> bool | None:
    """SMART check of DOMAIN.md 3.3; ``None`` for a row with no title."""
    if row.get("title") is None:
        return None
    needed = ("metric", "baseline", "target", "due_date", "owner")
    if None in map(row.get, needed):
        return False
    return bool(row["target"] != row["baseline"])


def smart_complete_formula(r: Refs, rules: Rules) -> str:
    t = lambda f: r.this("goals", f)  # noqa: E731
    tests = [
        f"ISNUMBER(MATCH({t('metric')},{r.list_range('goal_metric')},0))",
        f"ISNUMBER({t('baseline')})",
        f"ISNUMBER({t('target')})",
        f"ISNUMBER({t('due_date')})",
        f'{t("owner")}<>""',
    ]
    return f'IF({t("title")}="","",IF(AND({",".join(tests)}),{t("target")}<>{t("baseline")},FALSE))'


# -------------------------------------------------------------- opportunities


def weighted_value(row: Row, rules: Rules) -> float | None:
    """Value x probability (or the stage default) for an open opportunity."""
    value, stage = row.get("estimated_value"), row.get("stage")
    if value is None or stage not in rules.open_stages:
        return None
    probability = row.get("probability")
    if probability is None:
        probability = rules.stage_probability.get(stage, 0.0)
    return float(value * probability)


def weighted_value_formula(r: Refs, rules: Rules) -> str:
    v, s, p = (
        r.this("opportunities", f) for f in ("estimated_value", "stage", "probability")
    )
    is_open = any_of(f"{s}={quote(stage)}" for stage in rules.open_stages)
    default = "0"
    for stage in reversed(rules.open_stages):
        default = f"IF({s}={quote(stage)},{rules.stage_probability.get(stage, 0.0)!r},{default})"
    return f'IF(AND(ISNUMBER({v}),{is_open}),{v}*IF(ISNUMBER({p}),{p},{default}),"")'


MEDDPICC_LETTERS = ("m", "e", "d1", "d2", "p", "i", "c1", "c2")
MEDDPICC_CAPPED = {"e": "economic_buyer", "c1": "champion"}
_MEDDPICC_VALUE = {"Confirmed": 1.0, "Partial": 0.5}


def meddpicc_score(row: Row) -> float | None:
    """Mean of the eight letters (Unknown 0, Partial 0.5, Confirmed 1).

    E and the first C count at most Partial unless the opportunity names its
    economic buyer or champion. ``None`` for a row with no name.
    """
    if row.get("name") is None:
        return None
    total = 0.0
    for value in meddpicc_letter_values(row).values():
        total += value
    return total / 8


def meddpicc_letter_values(row: Row) -> dict[str, float]:
    """Each letter's value (Unknown 0, Partial 0.5, Confirmed 1) after the caps.

    E and the first C count at most Partial unless the opportunity names its
    economic buyer or champion.
    """
    values = {}
    for letter in MEDDPICC_LETTERS:
        value = _MEDDPICC_VALUE.get(row.get(f"meddpicc_{letter}") or "", 0.0)
        named_by = MEDDPICC_CAPPED.get(letter)
        if named_by and row.get(named_by) is None:
            value = min(0.5, value)
        values[letter] = value
    return values


def meddpicc_score_formula(r: Refs, rules: Rules) -> str:
    terms = []
    for letter in MEDDPICC_LETTERS:
        cell = r.this("opportunities", f"meddpicc_{letter}")
        value = f'IF({cell}="Confirmed",1,IF({cell}="Partial",0.5,0))'
        named_by = MEDDPICC_CAPPED.get(letter)
        if named_by:
            value = (
                f'IF({r.this("opportunities", named_by)}="",MIN(0.5,{value}),{value})'
            )
        terms.append(value)
    name = r.this("opportunities", "name")
    return f'IF({name}="","",({"+".join(terms)})/8)'


# -------------------------------------------------------------------- actions

CLOSED_PROGRESS = ("Done", "Cancelled")


def is_open_action(row: Row) -> bool:
    """Open: a named step neither done, cancelled nor declined by the client."""
    return (
        row.get("action_step") is not None
        and row.get("progress") not in CLOSED_PROGRESS
        and row.get("acceptance") != "Declined"
    )


def _open_test(r: Refs) -> list[str]:
    p, a = r.this("actions", "progress"), r.this("actions", "acceptance")
    return [f'{p}<>"Done"', f'{p}<>"Cancelled"', f'{a}<>"Declined"']


def overdue(row: Row, as_of: dt.date) -> bool | None:
    """Open and due before ``as_of``; ``None`` for a row with no step."""
    if row.get("action_step") is None:
        return None
    due = row.get("due_date")
    return is_open_action(row) and isinstance(due, dt.date) and due < as_of


def overdue_formula(r: Refs, rules: Rules) -> str:
    step, due = r.this("actions", "action_step"), r.this("actions", "due_date")
    tests = ",".join([*_open_test(r), f"ISNUMBER({due})", f"{due}<as_of"])
    return f'IF({step}="","",AND({tests}))'


def action_horizon(row: Row, as_of: dt.date, rules: Rules) -> str | None:
    """Short, Mid or Long from the days until due; ``None`` when closed or undated."""
    due = row.get("due_date")
    if not is_open_action(row) or not isinstance(due, dt.date):
        return None
    short, mid, long_ = rules.lists["horizon"][:3]
    days = (due - as_of).days
    if days <= rules.short_max_days:
        return short
    return mid if days <= rules.mid_max_days else long_


def action_horizon_formula(r: Refs, rules: Rules) -> str:
    step, due = r.this("actions", "action_step"), r.this("actions", "due_date")
    short, mid, long_ = (quote(v) for v in rules.lists["horizon"][:3])
    closed = any_of(
        [f'{step}=""', f"NOT(ISNUMBER({due}))", *(f"NOT({t})" for t in _open_test(r))]
    )
    return (
        f'IF({closed},"",IF({due}-as_of<={rules.short_max_days},{short},'
        f"IF({due}-as_of<={rules.mid_max_days},{mid},{long_})))"
    )


# ---------------------------------------------------------------------- risks


def severity(row: Row, rules: Rules) -> str | None:
    """Likelihood x impact (High 3, Medium 2, Low 1): 6+ High, 3-4 Medium, else Low."""
    score = rules.level_score(row.get("likelihood")) * rules.level_score(
        row.get("impact")
    )
    if score == 0:
        return None
    high, medium, low = rules.lists["level"][:3]
    return high if score >= 6 else medium if score >= 3 else low


def _level_score_formula(cell: str, levels: Sequence[str]) -> str:
    formula = "0"
    for position, level in reversed(list(enumerate(levels))):
        formula = f"IF({cell}={quote(level)},{len(levels) - position},{formula})"
    return formula


def severity_formula(r: Refs, rules: Rules) -> str:
    levels = rules.lists["level"]
    product = (
        f"{_level_score_formula(r.this('risks', 'likelihood'), levels)}"
        f"*{_level_score_formula(r.this('risks', 'impact'), levels)}"
    )
    high, medium, low = (quote(v) for v in levels[:3])
    return f'IF({product}=0,"",IF({product}>=6,{high},IF({product}>=3,{medium},{low})))'


# -------------------------------------------------------------------- reviews


def counted_review_date(row: Row, as_of: dt.date) -> dt.date | None:
    """A review's date unless it lies after ``as_of`` (a data error, ignored)."""
    day = row.get("date")
    return day if isinstance(day, dt.date) and day <= as_of else None


def counted_review_date_formula(r: Refs, rules: Rules) -> str:
    day = r.this("reviews", "date")
    return f'IF(ISNUMBER({day}),IF({day}<=as_of,{day},""),"")'


# ---------------------------------------------------------------- white space


def grid_assessed(row: Row, plan: Plan, rules: Rules) -> int | None:
    """Cells of one grid row holding a known state; ``None`` for an unnamed row."""
    unit = row.get("business_unit")
    if unit is None:
        return None
    states = set(rules.lists["white_space_state"])
    return sum(
        1
        for cell in plan.rows("white_space")
        if cell.get("business_unit") == unit and cell.get("state") in states
    )


def grid_assessed_formula(r: Refs, rules: Rules) -> str:
    unit = r.this("white_space", "business_unit")
    counts = [
        f"COUNTIF({r.grid_this('white_space', offering)},{quote(state)})"
        for offering in rules.lists["offerings"]
        for state in rules.lists["white_space_state"]
    ]
    return f'IF({unit}="","",{"+".join(counts)})'


def next_interval(day: dt.date, cadence: str | None, rules: Rules) -> dt.date:
    """``day`` plus one review interval of ``cadence`` (the default when unknown)."""
    step = rules.interval(cadence)
    return add_months(day, step.months) + dt.timedelta(days=step.days)
