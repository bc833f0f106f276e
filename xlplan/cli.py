"""The ``xlplan`` command line: the only place that prints or exits.

Library code raises ``XlplanError``; this module turns it into a message and
exit code 1 (a job that failed) while click reports usage mistakes with exit
code 2. Heavy libraries are imported inside the commands so ``xlplan --help``
starts fast.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def _reports_errors(command: F) -> F:
    """Turn an ``XlplanError`` into a clear message and exit code 1."""

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

    return run  # type: ignore[return-value]


def _date_option(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"'{value}' is not a date; write YYYY-MM-DD."
        ) from None


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
    help="Fix the plans' as-of date instead of =TODAY().",
)
force_option = click.option(
    "--force", is_flag=True, help="Replace files that already exist."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="xlplan")
def main() -> None:
    """xlplan: key-account plans kept in Excel as typed, versioned records.

    Reps fill plan workbooks; managers roll a folder of plans up into a
    portfolio; key account managers turn a plan into a client deck.
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
    out_dir: Path,
    pack_dir: Path | None,
    as_of: str | None,
    force: bool,
) -> None:
    """Build a new plan workbook for ACCOUNT, or one per row of --accounts.

    \b
    Examples:
      xlplan new "Acme Logistics" -o plans/
      xlplan new --accounts accounts.csv -o plans/ --map "Segment=account_tier"
    """
    from xlplan.packs import load_pack
    from xlplan.workbook import new as new_plans
    from xlplan.workbook.service import write_plans

    if bool(account) == bool(accounts_csv):
        raise click.UsageError("Give an ACCOUNT name or --accounts FILE (one of them).")
    pack = load_pack(pack_dir)
    today = dt.date.today()
    fixed = _date_option(as_of)
    if accounts_csv:
        imported = new_plans.read_accounts(
            accounts_csv, pack, today, new_plans.parse_mapping(mappings, pack)
        )
        if imported.ignored_headers:
            click.echo("Columns not used: " + ", ".join(imported.ignored_headers))
        plans = imported.plans
    else:
        plans = [new_plans.new_plan_input(pack, str(account), today)]
    for plan in plans:
        plan.as_of = fixed
    written = write_plans(pack, plans, out_dir, force=force)
    for path in written:
        click.echo(f"Wrote {path}")
    click.echo(f"{len(written)} plan workbook(s) in {out_dir}")


@main.command()
@click.argument(
    "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo")
)
@pack_option
@as_of_option
@force_option
@_reports_errors
def demo(out_dir: Path, pack_dir: Path | None, as_of: str | None, force: bool) -> None:
    """Build the built-in sample portfolio into OUT_DIR (default: ./demo).

    Prints each plan with its status, completeness and health.
    """
    from xlplan.packs import load_pack
    from xlplan.workbook.service import build_demo

    pack = load_pack(pack_dir)
    fixed = _date_option(as_of)
    results = build_demo(pack, out_dir, as_of=fixed, force=force)
    click.echo(f"Sample portfolio: {len(results)} plans in {out_dir}/plans")
    click.echo(f"  {'file':38} {'status':13} {'complete':>8} {'health':>7}  weakest")
    for item in results:
        health = "-" if item.health is None else f"{item.health} {item.band}"
        click.echo(
            f"  {item.path.name:38} {item.status or '-':13} {item.completeness:>8} "
            f"{health:>7}  {item.weakest or ''}"
        )


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

    if not folder.is_dir():
        raise click.BadParameter(f"'{folder}' is not a folder.", param_hint="FOLDER")
    problems = check_pack(folder)
    if not problems:
        click.echo(f"{folder}: the pack is valid.")
        return
    click.secho(f"{folder}: {len(problems)} problem(s)", fg="red", err=True)
    for problem in problems:
        click.echo(f"  {problem.file}: {problem.key}: {problem.message}", err=True)
        click.echo(f"      fix: {problem.fix}", err=True)
    sys.exit(1)


if __name__ == "__main__":  # pragma: no cover
    main()
