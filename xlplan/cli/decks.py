"""The deck command: plan workbooks into PowerPoint decks."""

from __future__ import annotations

import os
from pathlib import Path

import click

from xlplan.cli._common import (
    force_option,
    pack_option,
    reports_errors,
)


@click.command()
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
@reports_errors
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
    from xlplan.workbook.checking import named_paths

    pack = load_pack(pack_dir) if pack_dir else None
    request = DeckRequest(
        Audience(audience), template_path, pack, portfolio_path, force
    )
    if not str(output).strip() or str(output) == ".":
        raise click.UsageError(
            "-o needs a deck file name (plan.pptx) or a folder for the decks (decks/)."
        )
    named = named_paths(plans)
    one_plan = len(named) == 1 and named[0].is_file()
    if one_plan and output.suffix and output.suffix.lower() != ".pptx":
        raise click.UsageError(
            f"-o {output}: a deck is a .pptx file; give -o NAME.pptx, or a folder "
            "name without an extension to write the deck into it."
        )
    if one_plan and output.suffix.lower() == ".pptx":
        result = render_deck(
            named[0],
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
    if output.suffix.lower() == ".pptx":
        raise click.UsageError(
            f"-o {output}: several plans, or a folder of them, make one deck each; "
            "give -o a folder to write them into, such as -o decks/."
        )
    sources = find_files(named)
    if not sources:
        raise click.UsageError("no plan workbooks found in the given paths.")
    results = render_decks(sources, output, request, jobs=jobs or os.cpu_count() or 1)
    failed = [r for r in results if r.error]
    skipped = [r for r in results if r.skipped]
    for result in results:
        if result.error:
            click.echo(f"  failed: {result.error}", err=True)
        elif result.skipped:
            click.echo(f"  skipped: {result.skipped}")
        else:
            click.echo(f"  {result.output}: {result.slides} slides")
    plans_found = len(results) - len(skipped)
    click.echo(
        f"{plans_found - len(failed)} of {plans_found} decks written to {output}"
        + (f" ({_reports(len(skipped))} skipped)" if skipped else "")
    )
    if failed:
        raise SystemExit(1)


def _reports(count: int) -> str:
    return f"{count} xlplan report" + ("" if count == 1 else "s")
