"""Worksheet functions and macros read a plan through the pack it was built on.

The Insights sheet passes the hidden sheet's block (``xlplan_pack``) to every
function; a plan built on a company's own pack (other labels, other weights)
must give inside Excel what ``read_plan`` and ``core`` give for the file.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
import yaml

from tests.conftest import AS_OF
from tests.excel.book_double import FakeBook
from tests.excel.ranges import pack_block, plan_ranges
from tests.workbook.plans import sample_plans
from xlplan.core import gaps
from xlplan.core.completeness import score_completeness
from xlplan.core.health import score_health
from xlplan.core.rules import rules_from_pack
from xlplan.excel import functions as f
from xlplan.excel import macros
from xlplan.packs import init_pack, load_pack
from xlplan.workbook.build import META_SHEET, build_plan_workbook
from xlplan.workbook.insights import PACK_RANGE
from xlplan.workbook.reader import read_plan

ALL_SECTIONS = tuple(dict.fromkeys(s for v in f.SECTIONS.values() for s in v))


@pytest.fixture(scope="module")
def own_pack(tmp_path_factory):
    """The default pack with a relabelled Stakeholders column and other health weights."""
    folder = init_pack(tmp_path_factory.mktemp("acme") / "pack")
    schema = folder / "schema.yaml"
    text = schema.read_text()
    stakeholder_title = (
        '      - {name: title, type: str, audience: client, help: "Job title."}'
    )
    assert text.count(stakeholder_title) == 2  # Team, then Stakeholders
    head, team, rest = text.partition(stakeholder_title)
    rest = rest.replace(
        stakeholder_title, stakeholder_title[:-1] + ", label: Role at client}", 1
    )
    schema.write_text(head + team + rest)
    scoring = folder / "scoring.yaml"
    document = yaml.safe_load(scoring.read_text())
    document["health"]["weights"] = {
        "freshness": 50,
        "action_discipline": 10,
        "stakeholder_coverage": 10,
        "goal_progress": 10,
        "risk_control": 10,
        "relationship": 10,
    }
    scoring.write_text(yaml.safe_dump(document, sort_keys=False))
    return load_pack(folder)


@pytest.fixture(scope="module")
def own_plan(own_pack):
    raw = sample_plans(own_pack)["corvane-retail"]
    return build_plan_workbook(own_pack, raw, today=AS_OF).content


@pytest.fixture(autouse=True)
def fresh_caches():
    f.clear_caches()
    yield
    f.clear_caches()


def test_functions_read_the_plan_through_its_own_pack(own_pack, own_plan, pack):
    plan = read_plan(own_plan, "acme.xlsx").plan
    rules = rules_from_pack(own_pack)
    block = pack_block(own_plan)
    ranges = plan_ranges(own_plan, own_pack, ALL_SECTIONS)

    health = score_health(plan, rules)
    assert f.xlplan_health(block, *ranges) == health.score
    assert f.xlplan_health_explain(*ranges[:3], block, *ranges[3:]) == (
        gaps.explain_health(health, rules)
    )
    missing = score_completeness(plan, rules).missing
    assert f.xlplan_missing(10, block, *ranges) == [
        [str(m)] for m in (missing + [""] * 10)[:10]
    ]
    assert f.xlplan_plan_check(40, block, *ranges) == f.xlplan_plan_check(
        40, block, *ranges
    )
    # Read through the installed default pack the same cells score otherwise:
    # the weights differ and the relabelled column is not recognised.
    default_rules = rules_from_pack(pack)
    assert score_health(plan, default_rules).score != health.score
    assert f.xlplan_health(*ranges) != health.score
    titles = [r.get("title") for r in plan.rows("stakeholders")]
    assert any(titles)
    own = f.pack_cache(block).plan(ranges, AS_OF).read.plan
    assert [r.get("title") for r in own.rows("stakeholders")] == titles
    default = f.plan_cache().plan(ranges, AS_OF).read.plan
    assert not any(r.get("title") for r in default.rows("stakeholders"))


def test_a_plan_on_the_default_pack_shares_the_default_cache(pack):
    content = build_plan_workbook(
        pack, sample_plans(pack)["halvorsen-logistics"], today=AS_OF
    ).content
    block = pack_block(content)
    ranges = plan_ranges(content, pack, ALL_SECTIONS)
    assert f.xlplan_completeness(block, *ranges) == f.xlplan_completeness(*ranges)
    assert f.pack_cache(block) is f.plan_cache()


def test_a_damaged_pack_block_is_a_message_in_the_cell(own_plan, own_pack):
    block = pack_block(own_plan)
    # A schema cut short, under a pack hash never seen (so not parsed before).
    cut = {"pack_hash": "0" * 64, "schema_1": dict(block)["schema_1"][:-40]}
    damaged = [[key, cut.get(key, value)] for key, value in block]
    ranges = plan_ranges(own_plan, own_pack, ALL_SECTIONS)
    message = f.xlplan_health(damaged, *ranges)
    assert isinstance(message, str)
    assert message.startswith(
        f"xlplan cannot use the pack on the hidden {META_SHEET} sheet"
    )
    assert "xlplan new" in message
    listed = f.xlplan_next_actions(5, damaged, *ranges)
    assert listed[0] == [message] and listed[1:] == [[""]] * 4


def test_the_insights_sheet_passes_the_pack_block_first(own_plan):
    book = openpyxl.load_workbook(io.BytesIO(own_plan))
    formulas = [
        c.value if isinstance(c.value, str) else c.value.text
        for row in book["Insights"].iter_rows()
        for c in row
        if c.data_type == "f"
    ]
    calls = [re.search(r"XLPLAN_\w+\((?:\d+,)?([^,)]+)", text) for text in formulas]
    assert len(calls) == 11 and all(m and m.group(1) == PACK_RANGE for m in calls)
    rows = pack_block(own_plan)
    assert rows[0] == ["format", "xlplan-plan"]
    chunks = int(dict(rows)["schema_chunks"])
    assert rows[-1][0] == f"schema_{chunks}"


def test_macros_read_the_book_through_its_own_pack(own_pack, own_plan, tmp_path):
    book = FakeBook(own_plan, tmp_path / "acme.xlsx")
    direct = read_plan(own_plan, "acme.xlsx").plan
    read = macros.read_book(book)
    titles = [r.get("title") for r in direct.rows("stakeholders")]
    assert any(titles)
    assert [r.get("title") for r in read.plan.rows("stakeholders")] == titles
    del book.names[PACK_RANGE]  # an older plan: the default pack, the column unknown
    assert not any(
        r.get("title") for r in macros.read_book(book).plan.rows("stakeholders")
    )
