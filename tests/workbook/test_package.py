"""The package XML of a plan: parts read from memory, tables, names, error cells."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.conftest import AS_OF
from tests.workbook.plans import sample_plans
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.package import PackageZip, check_container, read_package
from xlplan.workbook.reader import read_plan


@pytest.fixture(scope="module")
def content(pack) -> bytes:
    raw = sample_plans(pack)["halvorsen-logistics"]
    return build_plan_workbook(pack, raw, today=AS_OF).content


def test_every_part_reads_as_zipfile_reads_it(content):
    ours = PackageZip(content)
    theirs = zipfile.ZipFile(io.BytesIO(content))
    for name in theirs.namelist():
        assert ours.read(name) == theirs.read(name), name
    with pytest.raises(KeyError):
        ours.read("xl/missing.xml")


def test_a_damaged_part_is_reported_not_misread(content):
    info = zipfile.ZipFile(io.BytesIO(content)).getinfo("xl/workbook.xml")
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    damaged = content[:middle] + bytes([content[middle] ^ 0xFF]) + content[middle + 1 :]

    read = read_plan(damaged, "damaged.xlsx")
    assert read.plan is None
    assert [i.code for i in read.issues] in (["file.corrupt_zip"], ["file.bad_xml"])


def test_error_cells_are_scanned_only_for_the_sheets_asked_about(content):
    package = read_package(check_container(content), error_sheets=set())
    assert package.errors == {}
    assert package.sheet_errors("Profile") == {}
    assert list(package.errors) == ["Profile"]
    everything = read_package(check_container(content))
    assert set(everything.errors) == set(everything.sheet_paths)
