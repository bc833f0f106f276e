"""The typed records a diff returns: changes, portfolio lines, account moves."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from xlplan.history.snapshot import SnapshotInfo


class ChangeKind(Enum):
    """Every kind of change a diff reports, in the order a review walks them."""

    ACCOUNT_ADDED = "account added"
    ACCOUNT_GONE = "account gone"
    PLAN_STALE = "plan gone stale"
    PLAN_CURRENT = "plan back to current"
    HEALTH_MOVED = "health moved"
    COMPLETENESS_MOVED = "completeness moved"
    STAKEHOLDER_NEW = "new stakeholder"
    STAKEHOLDER_LOST = "lost stakeholder"
    RELATIONSHIP_MOVED = "relationship moved"
    ACTION_COMPLETED = "action completed"
    ACTION_SLIPPED = "action slipped"
    ACTION_OVERDUE = "action newly overdue"
    OPPORTUNITY_NEW = "new opportunity"
    OPPORTUNITY_GONE = "opportunity gone"
    OPPORTUNITY_STAGE = "opportunity stage moved"
    OPPORTUNITY_VALUE = "opportunity value moved"
    GOAL_MOVED = "goal moved"
    GOAL_TRACK = "goal changed track"  # no new figure: time moved it on or off track
    KPI_NEW = "new KPI reading"
    KPI_MOVED = "KPI moved"


KIND_ORDER = {kind: index for index, kind in enumerate(ChangeKind)}


@dataclass(frozen=True)
class Change:
    """One change at one account.

    ``subject`` names the row (stakeholder, action, opportunity, goal, KPI)
    or is blank for a change to the plan as a whole. ``before`` and
    ``after`` are the values compared (``None``: blank or absent); money is in
    the portfolio currency. ``good`` is True for a change for the better,
    False for the worse, ``None`` when neither.
    """

    plan_key: str
    account: str
    owner: str | None
    kind: ChangeKind
    subject: str
    before: Any
    after: Any
    note: str = ""
    good: bool | None = None


@dataclass(frozen=True)
class Line:
    """A portfolio line before and after (``kind``: int, money or pct)."""

    label: str
    before: float | None
    after: float | None
    kind: str = "int"


@dataclass(frozen=True)
class AccountMove:
    """One account's headline figures at both dates (``None``: absent or blank)."""

    plan_key: str
    account: str
    owner: str | None
    health: tuple[int | None, int | None]
    band: tuple[str | None, str | None]
    completeness: tuple[int | None, int | None]
    stale: tuple[bool | None, bool | None]
    changes: int


@dataclass(frozen=True)
class PortfolioDiff:
    """Two snapshots compared: the changes, the portfolio lines, retention.

    ``retention`` is accounts active at both dates over accounts active at the
    first (DOMAIN.md 4.2; Archived plans are not active); ``churn`` is
    ``1 - retention``. Both are ``None`` when no account was active at first.
    """

    before: SnapshotInfo
    after: SnapshotInfo
    currency: str
    changes: tuple[Change, ...]
    lines: tuple[Line, ...]
    moves: tuple[AccountMove, ...]
    active_before: int
    retained: int
    retention: float | None
    churn: float | None

    def accounts(self) -> dict[str, list[Change]]:
        """The changes grouped by account, in the order of ``changes``."""
        grouped: dict[str, list[Change]] = {}
        for change in self.changes:
            grouped.setdefault(change.plan_key, []).append(change)
        return grouped

    def counts(self) -> dict[ChangeKind, int]:
        """How many changes of each kind (kinds with none left out)."""
        counts: dict[ChangeKind, int] = {}
        for change in self.changes:
            counts[change.kind] = counts.get(change.kind, 0) + 1
        return counts
