"""Worksheet functions fed what Excel sends, checked against ``core``."""

from __future__ import annotations

import gc

import pytest

from tests.conftest import AS_OF
from tests.excel.ranges import as_excel_sends, plan_ranges
from tests.workbook.plans import edge_plans, sample_plans
from xlplan.core import gaps, next_actions
from xlplan.core.checks import plan_problems
from xlplan.core.completeness import score_completeness
from xlplan.core.health import score_health
from xlplan.excel import functions as f
from xlplan.excel.cells import join_ranges
from xlplan.excel.recalc import PlanEntry, Scores
from xlplan.model.plan import Plan
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.reader import read_plan

ALL_SECTIONS = tuple(dict.fromkeys(s for v in f.SECTIONS.values() for s in v))
SHAPES = {
    "datetimes, None blanks": {"serial_dates": False, "blank": None},
    "serial dates, empty-text blanks": {"serial_dates": True, "blank": ""},
}


@pytest.fixture(scope="module")
def built(pack):
    plans = sample_plans(pack)
    chosen = {k: plans[k] for k in ("halvorsen-logistics", "corvane-retail")}
    chosen.update(edge_plans())
    result = {}
    for name, raw in chosen.items():
        content = build_plan_workbook(pack, raw, today=AS_OF).content
        result[name] = (content, read_plan(content, name).plan)
    return result


def _call(function, ranges, *lead):
    return function(*lead, *ranges)


@pytest.mark.parametrize("shape", SHAPES)
def test_scores_equal_core_for_every_plan_and_shape(built, pack, rules, shape):
    for name, (content, plan) in built.items():
        ranges = as_excel_sends(
            plan_ranges(content, pack, ALL_SECTIONS), **SHAPES[shape]
        )
        health = score_health(plan, rules)
        assert _call(f.xlplan_health, ranges) == (
            "" if health.score is None else health.score
        ), name
        assert _call(f.xlplan_health_explain, ranges) == gaps.explain_health(
            health, rules
        )
        assert (
            _call(f.xlplan_completeness, ranges)
            == score_completeness(plan, rules).score
        ), name


def _column(items, rows):
    cells = [str(i) for i in items[:rows]]
    return [[c] for c in cells + [""] * (rows - len(cells))]


def test_lists_equal_core_and_have_exactly_the_rows_asked(built, pack, rules):
    content, plan = built["halvorsen-logistics"]
    ranges = plan_ranges(content, pack, ALL_SECTIONS)
    assert _call(f.xlplan_missing, ranges, 5.0) == _column(
        score_completeness(plan, rules).missing, 5
    )
    assert _call(f.xlplan_coverage_gaps, ranges, 8) == _column(
        gaps.coverage_gaps(plan, rules), 8
    )
    assert _call(f.xlplan_meddpicc_gaps, ranges, 12) == _column(
        gaps.plan_meddpicc_gaps(plan, rules), 12
    )
    assert _call(f.xlplan_white_space_gaps, ranges, 6) == _column(
        gaps.white_space_gaps(plan, rules), 6
    )
    expected = next_actions.next_best_actions(plan, rules, limit=10)
    assert _call(f.xlplan_next_actions, ranges, 10) == _column(
        [f"{a.action} ({a.reason})" for a in expected], 10
    )
    for rows in (1, 7, 30):
        assert len(_call(f.xlplan_next_actions, ranges, rows)) == rows


class _Only(dict):
    """A plan's records or tables that fail a test on any other section asked for."""

    def __init__(self, found, sections):
        super().__init__((k, v) for k, v in found.items() if k in sections)
        self.sections = sections

    def get(self, key, default=None):
        assert key in self.sections, f"{key} read but not named"
        return super().get(key, default)


def test_every_score_reads_only_the_sections_it_is_kept_by(built, pack, monkeypatch):
    # A score is shared by every plan holding the same reads of the sections
    # it is kept by: it may read no other section, and it comes out the same
    # from a plan joined from those reads alone.
    kept = []

    def guarded(self, name, sections, compute):
        result = entry_score(self, name, sections, compute)
        plan = self.read.plan
        only = Plan(
            plan.as_of, _Only(plan.records, sections), _Only(plan.tables, sections)
        )
        assert compute(only) == result, name
        return result

    def joined(self, name, reads, plan, compute):
        result = scores_score(self, name, reads, plan, compute)
        assert compute(join_ranges(reads, plan.as_of).plan) == result, name
        kept.append(name)
        return result

    entry_score, scores_score = PlanEntry.score, Scores.score
    monkeypatch.setattr(PlanEntry, "score", guarded)
    monkeypatch.setattr(Scores, "score", joined)
    for content, _ in built.values():
        ranges = plan_ranges(content, pack, ALL_SECTIONS)
        f.plan_cache().clear()
        for name in f.SECTIONS:
            lead = (f.MAX_ROWS,) if name in f.LIST_FUNCTIONS else ()
            getattr(f, name)(*lead, *ranges)
    # One score a function, health's and completeness's shared by two, and the
    # plan check's problems; then the parts of health, completeness, next actions.
    sources = {"review", "overdue", "goals", "risks", "renewal", "deals"}
    assert {f"next actions: {source}" for source in sources} <= set(kept)
    parts = len(f.COMPONENTS) + len(f.SECTION_READS) + len(sources)
    assert len(set(kept)) == len(f.SECTIONS) - 2 + parts


def test_arguments_come_in_any_order(built, pack):
    content, _ = built["corvane-retail"]
    ranges = plan_ranges(content, pack, f.SECTIONS["xlplan_health"])
    assert f.xlplan_health(*ranges) == f.xlplan_health(*reversed(ranges))


def test_kpi_status_and_tier(built, pack, rules):
    content, plan = built["halvorsen-logistics"]
    ranges = plan_ranges(content, pack, ALL_SECTIONS)
    statuses = _call(f.xlplan_kpi_status, ranges, 20)
    kpis = plan.rows("kpis")
    assert len([r for r in statuses if r[0]]) == len(kpis)
    for row, line in zip(kpis, statuses, strict=False):
        assert gaps.kpi_status(row, plan).status in line[0]
    score, tier = gaps.key_account_tier(plan, rules)
    shown = _call(f.xlplan_key_account_tier, ranges)
    assert shown == (f"{tier} ({score:.1f})" if score else shown)
    assert shown.startswith(("Key", "Strategic", "Other", "no score"))


def test_plan_check_lists_odd_cells_and_data_problems(built, pack):
    content, plan = built["edge-zeros"]
    ranges = plan_ranges(content, pack, ALL_SECTIONS)
    lines = [r[0] for r in _call(f.xlplan_plan_check, ranges, 50) if r[0]]
    for problem in plan_problems(plan):
        assert str(problem) in lines


def test_error_values_as_text_or_none_read_as_blank(built, pack, rules):
    content, plan = built["halvorsen-logistics"]
    ranges = plan_ranges(content, pack, f.SECTIONS["xlplan_health"])
    for error in ("#N/A", None, "#DIV/0!", "#VALUE!"):
        broken = [[list(r) for r in grid] for grid in ranges]
        for grid in broken:
            if grid[0][0] != "ID":
                continue
            for row in grid[1:]:
                row[-2] = error  # a computed or notes-side column
        assert f.xlplan_health(*broken) == f.xlplan_health(*ranges)
    stakeholders = next(g for g in ranges if "Last contact date" in g[0])
    col = stakeholders[0].index("Last contact date")
    errored = [list(r) for r in stakeholders]
    for row in errored[1:]:
        row[col] = "#N/A"
    others = [g for g in ranges if g is not stakeholders]
    lines = [r[0] for r in f.xlplan_plan_check(40, errored, *others) if r[0]]
    assert any("#N/A" in line for line in lines)


def test_bad_rows_argument_says_so_in_the_cell(built, pack):
    content, _ = built["corvane-retail"]
    ranges = plan_ranges(content, pack, f.SECTIONS["xlplan_missing"])
    for rows in (None, "#N/A", "ten", 0, 1000, True):
        assert _call(f.xlplan_missing, ranges, rows)[0][0].startswith("rows must be")


def test_no_ranges_reads_an_empty_plan():
    assert f.xlplan_completeness() == 0
    assert f.xlplan_health() == ""
    assert f.xlplan_missing(2)[0][0].startswith("Cover:")


def test_rates_take_ranges_with_blanks_and_errors():
    assert f.xlplan_nps([[10], [9], [None], ["#N/A"], [3]]) == pytest.approx(100 / 3)
    assert f.xlplan_nps([[None]]) == ""
    assert f.xlplan_csat([[5, 4, ""], [1, "#DIV/0!", 2]]) == 0.5
    assert f.xlplan_concentration([[100.0], [None], [0.0], [300.0]]) == [
        [0.75],
        [pytest.approx(0.625)],
    ]
    assert f.xlplan_nps(9) == 100


def test_every_function_and_argument_has_help_for_the_function_wizard():
    import inspect

    for function in f.FUNCTIONS:
        doc = function.__doc__ or ""
        assert doc and len(doc) <= 255, function.__name__
        params = inspect.signature(function).parameters.values()
        names = {("*" if p.kind is p.VAR_POSITIONAL else "") + p.name for p in params}
        assert set(f.ARG_HELP[function.__name__]) == names, function.__name__
        assert all(len(text) <= 255 for text in f.ARG_HELP[function.__name__].values())


def test_a_first_read_runs_no_garbage_collection_and_leaves_the_collector_on(
    built, pack
):
    """The add-in's Python keeps every plan read; a collection walks them all."""
    content, _ = built["halvorsen-logistics"]
    ranges = as_excel_sends(
        plan_ranges(content, pack, ALL_SECTIONS), **SHAPES["datetimes, None blanks"]
    )
    collections = []

    def count(phase, info):
        if phase == "start":
            collections.append(info["generation"])

    f.clear_caches()
    gc.collect()
    gc.callbacks.append(count)
    try:
        f.xlplan_next_actions(10, *ranges)
        f.xlplan_plan_check(10, *ranges)
    finally:
        gc.callbacks.remove(count)
    assert collections == []
    assert gc.isenabled()
