"""Macros run against a double of xlwings' workbook objects."""

from __future__ import annotations

import io
import sys

import pytest
from PIL import Image

from tests.conftest import AS_OF
from tests.excel.book_double import FakeBook
from tests.workbook.plans import edge_plans, sample_plans
from xlplan.core import completeness
from xlplan.core.checks import plan_problems
from xlplan.errors import DeckExportError, WorkbookShapeError
from xlplan.excel import macros
from xlplan.excel.org_chart import levels
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.reader import read_plan


def _book(pack, raw, tmp_path, name="plan.xlsx"):
    content = build_plan_workbook(pack, raw, today=AS_OF).content
    return FakeBook(content, tmp_path / name), read_plan(content, name).plan


def test_the_book_reads_as_the_reader_reads_the_file(pack, tmp_path):
    book, plan = _book(pack, sample_plans(pack)["halvorsen-logistics"], tmp_path)
    read = macros.read_book(book)
    for key in ("stakeholders", "actions", "white_space", "goals"):
        ours = [{k: v for k, v in r.items() if k != "_row"} for r in plan.rows(key)]
        assert [dict(r) for r in read.plan.rows(key)] == ours, key
    assert read.plan.as_of == plan.as_of
    assert read.plan.value("plan", "plan_id") == plan.value("plan", "plan_id")


def test_check_plan_writes_every_issue_to_its_sheet(pack, rules, tmp_path):
    book, plan = _book(pack, edge_plans()["edge-zeros"], tmp_path)
    lines = macros.check_plan(book)
    sheet = book.sheets[macros.CHECK_SHEET]
    assert sheet.range("A1").value == "Plan check"
    assert sheet.range("A2").value == f"{len(lines)} issue(s)"
    written = [sheet.cells[(4 + i, 1)] for i in range(len(lines))]
    assert written == lines
    for problem in plan_problems(plan):
        assert str(problem) in lines
    assert set(completeness.score_completeness(plan, rules).missing) <= set(lines)
    again = macros.check_plan(book)  # a second run replaces the first
    assert again == lines and (4 + len(lines), 1) not in sheet.cells


def test_stakeholder_map_is_added_once_as_a_picture(pack, tmp_path):
    book, plan = _book(pack, sample_plans(pack)["halvorsen-logistics"], tmp_path)
    macros.draw_stakeholder_map(book)
    macros.draw_stakeholder_map(book)
    pictures = book.sheets[macros.MAP_SHEET].pictures
    assert list(pictures) == [macros.MAP_PICTURE]
    image = Image.open(io.BytesIO(pictures[macros.MAP_PICTURE].image))
    people = [p for p in plan.rows("stakeholders") if p.get("name")]
    assert image.format == "PNG" and image.width > 200 and len(people) > 2
    colours = {
        image.getpixel((x, y))
        for x in range(0, image.width, 7)
        for y in range(0, image.height, 7)
    }
    assert len(colours) > 3  # relationship statuses are filled in colour


def test_reporting_levels_put_managers_above_and_survive_loops():
    people = [
        {"name": "Ceo"},
        {"name": "Cfo", "reports_to": "ceo"},
        {"name": "Buyer", "reports_to": "Cfo"},
        {"name": "A", "reports_to": "B"},
        {"name": "B", "reports_to": "A"},
        {"name": "Self", "reports_to": "Self"},
    ]
    found = [[p["name"] for p in level] for level in levels(people)]
    assert found[0][:1] == ["Ceo"] and "Cfo" in found[1] and "Buyer" in found[2]
    assert "Self" in found[0]
    assert sum(len(level) for level in found) == len(people)


def test_refresh_recalculates_then_redraws_and_checks(pack, tmp_path):
    book, _ = _book(pack, sample_plans(pack)["corvane-retail"], tmp_path)
    lines = macros.refresh(book)
    assert book.app.calculations == 1
    assert macros.MAP_PICTURE in book.sheets[macros.MAP_SHEET].pictures
    assert book.sheets[macros.CHECK_SHEET].range("A2").value == f"{len(lines)} issue(s)"


def test_a_missing_table_is_a_clear_error(pack, tmp_path):
    book, _ = _book(pack, sample_plans(pack)["corvane-retail"], tmp_path)
    book.sheets["Stakeholders"].tables.clear()
    with pytest.raises(WorkbookShapeError, match="no table 'Stakeholders'"):
        macros.check_plan(book)


def test_deck_export_without_the_deck_module_says_what_it_needs(
    pack, tmp_path, monkeypatch
):
    book, _ = _book(pack, sample_plans(pack)["corvane-retail"], tmp_path)
    monkeypatch.setitem(sys.modules, "xlplan.deck", None)
    with pytest.raises(DeckExportError, match="deck export needs"):
        macros.export_deck(book)
    assert book.saves == 0


def test_deck_export_calls_render_deck_beside_the_workbook(pack, tmp_path, monkeypatch):
    import types

    calls = []
    deck = types.ModuleType("xlplan.deck")
    deck.render_deck = lambda plan, out, audience: calls.append((plan, out, audience))
    monkeypatch.setitem(sys.modules, "xlplan.deck", deck)
    book, _ = _book(pack, sample_plans(pack)["corvane-retail"], tmp_path)
    (tmp_path / "plan-internal.pptx").write_bytes(b"earlier export")
    output = macros.export_deck(book, audience="internal")
    assert book.saves == 1
    assert calls == [(tmp_path / "plan.xlsx", output, "internal")]
    assert output.name == "plan-internal (2).pptx"
    with pytest.raises(DeckExportError, match="Audience"):
        macros.export_deck(book, audience="board")
