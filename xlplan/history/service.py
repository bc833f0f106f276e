"""History commands: check the database, save a rollup's snapshot, compare two.

The library side of ``xlplan rollup --history`` and ``xlplan diff``: each
function opens the database for as long as it needs it.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from xlplan.errors import SnapshotError
from xlplan.history.diff import (
    STAGE_ORDER,
    STATUS_ORDER,
    PortfolioDiff,
    diff_snapshots,
    sections_needed,
)
from xlplan.history.snapshot import (
    SnapshotInfo,
    scope_of,
    snapshot_from_portfolio,
)
from xlplan.history.store import (
    list_snapshots,
    load_snapshot,
    open_history,
    save_snapshot,
)
from xlplan.model.pack import Pack
from xlplan.portfolio.rollup import Portfolio


def check_history(path: Path) -> None:
    """Raise ``HistoryError`` now if ``path`` exists but cannot take a snapshot."""
    if path.exists():
        with open_history(path):
            pass


def save_rollup(
    path: Path,
    portfolio: Portfolio,
    pack: Pack,
    owner: str | None = None,
    tier: str | None = None,
) -> bool:
    """Save the rollup as the snapshot of its as-of date; True when one was replaced."""
    snapshot = snapshot_from_portfolio(portfolio, pack, scope_of(owner, tier))
    with open_history(path, create=True) as con:
        return save_snapshot(con, snapshot)


def history_snapshots(path: Path) -> list[SnapshotInfo]:
    """Every snapshot in the history at ``path``, oldest first."""
    with open_history(path) as con:
        return list_snapshots(con)


def diff_history(
    path: Path,
    since: dt.date | None = None,
    until: dt.date | None = None,
    pack: Pack | None = None,
) -> PortfolioDiff:
    """Compare two snapshots of the history at ``path``.

    ``since`` and ``until`` pick snapshots by as-of date; by default the last
    two. Only ``until``: the snapshot before it; only ``since``: the latest.
    Raises ``SnapshotError`` for an unknown date or fewer than two snapshots.
    """
    with open_history(path) as con:
        infos = list_snapshots(con)
        first, second = pick_pair(path, infos, since, until)
        before = load_snapshot(con, first.as_of, tuple(sections_needed()))
        after = load_snapshot(con, second.as_of, tuple(sections_needed()))
    if before.info.currency != after.info.currency:
        raise SnapshotError(
            f"{path}: the snapshots of {first.as_of} and {second.as_of} are in "
            f"different currencies ({before.info.currency}, {after.info.currency}).",
            hint="Compare snapshots rolled up with packs of the same base currency.",
        )
    if before.info.scope != after.info.scope:
        raise SnapshotError(
            f"{path}: the snapshots of {first.as_of} and {second.as_of} cover "
            f"different plans ({_scope(before.info)}; {_scope(after.info)}).",
            hint="Keep one history file per --owner/--tier selection.",
        )
    lists = pack.lists if pack else {}
    return diff_snapshots(
        before,
        after,
        lists.get("relationship_status", STATUS_ORDER),
        lists.get("opportunity_stage", STAGE_ORDER),
    )


def _scope(info: SnapshotInfo) -> str:
    return info.scope or "the whole portfolio"


def pick_pair(
    path: Path,
    infos: list[SnapshotInfo],
    since: dt.date | None,
    until: dt.date | None,
) -> tuple[SnapshotInfo, SnapshotInfo]:
    """The two snapshots to compare, oldest first (see ``diff_history``)."""
    by_day = {info.as_of: info for info in infos}
    dates = sorted(by_day)
    for day in (since, until):
        if day is not None and day not in by_day:
            shown = ", ".join(d.isoformat() for d in dates) or "none"
            raise SnapshotError(
                f"{path} has no snapshot as of {day.isoformat()}.",
                hint=f"Pick one of the snapshots it holds: {shown}.",
            )
    if len(dates) < 2:
        raise SnapshotError(
            f"{path} holds {len(dates)} snapshot(s); a diff needs two.",
            hint="Run xlplan rollup PLANS --history FILE again on another as-of date.",
        )
    second = until or dates[-1]
    first = since or max((d for d in dates if d < second), default=None)
    if first is None or first >= second:
        raise SnapshotError(
            f"{path}: nothing to compare before {second.isoformat()}.",
            hint="Give --from an earlier snapshot date than --to.",
        )
    return by_day[first], by_day[second]
