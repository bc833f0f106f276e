"""What changed between two snapshots, per account and for the portfolio.

Pure functions over two ``Snapshot`` values, returning typed ``Change``
records. Plans are matched by their key (plan id); rows by their id cell,
then by their label (name, title, step), in sheet order (DESIGN.md "Rows and
references"). Money is in the portfolio currency, converted with each plan's
rate recorded in the snapshot. Date-based facts (overdue, on track, stale)
are taken at each snapshot's own as-of date.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from xlplan.core import rows as row_rules
from xlplan.history.changes import (
    KIND_ORDER,
    AccountMove,
    Change,
    ChangeKind,
    Line,
    PortfolioDiff,
)
from xlplan.history.match import Row, match_rows
from xlplan.history.snapshot import PlanState, Snapshot, label_of
from xlplan.model.plan import Plan

STATUS_ORDER = ("Mentor", "Supporter", "Neutral", "Non-supporter", "Opponent")
STAGE_ORDER = ("Identified", "Qualified", "Proposal", "Won", "Lost")
ACTIVE = "plan_status"  # an account is active in a snapshot unless Archived
SECTIONS = ("stakeholders", "actions", "opportunities", "goals", "kpis")


def diff_snapshots(
    before: Snapshot,
    after: Snapshot,
    status_order: Sequence[str] = STATUS_ORDER,
    stage_order: Sequence[str] = STAGE_ORDER,
) -> PortfolioDiff:
    """Everything that changed from ``before`` to ``after``."""
    before, after = aligned(before, after)
    orders = _Orders(tuple(status_order), tuple(stage_order))
    changes: list[Change] = []
    for key in sorted(set(before.plans) | set(after.plans)):
        old, new = before.plans.get(key), after.plans.get(key)
        if old is None and new is not None:
            changes.append(_whole(new, ChangeKind.ACCOUNT_ADDED, None, new.title))
        elif new is None and old is not None:
            changes.append(_whole(old, ChangeKind.ACCOUNT_GONE, old.title, None))
        elif old is not None and new is not None:
            pair = _Pair(old, new, before.as_of, after.as_of, orders)
            changes += pair.changes()
    changes.sort(key=lambda c: (c.account.casefold(), c.plan_key, KIND_ORDER[c.kind]))
    active, retained = _retention(before, after)
    ratio = retained / active if active else None
    return PortfolioDiff(
        before=before.info,
        after=after.info,
        currency=after.info.currency,
        changes=tuple(changes),
        lines=portfolio_lines(before, after),
        moves=account_moves(before, after, changes),
        active_before=active,
        retained=retained,
        retention=ratio,
        churn=None if ratio is None else 1 - ratio,
    )


def aligned(before: Snapshot, after: Snapshot) -> tuple[Snapshot, Snapshot]:
    """Both snapshots keyed alike, so one plan has one key at both dates.

    A snapshot keys a plan by its id, or by id and account when two accounts
    share the id (a copied file). A plan id copied only after the first
    snapshot would otherwise change its original's key and read as one
    account gone and another added: any id shared at either date is keyed
    with the account at both.
    """
    shared = _shared_ids(before) | _shared_ids(after)
    return _rekeyed(before, shared), _rekeyed(after, shared)


def _shared_ids(snapshot: Snapshot) -> set[str]:
    ids = [plan.plan_id for plan in snapshot.plans.values() if plan.plan_id]
    return {plan_id for plan_id in ids if ids.count(plan_id) > 1}


def _rekeyed(snapshot: Snapshot, shared: set[str]) -> Snapshot:
    plans: dict[str, PlanState] = {}
    for key, plan in snapshot.plans.items():
        if plan.plan_id in shared and plan.account_name:
            key = f"{plan.plan_id} / {plan.account_name}"
        plans[key] = dataclasses.replace(plan, key=key)
    return dataclasses.replace(snapshot, plans=plans)


def account_moves(
    before: Snapshot, after: Snapshot, changes: Sequence[Change]
) -> tuple[AccountMove, ...]:
    """Every account of either snapshot with its figures at both dates."""
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.plan_key] = counts.get(change.plan_key, 0) + 1
    moves = []
    for key in set(before.plans) | set(after.plans):
        old, new = before.plans.get(key), after.plans.get(key)
        either = new or old
        assert either is not None
        moves.append(
            AccountMove(
                key,
                either.title,
                either.plan_owner,
                (_figure(old, "health"), _figure(new, "health")),
                (_figure(old, "health_band"), _figure(new, "health_band")),
                (_figure(old, "completeness"), _figure(new, "completeness")),
                (_stale(old), _stale(new)),
                counts.get(key, 0),
            )
        )
    return tuple(sorted(moves, key=lambda m: (m.account.casefold(), m.plan_key)))


def _figure(plan: PlanState | None, name: str) -> Any:
    return None if plan is None else plan.figures.get(name)


def _stale(plan: PlanState | None) -> bool | None:
    return None if plan is None else "STALE" in plan.flags


def _whole(plan: PlanState, kind: ChangeKind, before: Any, after: Any) -> Change:
    good = {ChangeKind.ACCOUNT_ADDED: True, ChangeKind.ACCOUNT_GONE: False}.get(kind)
    return Change(
        plan.key, plan.title, plan.plan_owner, kind, "", before, after, "", good
    )


def _is_active(plan: PlanState | None) -> bool:
    return plan is not None and plan.figures.get(ACTIVE) != "Archived"


def _retention(before: Snapshot, after: Snapshot) -> tuple[int, int]:
    active = [key for key, plan in before.plans.items() if _is_active(plan)]
    kept = [key for key in active if _is_active(after.plans.get(key))]
    return len(active), len(kept)


def portfolio_lines(before: Snapshot, after: Snapshot) -> tuple[Line, ...]:
    """Headline portfolio figures at both dates, money in the portfolio currency."""
    specs: tuple[tuple[str, Callable[[Snapshot], float | None], str], ...] = (
        ("Plans", lambda s: len(s.plans), "int"),
        ("Revenue (trailing)", lambda s: _total(s, "revenue_current"), "money"),
        ("Pipeline", lambda s: _total(s, "pipeline"), "money"),
        ("Weighted pipeline", lambda s: _total(s, "weighted_pipeline"), "money"),
        ("Won in period", lambda s: _total(s, "won_value"), "money"),
        ("Open actions", lambda s: _total(s, "open_actions"), "int"),
        ("Overdue actions", lambda s: _total(s, "overdue_actions"), "int"),
        ("Stale plans", lambda s: _flagged(s, "STALE"), "int"),
        ("Green plans", lambda s: _banded(s, "Green"), "int"),
        ("Amber plans", lambda s: _banded(s, "Amber"), "int"),
        ("Red plans", lambda s: _banded(s, "Red"), "int"),
    )
    return tuple(
        Line(label, get(before), get(after), kind) for label, get, kind in specs
    )


def _total(snapshot: Snapshot, name: str) -> float:
    return float(sum(p.figures.get(name) or 0 for p in snapshot.plans.values()))


def _flagged(snapshot: Snapshot, flag: str) -> float:
    return float(sum(1 for p in snapshot.plans.values() if flag in p.flags))


def _banded(snapshot: Snapshot, band: str) -> float:
    return float(
        sum(1 for p in snapshot.plans.values() if p.figures.get("health_band") == band)
    )


# -------------------------------------------------------------- one account


@dataclass(frozen=True)
class _Orders:
    status: tuple[str, ...]
    stage: tuple[str, ...]


class _Pair:
    """One plan at both dates; ``changes`` lists what moved."""

    def __init__(
        self,
        old: PlanState,
        new: PlanState,
        old_day: dt.date,
        new_day: dt.date,
        orders: _Orders,
    ) -> None:
        self.old, self.new = old, new
        self.old_day, self.new_day = old_day, new_day
        self.orders = orders

    def changes(self) -> list[Change]:
        found = self._plan_changes()
        found += self._stakeholders()
        found += self._actions()
        found += self._opportunities()
        found += self._goals()
        found += self._kpis()
        return found

    def _change(
        self,
        kind: ChangeKind,
        subject: str,
        before: Any,
        after: Any,
        note: str = "",
        good: bool | None = None,
    ) -> Change:
        new = self.new
        return Change(
            new.key, new.title, new.plan_owner, kind, subject, before, after, note, good
        )

    def _rows(self, section: str) -> tuple[list[tuple[Row, Row]], list[Row], list[Row]]:
        return match_rows(
            section, self.old.rows.get(section, ()), self.new.rows.get(section, ())
        )

    # ------------------------------------------------------------ whole plan

    def _plan_changes(self) -> list[Change]:
        found = []
        was, now = "STALE" in self.old.flags, "STALE" in self.new.flags
        if was != now:
            kind = ChangeKind.PLAN_STALE if now else ChangeKind.PLAN_CURRENT
            last = self.new.figures.get("last_reviewed_date")
            note = (
                f"last review {last:%d %b %Y}"
                if isinstance(last, dt.date)
                else "never reviewed"
            )
            found.append(self._change(kind, "", None, None, note, not now))
        found += self._score("health", ChangeKind.HEALTH_MOVED)
        found += self._score("completeness", ChangeKind.COMPLETENESS_MOVED)
        return found

    def _score(self, name: str, kind: ChangeKind) -> list[Change]:
        before, after = self.old.figures.get(name), self.new.figures.get(name)
        if before == after:
            return []
        note = ""
        if name == "health":
            bands = (
                self.old.figures.get("health_band"),
                self.new.figures.get("health_band"),
            )
            weakest = self.new.figures.get("health_weakest")
            note = (
                f"{bands[0] or 'n/a'} to {bands[1] or 'n/a'}"
                if bands[0] != bands[1]
                else ""
            )
            note = "; ".join(
                p for p in (note, f"weakest: {weakest}" if weakest else "") if p
            )
        good = None if before is None or after is None else after > before
        return [self._change(kind, "", before, after, note, good)]

    # ----------------------------------------------------------- stakeholders

    def _stakeholders(self) -> list[Change]:
        pairs, lost, added = self._rows("stakeholders")
        found = [
            self._change(
                ChangeKind.STAKEHOLDER_NEW,
                _name(r, "stakeholders"),
                None,
                r.get("relationship_status"),
                _title(r),
                True,
            )
            for r in added
        ]
        found += [
            self._change(
                ChangeKind.STAKEHOLDER_LOST,
                _name(r, "stakeholders"),
                r.get("relationship_status"),
                None,
                _title(r),
                False,
            )
            for r in lost
        ]
        for old, new in pairs:
            before, after = (
                old.get("relationship_status"),
                new.get("relationship_status"),
            )
            if before != after:
                good = _better(self.orders.status, before, after)
                note = (
                    {True: "better", False: "worse"}.get(good, "")
                    if good is not None
                    else ""
                )
                found.append(
                    self._change(
                        ChangeKind.RELATIONSHIP_MOVED,
                        _name(new, "stakeholders"),
                        before,
                        after,
                        note,
                        good,
                    )
                )
        return found

    # ---------------------------------------------------------------- actions

    def _actions(self) -> list[Change]:
        pairs, _, added = self._rows("actions")
        found = []
        for old, new in pairs:
            found += self._action_moves(old, new)
        for new in added:
            if row_rules.overdue(new, self.new_day):
                found.append(self._overdue(new))
        return found

    def _action_moves(self, old: Row, new: Row) -> list[Change]:
        found = []
        name = _name(new, "actions")
        if new.get("progress") == "Done" and old.get("progress") != "Done":
            done = new.get("completed_date")
            note = f"completed {done:%d %b %Y}" if isinstance(done, dt.date) else ""
            found.append(
                self._change(
                    ChangeKind.ACTION_COMPLETED,
                    name,
                    old.get("progress"),
                    "Done",
                    note,
                    True,
                )
            )
        was, due = old.get("due_date"), new.get("due_date")
        later = _days_later(was, due)
        if later > 0 and row_rules.is_open_action(new):
            found.append(
                self._change(
                    ChangeKind.ACTION_SLIPPED,
                    name,
                    was,
                    due,
                    f"{later} days later",
                    False,
                )
            )
        if row_rules.overdue(new, self.new_day) and not row_rules.overdue(
            old, self.old_day
        ):
            found.append(self._overdue(new))
        return found

    def _overdue(self, row: Row) -> Change:
        due = row.get("due_date")
        late = (self.new_day - due).days if isinstance(due, dt.date) else 0
        note = (
            f"due {due:%d %b %Y}, {late} days late" if isinstance(due, dt.date) else ""
        )
        return self._change(
            ChangeKind.ACTION_OVERDUE, _name(row, "actions"), None, None, note, False
        )

    # ---------------------------------------------------------- opportunities

    def _opportunities(self) -> list[Change]:
        pairs, lost, added = self._rows("opportunities")
        new_rate = self.new.rate
        found = [
            self._change(
                ChangeKind.OPPORTUNITY_NEW,
                _name(r, "opportunities"),
                None,
                _money(r, new_rate),
                r.get("stage") or "",
                True,
            )
            for r in added
        ]
        found += [
            self._change(
                ChangeKind.OPPORTUNITY_GONE,
                _name(r, "opportunities"),
                _money(r, self.old.rate),
                None,
                r.get("stage") or "",
                None,
            )
            for r in lost
        ]
        for old, new in pairs:
            found += self._deal_moves(old, new)
        return found

    def _deal_moves(self, old: Row, new: Row) -> list[Change]:
        found = []
        name = _name(new, "opportunities")
        before, after = old.get("stage"), new.get("stage")
        if before != after:
            good = _stage_good(self.orders.stage, before, after)
            note = (
                {True: "advanced", False: "moved back"}.get(good, "")
                if good is not None
                else ""
            )
            note = {"Won": "won", "Lost": "lost"}.get(str(after), note)
            found.append(
                self._change(
                    ChangeKind.OPPORTUNITY_STAGE, name, before, after, note, good
                )
            )
        if old.get("estimated_value") != new.get("estimated_value"):
            was, now = _money(old, self.old.rate), _money(new, self.new.rate)
            good = None if was is None or now is None else now > was
            found.append(
                self._change(ChangeKind.OPPORTUNITY_VALUE, name, was, now, "", good)
            )
        return found

    # ------------------------------------------------------------ goals, KPIs

    def _goals(self) -> list[Change]:
        pairs, _, _ = self._rows("goals")
        old_plan, new_plan = (
            _plan(self.old, self.old_day),
            _plan(self.new, self.new_day),
        )
        found = []
        for old, new in pairs:
            before, after = row_rules.row_attainment(old), row_rules.row_attainment(new)
            was = row_rules.on_track(old, old_plan)
            now = row_rules.on_track(new, new_plan)
            if _inputs(old) == _inputs(new) and was == now:
                continue
            kind = ChangeKind.GOAL_MOVED
            note = _track_note(was, now)
            if note and _inputs(old) == _inputs(new):
                kind = ChangeKind.GOAL_TRACK
                note += _time_note(after, new, new_plan)
            note = note or _actual_note(old, new)
            good = now if was != now else _rose(before, after)
            found.append(
                self._change(
                    kind,
                    _name(new, "goals"),
                    before,
                    after,
                    note,
                    good,
                )
            )
        return found

    def _kpis(self) -> list[Change]:
        pairs, _, added = self._rows("kpis")
        found = [
            self._change(
                ChangeKind.KPI_NEW,
                _name(r, "kpis"),
                None,
                row_rules.row_attainment(r),
                _actual_note({}, r),
                None,
            )
            for r in added
            if r.get("actual") is not None
        ]
        for old, new in pairs:
            if _inputs(old) != _inputs(new):
                before, after = (
                    row_rules.row_attainment(old),
                    row_rules.row_attainment(new),
                )
                found.append(
                    self._change(
                        ChangeKind.KPI_MOVED,
                        _name(new, "kpis"),
                        before,
                        after,
                        _actual_note(old, new),
                        _rose(before, after),
                    )
                )
        return found


# ---------------------------------------------------------------- helpers


def _name(row: Row, section: str) -> str:
    return label_of(section, row) or str(row.get("id") or "(unnamed)")


def _title(row: Row) -> str:
    return str(row.get("title") or "")


def _better(order: Sequence[str], before: Any, after: Any) -> bool | None:
    """True when ``after`` ranks better (earlier in the list) than ``before``."""
    if before not in order or after not in order:
        return None
    return order.index(after) < order.index(before)


def _stage_good(order: Sequence[str], before: Any, after: Any) -> bool | None:
    if after == "Lost":
        return False
    if before not in order or after not in order or before == "Lost":
        return None
    return order.index(after) > order.index(before)


def _days_later(was: Any, due: Any) -> int:
    """Days ``due`` moved past ``was``; 0 when either is blank."""
    if isinstance(was, dt.date) and isinstance(due, dt.date):
        return (due - was).days
    return 0


def _money(row: Row, rate: float | None) -> float | None:
    value = row.get("estimated_value")
    if not isinstance(value, (int, float)) or rate is None:
        return None
    return float(value) * rate


def _inputs(row: Row) -> tuple[Any, ...]:
    return tuple(row.get(f) for f in ("baseline", "target", "actual", "better"))


def _rose(before: float | None, after: float | None) -> bool | None:
    if before is None or after is None or before == after:
        return None
    return after > before


def _track_note(was: bool | None, now: bool | None) -> str:
    if was == now or now is None:
        return ""
    return "back on track" if now else "now behind plan"


def _time_note(attained: float | None, row: Row, plan: Plan) -> str:
    """Why a goal that did not move changed track: the share of its time gone."""
    if attained is None:
        return ""
    gone = row_rules.expected_progress(
        row.get("due_date"), plan.value("plan", "period_start"), plan.as_of
    )
    return f" as time passed: {attained:.0%} attained, {gone:.0%} of its time gone"


def _actual_note(old: Row, new: Row) -> str:
    parts = []
    for name in ("actual", "target", "baseline"):
        if old.get(name) != new.get(name):
            was = old.get(name)
            text = f"{name} {_number(was)} to {_number(new.get(name))}" if old else ""
            parts.append(text or f"{name} {_number(new.get(name))}")
    return "; ".join(parts)


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.0f}"
    return "n/a" if value is None else str(value)


def _plan(state: PlanState, as_of: dt.date) -> Plan:
    """A ``Plan`` of the snapshot's records and rows, for the core row rules."""
    return Plan(as_of=as_of, records=state.records, tables=state.rows)


def sections_needed() -> Iterable[str]:
    """The row sections a diff reads (load only these from the store)."""
    return SECTIONS
