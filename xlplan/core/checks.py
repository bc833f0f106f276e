"""Checks of a whole plan's data (DOMAIN.md 4.1): values that are ignored, ranks
used twice and reporting lines or action links that go round in a loop.

Each ``Problem`` names the section, field and row it concerns, so the reader
can place it on a cell and a worksheet function can list it as text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from xlplan.model.pack import label_from_name
from xlplan.model.plan import Plan, Row

Labels = Callable[[str, str], str]


@dataclass(frozen=True)
class Problem:
    """One data problem: where (section, field, row or ``None``), what and what to do."""

    code: str
    section: str
    field: str
    row: Row | None
    message: str
    hint: str

    def __str__(self) -> str:
        return f"{self.message} {self.hint}"


# The sections ``plan_problems`` reads besides every table's ids: a plan whose
# other sections change keeps its problems.
PROBLEM_SECTIONS = ("plan", "objectives", "stakeholders", "actions")


def _default_label(section: str, field: str) -> str:
    return label_from_name(field)


def plan_problems(plan: Plan, label: Labels = _default_label) -> list[Problem]:
    """Every data problem of ``plan``; ``label`` names a field as its sheet does."""
    return [
        *_period_and_review(plan),
        *_contacts_after_as_of(plan),
        *_done_without_date(plan),
        *_duplicate_ranks(plan),
        *_duplicate_ids(plan),
        *(
            problem
            for section, key, link in (
                ("stakeholders", "name", "reports_to"),
                ("actions", "action_step", "parent_action"),
                ("actions", "action_step", "depends_on"),
            )
            for problem in _cycles(plan, section, key, link, label(section, link))
        ),
    ]


def _period_and_review(plan: Plan) -> Iterator[Problem]:
    start, end = plan.value("plan", "period_start"), plan.value("plan", "period_end")
    if isinstance(start, dt.date) and isinstance(end, dt.date) and end <= start:
        yield Problem(
            "data.period_order",
            "plan",
            "period_end",
            None,
            "The plan period ends before it starts.",
            "Fix the period start or end.",
        )
    typed = plan.value("plan", "last_reviewed_date")
    if isinstance(typed, dt.date) and typed > plan.as_of:
        yield Problem(
            "data.after_as_of",
            "plan",
            "last_reviewed_date",
            None,
            f"Last reviewed date is after the as-of date ({plan.as_of:%d %b %Y}); "
            "it is ignored.",
            "Type the date of a review that has happened.",
        )


def _contacts_after_as_of(plan: Plan) -> Iterator[Problem]:
    for row in plan.rows("stakeholders"):
        last = row.get("last_contact_date")
        if isinstance(last, dt.date) and last > plan.as_of:
            yield Problem(
                "data.after_as_of",
                "stakeholders",
                "last_contact_date",
                row,
                f"{row.get('name')}: last contact {last:%d %b %Y} is after the as-of date "
                f"({plan.as_of:%d %b %Y}); ignored.",
                "Type the date of a contact that has happened.",
            )


def _done_without_date(plan: Plan) -> Iterator[Problem]:
    for row in plan.rows("actions"):
        if row.get("progress") == "Done" and row.get("completed_date") is None:
            yield Problem(
                "data.done_without_date",
                "actions",
                "completed_date",
                row,
                f"Action '{row.get('action_step')}' is Done with no completed date.",
                "Type the day it was completed.",
            )


def _duplicate_ranks(plan: Plan) -> Iterator[Problem]:
    seen: dict[Any, str] = {}
    for row in plan.rows("objectives"):
        rank = row.get("priority_rank")
        if rank is None:
            continue
        if rank in seen:
            yield Problem(
                "data.duplicate_rank",
                "objectives",
                "priority_rank",
                row,
                f"Priority rank {rank} is used by '{seen[rank]}' and '{row.get('title')}'.",
                "Give each objective its own rank (1 is most important).",
            )
        seen.setdefault(rank, str(row.get("title")))


def _duplicate_ids(plan: Plan) -> Iterator[Problem]:
    """A row id used twice in one table: history and links would mix the rows up."""
    for section, rows in plan.tables.items():
        first: dict[str, Row] = {}
        for row in rows:
            row_id = row.get("id")
            if not row_id:
                continue
            key = str(row_id).strip().casefold()
            if key in first:
                yield Problem(
                    "data.duplicate_id",
                    section,
                    "id",
                    row,
                    f"Id {str(row_id).strip()} is used by two rows of "
                    f"{label_from_name(section)}.",
                    "Give the copied row an id of its own, or clear it and run "
                    "`xlplan check --fix-ids`.",
                )
            first.setdefault(key, row)


def _cycles(
    plan: Plan, section: str, key: str, link: str, label: str
) -> Iterator[Problem]:
    rows: Mapping[str, Row] = {
        str(r.get(key)).casefold(): r for r in plan.rows(section) if r.get(key)
    }
    reported: set[str] = set()
    for start, row in rows.items():
        loop = _loop_from(rows, start, row, link)
        if loop and not reported & set(loop):
            reported |= set(loop)
            names = " -> ".join(str(rows[n].get(key)) for n in [*loop, loop[0]])
            yield Problem(
                "data.cycle",
                section,
                link,
                row,
                f"{label} goes round in a loop: {names}.",
                f"Break the loop in the {label} column.",
            )


def _loop_from(rows: Mapping[str, Row], start: str, row: Row, link: str) -> list[str]:
    """The loop reached by following ``link`` from ``start``; empty when none."""
    path, current = [start], row
    while current.get(link):
        target = str(current[link]).casefold()
        if target not in rows:
            return []
        if target in path:
            return path[path.index(target) :]
        path.append(target)
        current = rows[target]
    return []
