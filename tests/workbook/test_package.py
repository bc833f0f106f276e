"""The package XML of a plan: parts read from memory, tables, names, error cells."""

from __future__ import annotations

import io
import re
import subprocess
import sys
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


def _with_part(content: bytes, name: str, change) -> bytes:
    """``content`` with part ``name`` changed by ``change``, the package zipped anew."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            target.writestr(
                info.filename, change(data) if info.filename == name else data
            )
    return buffer.getvalue()


@pytest.mark.parametrize("with_error_cell", [False, True])
def test_a_sheet_declaring_a_dtd_is_refused(content, with_error_cell):
    def bomb(data: bytes) -> bytes:
        declared = data.replace(
            b"<worksheet",
            b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><worksheet',
            1,
        )
        error = rb't="e"><v>#N/A</v>'
        if not with_error_cell:
            return declared
        return re.sub(rb't="s"><v>\d+</v>', error, declared, count=1)

    path = read_package(check_container(content)).sheet_paths["Stakeholders"]
    read = read_plan(_with_part(content, path, bomb), "bomb.xlsx")
    assert read.plan is None
    assert [i.code for i in read.issues] == ["file.xml_bomb"]


def test_plans_read_alike_without_zlib_ng(content, tmp_path):
    """zlib-ng only inflates faster: without its wheel, zlib reads the same plan."""
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(content)
    script = (
        "import sys; sys.modules['zlib_ng'] = None\n"
        "from xlplan.workbook import package\n"
        "from xlplan.workbook.reader import read_plan\n"
        "assert package._zlib.__name__ == 'zlib'\n"
        f"read = read_plan(open({str(plan)!r}, 'rb').read())\n"
        "print(repr(read.plan))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == repr(read_plan(content).plan)
