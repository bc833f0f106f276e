"""New plans: CRM values, safe file names, atomic writes."""

from __future__ import annotations

import datetime as dt
import os
import time

import pytest

from tests.conftest import umask_set
from xlplan.errors import OutputExistsError
from xlplan.workbook.crm import parse_date, parse_number
from xlplan.workbook.files import safe_stem, write_atomic
from xlplan.workbook.new import new_plan_input, plan_id_for


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$12,500,000", 12_500_000),
        ("1.2M", 1_200_000),
        ("1,200.50", 1200.5),
        ("(1,000)", -1000),
        ("EUR 1,000", 1000),
        ("750k", 750_000),
        ("3bn", 3_000_000_000),
    ],
)
def test_crm_numbers(text, expected):
    assert parse_number(text, "here") == expected


@pytest.mark.parametrize("text", ["1.200,50", "1,5", "TBD", "12%", "1.200.000"])
def test_ambiguous_or_non_numbers_are_refused_not_guessed(text):
    with pytest.raises(ValueError, match="here"):
        parse_number(text, "here")


def test_crm_dates():
    assert parse_date("2024-03-01", "x") == dt.date(2024, 3, 1)
    assert parse_date("01.03.2024", "x") == dt.date(2024, 3, 1)
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("Q3", "x")


@pytest.mark.parametrize(
    ("name", "stem"),
    [
        ("Acme: EU/West", "Acme EU West"),
        ("CON", "_CON"),
        ("lpt1.backup", "_lpt1.backup"),
        ("dots...", "dots"),
        ("", "plan"),
        ("Tab\tName", "Tab Name"),
        ("x" * 300, "x" * 150),
        (".hidden", "hidden"),
    ],
)
def test_safe_stems(name, stem):
    assert safe_stem(name) == stem


def test_write_atomic_refuses_then_replaces(tmp_path):
    target = tmp_path / "plan.xlsx"
    write_atomic(target, b"one")
    with pytest.raises(OutputExistsError, match="--force"):
        write_atomic(target, b"two")
    assert target.read_bytes() == b"one"
    write_atomic(target, b"two", force=True)
    assert target.read_bytes() == b"two"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.xlsx"]


def test_write_atomic_sees_a_file_named_through_a_folder_not_made_yet(tmp_path):
    plan = tmp_path / "plan.xlsx"
    plan.write_bytes(b"a rep's plan")

    with pytest.raises(OutputExistsError):
        write_atomic(tmp_path / "new" / ".." / "plan.xlsx", b"a portfolio")

    assert plan.read_bytes() == b"a rep's plan"
    assert not (tmp_path / "new").exists()


def test_write_atomic_removes_only_its_own_old_temporary_files(tmp_path):
    target = tmp_path / "portfolio.xlsx"
    left = tmp_path / ".portfolio.xlsx.k1ll3d.tmp"  # a run killed mid-write
    writing = tmp_path / ".portfolio.xlsx.n0wrun.tmp"  # a run writing now
    other = tmp_path / ".plan.xlsx.k1ll3d.tmp"  # another file's
    for temp in (left, writing, other):
        temp.write_bytes(b"part")
    hours_ago = time.time() - 2 * 60 * 60
    for temp in (left, other):
        os.utime(temp, (hours_ago, hours_ago))

    write_atomic(target, b"portfolio")

    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, writing.name, other.name]
    )


@pytest.mark.skipif(os.name == "nt", reason="Windows has no Unix file modes")
def test_write_atomic_gives_a_plain_write_s_mode_unless_told(tmp_path):
    with umask_set(0o022):
        plan = write_atomic(tmp_path / "plan.xlsx", b"plan")
        private = write_atomic(tmp_path / "keys.json", b"keys", mode=0o600)
        again = write_atomic(private, b"keys again", force=True, mode=0o600)

    assert plan.stat().st_mode & 0o777 == 0o644
    assert private.stat().st_mode & 0o777 == 0o600
    assert again.read_bytes() == b"keys again"
    assert again.stat().st_mode & 0o777 == 0o600


def test_new_plan_starts_as_a_dated_draft(pack):
    raw = new_plan_input(pack, "Acme Logistics", dt.date(2026, 1, 31))
    plan = raw.records["plan"]
    assert plan["plan_status"] == "Draft"
    assert plan["period_start"] == dt.date(2026, 1, 31)
    assert plan["period_end"] == dt.date(2027, 1, 30)
    assert plan_id_for("Acme Logistics", dt.date(2026, 1, 31)) == "ACMELO-2026"
