"""The reader's tables read a column at a time give exactly the cell-by-cell read."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsxwriter.utility import xl_cell_to_rowcol

from tests.excel.test_columns import CELLS
from tests.workbook.plans import build_all
from xlplan.model.pack import SectionKind
from xlplan.packs import load_pack
from xlplan.workbook import reader
from xlplan.workbook.coerce import ErrorValue
from xlplan.workbook.package import check_container, read_package

PACK = load_pack()
TABLES = [s for s in PACK.sections if s.kind is SectionKind.TABLE]
# What python-calamine gives besides the values Excel passes a function.
READER_CELLS = st.one_of(
    CELLS,
    st.sampled_from([ErrorValue("#N/A"), ErrorValue("#DIV/0!")]),
    st.times(),
)


@contextmanager
def cell_by_cell():
    """Every table column read through ``coerce``, one cell at a time."""
    with mock.patch.object(reader, "read_column", lambda *args: None):
        yield


def _assert_same(content: bytes) -> None:
    fast = reader.read_plan(content, "plan.xlsx")
    with cell_by_cell():
        slow = reader.read_plan(content, "plan.xlsx")
    # repr tells 1 from 1.0 and True, and -0.0 from 0.0, where == does not.
    assert repr(fast.plan) == repr(slow.plan)
    assert fast.issues == slow.issues
    _assert_issues_on_their_columns(content, fast.issues)


def _assert_issues_on_their_columns(content: bytes, issues) -> None:
    """An issue about a table field ("Label: ...") sits in the column of that label.

    Both paths share the step from a finding to its cell, so this holds them
    to the table's own header instead of to each other.
    """
    package = read_package(check_container(content))
    for section in TABLES:
        table = package.tables.get((section.table or "").casefold())
        if table is None:
            continue
        labels = {f.label for f in section.fields}
        for issue in issues:
            if issue.sheet != table.sheet or not issue.cell:
                continue
            label = issue.message.split(":", 1)[0]
            row, col = xl_cell_to_rowcol(issue.cell)
            inside = table.first_col <= col < table.first_col + len(table.columns)
            below = table.header_row < row <= table.last_row + 1
            if label in labels and inside and below:
                assert table.columns[col - table.first_col] == label, issue


@pytest.fixture(scope="module")
def built():
    return build_all(PACK)


def test_every_sample_reads_by_column_as_cell_by_cell(built):
    for _, result in built.values():
        _assert_same(result.content)


def test_the_column_path_is_the_one_taken(built):
    """Without this the tests here would pass with the column path switched off."""
    taken = []

    def read_column(*args):
        found = original(*args)
        taken.append(found is not None)
        return found

    original = reader.read_column
    for _, result in built.values():
        with mock.patch.object(reader, "read_column", read_column):
            reader.read_plan(result.content)
    assert sum(taken) > 0.9 * len(taken)


@pytest.fixture(scope="module")
def base(built):
    """The largest sample's bytes and package, as a callable (hypothesis shows no bytes)."""
    content = max(built.values(), key=lambda b: len(b[1].content))[1].content
    package = read_package(check_container(content))
    return lambda: (content, package)


@st.composite
def typed_over(draw):
    """A table and the rows a rep typed into it: a few values per column, repeated."""
    section = draw(st.sampled_from(TABLES))
    width = len(section.fields)
    column = st.lists(READER_CELLS, min_size=1, max_size=3)
    pools = [draw(column) for _ in range(width)]
    rows = draw(
        st.lists(
            st.tuples(*[st.sampled_from(pool) for pool in pools]).map(list),
            min_size=1,
            max_size=6,
        )
    )
    return section, rows


@settings(max_examples=120, deadline=None)
@given(typed_over())
def test_any_cells_in_a_table_read_by_column_as_cell_by_cell(base, drawn):
    content, package = base()
    section, rows = drawn
    table = package.tables[(section.table or "").casefold()]
    original = reader._Values.grid

    def grid(values, sheet):
        found = original(values, sheet)
        if sheet == table.sheet and not getattr(values, "typed_over", False):
            values.typed_over = True
            for offset, typed in enumerate(rows):
                at = table.header_row + 1 + offset
                found += [[] for _ in range(at + 1 - len(found))]
                line = found[at]
                end = table.first_col + len(typed)
                line += [None] * max(0, end - len(line))
                line[table.first_col : end] = typed
        return found

    with mock.patch.object(reader._Values, "grid", grid):
        _assert_same(content)


def test_a_date_column_of_datetimes_reads_as_dates(built):
    """The column path's own conversion: a datetime in a date field is its day."""
    _, result = next(iter(built.values()))
    read = reader.read_plan(result.content)
    due = [row["due_date"] for row in read.plan.rows("actions") if row["due_date"]]
    assert due and all(type(day) is dt.date for day in due)
