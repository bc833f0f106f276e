"""The portfolio workbook: rows written as one block look exactly as cell by cell."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
import zlib
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from xlsxwriter.worksheet import Worksheet

from tests.conftest import AS_OF
from tests.workbook.plans import sample_plans
from xlplan.cli import main
from xlplan.model.issues import Issue, Severity
from xlplan.packs import load_pack
from xlplan.portfolio import write
from xlplan.portfolio.gather import find_files, read_all
from xlplan.portfolio.rollup import Portfolio, build_portfolio
from xlplan.portfolio.sheet_rows import QUICK_LEVEL, TableSheet, quick_deflate
from xlplan.workbook.build import build_plan_workbook

HOSTILE = "Ann\x0bLee\x01 <CEO> & \"co\" 'x' 🚀 ]]> _x0041_"
LONG = "🚀" * 17000  # 34,000 UTF-16 units: cut to Excel's 32,767


@pytest.fixture(scope="module")
def plans_dir(pack, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plans")
    for name, raw in sample_plans(pack).items():
        (folder / f"{name}.xlsx").write_bytes(
            build_plan_workbook(pack, raw, today=AS_OF).content
        )
    return folder


def _portfolio(folder: Path, pack, rules) -> Portfolio:
    reads = read_all(find_files([folder]), 1)
    return build_portfolio(reads, pack, rules, AS_OF, None, None)


def _both_ways(portfolio: Portfolio, pack, monkeypatch) -> tuple[bytes, bytes]:
    """The workbook with rows as one block, then cell by cell through XlsxWriter."""
    fast = write.build_portfolio_workbook(portfolio, pack)
    with monkeypatch.context() as patch:
        patch.setattr(write.SheetWriter, "sheet_class", Worksheet)
        slow = write.build_portfolio_workbook(portfolio, pack)
    return fast, slow


def _look(content: bytes) -> dict[str, Any]:
    """Everything a user sees of each sheet, as openpyxl reads it."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    seen: dict[str, Any] = {"sheets": book.sheetnames}
    for sheet in book.worksheets:
        seen[sheet.title] = {
            "cells": [
                (
                    c.coordinate,
                    c.value,
                    c.data_type,
                    c.number_format,
                    (c.font.name, c.font.sz, c.font.b, c.font.i, c.font.color),
                    (c.fill.fill_type, c.fill.fgColor.rgb),
                    (
                        c.alignment.horizontal,
                        c.alignment.vertical,
                        c.alignment.wrap_text,
                    ),
                )
                for row in sheet.iter_rows()
                for c in row
            ],
            "tables": {
                t.name: (
                    t.ref,
                    t.tableStyleInfo.name,
                    [c.name for c in t.tableColumns],
                )
                for t in sheet.tables.values()
            },
            "dimensions": sheet.dimensions,
            "freeze": sheet.freeze_panes,
            "widths": {k: d.width for k, d in sheet.column_dimensions.items()},
            "heights": {k: d.height for k, d in sheet.row_dimensions.items()},
            "print": (sheet.print_title_rows, sheet.print_title_cols),
            "conditional": [str(r.sqref) for r in sheet.conditional_formatting],
            "charts": len(sheet._charts),
        }
    return seen


def test_block_rows_look_exactly_like_cell_by_cell_rows(
    plans_dir, pack, rules, monkeypatch
):
    fast, slow = _both_ways(_portfolio(plans_dir, pack, rules), pack, monkeypatch)
    fast_look, slow_look = _look(fast), _look(slow)
    assert fast_look["sheets"] == slow_look["sheets"]
    for name in fast_look["sheets"]:
        assert fast_look[name] == slow_look[name], name
    assert len(fast_look["Stakeholders"]["cells"]) > 30 * 13


def test_hostile_text_and_every_value_type_survive(plans_dir, pack, rules, monkeypatch):
    portfolio = _portfolio(plans_dir, pack, rules)
    first = portfolio.details["stakeholders"][0]
    first.update(
        name=HOSTILE,
        title='=HYPERLINK("http://x")',
        buying_role=("Champion", "User"),
        relationship_status="",
        is_economic_buyer=True,
        is_champion=False,
        last_contact_date=dt.datetime(2026, 6, 1, 12, 0),
        our_connector=LONG,
    )
    portfolio.details["stakeholders"][1].update(name=7, title=2.5, our_connector=())
    fast, slow = _both_ways(portfolio, pack, monkeypatch)
    assert _look(fast) == _look(slow)

    rows = list(openpyxl.load_workbook(io.BytesIO(fast))["Stakeholders"].iter_rows())
    header = [c.value for c in rows[3]]
    got = {h: c for h, c in zip(header, rows[4], strict=True)}
    # XlsxWriter keeps control characters as _xHHHH_ escapes, which Excel
    # decodes and openpyxl shows as they are; the XML stays well formed.
    assert got["Name"].value == "Ann_x000B_Lee_x0001_" + HOSTILE[8:]
    assert got["Title"].value == '=HYPERLINK("http://x")'
    assert got["Title"].data_type == "s"
    assert got["Buying role"].value == "Champion; User"
    assert got["Relationship status"].value is None
    assert (got["Economic buyer"].value, got["Champion"].value) == ("yes", "no")
    assert got["Last contact date"].value == dt.datetime(2026, 6, 1, 12, 0)
    assert got["Last contact date"].number_format == "d mmm yyyy"
    assert len(got["Our connector"].value.encode("utf-16-le")) // 2 == 32766
    second = {h: c.value for h, c in zip(header, rows[5], strict=True)}
    assert (second["Name"], second["Title"], second["Our connector"]) == (7, 2.5, "")


def test_the_sheet_xml_is_well_formed_and_has_no_raw_control_characters(
    plans_dir, pack, rules
):
    import xml.etree.ElementTree as ET

    portfolio = _portfolio(plans_dir, pack, rules)
    portfolio.details["actions"][0]["action_step"] = HOSTILE
    package = zipfile.ZipFile(
        io.BytesIO(write.build_portfolio_workbook(portfolio, pack))
    )
    for name in package.namelist():
        if name.endswith(".xml"):
            text = package.read(name).decode("utf-8")
            assert "\x0b" not in text and "\x01" not in text, name
            ET.fromstring(text)


def test_a_number_that_is_not_finite_fails_as_xlsxwriter_fails(plans_dir, pack, rules):
    portfolio = _portfolio(plans_dir, pack, rules)
    portfolio.details["kpis"][0]["actual"] = float("nan")
    with pytest.raises(TypeError, match="NAN/INF"):
        write.build_portfolio_workbook(portfolio, pack)


@pytest.mark.parametrize("count", [0, 1])
def test_a_portfolio_of_no_plan_or_one_plan_rolls_up(plans_dir, tmp_path, count):
    folder = tmp_path / "plans"
    folder.mkdir()
    for path in sorted(plans_dir.glob("*.xlsx"))[:count]:
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "notes.xlsx").write_bytes(b"not a workbook")  # no plan, an issue
    out = tmp_path / "p.xlsx"
    result = CliRunner().invoke(
        main, ["rollup", str(folder), "-o", str(out), "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    accounts = list(book["Accounts"].iter_rows(min_row=5, values_only=True))
    assert len(accounts) == 1  # a table has at least one (blank) row
    assert (accounts[0][0] is not None) == (count == 1)
    assert book["Stakeholders"].tables["Stakeholders"].ref.startswith("A4:")


def test_a_plan_with_hostile_text_rolls_up(pack, tmp_path):
    raw = sample_plans(pack)["halvorsen-logistics"]
    raw.records["plan"]["headline_goal"] = HOSTILE
    raw.tables["stakeholders"][0]["name"] = "=1+1 & <b>🚀</b>"
    folder = tmp_path / "plans"
    folder.mkdir()
    (folder / "hostile.xlsx").write_bytes(
        build_plan_workbook(pack, raw, today=AS_OF).content
    )
    out = tmp_path / "p.xlsx"
    result = CliRunner().invoke(
        main, ["rollup", str(folder), "-o", str(out), "-j", "1"]
    )
    assert result.exit_code == 0, result.output
    names = [
        r[2]
        for r in openpyxl.load_workbook(out)["Stakeholders"].iter_rows(
            min_row=5, values_only=True
        )
    ]
    assert "=1+1 & <b>🚀</b>" in names


def test_a_table_sheet_keeps_cells_above_and_below_its_block_and_refuses_overlap():
    import xlsxwriter

    from xlplan.portfolio.sheet_rows import TableSheet, render_rows

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("Rows", worksheet_class=TableSheet)
    plain, day = book.add_format(), book.add_format({"num_format": "d mmm yyyy"})
    sheet.write_string(0, 0, "above")
    render_rows(sheet, 1, [[2.5, "a"], [dt.date(2026, 1, 2), None]], [plain, day])
    sheet.write_string(5, 1, "below")
    book.close()
    cells = list(openpyxl.load_workbook(buffer)["Rows"].iter_rows(values_only=True))
    assert cells[:3] == [("above", None), (2.5, "a"), (46024, None)]
    assert cells[5] == (None, "below")

    book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    sheet = book.add_worksheet("Rows", worksheet_class=TableSheet)
    render_rows(sheet, 1, [["a"]], [book.add_format()])
    sheet.write_string(1, 0, "again")
    with pytest.raises(RuntimeError, match="Row 2 of Rows was written twice"):
        book.close()


def _deflated_size(data: bytes, level: int) -> int:
    squeezer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return len(squeezer.compress(data) + squeezer.flush())


def test_the_package_is_deflated_at_the_quick_level_and_xlsxwriter_left_as_it_was(
    plans_dir, pack, rules
):
    import xlsxwriter.workbook

    content = write.build_portfolio_workbook(_portfolio(plans_dir, pack, rules), pack)
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert package.testzip() is None
        sheet = package.getinfo("xl/worksheets/sheet2.xml")
        data = package.read(sheet)
    assert sheet.compress_type == zipfile.ZIP_DEFLATED
    assert sheet.compress_size == _deflated_size(data, QUICK_LEVEL)
    assert sheet.compress_size != _deflated_size(data, 6)
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile


def test_xlsxwriter_gets_its_zip_file_back_when_closing_fails(monkeypatch):
    import xlsxwriter.workbook

    book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
    monkeypatch.setattr(book, "_prepare_tables", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError), quick_deflate():
        book.close()
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile


def test_detail_sheets_head_columns_with_the_packs_labels_kept_distinct(
    plans_dir, pack, rules
):
    from dataclasses import replace

    section = pack.section("kpis")
    fields = tuple(
        replace(f, label="Account") if f.name == "period" else f for f in section.fields
    )
    relabelled = replace(
        pack,
        sections=tuple(
            replace(s, fields=fields) if s.key == "kpis" else s for s in pack.sections
        ),
    )
    portfolio = _portfolio(plans_dir, pack, rules)
    content = write.build_portfolio_workbook(portfolio, relabelled)
    sheet = openpyxl.load_workbook(io.BytesIO(content))["KPIs"]
    header = [c.value for c in next(sheet.iter_rows(min_row=4, max_row=4))]
    assert header[:5] == ["Plan ID", "Account", "KPI", "Account 2", "Unit"]
    values = [c for c in next(sheet.iter_rows(min_row=5, max_row=5))][5:8]
    assert {c.number_format for c in values} == {"General"}


_CELL_VALUES = st.one_of(
    st.none(),
    st.sampled_from(["", "a", "b", "=1+1", "yes", " "]),
    st.text(max_size=5),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from([0.0, -0.0, 1.0, 2.5, 1e17, 10**17]),
    st.dates(dt.date(1990, 1, 1), dt.date(2040, 1, 1)),
    st.datetimes(dt.datetime(1990, 1, 1), dt.datetime(2040, 1, 1)),
    st.tuples() | st.tuples(st.sampled_from(["Champion", "User"])),
)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 4).flatmap(
        lambda width: st.lists(
            st.lists(_CELL_VALUES, min_size=width, max_size=width), max_size=8
        )
    )
)
def test_a_block_of_any_values_reads_back_as_xlsxwriter_writes_them(rows):
    """Columns mixing every kind of value, repeats and look-alikes (1, 1.0, True)."""
    kinds = ["text", "general", "money", "pct"]  # a date format would refuse 1e17
    looks = []
    for sheet_class in (TableSheet, Worksheet):
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        writer = write.SheetWriter(book, load_pack())
        sheet = book.add_worksheet("Rows", worksheet_class=sheet_class)
        sheet.write_string(0, 0, "above")
        width = len(rows[0]) if rows else 1
        writer._rows(sheet, 1, rows, [kinds[c % 4] for c in range(width)])
        book.close()
        cells = openpyxl.load_workbook(buffer)["Rows"].iter_rows()
        looks.append(
            [
                (c.coordinate, c.value, c.data_type, c.number_format)
                for r in cells
                for c in r
            ]
        )
    assert looks[0] == looks[1]


def test_the_portfolio_prints_readably_on_a4(plans_dir, pack, rules):
    portfolio = _portfolio(plans_dir, pack, rules)
    portfolio.issues = [
        *portfolio.issues[:1],
        Issue("x.long", Severity.WARNING, "a.xlsx", "word " * 40, "Fix it."),
        Issue("x.short", Severity.INFO, "b.xlsx", "Short.", "Fix it."),
    ]
    book = openpyxl.load_workbook(
        io.BytesIO(write.build_portfolio_workbook(portfolio, pack))
    )

    assert {int(sheet.page_setup.paperSize) for sheet in book.worksheets} == {9}
    accounts = book["Accounts"]
    widths = [accounts.column_dimensions[c].width for c in ("A", "B", "C")]
    assert accounts.print_title_cols == "$A:$B"
    assert int(accounts.page_setup.fitToWidth) >= 3
    assert widths[2] < 22  # a short text column (tier) is not printed wide
    issues = book["Issues"]
    rows = {r[0].value: r[0].row for r in issues.iter_rows(min_row=5) if r[0].value}
    long_row = next(
        r[0].row for r in issues.iter_rows(min_row=5) if r[6].value == "x.long"
    )
    short_row = next(
        r[0].row for r in issues.iter_rows(min_row=5) if r[6].value == "x.short"
    )
    assert (
        issues.row_dimensions[long_row].height == 3 * write.LINE_HEIGHT
    )  # 200 letters
    assert issues.row_dimensions[short_row].height is None
    assert issues["E5"].alignment.wrap_text and rows
