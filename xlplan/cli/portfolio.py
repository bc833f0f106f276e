"""Commands about portfolios: rollup, and diff between rollup snapshots."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click

from xlplan.cli._common import (
    FileToWrite,
    FolderToWrite,
    as_of_option,
    date_option,
    echo_json,
    force_option,
    pack_option,
    reports_errors,
)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=FileToWrite("portfolio.xlsx", "an Excel workbook"),
    default=Path("portfolio.xlsx"),
    show_default=True,
    help="Portfolio workbook to write.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes reading plans (default: the CPU count).",
)
@click.option("--owner", help="Only plans of this plan owner.")
@click.option("--tier", help="Only plans of this account tier.")
@click.option(
    "--csv",
    "csv_dir",
    type=FolderToWrite(),
    help="Also write CSV files (safe against formula injection) into this folder.",
)
@click.option(
    "--json",
    "json_path",
    type=FileToWrite("portfolio.json"),
    help="Also write the accounts, totals and issues as JSON.",
)
@click.option(
    "--strict", is_flag=True, help="Exit 1 when any file could not be read as a plan."
)
@click.option(
    "--parquet",
    "parquet_dir",
    type=FolderToWrite(),
    help="Also write Parquet files into this folder (needs pyarrow).",
)
@click.option(
    "--cache",
    "cache_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Cache of plans already read (default: your user cache folder).",
)
@click.option("--no-cache", is_flag=True, help="Read every file again.")
@click.option(
    "--history",
    type=FileToWrite("history.duckdb"),
    help="Also save this run as a snapshot in this DuckDB file (made if missing; "
    "a run on the same as-of date replaces its snapshot).",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Read the plans on a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs dask).",
)
@click.option(
    "--shared-storage",
    is_flag=True,
    help="With --scheduler: workers read PATHS themselves instead of being sent the bytes.",
)
@pack_option
@as_of_option
@force_option
@reports_errors
def rollup(
    paths: tuple[Path, ...],
    output: Path,
    jobs: int | None,
    owner: str | None,
    tier: str | None,
    csv_dir: Path | None,
    json_path: Path | None,
    strict: bool,
    parquet_dir: Path | None,
    cache_dir: Path | None,
    no_cache: bool,
    history: Path | None,
    scheduler: str | None,
    shared_storage: bool,
    pack_dir: Path | None,
    as_of: dt.date | None,
    force: bool,
) -> None:
    """Roll every plan under PATHS up into one portfolio workbook.

    PATHS are folders (searched recursively), workbooks or globs. Excel lock
    files, and the portfolio and review workbooks xlplan writes, are skipped;
    other files that are not plans are listed on the Issues sheet.

    \b
    Examples:
      xlplan rollup plans/ -o portfolio.xlsx
      xlplan rollup plans/ --owner "Maya Lindqvist" --csv out/ --as-of 2026-12-31
      xlplan rollup plans/ --history history.duckdb
      xlplan rollup plans/ --scheduler tcp://scheduler:8786
    """

    from xlplan.packs import load_pack
    from xlplan.portfolio.cache import default_cache_dir
    from xlplan.portfolio.service import RollupRequest, run_rollup

    pack = load_pack(pack_dir)
    request = RollupRequest(
        paths=paths,
        output=output,
        as_of=as_of or dt.date.today(),
        jobs=jobs or os.cpu_count() or 1,
        owner=owner,
        tier=tier,
        force=force,
        csv_dir=csv_dir,
        json_path=json_path,
        parquet_dir=parquet_dir,
        cache_dir=None if no_cache else (cache_dir or default_cache_dir()),
        history=history,
        scheduler=scheduler,
        shared_storage=shared_storage,
    )
    if shared_storage and not scheduler:
        raise click.UsageError("--shared-storage applies to --scheduler only.")
    read = 0
    show = sys.stderr.isatty()  # quiet when piped or captured

    def advance(done: int) -> None:
        nonlocal read
        read += done
        if show:
            click.echo(f"\rReading plans: {read}", nl=False, err=True)

    portfolio = run_rollup(request, pack, advance)
    if show:
        click.echo("", err=True)
    print_rollup(portfolio, output)
    if (owner or tier) and not portfolio.accounts and portfolio.files_read:
        wanted = " and ".join(
            f"{name} '{value}'"
            for name, value in (("owner", owner), ("tier", tier))
            if value
        )
        click.echo(
            f"  warning: no plan has {wanted}; check the spelling against the "
            "Owners sheet of an unfiltered rollup.",
            err=True,
        )
    if history is not None:
        done = "replaced" if portfolio.snapshot_replaced else "saved"
        click.echo(f"  snapshot as of {portfolio.as_of:%Y-%m-%d} {done} in {history}")
    unreadable = sum(1 for i in portfolio.issues if i.severity.value == "error")
    if strict and unreadable:
        sys.exit(1)


def print_rollup(portfolio: Any, output: Path) -> None:
    """The console summary: what was written, health and pipeline, files in error.

    A file is listed once, with its first error; a file with an error is
    never rolled up.
    """
    totals = portfolio.totals()
    click.echo(
        f"Wrote {output}: {_count(totals['plans'], 'plan')} from "
        f"{_count(portfolio.files_read, 'file')}, "
        f"as of {portfolio.as_of:%d %b %Y}."
    )
    bands = totals["bands"]
    click.echo(
        f"  health: {bands['Green']} green, {bands['Amber']} amber, {bands['Red']} red; "
        f"{totals['stale']} stale; {totals['overdue_actions']} overdue actions"
    )
    click.echo(
        f"  pipeline {totals['pipeline']:,.0f} {portfolio.base_currency}, "
        f"won {totals['won_value']:,.0f}"
    )
    errors: dict[str, list[str]] = {}
    for issue in portfolio.issues:
        if issue.severity.value == "error":
            errors.setdefault(issue.file, []).append(issue.message)
    _print_files("file(s) not rolled up", errors)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _print_files(heading: str, errors: dict[str, list[str]], shown: int = 10) -> None:
    """One line per file with its first error, the first ``shown`` files of them."""
    if not errors:
        return
    click.echo(f"  {len(errors)} {heading} (see the Issues sheet):")
    for file, messages in list(errors.items())[:shown]:
        more = f" (and {len(messages) - 1} more)" if len(messages) > 1 else ""
        click.echo(f"    {file}: {messages[0]}{more}")
    if len(errors) > shown:
        click.echo(f"    and {len(errors) - shown} more file(s)")


@click.command()
@click.argument("history", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "since",
    metavar="YYYY-MM-DD",
    callback=date_option,
    help="As-of date of the earlier snapshot (default: the one before --to).",
)
@click.option(
    "--to",
    "until",
    metavar="YYYY-MM-DD",
    callback=date_option,
    help="As-of date of the later snapshot (default: the latest).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.option(
    "-o",
    "--output",
    type=FileToWrite("review.xlsx", "an Excel workbook"),
    help="Also write the changes as a workbook for a quarterly review.",
)
@pack_option
@force_option
@reports_errors
def diff(
    history: Path,
    since: dt.date | None,
    until: dt.date | None,
    as_json: bool,
    output: Path | None,
    pack_dir: Path | None,
    force: bool,
) -> None:
    """Show what changed between two snapshots of a rollup history.

    HISTORY is the DuckDB file of `xlplan rollup --history`. Compares the
    last two snapshots unless --from/--to pick them by as-of date: accounts
    added or gone, retention and churn, stakeholders, relationship moves,
    actions, opportunities, goals, KPIs, health, completeness and stale plans.

    \b
    Examples:
      xlplan diff history.duckdb
      xlplan diff history.duckdb --from 2026-03-31 --to 2026-06-30 -o q2.xlsx
      xlplan diff history.duckdb --json > changes.json
    """

    from xlplan.history.service import diff_history
    from xlplan.history.write import build_diff_workbook, diff_to_json
    from xlplan.packs import load_pack
    from xlplan.workbook.files import write_atomic

    if output is not None:
        from xlplan.portfolio.service import check_output_place

        check_output_place("-o", output)
    if output is not None and os.path.exists(os.path.realpath(output)):
        from xlplan.errors import OutputExistsError, OutputWriteError

        if os.path.realpath(output) == os.path.realpath(history):
            raise OutputWriteError(
                f"-o {output} is the history file; the review would replace "
                "every snapshot in it.",
                hint="Give -o a workbook name, such as review.xlsx.",
            )
        if not force:
            raise OutputExistsError(
                f"{output} already exists.",
                hint="Pass --force to replace it, or choose another -o.",
            )
    pack = load_pack(pack_dir)
    changes = diff_history(history, since, until, pack)
    if output is not None:
        write_atomic(output, build_diff_workbook(changes, pack), force=force)
    if as_json:
        echo_json(diff_to_json(changes))
    else:
        _print_diff(changes)
    if output is not None:
        click.echo(f"Wrote {output}", err=as_json)


def _print_diff(changes: Any) -> None:
    before, after = changes.before, changes.after
    click.echo(
        f"Changes from {before.as_of:%d %b %Y} to {after.as_of:%d %b %Y} "
        f"(money in {changes.currency})"
    )
    retention = "n/a" if changes.retention is None else f"{changes.retention:.0%}"
    churn = "n/a" if changes.churn is None else f"{changes.churn:.0%}"
    click.echo(
        f"  retention {retention} ({changes.retained} of {changes.active_before} "
        f"active accounts kept), churn {churn}"
    )
    for line in changes.lines:
        if line.before != line.after:
            delta = _shown(line.after, line.kind, signed=True, minus=line.before)
            click.echo(
                f"  {line.label}: {_shown(line.before, line.kind)} -> "
                f"{_shown(line.after, line.kind)} ({delta})"
            )
    grouped = changes.accounts()
    if not grouped:
        click.echo("No account changed.")
    for items in grouped.values():
        click.secho(f"{items[0].account} ({items[0].plan_key})", bold=True)
        for change in items:
            click.echo("  " + _change_line(change))


def _change_line(change: Any) -> str:
    marks = {True: "+", False: "-", None: "~"}
    text = f"{marks[change.good]} {change.kind.value}"
    if change.subject:
        text += f": {change.subject}"
    if change.before is not None or change.after is not None:
        kind = "money" if "opportunity" in change.kind.name.lower() else ""
        kind = "pct" if change.kind.name.startswith(("GOAL", "KPI")) else kind
        text += f" ({_shown(change.before, kind)} -> {_shown(change.after, kind)})"
    return text + (f"; {change.note}" if change.note else "")


def _shown(
    value: Any, kind: str, signed: bool = False, minus: float | None = None
) -> str:
    if signed and isinstance(value, (int, float)) and isinstance(minus, (int, float)):
        value -= minus
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return f"{value:%d %b %Y}"
    if isinstance(value, (int, float)):
        sign = "+" if signed else ""
        if kind == "pct":
            return f"{value:{sign}.0%}"
        return f"{value:{sign},.0f}"
    return str(value)
