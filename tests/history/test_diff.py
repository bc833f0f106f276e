"""`xlplan diff` reports exactly what changed between two snapshots."""

from __future__ import annotations

import json
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import AS_OF, requires_libreoffice
from tests.history.conftest import (
    ADVANCED_DEAL,
    LATER,
    MOVED_STAKEHOLDER,
    NEW_STAKEHOLDER,
    rollup,
)
from xlplan.cli import main
from xlplan.history.diff import ChangeKind, diff_snapshots
from xlplan.history.match import match_rows
from xlplan.history.service import diff_history

HALVORSEN, VARROW = "HALV-FY27", "VARR-FY26"


@pytest.fixture(scope="module")
def diff(history, pack):
    return diff_history(history["db"], pack=pack)


def _ids(diff) -> dict[str, str]:
    return {c.account: c.plan_key for c in diff.changes}


def test_the_diff_reports_each_edit_and_nothing_else(diff, history):
    found = {(c.account.split()[0], c.kind, c.subject) for c in diff.changes}
    assert found == {
        ("Halvorsen", ChangeKind.STAKEHOLDER_NEW, NEW_STAKEHOLDER),
        ("Halvorsen", ChangeKind.RELATIONSHIP_MOVED, MOVED_STAKEHOLDER),
        ("Varrow", ChangeKind.ACTION_COMPLETED, history["action"]),
        ("Fellbrook", ChangeKind.OPPORTUNITY_STAGE, ADVANCED_DEAL),
        ("Graniteford", ChangeKind.PLAN_STALE, ""),
        ("Graniteford", ChangeKind.HEALTH_MOVED, ""),
    }
    assert len(diff.changes) == len(found)


def test_each_change_carries_its_values_and_direction(diff):
    changes = {c.kind: c for c in diff.changes}
    moved = changes[ChangeKind.RELATIONSHIP_MOVED]
    assert (moved.before, moved.after, moved.note, moved.good) == (
        "Neutral",
        "Supporter",
        "better",
        True,
    )
    assert changes[ChangeKind.STAKEHOLDER_NEW].after == "Neutral"
    completed = changes[ChangeKind.ACTION_COMPLETED]
    assert completed.after == "Done" and completed.before != "Done"
    assert completed.note == f"completed {AS_OF:%d %b %Y}"
    deal = changes[ChangeKind.OPPORTUNITY_STAGE]
    assert (deal.before, deal.after, deal.note, deal.good) == (
        "Qualified",
        "Proposal",
        "advanced",
        True,
    )
    stale = changes[ChangeKind.PLAN_STALE]
    assert stale.good is False and stale.note.startswith("last review")
    health = changes[ChangeKind.HEALTH_MOVED]
    assert health.after < health.before and health.good is False
    assert health.note.startswith("Green to Amber")


def test_portfolio_lines_retention_and_churn(diff):
    assert (diff.before.as_of, diff.after.as_of) == (AS_OF, LATER)
    assert diff.active_before == diff.retained == 12
    assert diff.retention == 1.0 and diff.churn == 0.0
    lines = {line.label: line for line in diff.lines}
    assert lines["Stale plans"].after == lines["Stale plans"].before + 1
    assert lines["Pipeline"].after == pytest.approx(lines["Pipeline"].before)
    assert lines["Weighted pipeline"].after > lines["Weighted pipeline"].before
    moves = {m.plan_key: m for m in diff.moves}
    assert len(moves) == 12
    assert moves[HALVORSEN].changes == 2 and moves[VARROW].changes == 1


def test_accounts_added_and_gone_move_retention(history, tmp_path, pack):
    folder = tmp_path / "q3"
    shutil.copytree(history["second"], folder)
    (folder / "tidewell-media.xlsx").unlink()
    database = tmp_path / "history.duckdb"
    shutil.copy(history["db"], database)
    rollup(folder, tmp_path / "p3.xlsx", database, LATER.replace(day=LATER.day + 1))
    diff = diff_history(database, pack=pack)
    assert [(c.kind, c.before) for c in diff.changes] == [
        (ChangeKind.ACCOUNT_GONE, "Tidewell Media Group Ltd")
    ]
    assert (diff.active_before, diff.retained) == (12, 11)
    assert diff.retention == pytest.approx(11 / 12)
    assert diff.churn == pytest.approx(1 / 12)
    back = diff_history(database, since=LATER, until=AS_OF.replace(day=17), pack=pack)
    assert back.retention == pytest.approx(11 / 12)
    reverse = diff_snapshots(
        _load(database, AS_OF.replace(day=17)), _load(database, LATER)
    )
    assert [c.kind for c in reverse.changes] == [ChangeKind.ACCOUNT_ADDED]


def _load(database, day):
    from xlplan.history.store import load_snapshot, open_history

    with open_history(database) as con:
        return load_snapshot(con, day)


def test_rows_match_by_id_first_then_by_name():
    before = [
        {"id": "STA-1", "name": "Ann Lee"},
        {"id": None, "name": "Bo Chan"},
        {"id": "STA-3", "name": "Cy Diaz"},
    ]
    after = [
        {"id": "STA-1", "name": "Ann Lee-Smith"},  # renamed: same id
        {"id": "STA-9", "name": "bo chan"},  # id filled since: same name
        {"id": "STA-4", "name": "Cy Diaz"},  # another person of the same name
    ]
    pairs, lost, added = match_rows("stakeholders", before, after)
    assert [(a["name"], b["name"]) for a, b in pairs] == [
        ("Ann Lee", "Ann Lee-Smith"),
        ("Bo Chan", "bo chan"),
    ]
    assert [r["id"] for r in lost] == ["STA-3"] and [r["id"] for r in added] == [
        "STA-4"
    ]


def test_diff_prints_per_account_on_a_terminal(history):
    result = CliRunner().invoke(main, ["diff", str(history["db"])])
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"Changes from {AS_OF:%d %b %Y} to {LATER:%d %b %Y}" in out
    assert "retention 100% (12 of 12 active accounts kept), churn 0%" in out
    assert f"+ new stakeholder: {NEW_STAKEHOLDER}" in out
    assert f"+ relationship moved: {MOVED_STAKEHOLDER} (Neutral -> Supporter)" in out
    assert "- plan gone stale" in out
    assert "Stale plans: 4 -> 5 (+1)" in out or "Stale plans:" in out


def test_diff_as_json(history):
    result = CliRunner().invoke(main, ["diff", str(history["db"]), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["version"] == 1
    assert (data["from"], data["to"]) == (AS_OF.isoformat(), LATER.isoformat())
    assert data["retention"] == 1.0 and data["churn"] == 0.0
    kinds = sorted(c["kind"] for c in data["changes"])
    assert kinds == sorted(
        [
            "stakeholder_new",
            "relationship_moved",
            "action_completed",
            "opportunity_stage",
            "plan_stale",
            "health_moved",
        ]
    )
    assert len(data["accounts"]) == 12


def test_diff_workbook_for_a_quarterly_review(history, tmp_path, diff):
    out = tmp_path / "review.xlsx"
    result = CliRunner().invoke(main, ["diff", str(history["db"]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Summary", "Changes", "Accounts"]
    rows = list(book["Changes"].iter_rows(min_row=4, values_only=True))
    header, body = rows[0], [r for r in rows[1:] if any(r)]
    assert header[:5] == ("Plan ID", "Account", "Owner", "Change", "Subject")
    assert len(body) == len(diff.changes)
    moved = next(r for r in body if r[3] == "relationship moved")
    assert moved[4:7] == (MOVED_STAKEHOLDER, "Neutral", "Supporter")
    assert moved[8] == "better"
    summary = {r[0]: r[1:] for r in book["Summary"].iter_rows(values_only=True) if r[0]}
    assert summary["Retention"][0] == 1.0 and summary["Plans"][:2] == (12, 12)
    accounts = list(book["Accounts"].iter_rows(min_row=5, values_only=True))
    assert len([r for r in accounts if r[0]]) == 12
    again = CliRunner().invoke(main, ["diff", str(history["db"]), "-o", str(out)])
    assert again.exit_code == 1 and "--force" in again.output


@pytest.mark.parametrize("name", ["history.duckdb", "history.xlsx"])
def test_the_review_workbook_never_replaces_the_history(history, tmp_path, name):
    database = tmp_path / name
    shutil.copy(history["db"], database)
    before = database.read_bytes()

    result = CliRunner().invoke(
        main, ["diff", str(database), "-o", str(database), "--force"]
    )

    assert result.exit_code in (1, 2)
    assert "history file" in result.output or "ending in .xlsx" in result.output
    assert database.read_bytes() == before


def test_a_review_below_a_file_is_refused_before_reading(history, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    out = tmp_path / "notes.txt" / "review.xlsx"
    result = CliRunner().invoke(main, ["diff", str(history["db"]), "-o", str(out)])
    assert result.exit_code == 1
    assert "notes.txt is a file, not a folder" in result.output


def test_the_review_workbook_never_replaces_a_plan(history, tmp_path):
    plan = tmp_path / "halvorsen-logistics.xlsx"
    plan.write_bytes((history["second"] / plan.name).read_bytes())
    before = plan.read_bytes()

    result = CliRunner().invoke(
        main, ["diff", str(history["db"]), "-o", str(plan), "--force"]
    )

    assert result.exit_code == 1
    assert f"{plan} is a plan workbook; -o would replace it." in result.output
    assert plan.read_bytes() == before


@requires_libreoffice
@pytest.mark.libreoffice
def test_the_review_workbook_opens_in_libreoffice(history, tmp_path):
    from tests.libreoffice import recalculate

    out = tmp_path / "review.xlsx"
    result = CliRunner().invoke(main, ["diff", str(history["db"]), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (saved,) = recalculate([out], tmp_path / "lo")
    book = openpyxl.load_workbook(saved, data_only=True)
    assert book.sheetnames == ["Summary", "Changes", "Accounts"]
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith("#") for v in row)


def test_a_review_workbook_is_no_plan_for_the_next_rollup(history, tmp_path):
    from xlplan.workbook.reader import read_plan

    out = tmp_path / "review.xlsx"
    CliRunner().invoke(main, ["diff", str(history["db"]), "-o", str(out)])

    (issue,) = read_plan(out.read_bytes()).issues
    assert issue.code == "file.xlplan_output" and issue.severity.value == "info"
    assert "xlplan review workbook" in issue.message
