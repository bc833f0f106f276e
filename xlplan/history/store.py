"""The history database: rollup snapshots kept in one embedded DuckDB file.

Nothing to install beyond the ``duckdb`` package and nothing to start. Schema
version 1 (``SCHEMA_VERSION``), one row per snapshot, plan and plan row:

``schema_version``
    ``version`` INTEGER, ``written_by`` VARCHAR (the xlplan version that made
    the file). A file of a newer version is refused, never changed.
``snapshots``
    ``as_of`` DATE (one snapshot per date), ``taken_at`` TIMESTAMP,
    ``currency`` VARCHAR (the portfolio currency), ``scope`` VARCHAR (blank
    for the whole portfolio, else ``owner=...; tier=...``), ``plans`` and
    ``files`` INTEGER, ``xlplan_version`` VARCHAR.
``plans``
    ``as_of``, ``plan_key`` (plan id, or plan id / account for a copied id),
    ``plan_id``, ``account_name``, ``plan_owner``, ``file``, ``file_sha256``,
    ``pack_name``, ``pack_version``, ``currency``, ``rate`` DOUBLE (plan
    currency to portfolio currency), ``flags`` VARCHAR[], ``figures`` JSON
    text (every Accounts column of the rollup, money in the portfolio
    currency) and ``records`` JSON text (the Cover and Profile fields).
``plan_rows``
    ``as_of``, ``plan_key``, ``section`` (``stakeholders``, ``actions`` ...),
    ``position`` (0-based order in the sheet), ``row_id`` (the row's id
    cell), ``label`` (its name, title or step) and ``data`` JSON text (every
    input field of the row; dates as ``YYYY-MM-DD``).

A snapshot is written in one transaction that first deletes any snapshot of
the same as-of date and then inserts the new one, so a re-run replaces it and
a process killed part-way leaves every earlier snapshot as it was.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from xlplan.errors import HistoryError, MissingPackageError, SnapshotError
from xlplan.history.snapshot import (
    PlanState,
    Snapshot,
    SnapshotInfo,
    decode,
    encode,
    label_of,
)

SCHEMA_VERSION = 1
# A test hook: when set to a file path, a snapshot write creates that file
# and sleeps inside its transaction, so a test can kill the process mid-write.
PAUSE_HOOK = "XLPLAN_TEST_PAUSE_IN_SNAPSHOT"
SCHEMA = """
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER NOT NULL, written_by VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS snapshots (
    as_of DATE NOT NULL, taken_at TIMESTAMP NOT NULL, currency VARCHAR NOT NULL,
    scope VARCHAR NOT NULL, plans INTEGER NOT NULL, files INTEGER NOT NULL,
    xlplan_version VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS plans (
    as_of DATE NOT NULL, plan_key VARCHAR NOT NULL, plan_id VARCHAR,
    account_name VARCHAR, plan_owner VARCHAR, file VARCHAR NOT NULL,
    file_sha256 VARCHAR, pack_name VARCHAR, pack_version VARCHAR,
    currency VARCHAR, rate DOUBLE, flags VARCHAR[] NOT NULL,
    figures VARCHAR NOT NULL, records VARCHAR NOT NULL);
CREATE TABLE IF NOT EXISTS plan_rows (
    as_of DATE NOT NULL, plan_key VARCHAR NOT NULL, section VARCHAR NOT NULL,
    position INTEGER NOT NULL, row_id VARCHAR, label VARCHAR,
    data VARCHAR NOT NULL);
"""
TABLES = ("schema_version", "snapshots", "plans", "plan_rows")
PLAN_COLUMNS = (
    "as_of",
    "plan_key",
    "plan_id",
    "account_name",
    "plan_owner",
    "file",
    "file_sha256",
    "pack_name",
    "pack_version",
    "currency",
    "rate",
    "flags",
    "figures",
    "records",
)
ROW_COLUMNS = ("as_of", "plan_key", "section", "position", "row_id", "label", "data")
log = logging.getLogger(__name__)


def _duckdb() -> Any:
    try:
        import duckdb
    except ImportError:
        raise MissingPackageError(
            "Snapshots need the duckdb package, which is not installed.",
            hint="Install it with: pip install 'xlplan[history]' (or pip install duckdb).",
        ) from None
    return duckdb


SQLITE_MAGIC = b"SQLite format 3\x00"
NOT_A_HISTORY_HINT = (
    "Give the history file an `xlplan rollup --history FILE` run wrote, or a new "
    "file name (such as history.duckdb) to --history."
)


@contextmanager
def open_history(path: Path, *, create: bool = False) -> Iterator[Any]:
    """A connection to the history at ``path``, its schema checked.

    With ``create`` a missing file is made (with its folder) and read-write;
    without it the file must exist and is opened read-only. Raises
    ``HistoryError`` for a missing file, a file that is not DuckDB, one in
    use by another run, or one of a newer schema version.
    """
    duckdb = _duckdb()
    if not create and not path.is_file():
        raise HistoryError(
            f"{path}: no such history file.",
            hint="Give the file written by: xlplan rollup PLANS --history FILE.",
        )
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_file() and _starts_with(path, SQLITE_MAGIC):
        raise HistoryError(
            f"{path} is an SQLite database, not an xlplan history (DuckDB).",
            hint=NOT_A_HISTORY_HINT,
        )
    try:
        # No extension is fetched from the internet to open a file of another
        # kind: a history is a DuckDB file or nothing.
        con = duckdb.connect(
            str(path),
            read_only=not create,
            config={
                "autoinstall_known_extensions": False,
                "autoload_known_extensions": False,
            },
        )
    except duckdb.Error as exc:
        raise _open_error(path, exc) from None
    try:
        _check_schema(con, path, create)
        yield con
    finally:
        con.close()


def _starts_with(path: Path, magic: bytes) -> bool:
    try:
        with open(path, "rb") as stream:
            return stream.read(len(magic)) == magic
    except OSError:
        return False


def _open_error(path: Path, exc: Exception) -> HistoryError:
    text = str(exc)
    if "lock" in text.lower():
        return HistoryError(
            f"{path} is in use by another program (DuckDB holds a lock on it).",
            hint="Wait for the other xlplan run to finish, or close the program that has it open.",
        )
    if "not a valid DuckDB" in text or "valid database" in text:
        return HistoryError(
            f"{path} is not a DuckDB database, so it cannot hold snapshots.",
            hint=NOT_A_HISTORY_HINT,
        )
    return HistoryError(
        f"{path} cannot be opened as a history database ({text}).",
        hint="Check the file is an xlplan history written by this or an older xlplan.",
    )


def _check_schema(con: Any, path: Path, create: bool) -> None:
    tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    if not tables and create:
        _create_schema(con)
        return
    if "schema_version" not in tables:
        raise HistoryError(
            f"{path} is a DuckDB database but not an xlplan history (no schema_version table).",
            hint="Give --history a new file name, or the history file xlplan wrote.",
        )
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    version = row[0] if row else None
    if version is None or version > SCHEMA_VERSION:
        raise HistoryError(
            f"{path} was written by a newer xlplan (history schema version "
            f"{version}; this xlplan reads up to {SCHEMA_VERSION}).",
            hint="Upgrade xlplan (pip install -U xlplan) to read or add to it.",
        )


def _create_schema(con: Any) -> None:
    import xlplan

    con.execute("BEGIN TRANSACTION")
    con.execute(SCHEMA)
    con.execute(
        "INSERT INTO schema_version VALUES (?, ?)", [SCHEMA_VERSION, xlplan.__version__]
    )
    con.execute("COMMIT")


def save_snapshot(con: Any, snapshot: Snapshot) -> bool:
    """Write ``snapshot`` in one transaction; True when it replaced one of the same date."""
    as_of = snapshot.as_of
    started = time.perf_counter()
    plans = _plan_columns(snapshot)
    rows = _row_columns(snapshot)
    con.execute("BEGIN TRANSACTION")
    try:
        replaced = _delete(con, as_of)
        _insert_snapshot(con, snapshot.info)
        _insert_columns(con, "plans", PLAN_COLUMNS, plans)
        _insert_columns(con, "plan_rows", ROW_COLUMNS, rows)
        _pause_for_tests()
        con.execute("COMMIT")
    except BaseException:
        _roll_back(con)
        raise
    log.info(
        "snapshot %s: %d plans, %d rows in %.2fs",
        as_of,
        len(snapshot.plans),
        len(rows[0]) if rows else 0,
        time.perf_counter() - started,
    )
    return replaced


def _roll_back(con: Any) -> None:
    try:
        con.execute("ROLLBACK")
    except Exception:  # noqa: BLE001 - the original error is the one to report
        log.debug("rollback after a failed snapshot write failed too", exc_info=True)


def _delete(con: Any, as_of: dt.date) -> bool:
    found = con.execute("SELECT count(*) FROM snapshots WHERE as_of = ?", [as_of])
    replaced = bool(found.fetchone()[0])
    for table in ("plan_rows", "plans", "snapshots"):
        con.execute(f"DELETE FROM {table} WHERE as_of = ?", [as_of])
    return replaced


def _insert_snapshot(con: Any, info: SnapshotInfo) -> None:
    con.execute(
        "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            info.as_of,
            info.taken_at,
            info.currency,
            info.scope,
            info.plans,
            info.files,
            info.xlplan_version,
        ],
    )


def _insert_columns(
    con: Any, table: str, names: Sequence[str], columns: list[list[Any]]
) -> None:
    """Insert rows given column by column: one statement, not one per row."""
    if not columns or not columns[0]:
        return
    # executemany costs a statement per row; unnesting lists passed as
    # parameters inserts 100,000s of rows in well under a second.
    selects = ", ".join(f"unnest(${i + 1}) AS {n}" for i, n in enumerate(names))
    con.execute(f"INSERT INTO {table} SELECT * FROM (SELECT {selects})", columns)


def _plan_columns(snapshot: Snapshot) -> list[list[Any]]:
    records = [
        [
            snapshot.as_of,
            p.key,
            p.plan_id,
            p.account_name,
            p.plan_owner,
            p.file,
            p.file_sha256,
            p.pack_name,
            p.pack_version,
            p.currency,
            p.rate,
            sorted(p.flags),
            encode(p.figures),
            encode(p.records),
        ]
        for p in snapshot.plans.values()
    ]
    return [list(column) for column in zip(*records, strict=True)] if records else []


def _row_columns(snapshot: Snapshot) -> list[list[Any]]:
    records = [
        [
            snapshot.as_of,
            plan.key,
            section,
            position,
            _optional(row.get("id")),
            label_of(section, row),
            encode(row),
        ]
        for plan in snapshot.plans.values()
        for section, rows in plan.rows.items()
        for position, row in enumerate(rows)
    ]
    return [list(column) for column in zip(*records, strict=True)] if records else []


def _optional(value: Any) -> str | None:
    return None if value is None else str(value)


def _pause_for_tests() -> None:
    marker = os.environ.get(PAUSE_HOOK)
    if marker:
        Path(marker).write_text("in transaction")
        time.sleep(120)


def list_snapshots(con: Any) -> list[SnapshotInfo]:
    """Every snapshot's header, oldest first."""
    rows = con.execute(
        "SELECT as_of, taken_at, currency, scope, plans, files, xlplan_version "
        "FROM snapshots ORDER BY as_of"
    ).fetchall()
    return [SnapshotInfo(*row) for row in rows]


def load_snapshot(
    con: Any, as_of: dt.date, sections: Sequence[str] | None = None
) -> Snapshot:
    """The snapshot of ``as_of`` with the rows of ``sections`` (all when ``None``)."""
    infos = {info.as_of: info for info in list_snapshots(con)}
    if as_of not in infos:
        raise SnapshotError(f"No snapshot as of {as_of:%Y-%m-%d}.")
    rows = _load_rows(con, as_of, sections)
    found = con.execute(
        f"SELECT {', '.join(PLAN_COLUMNS[1:])} FROM plans WHERE as_of = ? ORDER BY plan_key",
        [as_of],
    ).fetchall()
    plans = {}
    for values in found:
        key = values[0]
        plans[key] = _plan_state(values, rows.get(key, {}))
    return Snapshot(infos[as_of], plans)


def _plan_state(
    values: Sequence[Any], rows: dict[str, tuple[dict[str, Any], ...]]
) -> PlanState:
    """A plan of a stored snapshot from its ``plans`` columns (``PLAN_COLUMNS[1:]``)."""
    key, plan_id, account, owner, file, sha, pack, version, currency, rate = values[:10]
    return PlanState(
        key=key,
        plan_id=plan_id,
        account_name=account,
        plan_owner=owner,
        file=file,
        file_sha256=sha,
        pack_name=pack,
        pack_version=version,
        currency=currency,
        rate=rate,
        flags=frozenset(values[10] or ()),
        figures=decode(values[11]),
        records=decode(values[12]),
        rows=rows,
    )


def _load_rows(
    con: Any, as_of: dt.date, sections: Sequence[str] | None
) -> dict[str, dict[str, tuple[dict[str, Any], ...]]]:
    query = "SELECT plan_key, section, data FROM plan_rows WHERE as_of = ?"
    params: list[Any] = [as_of]
    if sections is not None:
        query += " AND list_contains(?, section)"
        params.append(list(sections))
    gathered: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for key, section, data in con.execute(
        query + " ORDER BY plan_key, section, position", params
    ).fetchall():
        gathered.setdefault(key, {}).setdefault(section, []).append(decode(data))
    return {
        key: {section: tuple(rows) for section, rows in by_section.items()}
        for key, by_section in gathered.items()
    }
