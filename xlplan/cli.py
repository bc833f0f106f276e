"""The ``xlplan`` command line: the only place that prints or exits.

Library code raises ``XlplanError``; this module turns it into a message and
exit code 1 (a job that failed) while click reports usage mistakes with exit
code 2. Heavy libraries are imported inside the commands so ``xlplan --help``
starts fast.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _reports_errors(command: F) -> F:
    """Turn an ``XlplanError`` (or a file-system refusal) into a message and exit 1."""

    @wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from xlplan.errors import XlplanError

        try:
            return command(*args, **kwargs)
        except XlplanError as error:
            click.secho(f"Error: {error.message}", fg="red", err=True)
            if error.hint:
                click.echo(f"  {error.hint}", err=True)
            sys.exit(1)
        except OSError as error:
            # A refusal the command did not foresee (disk full, read-only
            # mount, a file where a folder should be): say what and where.
            where = f" {error.filename}" if error.filename else ""
            reason = error.strerror or str(error)
            click.secho(
                f"Error: cannot write or read{where}: {reason}.", fg="red", err=True
            )
            click.echo(
                "  Check the path exists, is writable and has free space.", err=True
            )
            sys.exit(1)

    return run  # type: ignore[return-value]


def _date_option(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> dt.date | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a date; write YYYY-MM-DD."
        ) from None
    if day.year < 1900:
        raise click.BadParameter(f"'{value}' is before 1900, Excel's first year.")
    return day


pack_option = click.option(
    "--pack",
    "pack_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Template pack folder (default: the pack shipped with xlplan).",
)
as_of_option = click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    callback=_date_option,
    help="Fix the plans' as-of date instead of =TODAY().",
)
force_option = click.option(
    "--force", is_flag=True, help="Replace files that already exist."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xlplan")
def main() -> None:
    """xlplan: key-account plans kept in Excel as typed, versioned records.

    Build plan workbooks for reps to fill (new), check them (check), roll a
    folder of plans up into a portfolio (rollup), from a template pack your
    organisation can copy and edit (template); demo does it all on samples.
    Keep dated snapshots with rollup --history and compare them (diff).
    """


@main.command()
@click.argument("account", required=False)
@click.option(
    "--accounts",
    "accounts_csv",
    type=click.Path(dir_okay=False, path_type=Path),
    help="CRM account export (CSV): one plan per row.",
)
@click.option(
    "--map",
    "mappings",
    multiple=True,
    metavar='"COLUMN=FIELD"',
    help='Read an export column into a plan field, e.g. "Segment=account_tier".',
)
@click.option(
    "--date-order",
    type=click.Choice(["dmy", "mdy"]),
    help="How to read dates such as 03/04/2020 in the export: day or month first.",
)
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder for the new workbooks.",
)
@pack_option
@as_of_option
@force_option
@_reports_errors
def new(
    account: str | None,
    accounts_csv: Path | None,
    mappings: tuple[str, ...],
    date_order: str | None,
    out_dir: Path,
    pack_dir: Path | None,
    as_of: dt.date | None,
    force: bool,
) -> None:
    """Build a new plan workbook for ACCOUNT, or one per row of --accounts.

    \b
    Examples:
      xlplan new "Acme Logistics" -o plans/
      xlplan new --accounts accounts.csv -o plans/ --map "Segment=account_tier"
    """
    from xlplan.packs import load_pack
    from xlplan.workbook import crm
    from xlplan.workbook.new import new_plan_input
    from xlplan.workbook.service import write_plans

    if (account is None) == (accounts_csv is None):
        raise click.UsageError("Give an ACCOUNT name or --accounts FILE (one of them).")
    if account is not None and not account.strip():
        raise click.BadParameter("the account name is blank.", param_hint="ACCOUNT")
    if account is not None and (mappings or date_order):
        raise click.UsageError("--map and --date-order apply to --accounts only.")
    pack = load_pack(pack_dir)
    today = dt.date.today()
    if accounts_csv is not None:
        try:
            mapping = crm.parse_mapping(mappings, pack)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--map") from None
        imported = crm.read_accounts(accounts_csv, pack, today, mapping, date_order)
        if imported.ignored_headers:
            click.echo("Columns not used: " + ", ".join(imported.ignored_headers))
        for note in imported.notes:
            click.echo(note)
        plans = imported.plans
    else:
        plans = [new_plan_input(pack, str(account).strip(), today)]
    for plan in plans:
        plan.as_of = as_of
    written = write_plans(pack, plans, out_dir, force=force)
    for path in written:
        click.echo(f"Wrote {path}")
    noun = "workbook" if len(written) == 1 else "workbooks"
    click.echo(f"{len(written)} plan {noun} in {out_dir}")


@main.command()
@click.argument(
    "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo")
)
@pack_option
@as_of_option
@force_option
@_reports_errors
def demo(
    out_dir: Path, pack_dir: Path | None, as_of: dt.date | None, force: bool
) -> None:
    """Build the sample portfolio of fictional accounts into OUT_DIR.

    Writes one plan workbook per sample account into OUT_DIR/plans (default
    ./demo/plans), prints each plan's status, completeness and health, and
    rolls them up into OUT_DIR/portfolio.xlsx.
    """
    from xlplan.packs import load_pack
    from xlplan.portfolio.service import RollupRequest, run_rollup
    from xlplan.workbook.service import build_demo

    pack = load_pack(pack_dir)
    results = build_demo(pack, out_dir, as_of=as_of, force=force)
    click.echo(f"Sample portfolio: {len(results)} plans in {out_dir / 'plans'}")
    width = max(len(item.path.name) for item in results)
    click.echo(f"  {'file':{width}}  {'status':12}  complete  health       weakest")
    for item in results:
        health = "-" if item.health is None else f"{item.health:>3} {item.band}"
        line = (
            f"  {item.path.name:{width}}  {item.status or '-':12}  {item.completeness:>8}"
            f"  {health:11}  {item.weakest or ''}"
        )
        click.echo(line.rstrip())
    request = RollupRequest(
        paths=[out_dir / "plans"],
        output=out_dir / "portfolio.xlsx",
        as_of=as_of or dt.date.today(),
        jobs=1,
        force=force,
    )
    _print_rollup(run_rollup(request, pack), request.output)
    _demo_decks(out_dir, pack, force)


def _demo_decks(out_dir: Path, pack: Any, force: bool) -> None:
    """A client and an internal deck for every sample plan, in OUT_DIR/decks."""
    from xlplan.deck.audience import Audience
    from xlplan.deck.service import DeckRequest, render_decks
    from xlplan.portfolio.gather import find_files

    sources = find_files([out_dir / "plans"])
    written = 0
    for audience in Audience:
        request = DeckRequest(
            audience, pack=pack, portfolio=out_dir / "portfolio.xlsx", force=force
        )
        results = render_decks(
            sources, out_dir / "decks", request, jobs=min(2, os.cpu_count() or 1)
        )
        for result in results:
            if result.error:
                click.echo(f"  deck failed: {result.error}", err=True)
        written += sum(1 for r in results if not r.error)
    click.echo(f"Decks: {written} written to {out_dir / 'decks'} (client and internal)")


@main.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the issues as JSON (one object)."
)
@click.option(
    "--fix-ids",
    is_flag=True,
    help="Fill missing row ids in each plan (writes the file).",
)
@_reports_errors
def check(plans: tuple[Path, ...], as_json: bool, fix_ids: bool) -> None:
    """Check plan workbooks and list every issue with file, sheet and cell.

    PLANS are workbooks or folders (searched recursively). Exits 0 when no plan
    has an error, 1 otherwise; a bad file is reported and the check goes on.

    \b
    Examples:
      xlplan check plans/
      xlplan check acme.xlsx --json
      xlplan check plans/ --fix-ids
    """
    import json

    from xlplan.workbook.checking import check_files, find_plan_files

    files = find_plan_files(plans)
    if not files:
        shown = ", ".join(str(p) for p in plans)
        raise click.BadParameter(
            f"no .xlsx or .xlsm files in {shown}.", param_hint="PLANS"
        )
    report = check_files(files, fix_ids=fix_ids)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        for line in report.lines():
            click.echo(line)
    sys.exit(1 if report.has_errors else 0)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
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
    type=click.Path(file_okay=False, path_type=Path),
    help="Also write CSV files (safe against formula injection) into this folder.",
)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the accounts, totals and issues as JSON.",
)
@click.option(
    "--strict", is_flag=True, help="Exit 1 when any file could not be read as a plan."
)
@click.option(
    "--parquet",
    "parquet_dir",
    type=click.Path(file_okay=False, path_type=Path),
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
    type=click.Path(dir_okay=False, path_type=Path),
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
@_reports_errors
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
    files are skipped; files that are not plans are listed on the Issues sheet.

    \b
    Examples:
      xlplan rollup plans/ -o portfolio.xlsx
      xlplan rollup plans/ --owner "Maya Lindqvist" --csv out/ --as-of 2026-12-31
      xlplan rollup plans/ --history history.duckdb
      xlplan rollup plans/ --scheduler tcp://scheduler:8786
    """
    import os

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
    _print_rollup(portfolio, output)
    if history is not None:
        done = "replaced" if portfolio.snapshot_replaced else "saved"
        click.echo(f"  snapshot as of {portfolio.as_of:%Y-%m-%d} {done} in {history}")
    unreadable = sum(1 for i in portfolio.issues if i.severity.value == "error")
    if strict and unreadable:
        sys.exit(1)


def _print_rollup(portfolio: Any, output: Path) -> None:
    totals = portfolio.totals()
    click.echo(
        f"Wrote {output}: {totals['plans']} plans from {portfolio.files_read} files, "
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
    errors = [i for i in portfolio.issues if i.severity.value == "error"]
    if errors:
        click.echo(f"  {len(errors)} file(s) not rolled up (see the Issues sheet):")
        for issue in errors[:10]:
            click.echo(f"    {issue.file}: {issue.message}")


@main.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path),
    required=True,
    help="Deck file for one plan; a folder for several plans or a folder of plans.",
)
@click.option(
    "--audience",
    type=click.Choice(["client", "internal"]),
    default="client",
    show_default=True,
    help="client: only what the pack allows a client to see; internal: everything.",
)
@click.option(
    "--template",
    "template_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Your company's .pptx or .potx template (default: xlplan's own).",
)
@click.option(
    "--portfolio",
    "portfolio_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A portfolio workbook from `xlplan rollup`: internal decks show the plan's place in it.",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes rendering decks for a folder (default: the CPU count).",
)
@pack_option
@force_option
@_reports_errors
def deck(
    plans: tuple[Path, ...],
    output: Path,
    audience: str,
    template_path: Path | None,
    portfolio_path: Path | None,
    jobs: int | None,
    pack_dir: Path | None,
    force: bool,
) -> None:
    """Turn plan workbooks into PowerPoint decks.

    One plan file and `-o plan.pptx` writes one deck; a folder of plans (or
    several files) and `-o decks/` writes one deck per plan, in parallel,
    going on past a plan that cannot be read and exiting 1 if any failed.
    """
    from xlplan.deck.audience import Audience
    from xlplan.deck.service import DeckRequest, render_deck, render_decks
    from xlplan.packs import load_pack
    from xlplan.portfolio.gather import find_files

    pack = load_pack(pack_dir) if pack_dir else None
    request = DeckRequest(
        Audience(audience), template_path, pack, portfolio_path, force
    )
    if len(plans) == 1 and plans[0].is_file() and output.suffix.lower() == ".pptx":
        result = render_deck(
            plans[0],
            output,
            audience=request.audience,
            template=template_path,
            pack=pack,
            portfolio=portfolio_path,
            force=force,
        )
        click.echo(f"{result.output}: {result.slides} slides ({audience} deck)")
        for warning in result.warnings:
            click.echo(f"  warning: {warning}", err=True)
        return
    sources = find_files(plans)
    if not sources:
        raise click.UsageError("no plan workbooks found in the given paths.")
    results = render_decks(sources, output, request, jobs=jobs or os.cpu_count() or 1)
    failed = [r for r in results if r.error]
    for result in results:
        if result.error:
            click.echo(f"  failed: {result.error}", err=True)
        else:
            click.echo(f"  {result.output}: {result.slides} slides")
    click.echo(
        f"{len(results) - len(failed)} of {len(results)} decks written to {output}"
    )
    if failed:
        raise SystemExit(1)


@main.command()
@click.argument("history", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--from",
    "since",
    metavar="YYYY-MM-DD",
    callback=_date_option,
    help="As-of date of the earlier snapshot (default: the one before --to).",
)
@click.option(
    "--to",
    "until",
    metavar="YYYY-MM-DD",
    callback=_date_option,
    help="As-of date of the later snapshot (default: the latest).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the changes as a workbook for a quarterly review.",
)
@pack_option
@force_option
@_reports_errors
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
    import json

    from xlplan.history.service import diff_history
    from xlplan.history.write import build_diff_workbook, diff_to_json
    from xlplan.packs import load_pack
    from xlplan.workbook.files import write_atomic

    if output is not None and output.exists() and not force:
        from xlplan.errors import OutputExistsError

        raise OutputExistsError(
            f"{output} already exists.",
            hint="Pass --force to replace it, or choose another -o.",
        )
    pack = load_pack(pack_dir)
    changes = diff_history(history, since, until, pack)
    if output is not None:
        write_atomic(output, build_diff_workbook(changes, pack), force=force)
    if as_json:
        click.echo(json.dumps(diff_to_json(changes), indent=2, ensure_ascii=False))
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


@main.group()
def template() -> None:
    """Copy and check template packs (schema, lists, scores, brand)."""


@template.command("init")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@force_option
@_reports_errors
def template_init(target: Path, force: bool) -> None:
    """Copy the default template pack into TARGET for your organisation to edit."""
    from xlplan.packs import init_pack

    init_pack(target, force=force)
    click.echo(f"Copied the default pack to {target}. Edit the YAML files, then run:")
    click.echo(f"  xlplan template check {target}")


@template.command("check")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@_reports_errors
def template_check(folder: Path) -> None:
    """Check an edited template pack; list each problem with file, key and fix."""
    from xlplan.packs import check_pack

    problems = check_pack(folder)
    if not problems:
        click.echo(f"{folder}: the pack is valid.")
        return
    noun = "problem" if len(problems) == 1 else "problems"
    click.secho(f"{folder}: {len(problems)} {noun}", fg="red", err=True)
    for problem in problems:
        click.echo(f"  {problem.file}: {problem.key}: {problem.message}", err=True)
        click.echo(f"      fix: {problem.fix}", err=True)
    sys.exit(1)


@main.group()
def excel() -> None:
    """Put xlplan's worksheet functions and buttons into Excel."""


@excel.command("install")
@click.option(
    "--platform",
    "platform_name",
    type=click.Choice(["windows", "mac", "web"]),
    help="Steps for this platform instead of the one you run on.",
)
def excel_install(platform_name: str | None) -> None:
    """Print the steps that install xlplan in Excel on this platform."""
    from xlplan.excel.install import current_platform, install_steps

    chosen = platform_name or current_platform()
    click.echo(f"xlplan in Excel ({chosen}):")
    for number, step in enumerate(install_steps(chosen), start=1):
        click.echo(f"  {number}. {step}")


if __name__ == "__main__":  # pragma: no cover
    main()
