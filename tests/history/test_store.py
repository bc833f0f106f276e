"""The history database: schema, replace-by-date, clear errors, kill safety."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from tests.conftest import AS_OF
from tests.history.conftest import LATER, rollup
from xlplan.cli import main
from xlplan.history.store import PAUSE_HOOK, SCHEMA_VERSION, TABLES


def _count(database: Path, sql: str) -> int:
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def _state(database: Path) -> list[tuple]:
    """Every snapshot's plans and rows, summarised per date."""
    with duckdb.connect(str(database), read_only=True) as con:
        return con.execute(
            "SELECT s.as_of, s.plans, count(DISTINCT p.plan_key), "
            "(SELECT count(*) FROM plan_rows r WHERE r.as_of = s.as_of), "
            "string_agg(DISTINCT p.file_sha256, ',' ORDER BY p.file_sha256) "
            "FROM snapshots s JOIN plans p USING (as_of) GROUP BY ALL ORDER BY 1"
        ).fetchall()


def test_the_schema_is_versioned_and_holds_figures_rows_hash_and_pack(history):
    database = history["db"]
    with duckdb.connect(str(database), read_only=True) as con:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
        assert set(TABLES) <= tables
        assert con.execute("SELECT version FROM schema_version").fetchall() == [
            (SCHEMA_VERSION,)
        ]
        plan = con.execute(
            "SELECT plan_id, file_sha256, pack_name, pack_version, "
            "json_extract(figures, '$.health') FROM plans "
            "WHERE as_of = ? AND plan_id = 'HALV-FY27'",
            [AS_OF],
        ).fetchone()
    assert plan[0] == "HALV-FY27" and len(plan[1]) == 64
    assert plan[2:4] == ("xlplan-default", "1.0.0") and int(plan[4]) > 0
    rows = _count(
        database,
        "SELECT count(*) FROM plan_rows WHERE plan_key = 'HALV-FY27' "
        f"AND section = 'stakeholders' AND as_of = DATE '{LATER}'",
    )
    assert rows == 8  # seven in the sample and one added


def test_a_rerun_on_the_same_date_replaces_the_snapshot(history, tmp_path):
    database = tmp_path / "history.duckdb"
    shutil.copy(history["db"], database)
    before = _state(database)
    result = rollup(history["second"], tmp_path / "p.xlsx", database, LATER)
    assert "replaced in" in result.output
    assert _state(database) == before
    assert _count(database, "SELECT count(*) FROM snapshots") == 2


def test_killing_a_snapshot_write_keeps_the_earlier_snapshots(history, tmp_path):
    database = tmp_path / "history.duckdb"
    shutil.copy(history["db"], database)
    before = _state(database)
    marker = tmp_path / "in-transaction"
    command = [sys.executable, "-m", "xlplan.cli", "rollup", str(history["first"])]
    command += ["-o", str(tmp_path / "p.xlsx"), "--as-of", LATER.isoformat()]
    command += ["-j", "1", "--no-cache", "--history", str(database)]
    errors = tmp_path / "stderr.txt"
    with open(errors, "wb") as stream:
        process = subprocess.Popen(
            command,
            env={**os.environ, PAUSE_HOOK: str(marker)},
            stdout=subprocess.DEVNULL,
            stderr=stream,
        )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert process.poll() is None, errors.read_text()
            assert time.monotonic() < deadline, "the write never reached its pause"
            time.sleep(0.1)
        # The new rows for LATER are in the open transaction, the old deleted.
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == -signal.SIGKILL
    assert _state(database) == before
    result = CliRunner().invoke(main, ["diff", str(database), "--json"])
    assert result.exit_code == 0, result.output


def _fails(args: list[str]) -> str:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return result.output


def test_a_missing_history_file_is_named(tmp_path):
    missing = tmp_path / "nowhere.duckdb"
    out = _fails(["diff", str(missing)])
    assert str(missing) in out and "no such history file" in out
    assert "--history" in out


def test_a_file_that_is_not_duckdb_is_refused(tmp_path, history):
    bogus = tmp_path / "plans.duckdb"
    bogus.write_bytes(b"PK\x03\x04 this is a zip, not a database" * 50)
    out = _fails(["diff", str(bogus)])
    assert str(bogus) in out and "not a DuckDB database" in out
    out = _fails(
        ["rollup", str(history["first"]), "-o", str(tmp_path / "p.xlsx")]
        + ["--history", str(bogus), "-j", "1"]
    )
    assert "not a DuckDB database" in out
    assert not (tmp_path / "p.xlsx").exists()


def test_an_sqlite_file_is_refused_without_fetching_a_reader_for_it(
    tmp_path, monkeypatch
):
    import sqlite3

    other = tmp_path / "crm.sqlite"
    with sqlite3.connect(other) as con:
        con.execute("create table accounts (name text)")
    # An attempt to fetch DuckDB's SQLite extension would need the network.
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    out = _fails(["diff", str(other)])
    assert f"{other} is an SQLite database, not an xlplan history" in out
    assert "--history" in out


def test_another_duckdb_database_is_not_taken_for_a_history(tmp_path):
    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE TABLE sales (n INTEGER)")
    out = _fails(["diff", str(other)])
    assert "not an xlplan history" in out


def test_a_history_of_a_newer_schema_is_refused_untouched(tmp_path, history):
    database = tmp_path / "history.duckdb"
    shutil.copy(history["db"], database)
    with duckdb.connect(str(database)) as con:
        con.execute("UPDATE schema_version SET version = ?", [SCHEMA_VERSION + 1])
    before = _state(database)
    out = _fails(["diff", str(database)])
    assert "newer xlplan" in out and f"version {SCHEMA_VERSION + 1}" in out
    out = _fails(
        ["rollup", str(history["first"]), "-o", str(tmp_path / "p.xlsx")]
        + ["--history", str(database), "-j", "1", "--as-of", "2026-07-01"]
    )
    assert "Upgrade xlplan" in out
    assert _state(database) == before


def test_an_unknown_snapshot_date_lists_the_dates_there_are(history):
    out = _fails(["diff", str(history["db"]), "--from", "2020-01-01"])
    assert "no snapshot as of 2020-01-01" in out
    assert f"{AS_OF.isoformat()}, {LATER.isoformat()}" in out


def test_one_snapshot_is_not_enough_for_a_diff(history, tmp_path):
    database = tmp_path / "one.duckdb"
    rollup(history["first"], tmp_path / "p.xlsx", database, AS_OF)
    out = _fails(["diff", str(database)])
    assert "holds 1 snapshot(s); a diff needs two" in out


@pytest.mark.parametrize("args", [["--to", "2026-06-15"]])
def test_nothing_before_the_first_snapshot(history, args):
    out = _fails(["diff", str(history["db"]), *args])
    assert "nothing to compare before 2026-06-15" in out


def test_snapshots_of_different_selections_are_not_compared(history, tmp_path):
    database = tmp_path / "history.duckdb"
    shutil.copy(history["db"], database)
    later = LATER.replace(day=LATER.day + 1)
    rollup(history["second"], tmp_path / "p.xlsx", database, later, "--tier", "Key")
    out = _fails(["diff", str(database)])
    assert "cover different plans" in out and "tier=Key" in out
    assert "one history file per --owner/--tier" in out


def test_a_history_in_use_by_another_process_is_named(history, tmp_path):
    database = tmp_path / "history.duckdb"
    shutil.copy(history["db"], database)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys\ncon = duckdb.connect(sys.argv[1])\n"
            "print('ready', flush=True)\nsys.stdin.read()",
            str(database),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "ready\n"
        out = _fails(["diff", str(database)])
        assert f"{database} is in use by another program" in out
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait()
        holder.stdout.close()
