"""Consolidate read plans into one portfolio: accounts, owners, rows, white space.

Every plan is computed against the run's single as-of date, with the rollup
pack's rules and currency rates. What one plan adds to the portfolio is a
``PlanEntry``, which follows from the plan file's bytes and those terms alone,
so a re-run can keep it by content and need not load the plan again.
Consolidated rows carry the file, sheet and cell they came from.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from xlplan.core import figures
from xlplan.core import portfolio as core
from xlplan.core.rules import Rules
from xlplan.model.issues import Issue, Severity
from xlplan.model.pack import Pack
from xlplan.model.plan import Plan
from xlplan.workbook.reader import SOURCE_ROW, PlanRead

# Consolidated sections and the columns each shows (besides plan and source).
DETAIL_COLUMNS = {
    "stakeholders": (
        "name",
        "title",
        "buying_role",
        "relationship_status",
        "is_economic_buyer",
        "is_champion",
        "last_contact_date",
        "our_connector",
    ),
    "actions": (
        "action_step",
        "responsible",
        "progress",
        "acceptance",
        "due_date",
        "completed_date",
        "outside_stakeholders",
    ),
    "opportunities": (
        "name",
        "type",
        "stage",
        "estimated_value",
        "probability",
        "expected_close",
        "owner",
    ),
    "risks": (
        "description",
        "category",
        "likelihood",
        "impact",
        "status",
        "owner",
        "mitigation",
    ),
    "kpis": ("kpi", "period", "unit", "baseline", "target", "actual"),
}
# Each consolidated row's keys: its plan, the section's columns, where it came from.
DETAIL_KEYS = {
    section: ("plan_id", "account_name", *columns, "file", "sheet", "cell")
    for section, columns in DETAIL_COLUMNS.items()
}


@dataclass(frozen=True)
class PlanVersion:
    """What tells one file of a plan from another file with the same plan id."""

    plan_id: str
    account: str  # the account name, case-folded
    last_review: dt.date | None  # as of the plan's own as-of date
    content: str = ""  # the SHA-256 of the file's bytes, when known


def version_of(read: PlanRead) -> PlanVersion | None:
    """The version facts of the plan read; ``None`` without a plan or a plan id."""
    plan = read.plan
    if plan is None or not plan.plan_id:
        return None
    account = str(plan.value("plan", "account_name") or "").strip().casefold()
    content = read.meta.get("file_sha256", "")
    return PlanVersion(plan.plan_id, account, figures.last_review(plan), content)


@dataclass(frozen=True)
class PlanEntry:
    """What one plan file adds to a portfolio, on one run's terms (as-of date, pack).

    ``row`` is the plan's Accounts row before the portfolio's own flags, and
    ``None`` when the file is not a usable plan (its issues still count).
    ``details`` holds each consolidated section's sheet and rows, a row being
    its cell and the values of the section's ``DETAIL_COLUMNS``;
    ``white_space`` the offering of each business unit marked Opportunity;
    ``stages`` each deal's stage and value in the portfolio currency, in sheet
    order; ``closed`` the deals won and lost in the plan period. Issues name
    the file the entry was made from; ``assemble_portfolio`` renames them.
    """

    issues: tuple[Issue, ...]
    meta: Mapping[str, str]
    version: PlanVersion | None
    row: core.AccountRow | None = None
    details: Mapping[str, tuple[str, tuple[tuple[Any, ...], ...]]] = field(
        default_factory=dict
    )
    white_space: tuple[str, ...] = ()
    stages: tuple[tuple[str, float], ...] = ()
    closed: tuple[int, int] = (0, 0)


@dataclass
class Portfolio:
    """Everything the portfolio workbook and the exports show.

    ``plans`` holds the kept plans (as of the run's date) when the portfolio
    was built from whole reads, as a history snapshot needs them; ``None``
    when it was assembled from entries alone.
    """

    as_of: dt.date
    base_currency: str
    accounts: list[core.AccountRow] = field(default_factory=list)
    plans: list[Plan] | None = None
    sources: list[str] = field(default_factory=list)
    # Each kept plan's file facts (pack name and version, file_sha256), as sources.
    meta: list[dict[str, str]] = field(default_factory=list)
    # Each kept plan's deals won and lost in its period, as sources.
    closed: list[tuple[int, int]] = field(default_factory=list)
    details: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    white_space: dict[tuple[str, str], int] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    files_read: int = 0
    stages: dict[str, float] = field(default_factory=dict)
    # With --history: True when the snapshot replaced one of the same date.
    snapshot_replaced: bool | None = None

    def totals(self) -> dict[str, Any]:
        """Portfolio lines: sums, ratios of sums with their n, concentration."""
        values = [a.values for a in self.accounts]
        mix = core.concentration([v.get("revenue_current") for v in values])
        win_rate, win_n = core.portfolio_win_rate(self.closed)
        attainment, att_n = core.ratio_of_sums(
            (v.get("revenue_current"), v.get("revenue_target")) for v in values
        )
        return {
            "plans": len(self.accounts),
            "pipeline": sum(v.get("pipeline") or 0.0 for v in values),
            "weighted_pipeline": sum(v.get("weighted_pipeline") or 0.0 for v in values),
            "won_value": sum(v.get("won_value") or 0.0 for v in values),
            "revenue_current": sum(v.get("revenue_current") or 0.0 for v in values),
            "win_rate": win_rate,
            "win_rate_n": win_n,
            "revenue_attainment": attainment,
            "revenue_attainment_n": att_n,
            "top20_share": mix.top20_share,
            "hhi": mix.hhi,
            "accounts_with_revenue": mix.accounts_with_revenue,
            "stale": sum(1 for a in self.accounts if "STALE" in a.flags),
            "overdue_actions": sum(v.get("overdue_actions") or 0 for v in values),
            "bands": {
                band: sum(1 for v in values if v.get("health_band") == band)
                for band in ("Green", "Amber", "Red")
            },
        }


def build_portfolio(
    reads: list[PlanRead],
    pack: Pack,
    rules: Rules,
    as_of: dt.date,
    owner: str | None = None,
    tier: str | None = None,
) -> Portfolio:
    """The portfolio of the plans read, filtered by owner and tier, with their plans."""
    entries = [(read.source, plan_entry(read, pack, rules, as_of)) for read in reads]
    plans = [read.plan for read in reads]
    return assemble_portfolio(entries, pack, rules, as_of, owner, tier, plans)


def plan_entry(read: PlanRead, pack: Pack, rules: Rules, as_of: dt.date) -> PlanEntry:
    """What the plan read adds to a portfolio as of ``as_of``, by ``pack``'s rates.

    A file with an error is not a usable plan (README, "Reading plans back"):
    it adds only its issues, no row, and takes no part in choosing between
    versions of a plan, so a broken copy never pushes a good one out.
    """
    issues, meta = tuple(read.issues), read.meta
    if read.plan is None or any(i.severity is Severity.ERROR for i in issues):
        return PlanEntry(issues, meta, None)
    version = version_of(read)
    plan = replace(read.plan, as_of=as_of)
    rate = core.rate_for(plan.value("plan", "currency"), pack.rates)
    return PlanEntry(
        issues,
        meta,
        version,
        row=core.account_row(plan, rules, pack.rates, _data_errors(read)),
        details=_details(read, plan),
        white_space=tuple(
            str(cell.get("offering"))
            for cell in plan.rows("white_space")
            if cell.get("state") == "Opportunity"
        ),
        stages=_stages(plan, rate),
        closed=figures.closed_counts(plan),
    )


def assemble_portfolio(
    entries: Sequence[tuple[str, PlanEntry]],
    pack: Pack,
    rules: Rules,
    as_of: dt.date,
    owner: str | None = None,
    tier: str | None = None,
    plans: Sequence[Plan | None] | None = None,
) -> Portfolio:
    """The portfolio of (file, entry) pairs, filtered by owner and tier.

    With ``plans`` (one per entry, ``None`` where there is none) the portfolio
    keeps the plans of the accounts it shows, as of ``as_of``.
    """
    result = Portfolio(
        as_of=as_of, base_currency=pack.rates.base, plans=None if plans is None else []
    )
    for index, (source, entry) in enumerate(entries):
        result.issues += [
            issue if issue.file == source else replace(issue, file=source)
            for issue in entry.issues
        ]
        row = entry.row
        if row is None or not _wanted(row, owner, tier):
            continue
        if core.rate_for(row.values.get("currency"), pack.rates) is None:
            result.issues.append(_no_rate(source, row.values.get("currency")))
        result.accounts.append(row)
        result.sources.append(source)
        result.meta.append(dict(entry.meta))
        result.closed.append(entry.closed)
        plan = plans[index] if plans is not None else None
        if result.plans is not None and plan is not None:
            result.plans.append(replace(plan, as_of=as_of))
        _add_details(result, source, row, entry)
        _add_white_space(result, row, entry)
        for stage, value in entry.stages:
            result.stages[stage] = result.stages.get(stage, 0.0) + value
    result.accounts = core.add_portfolio_flags(result.accounts, rules)
    return result


def _no_rate(source: str, currency: Any) -> Issue:
    return Issue(
        "portfolio.no_rate",
        Severity.WARNING,
        source,
        f"No rate for currency {currency}: money columns left blank.",
        "Add the rate to the pack's rates.yaml.",
    )


def _wanted(row: core.AccountRow, owner: str | None, tier: str | None) -> bool:
    """True when the plan's owner and tier are those asked for (any when ``None``)."""
    for asked, column in ((owner, "plan_owner"), (tier, "account_tier")):
        if asked and str(row.values.get(column) or "").casefold() != asked.casefold():
            return False
    return True


def _data_errors(read: PlanRead) -> int:
    """How many values of the plan's file were ignored or unreadable."""
    return sum(
        1
        for i in read.issues
        if i.code.startswith("data.") or i.severity is Severity.ERROR
    )


def _details(
    read: PlanRead, plan: Plan
) -> dict[str, tuple[str, tuple[tuple[Any, ...], ...]]]:
    """Each consolidated section's sheet and rows: each row's cell, then values."""
    details = {}
    for section, columns in DETAIL_COLUMNS.items():
        rows = plan.rows(section)
        if not rows:
            continue
        sheet, located = read.locations.get(section, ("", {}))
        label_col = located.get(columns[0])
        letter = "" if label_col is None else xl_col_to_name(label_col)
        details[section] = (
            sheet,
            tuple(
                (_cell(letter, row.get(SOURCE_ROW)), *(row.get(c) for c in columns))
                for row in rows
            ),
        )
    return details


def _cell(letter: str, source_row: int | None) -> str:
    """The address of a row's label cell; ``""`` when either part is unknown."""
    return f"{letter}{source_row + 1}" if letter and source_row is not None else ""


def _stages(plan: Plan, rate: float | None) -> tuple[tuple[str, float], ...]:
    """Each deal's stage and value in the portfolio currency; none without a rate."""
    if rate is None:
        return ()
    return tuple(
        (deal["stage"], deal["estimated_value"] * rate)
        for deal in plan.rows("opportunities")
        if deal.get("stage") and isinstance(deal.get("estimated_value"), (int, float))
    )


def _add_details(
    result: Portfolio, source: str, row: core.AccountRow, entry: PlanEntry
) -> None:
    """The entry's consolidated rows, each with its plan, file, sheet and cell.

    A row is built in one go from its keys and values (a portfolio of 2,000
    plans has some 50,000 such rows); a column named like one of the row's
    own keys takes its place, as a later key does in a dict.
    """
    identity = (row.values.get("plan_id"), row.values.get("account_name"))
    for section, (sheet, rows) in entry.details.items():
        keys = DETAIL_KEYS[section]
        result.details.setdefault(section, []).extend(
            [
                dict(
                    zip(
                        keys,
                        (*identity, *line[1:], source, sheet, line[0]),
                        strict=True,
                    )
                )
                for line in rows
            ]
        )


def _add_white_space(result: Portfolio, row: core.AccountRow, entry: PlanEntry) -> None:
    """Count business units marked Opportunity, per offering and account."""
    values = row.values
    account = str(values.get("account_name") or values.get("plan_id") or "")
    for offering in entry.white_space:
        key = (offering, account)
        result.white_space[key] = result.white_space.get(key, 0) + 1
