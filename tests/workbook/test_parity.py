"""Native formulas against their core twins, recalculated by LibreOffice.

Every generated workbook is opened in LibreOffice headless with all formulas
recomputed on load and saved; each formula cell's recomputed value must equal
the cached result xlplan wrote from ``core`` (to 1e-9), and no cell may hold
an error value.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest

from tests.conftest import AS_OF, requires_libreoffice
from tests.libreoffice import recalculate, render_pdf
from tests.workbook.plans import edge_plans, sample_plans
from xlplan.workbook.build import build_plan_workbook

pytestmark = [requires_libreoffice, pytest.mark.libreoffice]
ERRORS = ("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!", "Err:")


@pytest.fixture(scope="module")
def recalculated(pack, tmp_path_factory):
    folder = tmp_path_factory.mktemp("built")
    plans = {**sample_plans(pack), **edge_plans()}
    files = []
    for name, raw in plans.items():
        path = folder / f"{name}.xlsx"
        path.write_bytes(build_plan_workbook(pack, raw, today=AS_OF).content)
        files.append(path)
    outputs = recalculate(files, folder / "lo")
    return list(zip(files, outputs, strict=False))


def _value(cell_value):
    if isinstance(cell_value, dt.datetime):
        return (cell_value - dt.datetime(1899, 12, 30)).days
    return None if cell_value == "" else cell_value


def _same(ours, theirs) -> bool:
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return ours is theirs or ours == theirs
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return abs(ours - theirs) <= 1e-9 * max(1.0, abs(ours))
    return ours == theirs


def test_every_workbook_was_recalculated(recalculated):
    assert len(recalculated) >= 15
    for _, output in recalculated:
        assert output.stat().st_size > 10_000


def test_libreoffice_shows_no_error_value(recalculated):
    for _, output in recalculated:
        book = openpyxl.load_workbook(output, data_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        assert not cell.value.startswith(ERRORS), (
                            output.name,
                            sheet.title,
                            cell.coordinate,
                        )


def test_every_native_formula_equals_its_core_twin(recalculated):
    checked = 0
    for built, output in recalculated:
        formulas = openpyxl.load_workbook(built)
        ours = openpyxl.load_workbook(built, data_only=True)
        theirs = openpyxl.load_workbook(output, data_only=True)
        for sheet in formulas.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if not (isinstance(cell.value, str) and cell.value.startswith("=")):
                        continue
                    if cell.value == "=TODAY()":
                        continue
                    mine = _value(ours[sheet.title][cell.coordinate].value)
                    lo = _value(theirs[sheet.title][cell.coordinate].value)
                    assert _same(mine, lo), (
                        built.name,
                        sheet.title,
                        cell.coordinate,
                        mine,
                        lo,
                        cell.value,
                    )
                    checked += 1
    assert checked > 3000


def test_structured_references_survive_the_round_trip(recalculated):
    built, output = recalculated[0]
    book = openpyxl.load_workbook(output)
    assert "Stakeholders" in book["Stakeholders"].tables
    formulas = [
        c.value
        for row in book["Cover"].iter_rows()
        for c in row
        if isinstance(c.value, str)
    ]
    assert any("Actions[" in f for f in formulas)


def test_a_sample_plan_prints_to_pdf(recalculated, tmp_path):
    built = next(b for b, _ in recalculated if b.stem == "halvorsen-logistics")
    pdf = render_pdf([built], tmp_path)[0]
    assert pdf.stat().st_size > 20_000
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True
        ).stdout
        assert "Halvorsen" in text
        assert "Stakeholder map" in text and "Account plan" in text
