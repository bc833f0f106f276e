"""Write a diff for people: the quarterly-review workbook and the JSON object.

The workbook has the portfolio rollup's look (same brand formats, titled
sheets, Excel tables, print set-up): Summary (retention, churn, the portfolio
lines at both dates and the changes by kind), Changes (one row per change,
coloured better or worse) and Accounts (health, band, completeness and stale
at both dates).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from xlplan.history.changes import AccountMove, Change, ChangeKind, PortfolioDiff
from xlplan.model.pack import Pack
from xlplan.portfolio.write import SheetWriter
from xlplan.workbook.files import OUTPUT_PROPERTY, WORKBOOK_OPTIONS

JSON_VERSION = 1
MONEY_KINDS = {
    ChangeKind.OPPORTUNITY_NEW,
    ChangeKind.OPPORTUNITY_GONE,
    ChangeKind.OPPORTUNITY_VALUE,
}
PCT_KINDS = {
    ChangeKind.GOAL_MOVED,
    ChangeKind.GOAL_TRACK,
    ChangeKind.KPI_NEW,
    ChangeKind.KPI_MOVED,
}
DATE_KINDS = {ChangeKind.ACTION_SLIPPED, ChangeKind.ACTION_OVERDUE}
INT_KINDS = {ChangeKind.HEALTH_MOVED, ChangeKind.COMPLETENESS_MOVED}


def value_kind(kind: ChangeKind) -> str:
    """How a change's before and after values read: money, pct, date, int or text."""
    for kinds, name in (
        (MONEY_KINDS, "money"),
        (PCT_KINDS, "pct"),
        (DATE_KINDS, "date"),
        (INT_KINDS, "int"),
    ):
        if kind in kinds:
            return name
    return "text"


def diff_to_json(diff: PortfolioDiff) -> dict[str, Any]:
    """The diff as one JSON-ready object (dates as ``YYYY-MM-DD``; keys only added)."""
    return {
        "version": JSON_VERSION,
        "from": diff.before.as_of.isoformat(),
        "to": diff.after.as_of.isoformat(),
        "currency": diff.currency,
        "retention": diff.retention,
        "churn": diff.churn,
        "active_before": diff.active_before,
        "retained": diff.retained,
        "lines": [
            {"label": line.label, "before": line.before, "after": line.after}
            for line in diff.lines
        ],
        "accounts": [_move_json(m) for m in diff.moves],
        "changes": [_change_json(c) for c in diff.changes],
    }


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


def _change_json(change: Change) -> dict[str, Any]:
    return {
        "plan": change.plan_key,
        "account": change.account,
        "owner": change.owner,
        "kind": change.kind.name.lower(),
        "label": change.kind.value,
        "subject": change.subject,
        "before": _plain(change.before),
        "after": _plain(change.after),
        "note": change.note,
        "good": change.good,
    }


def _move_json(move: AccountMove) -> dict[str, Any]:
    return {
        "plan": move.plan_key,
        "account": move.account,
        "owner": move.owner,
        "health": list(move.health),
        "band": list(move.band),
        "completeness": list(move.completeness),
        "stale": list(move.stale),
        "changes": move.changes,
    }


def build_diff_workbook(diff: PortfolioDiff, pack: Pack) -> bytes:
    """The quarterly-review workbook of ``diff`` as bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    book.set_custom_property(OUTPUT_PROPERTY, "review")
    _DiffWriter(book, diff, pack).write()
    book.close()
    return buffer.getvalue()


class _DiffWriter(SheetWriter):
    def __init__(
        self, book: xlsxwriter.Workbook, diff: PortfolioDiff, pack: Pack
    ) -> None:
        super().__init__(book, pack)
        self.diff = diff
        self.period = f"{diff.before.as_of:%d %b %Y} to {diff.after.as_of:%d %b %Y}"

    def write(self) -> None:
        summary = self._summary()
        self._changes()
        self._accounts()
        summary.activate()

    def _summary(self) -> Worksheet:
        diff = self.diff
        sheet = self._sheet(
            "Summary",
            "Portfolio changes",
            f"From {self.period}; money in {diff.currency}.",
        )
        rows = [
            [line.label, line.before, line.after, _delta(line.before, line.after)]
            for line in diff.lines
        ]
        headers = [("Figure", "text"), ("Before", "money"), ("After", "money")]
        self._table(sheet, "Lines", [*headers, ("Change", "money")], rows)
        sheet.fit_to_pages(1, 1)  # the Summary is one page, like the rollup's
        top = 5 + len(rows) + 1
        self._retention(sheet, top)
        self._kind_counts(sheet, top + 4)
        return sheet

    def _retention(self, sheet: Worksheet, top: int) -> None:
        diff = self.diff
        lines = [
            ("Retention", diff.retention, self.big_pct),
            ("Churn", diff.churn, self.big_pct),
            (
                f"Active accounts kept (of {diff.active_before})",
                diff.retained,
                self.big,
            ),
        ]
        for r, (label, value, fmt) in enumerate(lines, start=top):
            sheet.write_string(r, 0, label, self.label)
            if value is None:
                sheet.write_string(r, 1, "n/a", self.muted)
            else:
                sheet.write_number(r, 1, value, fmt)

    def _kind_counts(self, sheet: Worksheet, top: int) -> None:
        sheet.write_row(top, 0, ["Change", "Count"], self.header)
        counts = self.diff.counts()
        for r, kind in enumerate(ChangeKind, start=top + 1):
            sheet.write_string(r, 0, kind.value)
            sheet.write_number(r, 1, counts.get(kind, 0), self.formats["int"])

    def _changes(self) -> None:
        sheet = self._sheet(
            "Changes",
            "What changed",
            f"Every change per account from {self.period}; money in "
            f"{self.diff.currency}, goals and KPIs as attainment.",
            cell_by_cell=True,  # Before and After take each change's own format
        )
        headers = [
            ("Plan ID", "text"),
            ("Account", "text"),
            ("Owner", "text"),
            ("Change", "text"),
            ("Subject", "text"),
            ("Before", "text"),
            ("After", "text"),
            ("Note", "text"),
            ("Direction", "text"),
        ]
        changes = self.diff.changes
        rows = [_change_row(c) for c in changes]
        self._table(sheet, "Changes", headers, rows)
        for r, change in enumerate(changes, start=4):
            kind = value_kind(change.kind)
            self._write(sheet, r, 5, change.before, kind)
            self._write(sheet, r, 6, change.after, kind)
        sheet.set_column(4, 4, 36)
        sheet.set_column(7, 7, 30)
        self._directions(sheet, 8, len(rows))

    def _directions(self, sheet: Worksheet, col: int, count: int) -> None:
        for text, light in (("better", "good"), ("worse", "bad")):
            sheet.conditional_format(
                4,
                col,
                3 + max(1, count),
                col,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{text}"',
                    "format": self.fills[light],
                },
            )

    def _accounts(self) -> None:
        sheet = self._sheet(
            "Accounts",
            "Accounts at both dates",
            f"Health, band, completeness and staleness from {self.period}.",
        )
        headers = [("Plan ID", "text"), ("Account", "text"), ("Owner", "text")]
        for label, kind in (
            ("Health", "int"),
            ("Band", "text"),
            ("Completeness", "int"),
            ("Stale", "bool"),
        ):
            headers += [(f"{label} before", kind), (f"{label} after", kind)]
        headers.append(("Changes", "int"))
        rows = [
            [m.plan_key, m.account, m.owner, *m.health, *m.band, *m.completeness]
            + [*m.stale, m.changes]
            for m in self.diff.moves
        ]
        self._table(sheet, "AccountMoves", headers, rows)


def _change_row(change: Change) -> list[Any]:
    direction = {True: "better", False: "worse"}.get(change.good, "")  # type: ignore[arg-type]
    return [
        change.plan_key,
        change.account,
        change.owner,
        change.kind.value,
        change.subject,
        None,
        None,
        change.note,
        direction,
    ]


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before
