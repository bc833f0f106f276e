"""What a plan lacks, said in words: MEDDPICC, stakeholder coverage and white-space
gaps, KPI status, the health score explained and selection warnings.

Each function reuses the score it explains (``rows``, ``figures``, ``health``,
``analysis``), so an explanation never disagrees with its number.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from dataclasses import dataclass

from xlplan.core import analysis, figures
from xlplan.core import rows as row_rules
from xlplan.core.excel import add_months
from xlplan.core.health import COMPONENT_TITLES, Health
from xlplan.core.rules import Rules
from xlplan.model.plan import Plan, Row

MEDDPICC_TITLES = {
    "m": "Metrics",
    "e": "Economic buyer",
    "d1": "Decision criteria",
    "d2": "Decision process",
    "p": "Paper process",
    "i": "Identify pain",
    "c1": "Champion",
    "c2": "Competition",
}
_LEVEL_NAMES = {0.0: "Unknown", 0.5: "Partial", 1.0: "Confirmed"}


@dataclass(frozen=True)
class Gap:
    """One gap: what it is about (a person, a deal, a cell) and why it matters."""

    subject: str
    reason: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.reason}"


# ------------------------------------------------------------------ MEDDPICC


def meddpicc_gaps(row: Row) -> list[Gap]:
    """Letters of one opportunity short of Confirmed, in MEDDPICC order.

    A letter capped at Partial because the opportunity names no economic buyer
    or champion says so. An unnamed row has no gaps.
    """
    if row.get("name") is None:
        return []
    gaps = []
    for letter, value in row_rules.meddpicc_letter_values(row).items():
        if value >= 1.0:
            continue
        title = f"{letter[0].upper()} {MEDDPICC_TITLES[letter]}"
        reason = _LEVEL_NAMES[value]
        named_by = row_rules.MEDDPICC_CAPPED.get(letter)
        if named_by and row.get(named_by) is None:
            reason += f"; name the {named_by.replace('_', ' ')} on the opportunity"
        gaps.append(Gap(title, reason))
    return gaps


def open_opportunities(plan: Plan, rules: Rules) -> list[Row]:
    """Named opportunities in an open stage, largest estimated value first."""
    rows = [
        r
        for r in plan.rows("opportunities")
        if r.get("name") is not None and r.get("stage") in rules.open_stages
    ]
    return sorted(rows, key=lambda r: -(r.get("estimated_value") or 0.0))


def plan_meddpicc_gaps(plan: Plan, rules: Rules, limit: int | None = None) -> list[Gap]:
    """MEDDPICC gaps of every open opportunity, largest deal first.

    With ``limit``, only the first ``limit`` gaps are worked out.
    """
    found = (
        Gap(f"{row['name']}, {gap.subject}", gap.reason)
        for row in open_opportunities(plan, rules)
        for gap in meddpicc_gaps(row)
    )
    return list(itertools.islice(found, limit))


# ------------------------------------------------------- stakeholder coverage


def _contact_note(row: Row, as_of: dt.date) -> str:
    days = row_rules.days_since_contact(row, as_of)
    return "never contacted" if days is None else f"last contact {days} days ago"


# A stakeholder row and whether it is engaged (``None`` when it has no name).
_Person = tuple[Row, bool | None]


def _flag_gap(
    people: list[_Person], flag: str, title: str, as_of: dt.date
) -> Gap | None:
    flagged = [(row, engaged) for row, engaged in people if row.get(flag) is True]
    if not flagged:
        return Gap(title, f"no stakeholder is flagged {title.lower()}")
    if any(engaged for _, engaged in flagged):
        return None
    person = flagged[0][0]
    return Gap(f"{title} {person.get('name')}", _contact_note(person, as_of))


def coverage_gaps(plan: Plan, rules: Rules) -> list[Gap]:
    """Who the plan is not reaching, most important first.

    Economic buyer and champion (missing or not engaged), too few engaged
    contacts, decision makers and approvers not engaged, business units with no
    engaged contact, and an executive sponsor missing on a Key account.
    """
    people = [
        (row, row_rules.engaged(row, plan.as_of, rules))
        for row in plan.rows("stakeholders")
    ]
    gaps = [
        gap
        for gap in (
            _flag_gap(people, "is_economic_buyer", "Economic buyer", plan.as_of),
            _flag_gap(people, "is_champion", "Champion", plan.as_of),
        )
        if gap is not None
    ]
    engaged = sum(1 for _, is_engaged in people if is_engaged is True)
    if engaged < rules.engaged_full:
        gaps.append(
            Gap(
                "Engaged contacts",
                f"{engaged} engaged within {rules.engaged_within_days} days; "
                f"{rules.engaged_full} needed",
            )
        )
    gaps += _deciders_not_engaged(people, rules, plan.as_of)
    gaps += _units_without_contact(people, plan)
    tier = plan.value("profile", "account_tier")
    if tier == "Key" and not figures.has_exec_sponsor(plan, rules):
        gaps.append(Gap("Executive sponsor", "a Key account has none on our team"))
    return gaps


def _deciders_not_engaged(
    people: list[_Person], rules: Rules, as_of: dt.date
) -> list[Gap]:
    deciders = rules.lists["buying_role"][:2]
    return [
        Gap(f"{row['buying_role']} {row['name']}", _contact_note(row, as_of))
        for row, engaged in people
        if engaged is False
        and row.get("buying_role") in deciders
        and not row.get("is_economic_buyer")
        and not row.get("is_champion")
    ]


def _units_without_contact(people: list[_Person], plan: Plan) -> list[Gap]:
    reached = {
        str(row.get("business_unit")).casefold()
        for row, engaged in people
        if engaged and row.get("business_unit")
    }
    return [
        Gap(f"Business unit {unit['name']}", "no engaged contact")
        for unit in plan.rows("business_units")
        if unit.get("name") is not None and str(unit["name"]).casefold() not in reached
    ]


# --------------------------------------------------------------- white space


def white_space_gaps(plan: Plan, rules: Rules) -> list[Gap]:
    """Grid cells marked Opportunity, then business units never assessed.

    Opportunity cells come in order of the unit's priority (High first), and
    say whether an open opportunity already covers that unit and offering.
    """
    opportunity = rules.lists["white_space_state"][1]
    priority = {str(u.get("name")).casefold(): u for u in plan.rows("business_units")}
    levels = rules.lists["level"]
    rank = lambda unit: levels.index(p) if (p := unit.get("priority")) in levels else 9  # noqa: E731
    cells = [c for c in plan.rows("white_space") if c.get("state") == opportunity]
    cells.sort(key=lambda c: rank(priority.get(str(c["business_unit"]).casefold(), {})))
    covered = {
        (str(r.get("business_unit")).casefold(), str(r.get("offering")).casefold())
        for r in open_opportunities(plan, rules)
    }
    gaps = []
    for cell in cells:
        key = (str(cell["business_unit"]).casefold(), str(cell["offering"]).casefold())
        reason = "open opportunity exists" if key in covered else "no opportunity yet"
        gaps.append(Gap(f"{cell['offering']} at {cell['business_unit']}", reason))
    return gaps + _units_not_assessed(plan, rules)


def _units_not_assessed(plan: Plan, rules: Rules) -> list[Gap]:
    states = set(rules.lists["white_space_state"])
    assessed = {
        str(c.get("business_unit")).casefold()
        for c in plan.rows("white_space")
        if c.get("state") in states
    }
    return [
        Gap(f"Business unit {u['name']}", "white space not assessed")
        for u in plan.rows("business_units")
        if u.get("name") is not None and str(u["name"]).casefold() not in assessed
    ]


# --------------------------------------------------------------------- KPIs

_PERIOD = re.compile(r"^\s*(\d{4})(?:\s*-\s*(Q[1-4]|H[12]|\d{1,2}))?\s*$", re.I)


def period_end(period: object) -> dt.date | None:
    """The last day of ``2026``, ``2026-H1``, ``2026-Q3`` or ``2026-03``; else ``None``."""
    return _period_end(period) if isinstance(period, str) else None


@functools.lru_cache(maxsize=1024)
def _period_end(period: str) -> dt.date | None:
    # A KPI table repeats a few period texts: each is parsed once.
    match = _PERIOD.match(period)
    if match is None:
        return None
    year, part = int(match.group(1)), (match.group(2) or "").upper()
    months = 12
    if part.startswith("Q"):
        months = 3 * int(part[1])
    elif part.startswith("H"):
        months = 6 * int(part[1])
    elif part:
        months = int(part)
        if not 1 <= months <= 12:
            return None
    return add_months(dt.date(year, 1, 1), months) - dt.timedelta(days=1)


@dataclass(frozen=True)
class KpiStatus:
    """A KPI row's attainment, the progress expected by as-of, and a status word."""

    attainment: float | None
    expected: float
    status: str


def kpi_status(row: Row, plan: Plan) -> KpiStatus:
    """ "On track", "Behind" or "No data" for one KPI row (DOMAIN.md 2.11).

    The period's last day is the due date; expected progress runs from the
    plan period start, as for goals.
    """
    value = row_rules.row_attainment(row)
    expected = row_rules.expected_progress(
        period_end(row.get("period")), plan.value("plan", "period_start"), plan.as_of
    )
    if value is None:
        return KpiStatus(None, expected, "No data")
    return KpiStatus(value, expected, "On track" if value >= expected else "Behind")


# ------------------------------------------------------------------- health


def explain_health(health: Health, rules: Rules) -> str:
    """One sentence: band, score, weakest component and every component short of full."""
    if health.score is None:
        statuses = " and ".join(rules.health_statuses)
        return f"No health score: only {statuses} plans are scored."
    short = [
        f"{COMPONENT_TITLES[key]} {_points(key, value, rules)}"
        for key, value in health.components
        if value < 1
    ]
    text = f"{health.band} {health.score}/100, weakest: {health.weakest}"
    return text + (f". Short of full: {', '.join(short)}." if short else ".")


def _points(key: str, value: float, rules: Rules) -> str:
    weight = rules.health_weights.get(key, 0.0)
    return f"{weight * value:g}/{weight:g}"


# ---------------------------------------------------------------- selection


def selection_warnings(plan: Plan, rules: Rules) -> list[str]:
    """Why the key-account score is blank or shaky (DOMAIN.md 3.5)."""
    active = [r for r in plan.rows("selection") if r.get("active") is True]
    warnings = []
    low, high = rules.selection_active_min, rules.selection_active_max
    if not low <= len(active) <= high:
        warnings.append(f"{len(active)} active criteria; pick {low} to {high}")
    unscored = [str(r.get("criterion")) for r in active if r.get("score") is None]
    if unscored:
        warnings.append("not scored: " + ", ".join(unscored))
    if active and not sum(r.get("weight") or 0.0 for r in active):
        warnings.append("the active weights add up to zero")
    return warnings


def key_account_tier(plan: Plan, rules: Rules) -> tuple[float | None, str | None]:
    """The selection score (1-10) and the tier it suggests."""
    score = analysis.key_account_score(plan, rules)
    return score, analysis.tier_for_score(score, rules)
