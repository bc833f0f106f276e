"""A snapshot: one rollup run's plans, figures and rows, frozen at its as-of date.

Pure values and conversions, no database: ``snapshot_from_portfolio`` turns a
rollup into a ``Snapshot``; ``xlplan.history.store`` saves and loads them and
``xlplan.history.diff`` compares two. Values are the plan's own Python values
(``str``, numbers, ``datetime.date``, ``bool``, tuples of names); ``None`` is
blank.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from xlplan.core.portfolio import rate_for
from xlplan.model.pack import Pack
from xlplan.portfolio.rollup import Portfolio
from xlplan.workbook.reader import SOURCE_ROW

# Each table section's row label: what a manager calls the row, and the
# fallback key when a row has no id (DESIGN.md "Rows and references").
LABEL_FIELDS: Mapping[str, tuple[str, ...]] = {
    "team": ("name",),
    "stakeholders": ("name",),
    "business_units": ("name",),
    "white_space": ("business_unit", "offering"),
    "objectives": ("title",),
    "swot": ("quadrant", "text"),
    "five_forces": ("force",),
    "competitors": ("name",),
    "goals": ("title",),
    "opportunities": ("name",),
    "risks": ("description",),
    "actions": ("action_step",),
    "kpis": ("kpi", "period"),
    "reviews": ("date", "review_type"),
    "selection": ("criterion",),
    "force_field": ("side", "consequence"),
    "commitments": ("commitment",),
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class PlanState:
    """One plan as a snapshot holds it.

    ``key`` identifies the plan across snapshots: its plan id, or the plan id
    and account name when two accounts share an id (a copied file).
    ``rate`` converts the plan's currency into the portfolio currency;
    ``None`` when the pack had no rate for it.
    """

    key: str
    plan_id: str | None
    account_name: str | None
    plan_owner: str | None
    file: str
    file_sha256: str | None
    pack_name: str | None
    pack_version: str | None
    currency: str | None
    rate: float | None
    flags: frozenset[str]
    figures: Mapping[str, Any]
    records: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    rows: Mapping[str, tuple[Mapping[str, Any], ...]] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """How a manager names the plan: account, else plan id."""
        return str(self.account_name or self.plan_id or self.key)


@dataclass(frozen=True)
class SnapshotInfo:
    """A snapshot's header: when, how many plans, in which currency and scope.

    ``scope`` is blank for a whole portfolio, else the rollup's filters
    (``owner=...; tier=...``).
    """

    as_of: dt.date
    taken_at: dt.datetime
    currency: str
    scope: str
    plans: int
    files: int
    xlplan_version: str


@dataclass(frozen=True)
class Snapshot:
    """A snapshot's header and its plans by key."""

    info: SnapshotInfo
    plans: Mapping[str, PlanState]

    @property
    def as_of(self) -> dt.date:
        """The as-of date every figure of the snapshot was computed at."""
        return self.info.as_of


def label_of(section: str, row: Mapping[str, Any]) -> str:
    """The row's label (its name, title or step), ``""`` when blank."""
    fields = LABEL_FIELDS.get(section) or tuple(k for k in row if k != "id")[:1]
    parts = [_text(row.get(f)) for f in fields]
    return " / ".join(p for p in parts if p)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return "; ".join(map(str, value))
    return str(value).strip()


def scope_of(owner: str | None, tier: str | None) -> str:
    """The scope text of a rollup filtered by owner and tier; ``""`` for all plans."""
    parts = [f"owner={owner}" if owner else "", f"tier={tier}" if tier else ""]
    return "; ".join(p for p in parts if p)


def snapshot_from_portfolio(
    portfolio: Portfolio,
    pack: Pack,
    scope: str = "",
    taken_at: dt.datetime | None = None,
) -> Snapshot:
    """The snapshot of a rollup: every kept plan's figures, flags, records and rows."""
    import xlplan

    if portfolio.plans is None:
        raise ValueError("A snapshot needs the plans: build the portfolio from reads.")
    ids = Counter(plan.plan_id for plan in portfolio.plans)
    plans: dict[str, PlanState] = {}
    for index, plan in enumerate(portfolio.plans):
        account = portfolio.accounts[index]
        meta = portfolio.meta[index] if index < len(portfolio.meta) else {}
        name = plan.value("plan", "account_name")
        key = str(plan.plan_id or portfolio.sources[index])
        if plan.plan_id and ids[plan.plan_id] > 1:
            key = f"{plan.plan_id} / {name or portfolio.sources[index]}"
        currency = plan.value("plan", "currency")
        plans[key] = PlanState(
            key=key,
            plan_id=plan.plan_id,
            account_name=None if name is None else str(name),
            plan_owner=_optional_text(plan.value("plan", "plan_owner")),
            file=portfolio.sources[index],
            file_sha256=meta.get("file_sha256"),
            pack_name=meta.get("pack_name"),
            pack_version=meta.get("pack_version"),
            currency=_optional_text(currency),
            rate=rate_for(currency, pack.rates),
            flags=account.flags,
            figures=dict(account.values),
            records={k: dict(v) for k, v in plan.records.items()},
            rows={
                section: tuple(_clean_row(r) for r in rows)
                for section, rows in plan.tables.items()
            },
        )
    info = SnapshotInfo(
        as_of=portfolio.as_of,
        taken_at=taken_at or dt.datetime.now().replace(microsecond=0),
        currency=portfolio.base_currency,
        scope=scope,
        plans=len(plans),
        files=portfolio.files_read,
        xlplan_version=xlplan.__version__,
    )
    return Snapshot(info, plans)


def _optional_text(value: Any) -> str | None:
    return None if value is None else str(value)


def _clean_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != SOURCE_ROW}


def encode(value: Any) -> str:
    """JSON text of a mapping of plan values: dates as ISO text, tuples as lists."""
    return json.dumps(value, default=_plain, ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not a plan value")


def decode(text: str | None) -> dict[str, Any]:
    """The mapping ``encode`` wrote: ISO date text back to dates, lists to tuples.

    A text field holding exactly ``YYYY-MM-DD`` also comes back as a date.
    """
    if not text:
        return {}
    return {k: _typed(v) for k, v in json.loads(text).items()}


def _typed(value: Any) -> Any:
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, list):
        return tuple(_typed(v) for v in value)
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    return value
