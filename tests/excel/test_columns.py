"""Tables read a column at a time give exactly the plan read cell by cell."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import AS_OF
from tests.excel.ranges import as_excel_sends, plan_ranges
from tests.workbook.plans import edge_plans, sample_plans
from xlplan.excel import cells
from xlplan.excel.functions import SECTIONS, current_pack
from xlplan.model.pack import SectionKind
from xlplan.workbook.build import build_plan_workbook

ALL_SECTIONS = tuple(dict.fromkeys(s for v in SECTIONS.values() for s in v))
PACK = current_pack()[0]
TABLES = [s for s in PACK.sections if s.kind is SectionKind.TABLE]


@contextmanager
def cell_by_cell():
    """Every table read through the cell-by-cell path."""
    with mock.patch.object(cells, "read_column", lambda *args: None):
        yield


def _both_ways(ranges):
    fast = cells.read_cells(ranges, PACK, AS_OF)
    with cell_by_cell():
        slow = cells.read_cells(ranges, PACK, AS_OF)
    return fast, slow


def _assert_same(ranges):
    fast, slow = _both_ways(ranges)
    # repr tells 1 from 1.0 and True, and -0.0 from 0.0, where == does not.
    assert repr(fast.plan) == repr(slow.plan)
    assert fast.findings == slow.findings


@pytest.fixture(scope="module")
def every_plan_ranges():
    plans = sample_plans(PACK) | edge_plans()
    return {
        name: plan_ranges(
            build_plan_workbook(PACK, raw, today=AS_OF).content, PACK, ALL_SECTIONS
        )
        for name, raw in plans.items()
    }


@pytest.mark.parametrize("serial_dates, blank", [(False, None), (True, "")])
def test_samples_read_by_column_equal_cell_by_cell(
    every_plan_ranges, serial_dates, blank
):
    for ranges in every_plan_ranges.values():
        _assert_same(as_excel_sends(ranges, serial_dates=serial_dates, blank=blank))


TEXTS = st.sampled_from(
    ["", "  ", "\u00a0", "#N/A", "#DIV/0!", "TBD", "45%", "$1.2M", "1,200", "(300)"]
    + ["2026-03-31", "03/04/2026", "31/03/2026", "yes", "FALSE", "x", "Ann; Bo"]
    + ["Active", "active", "Actve", "High", "Champion", "0", "1", "12.5"]
)
CELLS = st.one_of(
    st.none(),
    TEXTS,
    st.text(max_size=6),
    st.booleans(),
    st.integers(-3, 50_000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1.0, 2.5, 45000.0, 3e6]),
    st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1)),
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2040, 1, 1)),
    st.datetimes(
        dt.datetime(2026, 1, 1),
        dt.datetime(2026, 2, 1),
        timezones=st.just(dt.timezone.utc),
    ),
)
LATE = dt.datetime(2026, 1, 1, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
# Values Python holds equal that a cell-by-cell read may tell apart.
TWINS = st.sampled_from(
    [
        [0.0, -0.0],
        [LATE, LATE.astimezone(dt.timezone.utc)],
        [1, 1.0, True],
        [0, 0.0, False, None],
        [dt.date(2026, 1, 2), dt.datetime(2026, 1, 2)],
    ]
)


@st.composite
def tables(draw):
    section = draw(st.sampled_from(TABLES))
    header = [f.label for f in section.fields]
    width = len(header)
    column = st.one_of(st.lists(CELLS, min_size=1, max_size=3), TWINS)
    # A few values per column, repeated, as in a real table.
    pools = [draw(column) for _ in range(width)]
    rows = draw(
        st.lists(
            st.tuples(*[st.sampled_from(pool) for pool in pools]).map(list),
            max_size=8,
        )
    )
    return [header, *rows]


@settings(max_examples=300, deadline=None)
@given(tables())
def test_any_cells_read_by_column_equal_cell_by_cell(table):
    _assert_same([table])


@pytest.mark.parametrize(
    "odd",
    [-0.0, dt.datetime(2026, 1, 1, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5)))],
)
def test_cells_that_only_read_alike_one_by_one_go_cell_by_cell(odd):
    section = PACK.section("stakeholders")
    spec = section.field("name")
    column = [0.0, odd, None] if odd == 0 else [odd, odd.astimezone(dt.timezone.utc)]
    read = cells.read_column(spec, column, lambda raw: (raw, None), frozenset())
    assert read is None


def test_ragged_rows_read_cell_by_cell_as_before():
    header = [f.label for f in PACK.section("risks").fields]
    table = [header, ["Price war", "Market"], header[:1] + [None] * 30]
    _assert_same([table])
