"""`xlplan deck` run as a key account manager would, in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pptx import Presentation

from tests.deck.decks import RICH_SAMPLE, plan_file, titles
from tests.workbook.plans import sample_plans
from xlplan.cli import main
from xlplan.model.pack import Pack


@pytest.fixture(scope="module")
def plans(pack: Pack, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("plans")
    raw = sample_plans(pack)
    for stem in (RICH_SAMPLE, "tidewell-media"):
        plan_file(pack, raw[stem], folder, stem)
    return folder


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_one_plan_becomes_one_deck(plans: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.pptx"
    result = _run("deck", str(plans / f"{RICH_SAMPLE}.xlsx"), "-o", str(out))
    assert result.exit_code == 0, result.output
    deck = Presentation(str(out))
    assert f"{len(deck.slides)} slides (client deck)" in result.output
    assert titles(deck)[0] == "Halvorsen Logistics B.V."


def test_an_existing_deck_is_not_overwritten_without_force(
    plans: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plan.pptx"
    out.write_bytes(b"my edited deck")
    result = _run("deck", str(plans / f"{RICH_SAMPLE}.xlsx"), "-o", str(out))
    assert result.exit_code == 1
    assert "--force" in result.output and "Traceback" not in result.output
    assert out.read_bytes() == b"my edited deck"
    forced = _run("deck", str(plans / f"{RICH_SAMPLE}.xlsx"), "-o", str(out), "--force")
    assert forced.exit_code == 0 and out.read_bytes() != b"my edited deck"


def test_a_folder_goes_on_past_a_bad_file(plans: Path, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    for plan in plans.glob("*.xlsx"):
        (folder / plan.name).write_bytes(plan.read_bytes())
    (folder / "broken.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (folder / "~$halvorsen-logistics.xlsx").write_bytes(b"lock")
    out = tmp_path / "decks"
    result = _run(
        "deck", str(folder), "-o", str(out), "--audience", "internal", "-j", "2"
    )
    assert result.exit_code == 1
    assert "broken.xlsx" in result.output and "Traceback" not in result.output
    assert "2 of 3 decks written" in result.output
    written = sorted(p.name for p in out.glob("*.pptx"))
    assert written == [f"{RICH_SAMPLE}-internal.pptx", "tidewell-media-internal.pptx"]


def test_internal_deck_shows_the_plan_place_in_a_rollup(
    plans: Path, tmp_path: Path
) -> None:
    portfolio = tmp_path / "portfolio.xlsx"
    rolled = _run("rollup", str(plans), "-o", str(portfolio), "-j", "1", "--no-cache")
    assert rolled.exit_code == 0, rolled.output
    out = tmp_path / "internal.pptx"
    result = _run(
        "deck",
        str(plans / f"{RICH_SAMPLE}.xlsx"),
        "-o",
        str(out),
        "--audience",
        "internal",
        "--portfolio",
        str(portfolio),
    )
    assert result.exit_code == 0, result.output
    summary = Presentation(str(out)).slides[2]
    texts = [s.text_frame.text for s in summary.shapes if s.has_text_frame]
    assert "PORTFOLIO" in texts
    flags = texts[texts.index("FLAGS") + 1]
    assert (
        "No economic buyer" in flags or "Stale" in flags or "Actions overdue" in flags
    )
    assert any(t.startswith("#") and "of 2" in t for t in texts)


def test_a_portfolio_among_the_plans_is_skipped_and_refused_alone(
    plans: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "plans"
    folder.mkdir()
    plan = folder / f"{RICH_SAMPLE}.xlsx"
    plan.write_bytes((plans / plan.name).read_bytes())
    portfolio = folder / "portfolio.xlsx"
    rolled = _run("rollup", str(plan), "-o", str(portfolio), "--no-cache")
    assert rolled.exit_code == 0, rolled.output

    out = tmp_path / "decks"
    result = _run("deck", str(folder), "-o", str(out), "-j", "1")
    assert result.exit_code == 0, result.output
    assert f"skipped: {portfolio} is a report xlplan wrote" in result.output
    assert "1 of 1 decks written" in result.output
    assert "1 xlplan report skipped" in result.output
    assert [p.name for p in out.glob("*.pptx")] == [f"{RICH_SAMPLE}.pptx"]

    alone = _run("deck", str(portfolio), "-o", str(tmp_path / "portfolio.pptx"))
    assert alone.exit_code == 1
    assert "not a plan" in alone.output and "takes plan workbooks" in alone.output
    assert not (tmp_path / "portfolio.pptx").exists()


def test_a_folder_of_plans_needs_a_folder_for_its_decks(plans: Path, tmp_path: Path):
    out = tmp_path / "one.pptx"

    result = _run("deck", str(plans), "-o", str(out))

    assert result.exit_code == 2
    assert "make one deck each; give -o a folder" in result.output
    assert not out.exists()


def test_a_missing_plan_is_named_and_nothing_is_made(tmp_path: Path) -> None:
    out = tmp_path / "decks"

    result = _run("deck", str(tmp_path / "acme.xlsx"), "-o", str(out))

    assert result.exit_code == 1
    assert f"Not found: {tmp_path / 'acme.xlsx'}." in result.output
    assert not out.exists()


def test_a_missing_template_is_a_clear_error(plans: Path, tmp_path: Path) -> None:
    result = _run(
        "deck",
        str(plans / f"{RICH_SAMPLE}.xlsx"),
        "-o",
        str(tmp_path / "x.pptx"),
        "--template",
        str(tmp_path / "brand.potx"),
    )
    assert result.exit_code != 0
    assert "brand.potx" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "x.pptx").exists()


def test_plans_with_the_same_name_in_two_folders_get_two_decks(
    plans: Path, tmp_path: Path
) -> None:
    for folder in ("north", "south"):
        (tmp_path / folder).mkdir()
        source = plans / f"{RICH_SAMPLE}.xlsx"
        (tmp_path / folder / "same.xlsx").write_bytes(source.read_bytes())
    out = tmp_path / "decks"
    result = _run(
        "deck", str(tmp_path / "north"), str(tmp_path / "south"), "-o", str(out)
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.glob("*.pptx")) == [
        "north-same.pptx",
        "south-same.pptx",
    ]


def test_one_plan_to_a_non_pptx_name_is_a_usage_error(
    plans: Path, tmp_path: Path
) -> None:
    result = _run(
        "deck", str(plans / f"{RICH_SAMPLE}.xlsx"), "-o", str(tmp_path / "d.xlsx")
    )
    assert result.exit_code == 2
    assert "a deck is a .pptx file" in result.output
    assert not (tmp_path / "d.xlsx").exists()


def test_a_workbook_given_as_template_is_named_without_internals(
    plans: Path, tmp_path: Path
) -> None:
    fake = tmp_path / "brand.pptx"
    fake.write_bytes((plans / f"{RICH_SAMPLE}.xlsx").read_bytes())
    result = _run(
        "deck",
        str(plans / f"{RICH_SAMPLE}.xlsx"),
        "-o",
        str(tmp_path / "x.pptx"),
        "--template",
        str(fake),
    )
    assert result.exit_code == 1
    assert "brand.pptx: not a PowerPoint template" in result.output
    assert "BytesIO" not in result.output and "Traceback" not in result.output
