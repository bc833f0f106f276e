"""Commands about plan workbooks: new, demo, check, template packs, Excel set-up."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path
from typing import Any

import click

from xlplan.cli._common import (
    as_of_option,
    echo_json,
    force_option,
    pack_option,
    reports_errors,
)
from xlplan.cli.portfolio import print_rollup


@click.command()
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
@click.option(
    "--macros",
    is_flag=True,
    help="Write macro-enabled plans (.xlsm) with xlplan's buttons (needs the xlwings add-in).",
)
@pack_option
@as_of_option
@force_option
@reports_errors
def new(
    account: str | None,
    accounts_csv: Path | None,
    mappings: tuple[str, ...],
    date_order: str | None,
    out_dir: Path,
    pack_dir: Path | None,
    macros: bool,
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
    if macros:
        from xlplan.excel.xlsm import build_macro_workbook

        written = write_plans(
            pack,
            plans,
            out_dir,
            force=force,
            build=lambda p, raw, day: build_macro_workbook(p, raw, today=day),
            suffix=".xlsm",
        )
    else:
        written = write_plans(pack, plans, out_dir, force=force)
    for path in written:
        click.echo(f"Wrote {path}")
    noun = "workbook" if len(written) == 1 else "workbooks"
    click.echo(f"{len(written)} plan {noun} in {out_dir}")


@click.command()
@click.argument(
    "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo")
)
@pack_option
@as_of_option
@force_option
@reports_errors
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
    made_before = [out_dir / "portfolio.xlsx", *sorted(out_dir.glob("decks/*.pptx"))]
    made_before = [path for path in made_before if path.exists()]
    if made_before and not force:
        from xlplan.errors import OutputExistsError

        shown = ", ".join(map(str, made_before[:3]))
        more = f" and {len(made_before) - 3} more" if len(made_before) > 3 else ""
        raise OutputExistsError(
            f"{out_dir} holds an earlier demo: {shown}{more}.",
            hint="Pass --force to build it again, or choose another folder.",
        )
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
    print_rollup(run_rollup(request, pack), request.output)
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


@click.command()
@click.argument("plans", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="Print the issues as JSON (one object)."
)
@click.option(
    "--fix-ids",
    is_flag=True,
    help="Fill missing row ids in each plan (writes the file).",
)
@reports_errors
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

    from xlplan.workbook.checking import (
        check_files,
        each_once,
        find_plan_files,
        named_paths,
    )

    files = each_once(find_plan_files(named_paths(plans)))
    if not files:
        shown = ", ".join(str(p) for p in plans)
        raise click.BadParameter(
            f"no .xlsx or .xlsm files in {shown}.", param_hint="PLANS"
        )
    report = check_files(files, fix_ids=fix_ids)
    if as_json:
        echo_json(report.to_json())
    else:
        for line in report.lines():
            click.echo(line)
    sys.exit(1 if report.has_errors else 0)


@click.group()
def template() -> None:
    """Copy and check template packs (schema, lists, scores, brand)."""


@template.command("init")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@force_option
@reports_errors
def template_init(target: Path, force: bool) -> None:
    """Copy the default template pack into TARGET for your organisation to edit."""
    from xlplan.packs import init_pack

    init_pack(target, force=force)
    click.echo(f"Copied the default pack to {target}. Edit the YAML files, then run:")
    click.echo(f"  xlplan template check {target}")


@template.command("check")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@reports_errors
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


@click.group()
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
