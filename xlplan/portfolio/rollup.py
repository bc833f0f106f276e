"""Consolidate read plans into one portfolio: accounts, owners, rows, white space.

Every plan is computed against the run's single as-of date, with the rollup
pack's rules and currency rates. Consolidated rows carry the file, sheet and
cell they came from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from xlplan.core import portfolio as core
from xlplan.core.rules import Rules
from xlplan.model.issues import Issue, Severity
from xlplan.model.pack import Pack
from xlplan.model.plan import Plan
from xlplan.portfolio.cache import AccountRowCache
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


@dataclass
class Portfolio:
    """Everything the portfolio workbook and the exports show."""

    as_of: dt.date
    base_currency: str
    accounts: list[core.AccountRow] = field(default_factory=list)
    plans: list[Plan] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    # Each kept plan's file facts (pack name and version, file_sha256), as sources.
    meta: list[dict[str, str]] = field(default_factory=list)
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
        win_rate, win_n = core.portfolio_win_rate(self.plans)
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
    rows: AccountRowCache | None = None,
) -> Portfolio:
    """The portfolio of the plans read, filtered by owner and tier.

    With ``rows``, a plan whose file bytes were scored before on the same
    terms (as-of date, pack) takes its Accounts row from there; new rows are
    added to it.
    """
    result = Portfolio(as_of=as_of, base_currency=pack.rates.base)
    for read in reads:
        result.issues += read.issues
        if read.plan is None:
            continue
        plan = replace(read.plan, as_of=as_of)
        if (
            owner
            and str(plan.value("plan", "plan_owner") or "").casefold()
            != owner.casefold()
        ):
            continue
        if (
            tier
            and str(plan.value("profile", "account_tier") or "").casefold()
            != tier.casefold()
        ):
            continue
        row = _account_row(read, plan, pack, rules, rows)
        if core.rate_for(plan.value("plan", "currency"), pack.rates) is None:
            result.issues.append(
                Issue(
                    "portfolio.no_rate",
                    Severity.WARNING,
                    read.source,
                    f"No rate for currency {plan.value('plan', 'currency')}: money columns left blank.",
                    "Add the rate to the pack's rates.yaml.",
                )
            )
        result.accounts.append(row)
        result.plans.append(plan)
        result.sources.append(read.source)
        result.meta.append(read.meta)
        _add_details(result, read, plan)
        _add_white_space(result, plan)
        _add_stages(
            result, plan, core.rate_for(plan.value("plan", "currency"), pack.rates)
        )
    result.accounts = core.add_portfolio_flags(result.accounts, rules)
    return result


def _account_row(
    read: PlanRead, plan: Plan, pack: Pack, rules: Rules, rows: AccountRowCache | None
) -> core.AccountRow:
    """The plan's Accounts row, from ``rows`` when its file's bytes are there."""
    digest = read.meta.get("file_sha256")
    if rows is None or not digest:
        return core.account_row(plan, rules, pack.rates, _data_errors(read))
    row = rows.get(digest)
    if row is None:
        row = core.account_row(plan, rules, pack.rates, _data_errors(read))
        rows.put(digest, row)
    return row


def _data_errors(read: PlanRead) -> int:
    """How many values of the plan's file were ignored or unreadable."""
    return sum(
        1
        for i in read.issues
        if i.code.startswith("data.") or i.severity is Severity.ERROR
    )


def _add_details(result: Portfolio, read: PlanRead, plan: Plan) -> None:
    """The plan's rows of each consolidated section, with the cell each came from."""
    identity = {
        "plan_id": plan.plan_id,
        "account_name": plan.value("plan", "account_name"),
    }
    for section, columns in DETAIL_COLUMNS.items():
        rows = plan.rows(section)
        if not rows:
            continue
        sheet, located = read.locations.get(section, ("", {}))
        label_col = located.get(columns[0])
        letter = "" if label_col is None else xl_col_to_name(label_col)
        details = result.details.setdefault(section, [])
        for row in rows:
            source_row = row.get(SOURCE_ROW)
            cell = (
                f"{letter}{source_row + 1}" if letter and source_row is not None else ""
            )
            details.append(
                {
                    **identity,
                    **{c: row.get(c) for c in columns},
                    "file": read.source,
                    "sheet": sheet,
                    "cell": cell,
                }
            )


def _add_stages(result: Portfolio, plan: Plan, rate: float | None) -> None:
    """Opportunity value by stage, in the portfolio currency."""
    if rate is None:
        return
    for deal in plan.rows("opportunities"):
        value, stage = deal.get("estimated_value"), deal.get("stage")
        if stage and isinstance(value, (int, float)):
            result.stages[stage] = result.stages.get(stage, 0.0) + value * rate


def _add_white_space(result: Portfolio, plan: Plan) -> None:
    """Count business units marked Opportunity, per offering and account."""
    account = str(plan.value("plan", "account_name") or plan.plan_id or "")
    for cell in plan.rows("white_space"):
        if cell.get("state") == "Opportunity":
            key = (str(cell.get("offering")), account)
            result.white_space[key] = result.white_space.get(key, 0) + 1
