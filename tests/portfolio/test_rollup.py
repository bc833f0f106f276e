"""`xlplan rollup` end to end on the sample portfolio and a messy folder."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from tests.conftest import AS_OF, CORPUS, requires_libreoffice
from tests.workbook.plans import sample_plans
from xlplan.cli import main
from xlplan.core.portfolio import FLAG_LABELS, FLAGS, account_row
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.reader import read_plan


@pytest.fixture(scope="module")
def plans_dir(pack, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("plans")
    for name, raw in sample_plans(pack).items():
        (folder / f"{name}.xlsx").write_bytes(
            build_plan_workbook(pack, raw, today=AS_OF).content
        )
    return folder


@pytest.fixture(scope="module")
def rolled(plans_dir, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("out")
    result = CliRunner().invoke(
        main,
        [
            "rollup",
            str(plans_dir),
            "-o",
            str(out / "portfolio.xlsx"),
            "--as-of",
            AS_OF.isoformat(),
            "-j",
            "1",
            "--csv",
            str(out / "csv"),
            "--json",
            str(out / "portfolio.json"),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def _table(book, sheet: str) -> list[dict]:
    rows = list(book[sheet].iter_rows(min_row=4, values_only=True))
    header = rows[0]
    return [
        dict(zip(header, r, strict=True))
        for r in rows[1:]
        if any(v is not None for v in r)
    ]


def test_every_accounts_figure_matches_core(rolled, plans_dir, pack, rules):
    book = openpyxl.load_workbook(rolled / "portfolio.xlsx")
    accounts = {row["Plan ID"]: row for row in _table(book, "Accounts")}
    assert len(accounts) == len(list(plans_dir.glob("*.xlsx")))
    from dataclasses import replace

    for path in plans_dir.glob("*.xlsx"):
        plan = replace(read_plan(path.read_bytes()).plan, as_of=AS_OF)
        expected = account_row(plan, rules, pack.rates).values
        got = accounts[plan.plan_id]
        assert got["Health"] == expected["health"]
        assert got["Completeness"] == expected["completeness"]
        assert got["Open actions"] == expected["open_actions"]
        assert got["Overdue actions"] == expected["overdue_actions"]
        flags = account_row(plan, rules, pack.rates).flags
        for flag in set(FLAGS) - {"CONCENTRATION", "OWNER_LOAD", "DATA_ERROR"}:
            assert got[FLAG_LABELS[flag]] == ("yes" if flag in flags else None), flag
        for label, key in (("Pipeline", "pipeline"), ("Revenue", "revenue_current")):
            if expected[key] is None:
                assert got[label] is None
            else:
                assert got[label] == pytest.approx(expected[key])


def test_consolidated_rows_point_at_their_source_cell(rolled, plans_dir):
    book = openpyxl.load_workbook(rolled / "portfolio.xlsx")
    rows = _table(book, "Stakeholders")
    assert len(rows) > 30
    # Files are shown below the folder the Summary names.
    folder = book["Summary"]["A2"].value.split(" Files under ")[1]
    assert Path(folder) == plans_dir.resolve()
    for row in rows[:40]:
        assert not Path(row["File"]).is_absolute()
        source = openpyxl.load_workbook(Path(folder) / row["File"], read_only=True)
        assert source[row["Sheet"]][row["Cell"]].value == row["Name"]


def test_summary_owners_white_space_and_charts(rolled):
    book = openpyxl.load_workbook(rolled / "portfolio.xlsx")
    assert book.sheetnames[:3] == ["Summary", "Accounts", "Owners"]
    assert {
        "White space",
        "Issues",
        "Actions",
        "Opportunities",
        "Risks",
        "KPIs",
    } <= set(book.sheetnames)
    summary = {
        r[0]: r[1]
        for r in book["Summary"].iter_rows(min_row=4, max_row=14, values_only=True)
    }
    assert summary["Plans"] == 12
    assert len(book["Summary"]._charts) == 3
    owners = _table(book, "Owners")
    assert sum(o["Plans"] for o in owners) == 12
    assert any(o["Owner"] == "Maya Lindqvist" and o["Plans"] == 4 for o in owners)


def test_csv_and_json_exports(rolled):
    with open(rolled / "csv" / "accounts.csv", encoding="utf-8-sig") as stream:
        records = list(csv.DictReader(stream))
    assert len(records) == 12 and "stale" in records[0]
    data = json.loads((rolled / "portfolio.json").read_text())
    assert data["totals"]["plans"] == 12 and len(data["accounts"]) == 12


def test_a_messy_folder_rolls_up_the_plans_and_lists_every_other_file(
    plans_dir, tmp_path
):
    folder = tmp_path / "plans"
    shutil.copytree(plans_dir, folder)
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    (folder / "locked.xlsx").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 100
        + "EncryptedPackage".encode("utf-16-le")
    )
    (folder / "~$halvorsen-logistics.xlsx").write_bytes(b"lock")
    if CORPUS.is_dir():
        shutil.copy(CORPUS / "xlsx" / "plan_like__simple_monthly_budget.xlsx", folder)
    copy = folder / "sub"
    copy.mkdir()
    shutil.copy(folder / "halvorsen-logistics.xlsx", copy / "halvorsen-old.xlsx")
    out = tmp_path / "p.xlsx"
    result = CliRunner().invoke(
        main, ["rollup", str(folder), "-o", str(out), "-j", "2", "--strict"]
    )
    assert result.exit_code == 1, result.output
    book = openpyxl.load_workbook(out)
    assert len(_table(book, "Accounts")) == 12
    issues = {(Path(r["File"]).name, r["Code"]) for r in _table(book, "Issues")}
    assert ("broken.xlsx", "file.not_a_workbook") in issues
    assert ("locked.xlsx", "file.encrypted") in issues
    assert not any(name.startswith("~$") for name, _ in issues)
    copies = {name for name, code in issues if code == "portfolio.identical_copy"}
    assert copies == {"halvorsen-old.xlsx"}
    if CORPUS.is_dir():
        assert ("plan_like__simple_monthly_budget.xlsx", "file.not_a_plan") in issues


def test_csv_export_is_safe_against_formula_injection():
    from xlplan.portfolio.service import safe_cell

    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("+44 20") == "'+44 20" and safe_cell("Acme") == "Acme"


def test_csv_money_has_no_binary_noise():
    from xlplan.portfolio.service import safe_cell

    assert str(safe_cell(240300.00000000003)) == "240300.0"
    assert safe_cell(0.1 + 0.2) == 0.3 and safe_cell(1234567.891) == 1234567.891


def test_owner_and_tier_filters(plans_dir, tmp_path):
    out = tmp_path / "maya.xlsx"
    result = CliRunner().invoke(
        main,
        [
            "rollup",
            str(plans_dir),
            "-o",
            str(out),
            "-j",
            "1",
            "--owner",
            "maya lindqvist",
            "--tier",
            "Key",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = _table(openpyxl.load_workbook(out), "Accounts")
    assert rows and all(
        r["Owner"] == "Maya Lindqvist" and r["Tier"] == "Key" for r in rows
    )


def test_rollup_refuses_to_overwrite(rolled, plans_dir):
    result = CliRunner().invoke(
        main, ["rollup", str(plans_dir), "-o", str(rolled / "portfolio.xlsx")]
    )
    assert result.exit_code == 1 and "--force" in result.output


@requires_libreoffice
@pytest.mark.libreoffice
def test_the_portfolio_opens_in_libreoffice_without_error_values(rolled, tmp_path):
    from tests.libreoffice import recalculate

    (saved,) = recalculate([rolled / "portfolio.xlsx"], tmp_path)
    book = openpyxl.load_workbook(saved, data_only=True)
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            assert not any(
                isinstance(v, str)
                and v.startswith(("#DIV", "#N/A", "#VALUE", "#REF", "Err:"))
                for v in row
            )


def test_a_rerun_reads_only_the_files_that_changed(
    plans_dir, pack, tmp_path, monkeypatch
):
    from xlplan.portfolio import gather
    from xlplan.portfolio.cache import ReadCache

    folder = tmp_path / "plans"
    shutil.copytree(plans_dir, folder)
    cache = ReadCache(tmp_path / "cache")
    files = gather.find_files([folder])
    first = gather.read_all(files, 1, cache=cache)

    calls: list[str] = []
    real = gather.read_plan
    monkeypatch.setattr(
        gather,
        "read_plan",
        lambda content, name: calls.append(name) or real(content, name),
    )
    again = gather.read_all(files, 1, cache=cache)
    assert calls == []
    assert [r.plan for r in again] == [r.plan for r in first]
    assert [r.source for r in again] == [str(f) for f in files]

    raw = sample_plans(pack)["halvorsen-logistics"]
    raw.records["plan"]["headline_goal"] = "A changed goal"
    (folder / "halvorsen-logistics.xlsx").write_bytes(
        build_plan_workbook(pack, raw, today=AS_OF).content
    )
    gather.read_all(files, 1, cache=cache)
    assert [Path(c).name for c in calls] == ["halvorsen-logistics.xlsx"]


def test_parquet_export(plans_dir, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    result = CliRunner().invoke(
        main,
        [
            "rollup",
            str(plans_dir),
            "-o",
            str(tmp_path / "p.xlsx"),
            "-j",
            "1",
            "--parquet",
            str(tmp_path / "pq"),
        ],
    )
    assert result.exit_code == 0, result.output
    table = pq.read_table(tmp_path / "pq" / "accounts.parquet")
    assert table.num_rows == 12 and "health" in table.column_names
    assert pq.read_table(tmp_path / "pq" / "stakeholders.parquet").num_rows > 30


def test_a_filter_matching_no_plan_is_warned(plans_dir, tmp_path):
    result = CliRunner().invoke(
        main,
        [
            "rollup",
            str(plans_dir),
            "-o",
            str(tmp_path / "p.xlsx"),
            "-j",
            "1",
            "--owner",
            "Nobody",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "no plan has owner 'Nobody'" in result.output


def test_each_file_is_found_once_however_it_is_named(tmp_path, monkeypatch):
    from xlplan.portfolio.gather import find_files

    plans = tmp_path / "plans"
    (plans / "east").mkdir(parents=True)
    for name in ("a.xlsx", "east/b.xlsx", "~$a.xlsx", "c.xlsx.tmp"):
        (plans / name).write_bytes(b"not read here")
    (tmp_path / "linked.xlsx").symlink_to(plans / "east" / "b.xlsx")
    (tmp_path / "shortcut").symlink_to(plans / "east", target_is_directory=True)
    monkeypatch.chdir(plans / "east")

    found = find_files(
        [
            Path("..").resolve(),
            Path("b.xlsx"),
            Path("../a.xlsx"),
            tmp_path / "linked.xlsx",
            tmp_path / "shortcut" / "b.xlsx",
            Path("../east/*.xlsx"),
        ]
    )

    assert found == [plans.resolve() / "a.xlsx", plans.resolve() / "east" / "b.xlsx"]


def _broken_copy(source: Path, target: Path, breaking: str) -> None:
    """``source`` saved by openpyxl as ``target``, with one error a rep can make."""
    book = openpyxl.load_workbook(source)
    if breaking == "no Team sheet":
        del book["Team"]
    else:
        sheet, cell = next(iter(book.defined_names[breaking].destinations))
        book[sheet][cell.replace("$", "")].value = None
    book.save(target)


def test_a_plan_with_an_error_is_left_out_and_never_pushes_out_a_good_copy(
    plans_dir, tmp_path
):
    folder = tmp_path / "plans"
    folder.mkdir()
    good = folder / "corvane-retail.xlsx"
    shutil.copy(plans_dir / "corvane-retail.xlsx", good)
    for breaking in ("plan_id", "account_name", "no Team sheet"):
        _broken_copy(good, folder / f"corvane {breaking}.xlsx", breaking)
    out = tmp_path / "p.xlsx"

    result = CliRunner().invoke(
        main, ["rollup", str(folder), "-o", str(out), "--as-of", AS_OF.isoformat()]
    )

    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert [Path(r["File"]).name for r in _table(book, "Accounts")] == [good.name]
    broken = {
        Path(r["File"]).name for r in _table(book, "Issues") if r["Severity"] == "error"
    }
    assert broken == {
        f"corvane {b}.xlsx" for b in ("plan_id", "account_name", "no Team sheet")
    }
    assert {Path(r["File"]).name for r in _table(book, "Actions")} == {good.name}


def test_versions_of_a_plan_keep_the_newest_and_tell_copies_from_older_ones():
    from xlplan.portfolio.gather import settle_versions
    from xlplan.portfolio.rollup import PlanVersion

    def version(account: str, reviewed: int, content: str) -> PlanVersion:
        return PlanVersion("P-1", account, AS_OF.replace(day=reviewed), content)

    files = [
        ("old.xlsx", version("acme", 1, "aaa")),
        ("new.xlsx", version("acme", 9, "bbb")),
        ("copy of new.xlsx", version("acme", 9, "bbb")),
        ("other.xlsx", None),
        ("elsewhere.xlsx", PlanVersion("P-2", "acme", None, "ccc")),
        ("copied.xlsx", PlanVersion("P-2", "globex", None, "ddd")),
    ]
    kept, issues = settle_versions(files)
    assert kept == [1, 3, 4, 5]
    assert [(i.file, i.code) for i in issues] == [
        ("old.xlsx", "portfolio.older_version"),
        ("copy of new.xlsx", "portfolio.identical_copy"),
        ("elsewhere.xlsx", "portfolio.copied_plan_id"),
        ("copied.xlsx", "portfolio.copied_plan_id"),
    ]
    assert issues[0].message == "An older version of plan P-1; new.xlsx is used."


@pytest.mark.parametrize(
    ("names", "used"),
    [
        (["acme.xlsx", "acme-old.xlsx"], "acme.xlsx"),
        (["Copy of acme.xlsx", "acme.xlsx"], "acme.xlsx"),
        (["acme (2).xlsx", "acme.xlsx"], "acme.xlsx"),
        (["backup/acme.xlsx", "plans/acme.xlsx"], "plans/acme.xlsx"),
        (["acme-logistics.xlsx", "acme-old.xlsx"], "acme-logistics.xlsx"),
        (["first.xlsx", "later.xlsx"], "first.xlsx"),  # no mark: the one written first
    ],
)
def test_of_identical_copies_the_one_not_named_as_a_copy_is_used(tmp_path, names, used):
    from xlplan.portfolio.gather import settle_versions
    from xlplan.portfolio.rollup import PlanVersion

    paths = [tmp_path / name for name in names]
    for age, path in enumerate(reversed(paths)):  # the first name written last
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(b"plan")
        os.utime(path, (1e9 + age, 1e9 + age))
    if used == "first.xlsx":
        os.utime(paths[0], (1e8, 1e8))
    version = PlanVersion("P-1", "acme", AS_OF, "same bytes")

    kept, issues = settle_versions([(str(p), version) for p in paths])

    assert [str(paths[i]) for i in kept] == [str(tmp_path / used)]
    (issue,) = issues
    assert issue.code == "portfolio.identical_copy"
    assert issue.message == (
        f"Holds the same plan P-1, byte for byte, as {tmp_path / used}, which is used."
    )


def test_an_old_version_beside_a_copy_on_another_account_counts_once():
    from xlplan.portfolio.gather import settle_versions
    from xlplan.portfolio.rollup import PlanVersion

    files = [
        ("acme.xlsx", PlanVersion("P-1", "acme", AS_OF.replace(day=9), "new")),
        ("acme-v1.xlsx", PlanVersion("P-1", "acme", AS_OF.replace(day=1), "old")),
        ("globex.xlsx", PlanVersion("P-1", "globex", AS_OF.replace(day=1), "copy")),
    ]

    kept, issues = settle_versions(files)

    assert kept == [0, 2]
    assert sorted((i.file, i.code) for i in issues) == [
        ("acme-v1.xlsx", "portfolio.older_version"),
        ("acme.xlsx", "portfolio.copied_plan_id"),
        ("globex.xlsx", "portfolio.copied_plan_id"),
    ]


def _without_identity(content: bytes) -> bytes:
    """A plan's bytes with its plan id and account name blanked: two errors."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    for name in ("plan_id", "account_name"):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        book[sheet][ref.replace("$", "")].value = None
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_console_counts_files_not_errors(plans_dir, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    for name in ("halvorsen-logistics", "broken", "locked", "nameless"):
        shutil.copy(plans_dir / "halvorsen-logistics.xlsx", folder / f"{name}.xlsx")
    (folder / "broken.xlsx").write_bytes(b"not a workbook")
    (folder / "locked.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    nameless = folder / "nameless.xlsx"
    nameless.write_bytes(_without_identity(nameless.read_bytes()))

    result = CliRunner().invoke(
        main, ["rollup", str(folder), "-o", str(tmp_path / "p.xlsx"), "-j", "1"]
    )

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "  3 file(s) not rolled up (see the Issues sheet):" in lines
    assert sum("broken.xlsx" in line for line in lines) == 1
    assert ": 1 plan from 4 files, as of " in lines[0]
    (named,) = [line for line in lines if "nameless.xlsx" in line]
    assert named.endswith("(and 1 more)")


def _rollup(plans_dir: Path, *options: str) -> Result:
    return CliRunner().invoke(
        main, ["rollup", str(plans_dir), "-j", "1", "--as-of", "2026-06-15", *options]
    )


def test_every_existing_output_is_named_before_anything_is_written(
    rolled, plans_dir, tmp_path
):
    shutil.copytree(rolled / "csv", tmp_path / "out")
    workbook, out, json_file = (
        tmp_path / "e2.xlsx",
        tmp_path / "out",
        tmp_path / "o.json",
    )

    first = _rollup(
        plans_dir, "-o", str(workbook), "--csv", str(out), "--json", str(json_file)
    )

    assert first.exit_code == 1
    assert not workbook.exists() and not json_file.exists()
    assert f"{out / 'accounts.csv'}, {out / 'stakeholders.csv'}" in first.output
    assert f"{out / 'issues.csv'}." in first.output
    assert (
        "Pass --force to replace them, or choose another --csv folder." in first.output
    )

    json_file.write_text("{}")
    second = _rollup(
        plans_dir, "-o", str(workbook), "--csv", str(out), "--json", str(json_file)
    )

    assert second.exit_code == 1 and not workbook.exists()
    assert json_file.read_text() == "{}"
    assert f"{json_file}" in second.output and "output folder" not in second.output
    assert "choose another --csv folder or --json file." in second.output


def test_with_force_every_existing_output_is_replaced(rolled, plans_dir, tmp_path):
    shutil.copytree(rolled / "csv", tmp_path / "out")
    (tmp_path / "out" / "accounts.csv").write_text("old")
    for name in ("e2.xlsx", "o.json"):
        (tmp_path / name).write_text("old")

    result = _rollup(
        plans_dir,
        "-o",
        str(tmp_path / "e2.xlsx"),
        "--csv",
        str(tmp_path / "out"),
        "--json",
        str(tmp_path / "o.json"),
        "--force",
    )

    assert result.exit_code == 0, result.output
    assert len(_table(openpyxl.load_workbook(tmp_path / "e2.xlsx"), "Accounts")) == 12
    assert json.loads((tmp_path / "o.json").read_text())["totals"]["plans"] == 12
    with open(tmp_path / "out" / "accounts.csv", encoding="utf-8-sig") as stream:
        assert len(list(csv.DictReader(stream))) == 12


def test_existing_parquet_files_are_named_with_their_option(plans_dir, tmp_path):
    (tmp_path / "pq").mkdir()
    (tmp_path / "pq" / "issues.parquet").write_bytes(b"old")

    result = _rollup(
        plans_dir, "-o", str(tmp_path / "p.xlsx"), "--parquet", str(tmp_path / "pq")
    )

    assert result.exit_code == 1 and not (tmp_path / "p.xlsx").exists()
    assert f"{tmp_path / 'pq' / 'issues.parquet'} already exists." in result.output
    assert (
        "Pass --force to replace it, or choose another --parquet folder."
        in result.output
    )


def test_a_file_output_naming_a_folder_is_refused_before_reading(
    pack, plans_dir, tmp_path
):
    from xlplan.errors import OutputWriteError
    from xlplan.portfolio.service import RollupRequest, run_rollup

    (tmp_path / "somedir").mkdir()
    request = RollupRequest([plans_dir], tmp_path / "somedir", AS_OF)

    with pytest.raises(OutputWriteError) as refused:
        run_rollup(request, pack)

    assert str(tmp_path / "somedir" / "portfolio.xlsx") in refused.value.hint
    assert list((tmp_path / "somedir").iterdir()) == []


def test_an_export_folder_naming_a_file_is_refused_before_writing(
    pack, plans_dir, tmp_path
):
    from xlplan.errors import OutputWriteError
    from xlplan.portfolio.service import RollupRequest, run_rollup

    (tmp_path / "out.csv").write_text("old")
    request = RollupRequest(
        [plans_dir], tmp_path / "p.xlsx", AS_OF, csv_dir=tmp_path / "out.csv"
    )

    with pytest.raises(OutputWriteError, match="--csv names the folder"):
        run_rollup(request, pack)

    assert not (tmp_path / "p.xlsx").exists()


@pytest.mark.parametrize(
    "options",
    [
        ("--json", "p.xlsx"),
        ("--history", "p.xlsx"),
        ("--json", "./sub/../p.xlsx"),
    ],
)
def test_two_options_naming_one_file_are_refused_before_reading(
    plans_dir, tmp_path, monkeypatch, options
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()

    result = _rollup(plans_dir, "-o", "p.xlsx", *options, "--force")

    assert result.exit_code == 1
    assert f"-o and {options[0]} both name " in result.output
    assert "Give each output its own file." in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"]


def test_an_export_folder_named_as_another_output_file_is_refused(
    plans_dir, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)

    result = _rollup(
        plans_dir, "-o", "p.xlsx", "--history", "new.duckdb", "--csv", "new.duckdb"
    )

    assert result.exit_code == 1, result.output
    assert "--csv writes into" in result.output
    assert "which --history names as a file" in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("option", ["-o", "--json", "--csv", "--parquet"])
def test_an_output_below_a_file_is_refused_before_reading(
    plans_dir, tmp_path, monkeypatch, option
):
    monkeypatch.chdir(tmp_path)
    Path("notes.txt").write_text("mine")
    target = "notes.txt/out.xlsx" if option in ("-o", "--json") else "notes.txt/sub"
    options = ["-o", "p.xlsx", option, target] if option != "-o" else ["-o", target]

    result = _rollup(plans_dir, *options)

    assert result.exit_code == 1, result.output
    assert "notes.txt is a file, not a folder." in result.output
    assert f"Give {option} a path inside a folder." in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
    assert Path("notes.txt").read_text() == "mine"


@pytest.mark.parametrize("through", ["", "new/../"])
@pytest.mark.parametrize("option", ["-o", "--json"])
def test_no_output_replaces_a_plan_even_with_force(
    plans_dir, tmp_path, option, through
):
    plan = tmp_path / "halvorsen-logistics.xlsx"
    plan.write_bytes((plans_dir / plan.name).read_bytes())
    before = plan.read_bytes()
    others = ["-o", str(tmp_path / "p.xlsx")] if option != "-o" else []
    named = f"{tmp_path}/{through}{plan.name}"  # through a folder not made yet

    result = _rollup(plans_dir, *others, option, named, "--force")

    assert result.exit_code == 1
    assert f"{named} is a plan workbook; {option} would replace it." in result.output
    assert not (tmp_path / "new").exists()
    assert plan.read_bytes() == before
    assert not (tmp_path / "p.xlsx").exists()


@pytest.mark.parametrize(
    ("option", "example"),
    [
        ("-o", "portfolio.xlsx"),
        ("--json", "portfolio.json"),
        ("--history", "history.duckdb"),
    ],
)
@pytest.mark.parametrize("existing", [True, False])
def test_a_file_option_naming_a_folder_suggests_a_file_in_it(
    plans_dir, tmp_path, monkeypatch, option, example, existing
):
    monkeypatch.chdir(tmp_path)
    if existing:
        Path("somedir").mkdir()

    result = _rollup(plans_dir, "-o", "p.xlsx", option, "somedir/")

    assert result.exit_code == 2
    assert f"somedir/ names a folder; give a file name, such as somedir/{example}." in (
        result.output
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == (
        ["somedir"] if existing else []
    )


def test_a_folder_option_naming_a_file_is_refused(plans_dir, tmp_path):
    (tmp_path / "out.csv").write_text("old")

    for folder in ("out.csv", "out.csv/"):
        result = _rollup(
            plans_dir, "-o", str(tmp_path / "p.xlsx"), "--csv", str(tmp_path / folder)
        )

        assert result.exit_code == 2, result.output
        assert "is a file; give a folder to write the files into." in result.output
    assert not (tmp_path / "p.xlsx").exists()


def test_diff_output_naming_a_folder_is_refused(tmp_path):
    result = CliRunner().invoke(
        main, ["diff", str(tmp_path / "h.duckdb"), "-o", f"{tmp_path}/reviews/"]
    )

    assert result.exit_code == 2
    assert f"such as {tmp_path}/reviews/review.xlsx." in result.output


def test_a_portfolio_saved_among_the_plans_is_skipped_on_the_next_run(
    rolled, plans_dir, tmp_path
):
    folder = tmp_path / "plans"
    shutil.copytree(plans_dir, folder)
    shutil.copy(rolled / "portfolio.xlsx", folder / "q1.xlsx")
    output = folder / "portfolio.xlsx"

    for extra in ((), ("--force",)):
        result = _rollup(folder, "-o", str(output), "--strict", *extra)

        assert result.exit_code == 0, result.output
        assert "12 plans from 13 files" in result.output
        assert "not rolled up" not in result.output
        issues = _table(openpyxl.load_workbook(output), "Issues")
        skipped = [
            (Path(r["File"]).name, r["Severity"])
            for r in issues
            if r["Code"] == "file.xlplan_output"
        ]
        assert skipped == [("q1.xlsx", "info")]


def test_parquet_without_pyarrow_is_refused_before_anything_is_written(
    plans_dir, tmp_path, monkeypatch
):
    monkeypatch.setitem(sys.modules, "pyarrow", None)

    result = _rollup(
        plans_dir, "-o", str(tmp_path / "p.xlsx"), "--parquet", str(tmp_path / "pq")
    )

    assert result.exit_code == 1 and "pip install 'xlplan[data]'" in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_mistyped_path_or_an_empty_folder_is_refused_before_writing(
    plans_dir, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    Path("empty").mkdir()
    cases = {
        ("plnas/",): "Not found: plnas.",
        (
            str(plans_dir),
            "nowhere/*.xlsx",
        ): "Not found: nowhere/*.xlsx (matches nothing).",
        ("empty",): "No .xlsx or .xlsm workbooks in empty.",
    }
    for paths, said in cases.items():
        result = CliRunner().invoke(main, ["rollup", *paths, "-o", "p.xlsx"])
        assert result.exit_code == 1, result.output
        assert said in result.output and "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]


def test_globs_may_be_absolute_and_a_bracketed_file_name_is_no_glob(
    plans_dir, tmp_path
):
    plan = tmp_path / "halvorsen [v2].xlsx"
    plan.write_bytes((plans_dir / "halvorsen-logistics.xlsx").read_bytes())
    (tmp_path / "halvorsen 2.xlsx").write_bytes(b"matched by the brackets only")

    absolute = _rollup(Path(f"{plans_dir}/*.xlsx"), "-o", str(tmp_path / "a.xlsx"))
    bracketed = _rollup(plan, "-o", str(tmp_path / "b.xlsx"))

    assert absolute.exit_code == 0, absolute.output
    assert ": 12 plans from 12 files" in absolute.output
    assert bracketed.exit_code == 0, bracketed.output
    assert ": 1 plan from 1 file" in bracketed.output


@pytest.mark.parametrize("name", ["portfolio.csv", "portfolio"])
def test_the_portfolio_file_must_be_named_as_a_workbook(plans_dir, tmp_path, name):
    result = _rollup(plans_dir, "-o", str(tmp_path / name))

    assert result.exit_code == 2
    assert f"give a name ending in .xlsx, such as {tmp_path / 'portfolio.xlsx'}" in (
        result.output
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links need privileges")
def test_a_loop_of_links_among_the_plans_is_listed_not_raised(plans_dir, tmp_path):
    folder = tmp_path / "plans"
    folder.mkdir()
    plan = folder / "halvorsen-logistics.xlsx"
    plan.write_bytes((plans_dir / plan.name).read_bytes())
    (folder / "a.xlsx").symlink_to("b.xlsx")
    (folder / "b.xlsx").symlink_to("a.xlsx")

    result = _rollup(folder, "-o", str(tmp_path / "p.xlsx"))

    assert result.exit_code == 0, result.output
    assert ": 1 plan from 3 files" in result.output
    assert "a.xlsx: The file cannot be opened" in result.output
