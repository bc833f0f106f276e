"""Ranges recognised across calls only when every cell would read the same."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import AS_OF
from tests.excel.ranges import as_excel_sends, plan_ranges
from tests.excel.test_columns import CELLS, tables
from tests.workbook.plans import sample_plans
from xlplan.core import next_actions
from xlplan.excel import functions as f
from xlplan.excel.cells import read_cells
from xlplan.excel.recalc import PlanCache
from xlplan.workbook.build import build_plan_workbook

PACK = f.current_pack()[0]


@pytest.fixture(scope="module")
def ranges():
    raw = sample_plans(PACK)["halvorsen-logistics"]
    content = build_plan_workbook(PACK, raw, today=AS_OF).content
    found = plan_ranges(content, PACK, f.SECTIONS["xlplan_plan_check"])
    return as_excel_sends(found, serial_dates=False, blank=None)


@pytest.fixture(scope="module")
def by_section():
    """Every section's range of a sample plan, by section key."""
    raw = sample_plans(PACK)["halvorsen-logistics"]
    content = build_plan_workbook(PACK, raw, today=AS_OF).content
    keys = tuple(dict.fromkeys(k for v in f.SECTIONS.values() for k in v))
    found = as_excel_sends(
        plan_ranges(content, PACK, keys), serial_dates=False, blank=None
    )
    return dict(zip(keys, found, strict=True))


def _recalculate(by_section):
    """Every plan function on fresh copies of its own ranges, as the sheet calls it."""
    results = {}
    for name, keys in f.SECTIONS.items():
        lead = (f.MAX_ROWS,) if name in f.LIST_FUNCTIONS else ()
        ranges = copy.deepcopy([by_section[k] for k in keys])
        results[name] = getattr(f, name)(*lead, *ranges)
    return results


def _goals_with(ranges, column, value):
    """A fresh copy of ``ranges`` with the first goal's ``column`` set to ``value``."""
    changed = copy.deepcopy(ranges)
    goals = next(g for g in changed if "Baseline" in g[0] and "Metric" in g[0])
    goals[1][goals[0].index(column)] = value
    return changed


def test_fresh_copies_of_the_same_ranges_share_one_plan(ranges):
    cache = PlanCache(PACK)
    first = cache.plan(copy.deepcopy(ranges), AS_OF)
    again = cache.plan(copy.deepcopy(ranges), AS_OF)
    assert again is first
    assert repr(first.read.plan) == repr(read_cells(ranges, PACK, AS_OF).plan)


@pytest.mark.parametrize(
    "column, values",
    [
        ("Baseline", [1.0, True, 1, 2.0]),
        ("Baseline", [0.0, False, -0.0]),
        ("Owner", [0.0, -0.0, "0"]),
        ("Due date", [dt.datetime(2026, 1, 2), dt.date(2026, 1, 2)]),
        ("Due date", [dt.datetime(2026, 1, 2), 46024.0, dt.time(0), 0.0, False]),
    ],
)
def test_a_cell_equal_in_python_but_read_otherwise_is_read_again(
    ranges, column, values
):
    cache = PlanCache(PACK)
    for _ in range(2):  # the second round finds every variant already kept
        for value in values:
            changed = _goals_with(ranges, column, value)
            cached = cache.plan(changed, AS_OF).read
            direct = read_cells(changed, PACK, AS_OF)
            assert repr(cached.plan) == repr(direct.plan), value
            assert cached.findings == direct.findings, value


def test_a_table_changed_on_one_line_keeps_the_rows_of_the_others(ranges):
    cache = PlanCache(PACK)
    before = cache.plan(copy.deepcopy(ranges), AS_OF).read.plan.rows("goals")
    changed = _goals_with(ranges, "Baseline", 12345.0)
    after = cache.plan(changed, AS_OF).read.plan.rows("goals")
    assert (before[0]["baseline"], after[0]["baseline"]) != (12345.0, 12345.0)
    assert after[0]["baseline"] == 12345.0
    assert all(a is b for a, b in zip(after[1:], before[1:], strict=True))


def test_look_alikes_typed_in_turn_into_a_column_of_text_are_told_apart(ranges):
    cache = PlanCache(PACK)
    cache.plan(copy.deepcopy(ranges), AS_OF)
    for value in (1.0, True, 1, -0.0, 0.0, False, "0"):
        changed = _goals_with(ranges, "Owner", value)
        cached = cache.plan(changed, AS_OF).read
        direct = read_cells(changed, PACK, AS_OF)
        assert repr(cached.plan) == repr(direct.plan), value
        assert cached.findings == direct.findings, value


def test_datetimes_with_a_time_zone_are_read_every_time(ranges):
    cache = PlanCache(PACK)
    late = dt.datetime(2026, 1, 1, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
    at_ten = dt.time(10, tzinfo=dt.timezone.utc)
    for value in (
        late,
        late.astimezone(dt.timezone.utc),
        at_ten,
        at_ten.replace(tzinfo=None),
    ):
        changed = _goals_with(ranges, "Due date", value)
        cached = cache.plan(changed, AS_OF).read
        assert repr(cached.plan) == repr(read_cells(changed, PACK, AS_OF).plan)


def test_a_range_changed_after_the_call_is_not_mistaken_for_the_old_one(ranges):
    cache = PlanCache(PACK)
    mine = copy.deepcopy(ranges)
    before = cache.plan(mine, AS_OF).read.plan
    goals = next(g for g in mine if "Baseline" in g[0] and "Metric" in g[0])
    goals[1][goals[0].index("Baseline")] = 12345.0
    after = cache.plan(mine, AS_OF).read.plan
    assert after.rows("goals")[0]["baseline"] == 12345.0
    assert before.rows("goals")[0]["baseline"] != 12345.0


def _counting(monkeypatch, counted):
    """Every part of completeness, of health and of next actions, as computed."""
    real = f.score_section
    monkeypatch.setattr(
        f, "score_section", lambda key, *a: counted.append(key) or real(key, *a)
    )
    for key, (component, formula) in list(f.COMPONENTS.items()):
        counting = lambda *a, k=key, c=component: counted.append(k) or c(*a)  # noqa: E731
        monkeypatch.setitem(f.COMPONENTS, key, (counting, formula))
    for name in ("_review", "_overdue", "_goals", "_risks", "_renewal", "_deals"):
        source = getattr(next_actions, name)
        counting = lambda *a, k=name, s=source: counted.append(k) or s(*a)  # noqa: E731
        monkeypatch.setattr(next_actions, name, counting)


def test_health_and_its_explanation_compute_health_once(ranges, monkeypatch):
    counted = []
    _counting(monkeypatch, counted)
    f.plan_cache().clear()
    wanted = [r for r in ranges if r]
    f.xlplan_health(*copy.deepcopy(wanted))
    f.xlplan_health_explain(*copy.deepcopy(wanted))
    assert sorted(counted) == sorted(f.COMPONENTS)


def test_completeness_is_computed_once_for_every_function_that_needs_it(
    by_section, monkeypatch
):
    counted = []
    f.plan_cache().clear()
    _counting(monkeypatch, counted)
    _recalculate(by_section)
    sources = ["_deals", "_goals", "_overdue", "_renewal", "_review", "_risks"]
    assert sorted(counted) == sorted([*f.COMPONENTS, *f.SECTION_READS, *sources])


def test_an_edited_table_computes_again_only_the_parts_that_read_it(
    by_section, monkeypatch
):
    f.plan_cache().clear()
    _recalculate(by_section)
    counted = []
    _counting(monkeypatch, counted)
    edited = copy.deepcopy(by_section)
    for key in ("actions", "reviews"):
        edited[key][1][edited[key][0].index("Notes")] = "typed"
        _recalculate(edited)
    assert counted == [
        "action_discipline",
        "actions",
        "_overdue",
        "freshness",
        "_review",
    ]


@pytest.mark.parametrize(
    "column, value",
    [("Responsible", None), ("Due date", dt.datetime(2020, 1, 1)), ("Notes", "x")],
)
def test_an_edited_cell_gives_every_function_what_a_fresh_start_gives(
    by_section, column, value
):
    f.plan_cache().clear()
    before = _recalculate(by_section)
    edited = copy.deepcopy(by_section)
    actions = edited["actions"]
    progress = actions[0].index("Progress")
    row = next(r for r in actions[1:] if r[progress] not in ("Done", "Cancelled"))
    row[actions[0].index(column)] = value
    after = _recalculate(edited)
    f.plan_cache().clear()
    assert after == _recalculate(edited)
    changed = {name for name in after if after[name] != before[name]}
    if column == "Responsible":
        assert {"xlplan_completeness", "xlplan_next_actions"} <= changed
    elif column == "Due date":
        assert {"xlplan_health", "xlplan_next_actions"} <= changed
    else:
        assert not changed


def test_the_as_of_day_is_part_of_the_plan_kept(ranges):
    cache = PlanCache(PACK)
    no_cover = [r for r in ranges if r[0][0] == "ID"]
    one = cache.plan(no_cover, dt.date(2026, 1, 1)).read.plan
    two = cache.plan(copy.deepcopy(no_cover), dt.date(2026, 1, 2)).read.plan
    assert (one.as_of, two.as_of) == (dt.date(2026, 1, 1), dt.date(2026, 1, 2))


# Cells Python holds equal to one another that a plan reads otherwise.
LOOK_ALIKES = [0.0, -0.0, 0, False, 1, 1.0, True, dt.date(2026, 1, 2)]
LOOK_ALIKES += [dt.datetime(2026, 1, 2), None, ""]


def _twins(cell):
    return [v for v in LOOK_ALIKES if v == cell and repr(v) != repr(cell)]


def _edit(draw, table):
    """A copy of ``table`` with one cell changed, where it can, to a look-alike."""
    edited = copy.deepcopy(table)
    places = [(r, c) for r, row in enumerate(edited) for c in range(len(row))]
    alike = [(r, c) for r, c in places if _twins(edited[r][c])]
    if alike:
        row, col = draw(st.sampled_from(alike))
        edited[row][col] = draw(st.sampled_from(_twins(edited[row][col])))
    elif places:
        row, col = draw(st.sampled_from(places))
        edited[row][col] = draw(st.one_of(st.sampled_from(LOOK_ALIKES), CELLS))
    return edited


@st.composite
def edited_tables(draw):
    """A table, some of its rows cut short, edited one cell at a time, and back.

    The changed cell is, where the table has one, a cell Python holds equal
    to the cell it replaces.
    """
    table = draw(tables())
    for row in table[1:]:
        if draw(st.booleans()):
            del row[draw(st.integers(0, len(row))) :]
    once = _edit(draw, table)
    twice = _edit(draw, once)
    return [table, once, twice, once, table]


@settings(max_examples=300, deadline=None)
@given(edited_tables())
def test_a_range_with_one_cell_changed_reads_as_if_read_afresh(tables):
    cache = PlanCache(PACK)
    for table in tables:  # each one found kept, or read again where it changed
        cached = cache.plan([copy.deepcopy(table)], AS_OF).read
        direct = read_cells([table], PACK, AS_OF)
        assert repr(cached.plan) == repr(direct.plan)
        assert cached.findings == direct.findings
