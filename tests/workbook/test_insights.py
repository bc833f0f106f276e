"""The Insights sheet: worksheet-function cells that degrade to a clear message."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.conftest import AS_OF, requires_libreoffice
from tests.libreoffice import recalculate
from tests.workbook.plans import sample_plans
from xlplan.core.sections import SECTIONS
from xlplan.excel.functions import FUNCTIONS
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.insights import INSIGHTS, INSIGHTS_SHEET, NEEDS_ADD_IN
from xlplan.workbook.reader import read_plan


@pytest.fixture(scope="module")
def built(pack):
    raw = sample_plans(pack)["halvorsen-logistics"]
    return build_plan_workbook(pack, raw, today=AS_OF).content


def _formulas(content):
    sheet = openpyxl.load_workbook(io.BytesIO(content))[INSIGHTS_SHEET]
    found = {}
    for row in sheet.iter_rows():
        for cell in row:
            value = getattr(cell.value, "text", cell.value)
            if isinstance(value, str) and value.startswith("="):
                found[cell.coordinate] = value
    return found


def test_every_insight_calls_an_existing_function_wrapped_in_iferror(built):
    formulas = list(_formulas(built).values())
    assert len(formulas) == len(INSIGHTS)
    names = {f.__name__.upper() for f in FUNCTIONS}
    for insight, formula in zip(INSIGHTS, formulas, strict=True):
        assert formula.startswith(f"=IFERROR({insight.function.upper()}(")
        assert formula.endswith(f',"{NEEDS_ADD_IN}")')
        assert insight.function.upper() in names
        for key in SECTIONS[insight.function]:
            assert key not in ("plan", "profile") or "!$B$" in formula


def test_cached_values_show_the_message_and_the_reader_ignores_the_sheet(built):
    values = openpyxl.load_workbook(io.BytesIO(built), data_only=True)[INSIGHTS_SHEET]
    shown = [c.value for row in values.iter_rows(min_col=3, max_col=3) for c in row]
    assert shown.count(NEEDS_ADD_IN) == sum(i.rows for i in INSIGHTS)
    read = read_plan(built, "plan.xlsx")
    assert read.ok
    assert not any(i.sheet == INSIGHTS_SHEET for i in read.issues)


@requires_libreoffice
@pytest.mark.libreoffice
def test_libreoffice_shows_the_message_and_no_error_value(built, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(built)
    output = recalculate([path], tmp_path / "lo")[0]
    sheet = openpyxl.load_workbook(output, data_only=True)[INSIGHTS_SHEET]
    shown = [c.value for row in sheet.iter_rows(min_col=3, max_col=3) for c in row]
    assert shown.count(NEEDS_ADD_IN) == sum(i.rows for i in INSIGHTS)
    assert not any(isinstance(v, str) and v.startswith("#") for v in shown)
