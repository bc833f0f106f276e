"""The starting values of a fresh plan workbook."""

from __future__ import annotations

import datetime as dt
import re

from xlplan.core.excel import add_months
from xlplan.core.rules import rules_from_pack
from xlplan.model.pack import Pack
from xlplan.workbook.inputs import PlanInput


def new_plan_input(pack: Pack, account_name: str, today: dt.date) -> PlanInput:
    """The values a fresh Draft plan starts with: a one-year period from ``today``.

    Status, period type and cadence come from the pack's own lists, so a pack
    that renamed them gets values its drop-downs hold.
    """
    lists = pack.lists
    currency = pack.rates.base if pack.rates.base in lists.get("currency", ()) else None
    return PlanInput(
        records={
            "plan": {
                "plan_id": plan_id_for(account_name, today),
                "account_name": account_name,
                "plan_version": "v1",
                "created_date": today,
                "period_type": _preferred(lists.get("period_type", ()), "Annual"),
                "period_start": today,
                "period_end": add_months(today, 12) - dt.timedelta(days=1),
                "plan_status": _preferred(lists.get("plan_status", ()), "Draft"),
                "review_cadence": rules_from_pack(pack).default_cadence,
                "currency": currency,
            },
            "profile": {},
        },
    )


def _preferred(values: tuple[str, ...], wanted: str) -> str | None:
    if wanted in values:
        return wanted
    return values[0] if values else None


def plan_id_for(account_name: str, today: dt.date) -> str:
    """A readable plan id: up to six letters of the name and the year (``ACMELO-2026``)."""
    letters = re.sub(r"[^A-Za-z0-9]", "", account_name).upper()[:6] or "PLAN"
    return f"{letters}-{today.year}"


def make_ids_unique(plans: list[PlanInput]) -> None:
    """Number repeated plan ids (ACMELO-2026, ACMELO-2026-2 ...): ids are unique per portfolio."""
    counts: dict[str, int] = {}
    for plan in plans:
        record = plan.records["plan"]
        base = str(record.get("plan_id"))
        counts[base.casefold()] = counts.get(base.casefold(), 0) + 1
        if counts[base.casefold()] > 1:
            record["plan_id"] = f"{base}-{counts[base.casefold()]}"
