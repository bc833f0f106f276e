"""Plan completeness (DOMAIN.md 4.3): is the plan filled in?

Each section earns ``weight x met / checks``; the score is the rounded sum.
Every check is one Python test beside one Excel condition, and a check of the
form "every row has X" fails when there is no row to check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from xlplan.core import rows as row_rules
from xlplan.core.excel import excel_round, quote
from xlplan.core.refs import Refs
from xlplan.core.rules import Rules
from xlplan.model.plan import Plan, Row


@dataclass(frozen=True)
class Check:
    """One completeness check: what it asks, in Python and as an Excel condition."""

    description: str
    test: Callable[[Plan, Rules], bool]
    condition: Callable[[Refs, Rules], str]
    minimum: Callable[[Rules], int] | None = None

    def describe(self, rules: Rules) -> str:
        """The description with its threshold filled in."""
        if self.minimum is None:
            return self.description
        return self.description.format(n=self.minimum(rules))


@dataclass(frozen=True)
class SectionScore:
    """A section's result: weight, checks met, points and what is missing."""

    section: str
    weight: float
    met: int
    checks: int
    missing: tuple[str, ...]

    @property
    def points(self) -> float:
        """``weight x met / checks``, unrounded."""
        return self.weight * self.met / self.checks


@dataclass(frozen=True)
class Completeness:
    """The completeness score 0-100 and each section's part of it."""

    score: int
    sections: tuple[SectionScore, ...]

    @property
    def missing(self) -> list[str]:
        """Every unmet check, as "Section: what is missing"."""
        return [f"{s.section}: {m}" for s in self.sections for m in s.missing]


def _filled(value: object) -> bool:
    return value is not None


def _named(plan: Plan, section: str, field: str) -> list[Row]:
    return [row for row in plan.rows(section) if row.get(field) is not None]


def _every(rows: Sequence[Row], test: Callable[[Row], bool]) -> bool:
    return bool(rows) and all(map(test, rows))


def _count_named(r: Refs, section: str, field: str) -> str:
    return f'COUNTIF({r.col(section, field)},"<>")'


def _in_list(cell: str, r: Refs, list_name: str) -> str:
    return f"ISNUMBER(MATCH({cell},{r.list_range(list_name)},0))"


def _single(field: str) -> Check:
    return Check(
        label_of(field),
        lambda p, rules: _filled(p.value(_SECTION_OF[field], field)),
        lambda r, rules: f'{r.name(field)}<>""',
    )


def _single_listed(field: str, list_name: str) -> Check:
    return Check(
        label_of(field),
        lambda p, rules: _filled(p.value(_SECTION_OF[field], field)),
        lambda r, rules: _in_list(r.name(field), r, list_name),
    )


def _single_number(field: str, description: str) -> Check:
    return Check(
        description,
        lambda p, rules: isinstance(p.value(_SECTION_OF[field], field), (int, float)),
        lambda r, rules: f"ISNUMBER({r.name(field)})",
    )


def _at_least(
    section: str, field: str, minimum: Callable[[Rules], int], noun: str
) -> Check:
    return Check(
        f"at least {{n}} {noun}",
        lambda p, rules: len(_named(p, section, field)) >= minimum(rules),
        lambda r, rules: f"{_count_named(r, section, field)}>={minimum(rules)}",
        minimum,
    )


def _every_open_has(
    section: str,
    field: str,
    is_open: Callable[[Row], bool],
    needs: Sequence[str],
    open_terms: Callable[[Refs], str],
    description: str,
) -> Check:
    def test(plan: Plan, rules: Rules) -> bool:
        rows = [row for row in _named(plan, section, field) if is_open(row)]
        return _every(rows, lambda row: None not in map(row.get, needs))

    def condition(r: Refs, rules: Rules) -> str:
        named = f'({r.col(section, field)}<>"")*{open_terms(r)}'
        missing = "+".join(f'({r.col(section, n)}="")' for n in needs)
        return f"AND(SUMPRODUCT({named})>0,SUMPRODUCT({named}*(({missing})>0))=0)"

    return Check(description, test, condition)


def label_of(field: str) -> str:
    """Readable name of a single field for a missing-item message."""
    return field.replace("_", " ")


_SECTION_OF = {
    "plan_owner": "plan",
    "period_start": "plan",
    "period_end": "plan",
    "headline_goal": "plan",
    "review_cadence": "plan",
    "industry": "profile",
    "account_tier": "profile",
    "relationship_strength": "profile",
    "revenue_current": "profile",
    "buying_process_summary": "profile",
}


def _period_check() -> Check:
    return Check(
        "period start and end",
        lambda p, rules: (
            isinstance(p.value("plan", "period_start"), dt.date)
            and isinstance(p.value("plan", "period_end"), dt.date)
        ),
        lambda r, rules: (
            f"AND(ISNUMBER({r.name('period_start')}),ISNUMBER({r.name('period_end')}))"
        ),
    )


def _top_objectives_measured() -> Check:
    def top(plan: Plan, rules: Rules) -> list[Row]:
        return [
            row
            for row in plan.rows("objectives")
            if isinstance(row.get("priority_rank"), (int, float))
            and 1 <= row["priority_rank"] <= rules.top_objectives
        ]

    def condition(r: Refs, rules: Rules) -> str:
        rank, measure = (
            r.col("objectives", "priority_rank"),
            r.col("objectives", "success_measure"),
        )
        window = f'{rank},">=1",{rank},"<={rules.top_objectives}"'
        return f'AND(COUNTIFS({window})>0,COUNTIFS({window},{measure},"")=0)'

    return Check(
        "every top-five objective has a success measure",
        lambda p, rules: _every(
            top(p, rules), lambda row: _filled(row.get("success_measure"))
        ),
        condition,
    )


def _flagged(section: str, name_field: str, flag: str, description: str) -> Check:
    return Check(
        description,
        lambda p, rules: any(
            row.get(flag) is True and row.get(name_field) is not None
            for row in p.rows(section)
        ),
        lambda r, rules: (
            f'COUNTIFS({r.col(section, name_field)},"<>",{r.col(section, flag)},TRUE)>=1'
        ),
    )


def _quadrant(quadrant: str) -> Check:
    def test(plan: Plan, rules: Rules) -> bool:
        return any(
            row.get("quadrant") == quadrant
            and row.get("about_relationship") is not True
            and row.get("text") is not None
            for row in plan.rows("swot")
        )

    def condition(r: Refs, rules: Rules) -> str:
        base = f'{r.col("swot", "quadrant")},{quote(quadrant)},{r.col("swot", "text")},"<>"'
        about = f"{r.col('swot', 'about_relationship')},TRUE"
        return f"COUNTIFS({base})-COUNTIFS({base},{about})>=1"

    return Check(
        f"{quadrant.lower()}: at least one item about the client", test, condition
    )


def _forces_rated() -> Check:
    def test(plan: Plan, rules: Rules) -> bool:
        rated = [
            row
            for row in plan.rows("five_forces")
            if row.get("client_position") is not None
        ]
        return len(rated) >= 5

    def condition(r: Refs, rules: Rules) -> str:
        position = r.col("five_forces", "client_position")
        counts = "+".join(
            f"COUNTIF({position},{quote(v)})" for v in rules.lists["force_position"]
        )
        return f"({counts})>=5"

    return Check("all five forces rated", test, condition)


def _stakeholders_classified() -> Check:
    def test(plan: Plan, rules: Rules) -> bool:
        return _every(
            _named(plan, "stakeholders", "name"),
            lambda row: (
                _filled(row.get("buying_role"))
                and _filled(row.get("relationship_status"))
            ),
        )

    def condition(r: Refs, rules: Rules) -> str:
        name = f'({r.col("stakeholders", "name")}<>"")'
        role = f"ISNA(MATCH({r.col('stakeholders', 'buying_role')},{r.list_range('buying_role')},0))"
        status = (
            f"ISNA(MATCH({r.col('stakeholders', 'relationship_status')},"
            f"{r.list_range('relationship_status')},0))"
        )
        return (
            f"AND(SUMPRODUCT({name}*1)>0,SUMPRODUCT({name}*(({role})+({status})>0))=0)"
        )

    return Check(
        "every stakeholder has a buying role and relationship status", test, condition
    )


def _units_assessed() -> Check:
    def test(plan: Plan, rules: Rules) -> bool:
        states = rules.lists["white_space_state"]
        assessed = {
            str(cell["business_unit"]).casefold()
            for cell in plan.rows("white_space")
            if cell.get("business_unit") is not None and cell.get("state") in states
        }
        return _every(
            _named(plan, "business_units", "name"),
            lambda row: str(row["name"]).casefold() in assessed,
        )

    def condition(r: Refs, rules: Rules) -> str:
        units = r.col("business_units", "name")
        grid_unit, assessed = (
            r.col("white_space", "business_unit"),
            r.col("white_space", "assessed"),
        )
        return (
            f'AND(COUNTIF({units},"<>")>0,SUMPRODUCT(({units}<>"")'
            f'*(COUNTIFS({grid_unit},{units},{assessed},">0")=0))=0)'
        )

    return Check(
        "every business unit has at least one assessed white-space cell",
        test,
        condition,
    )


def _goals_smart() -> Check:
    return Check(
        "every goal is SMART",
        lambda p, rules: _every(
            _named(p, "goals", "title"),
            lambda row: row_rules.smart_complete(row) is True,
        ),
        lambda r, rules: (
            f'AND(COUNTIF({r.col("goals", "title")},"<>")>0,'
            f'COUNTIFS({r.col("goals", "title")},"<>",{r.col("goals", "smart_complete")},FALSE)=0)'
        ),
    )


def _opportunity_open(row: Row) -> bool:
    return row.get("stage") not in ("Won", "Lost")


def _opportunities_ready() -> Check:
    def test(plan: Plan, rules: Rules) -> bool:
        rows = [
            row
            for row in _named(plan, "opportunities", "name")
            if _opportunity_open(row)
        ]
        return _every(
            rows,
            lambda row: (
                row.get("estimated_value") is not None
                and row.get("stage") in rules.open_stages
                and row.get("expected_close") is not None
            ),
        )

    def condition(r: Refs, rules: Rules) -> str:
        c = lambda f: r.col("opportunities", f)  # noqa: E731
        stages = "{" + ",".join(quote(s) for s in rules.open_stages) + "}"
        open_ = f'({c("name")}<>"")*({c("stage")}<>"Won")*({c("stage")}<>"Lost")'
        ready = (
            f"ISNUMBER({c('estimated_value')})*ISNUMBER(MATCH({c('stage')},{stages},0))"
            f"*ISNUMBER({c('expected_close')})"
        )
        return f"AND(SUMPRODUCT({open_})>0,SUMPRODUCT({open_}*(({ready})=0))=0)"

    return Check(
        "every open opportunity has value, stage and expected close", test, condition
    )


def _risks_owned() -> Check:
    return _every_open_has(
        "risks",
        "description",
        lambda row: row.get("status") != "Closed",
        ("owner", "mitigation"),
        lambda r: f'({r.col("risks", "status")}<>"Closed")',
        "every open risk has an owner and a mitigation",
    )


def _actions_owned() -> Check:
    def test(plan: Plan, rules: Rules) -> bool:
        rows = [row for row in plan.rows("actions") if row_rules.is_open_action(row)]
        return _every(
            rows,
            lambda row: (
                _filled(row.get("responsible"))
                and isinstance(row.get("due_date"), dt.date)
            ),
        )

    def condition(r: Refs, rules: Rules) -> str:
        c = lambda f: r.col("actions", f)  # noqa: E731
        open_ = (
            f'({c("action_step")}<>"")*({c("progress")}<>"Done")*({c("progress")}<>"Cancelled")'
            f'*({c("acceptance")}<>"Declined")'
        )
        lacking = f'(({c("responsible")}="")+NOT(ISNUMBER({c("due_date")}))>0)'
        return f"AND(SUMPRODUCT({open_})>0,SUMPRODUCT({open_}*{lacking})=0)"

    return Check(
        "every open action has a responsible person and a due date", test, condition
    )


SECTION_CHECKS: dict[str, tuple[Check, ...]] = {
    "cover": (
        _single("plan_owner"),
        _period_check(),
        _single("headline_goal"),
        _single_listed("review_cadence", "review_cadence"),
    ),
    "profile": (
        _single("industry"),
        _single_listed("account_tier", "account_tier"),
        _single_listed("relationship_strength", "relationship_strength"),
        _single_number("revenue_current", "revenue current"),
        _single("buying_process_summary"),
    ),
    "objectives": (
        _at_least(
            "objectives", "title", lambda rules: rules.min_objectives, "objectives"
        ),
        _top_objectives_measured(),
        _flagged(
            "objectives",
            "title",
            "validated_with_client",
            "an objective validated with the client",
        ),
    ),
    "swot": tuple(
        _quadrant(q) for q in ("Strength", "Weakness", "Opportunity", "Threat")
    ),
    "competition": (
        _at_least("competitors", "name", lambda rules: 1, "competitor"),
        _forces_rated(),
    ),
    "stakeholders": (
        _at_least(
            "stakeholders", "name", lambda rules: rules.min_stakeholders, "stakeholders"
        ),
        _flagged(
            "stakeholders", "name", "is_economic_buyer", "an economic buyer named"
        ),
        _flagged("stakeholders", "name", "is_champion", "a champion named"),
        _stakeholders_classified(),
    ),
    "white_space": (
        _at_least("business_units", "name", lambda rules: 1, "business unit"),
        _units_assessed(),
    ),
    "goals": (_at_least("goals", "title", lambda rules: 1, "goal"), _goals_smart()),
    "opportunities": (
        _at_least("opportunities", "name", lambda rules: 1, "opportunity"),
        _opportunities_ready(),
    ),
    "risks": (
        _at_least("risks", "description", lambda rules: 1, "risk"),
        _risks_owned(),
    ),
    "actions": (
        _at_least("actions", "action_step", lambda rules: rules.min_actions, "actions"),
        _actions_owned(),
    ),
}

SECTION_TITLES = {
    "cover": "Cover",
    "profile": "Profile",
    "objectives": "Objectives",
    "swot": "SWOT",
    "competition": "Competition",
    "stakeholders": "Stakeholders",
    "white_space": "White space",
    "goals": "Goals",
    "opportunities": "Opportunities",
    "risks": "Risks",
    "actions": "Actions",
}


# The plan sections each section's checks read: a section's part changes only
# with them.
SECTION_READS: dict[str, tuple[str, ...]] = {
    "cover": ("plan",),
    "profile": ("profile",),
    "objectives": ("objectives",),
    "swot": ("swot",),
    "competition": ("competitors", "five_forces"),
    "stakeholders": ("stakeholders",),
    "white_space": ("business_units", "white_space"),
    "goals": ("goals",),
    "opportunities": ("opportunities",),
    "risks": ("risks",),
    "actions": ("actions",),
}


def score_completeness(plan: Plan, rules: Rules) -> Completeness:
    """Completeness 0-100 with every section's points and unmet checks."""
    return completeness_of([score_section(key, plan, rules) for key in SECTION_CHECKS])


def score_section(key: str, plan: Plan, rules: Rules) -> SectionScore:
    """One section's part of completeness: its checks met and what is missing."""
    checks = SECTION_CHECKS[key]
    results = [check.test(plan, rules) for check in checks]
    return SectionScore(
        section=SECTION_TITLES[key],
        weight=rules.completeness_weights.get(key, 0.0),
        met=sum(results),
        checks=len(checks),
        missing=tuple(
            c.describe(rules) for c, ok in zip(checks, results, strict=False) if not ok
        ),
    )


def completeness_of(sections: Sequence[SectionScore]) -> Completeness:
    """Completeness from every section's part, in ``SECTION_CHECKS`` order."""
    total = 0.0
    for section in sections:
        total += section.points
    return Completeness(score=int(excel_round(total)), sections=tuple(sections))


def section_met_formula(key: str, r: Refs, rules: Rules) -> str:
    """Number of checks a section meets, as an Excel formula."""
    return "+".join(f"({check.condition(r, rules)})*1" for check in SECTION_CHECKS[key])


def section_points_formula(key: str, met_cell: str, rules: Rules) -> str:
    """A section's points from the cell holding its met count."""
    weight = rules.completeness_weights.get(key, 0.0)
    return f"{weight!r}*{met_cell}/{len(SECTION_CHECKS[key])}"


def completeness_formula(points_range: str) -> str:
    """The total: the rounded sum of the section points."""
    return f"ROUND(SUM({points_range}),0)"
