"""The command line, run as a user would, in a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import openpyxl
import pytest
from click.testing import CliRunner

from xlplan.cli import main

HEAVY = (
    "xlsxwriter",
    "openpyxl",
    "pandas",
    "yaml",
    "jinja2",
    "pptx",
    "xlwings",
    "python_calamine",
)


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    found = []
    for name, command in group.commands.items():
        found.append((prefix + name, command))
        if isinstance(command, click.Group):
            found += _commands(command, prefix + name + " ")
    return found


def test_every_command_has_help_text():
    for name, command in _commands(main):
        assert command.help and len(command.help) > 20, name


def test_help_imports_no_heavy_library():
    code = (
        "import sys\nfrom xlplan.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        f"print('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "LOADED:"


def test_demo_builds_the_sample_portfolio(tmp_path):
    runner = CliRunner()
    result = runner.invoke(
        main, ["demo", str(tmp_path / "demo"), "--as-of", "2026-06-15"]
    )
    assert result.exit_code == 0, result.output
    plans = sorted((tmp_path / "demo" / "plans").glob("*.xlsx"))
    assert len(plans) >= 12
    for plan in plans:
        assert plan.stem in result.output
    book = openpyxl.load_workbook(plans[0])
    assert "Cover" in book.sheetnames
    portfolio = openpyxl.load_workbook(tmp_path / "demo" / "portfolio.xlsx")
    assert portfolio.sheetnames[0] == "Summary"
    assert "12 plans from 12 files" in result.output
    decks = sorted(p.name for p in (tmp_path / "demo" / "decks").glob("*.pptx"))
    assert len(decks) == 2 * len(plans)
    assert (
        f"{plans[0].stem}.pptx" in decks and f"{plans[0].stem}-internal.pptx" in decks
    )
    assert "Decks: 24 written" in result.output
    again = runner.invoke(main, ["demo", str(tmp_path / "demo")])
    assert again.exit_code == 1
    assert "holds an earlier demo" in again.output and "--force" in again.output
    # Plans gone, the portfolio and decks still there: nothing is written.
    for plan in plans:
        plan.unlink()
    third = runner.invoke(main, ["demo", str(tmp_path / "demo")])
    assert third.exit_code == 1 and "portfolio.xlsx" in third.output
    assert list((tmp_path / "demo" / "plans").glob("*.xlsx")) == []


def test_new_writes_one_plan_with_a_windows_safe_name(tmp_path):
    result = CliRunner().invoke(
        main, ["new", 'ACME: "EU"/Logistics?', "-o", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    (path,) = tmp_path.glob("*.xlsx")
    assert path.name == "ACME EU Logistics.xlsx"
    book = openpyxl.load_workbook(path)
    sheet, ref = next(iter(book.defined_names["account_name"].destinations))
    assert book[sheet][ref.replace("$", "")].value == 'ACME: "EU"/Logistics?'
    assert not list(tmp_path.glob(".*tmp"))


def test_new_refuses_to_overwrite_without_force(tmp_path):
    runner = CliRunner()
    assert runner.invoke(main, ["new", "Acme", "-o", str(tmp_path)]).exit_code == 0
    before = (tmp_path / "Acme.xlsx").read_bytes()
    refused = runner.invoke(main, ["new", "Acme", "-o", str(tmp_path)])
    assert refused.exit_code == 1
    assert (tmp_path / "Acme.xlsx").read_bytes() == before
    assert (
        runner.invoke(main, ["new", "Acme", "-o", str(tmp_path), "--force"]).exit_code
        == 0
    )


def test_new_needs_a_name_or_an_export(tmp_path):
    result = CliRunner().invoke(main, ["new", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "ACCOUNT" in result.output


CRM = (
    "Account Name,Industry,Annual Revenue,Employees,Billing Country,Account Owner,Segment\n"
    'Acme Logistics,Transport,"$12,500,000",1200,Germany,Maya Lindqvist,Key\n'
    "Borealis Bank,Banking,1.2M,300,Norway,Tomás Ferreira,Strategic\n"
    "CON,Utilities,,,,,Other\n"
)


def _crm_file(tmp_path: Path, text: str = CRM) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_new_from_a_crm_export_prefills_what_it_knows(tmp_path):
    out = tmp_path / "plans"
    result = CliRunner().invoke(
        main,
        [
            "new",
            "--accounts",
            str(_crm_file(tmp_path)),
            "-o",
            str(out),
            "--map",
            "Segment=account_tier",
        ],
    )
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in out.glob("*.xlsx"))
    assert names == ["Acme Logistics.xlsx", "Borealis Bank.xlsx", "_CON.xlsx"]
    book = openpyxl.load_workbook(out / "Acme Logistics.xlsx")

    def value(name):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        return book[sheet][ref.replace("$", "")].value

    assert value("industry") == "Transport"
    assert value("client_annual_revenue") == 12_500_000
    assert value("employees") == 1200
    assert value("hq_location") == "Germany"
    assert value("plan_owner") == "Maya Lindqvist"
    assert value("account_tier") == "Key"
    assert value("plan_status") == "Draft"
    team = book["Team"]
    assert team.cell(5, 3).value == "Maya Lindqvist"
    borealis = openpyxl.load_workbook(out / "Borealis Bank.xlsx")
    sheet, ref = next(
        iter(borealis.defined_names["client_annual_revenue"].destinations)
    )
    assert borealis[sheet][ref.replace("$", "")].value == 1_200_000


def test_a_bad_crm_value_names_file_row_and_column(tmp_path):
    bad = CRM.replace("300,Norway", "lots,Norway")
    result = CliRunner().invoke(
        main,
        [
            "new",
            "--accounts",
            str(_crm_file(tmp_path, bad)),
            "-o",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 1
    assert (
        "accounts.csv" in result.output
        and 'line 3, column "Employees"' in result.output
    )
    assert "lots" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_an_export_without_an_account_column_is_explained(tmp_path):
    path = _crm_file(tmp_path, "Firm;Sector\nAcme;Retail\n")
    result = CliRunner().invoke(
        main, ["new", "--accounts", str(path), "-o", str(tmp_path)]
    )
    assert result.exit_code == 1
    assert "no account name column" in result.output and "--map" in result.output
    mapped = CliRunner().invoke(
        main,
        [
            "new",
            "--accounts",
            str(path),
            "-o",
            str(tmp_path / "o"),
            "--map",
            "Firm=account_name",
            "--map",
            "Sector=industry",
        ],
    )
    assert mapped.exit_code == 0, mapped.output


def test_template_init_and_check(tmp_path):
    runner = CliRunner()
    target = tmp_path / "pack"
    assert runner.invoke(main, ["template", "init", str(target)]).exit_code == 0
    ok = runner.invoke(main, ["template", "check", str(target)])
    assert ok.exit_code == 0 and "valid" in ok.output
    (target / "brand.yaml").write_text("colors: {primary: blue}\n")
    bad = runner.invoke(main, ["template", "check", str(target)])
    assert bad.exit_code == 1
    assert "brand.yaml: colors.primary" in bad.output and "fix:" in bad.output


@pytest.mark.parametrize("args", [["new", "X", "--as-of", "tomorrow"], ["frobnicate"]])
def test_usage_mistakes_exit_2(args, tmp_path):
    assert (
        CliRunner()
        .invoke(main, [*args, "-o", str(tmp_path)] if args[0] == "new" else args)
        .exit_code
        == 2
    )


def test_a_new_plan_built_from_a_custom_pack_uses_its_lists(tmp_path):
    runner = CliRunner()
    pack = tmp_path / "pack"
    runner.invoke(main, ["template", "init", str(pack)])
    text = (
        (pack / "lists.yaml")
        .read_text()
        .replace(
            "offerings: [Core platform, Analytics, Integrations, Managed services, Training, Premium support]",
            "offerings: [Freight, Warehousing, Customs]",
        )
    )
    (pack / "lists.yaml").write_text(text)
    result = runner.invoke(
        main, ["new", "Acme", "-o", str(tmp_path / "o"), "--pack", str(pack)]
    )
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "o" / "Acme.xlsx")
    grid = book["Business units & white space"].tables["WhiteSpace"]
    table_headers = [col.name for col in grid.tableColumns]
    assert table_headers[1:4] == ["Freight", "Warehousing", "Customs"]


@pytest.mark.parametrize(
    "args",
    [
        ["new", "Acme", "--map", "A=industry"],
        ["new", "   "],
        ["new", "Acme", "--as-of", "1899-12-31"],
        ["new", "Acme", "--as-of", "1900-01-01"],  # Excel's days before March 1900
    ],
)
def test_more_usage_mistakes_exit_2(args, tmp_path):
    result = CliRunner().invoke(main, [*args, "-o", str(tmp_path)])
    assert result.exit_code == 2, result.output


def test_a_bad_map_is_a_usage_mistake(tmp_path):
    path = _crm_file(tmp_path)
    result = CliRunner().invoke(
        main,
        ["new", "--accounts", str(path), "--map", "Segment", "-o", str(tmp_path / "o")],
    )
    assert result.exit_code == 2
    assert "COLUMN=FIELD" in result.output


def test_an_output_path_that_is_a_file_is_refused_clearly(tmp_path):
    blocker = tmp_path / "plans"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(main, ["new", "Acme", "-o", str(blocker)])
    assert result.exit_code == 2
    assert "is a file" in result.output
    assert "Traceback" not in result.output


def test_written_workbooks_follow_the_umask(tmp_path):
    import os

    old = os.umask(0o022)
    try:
        assert (
            CliRunner().invoke(main, ["new", "Acme", "-o", str(tmp_path)]).exit_code
            == 0
        )
    finally:
        os.umask(old)
    assert (tmp_path / "Acme.xlsx").stat().st_mode & 0o777 == 0o644


def test_new_with_macros_writes_a_macro_enabled_plan_that_reads_back(tmp_path):
    import zipfile

    from xlplan.workbook.reader import read_plan

    result = CliRunner().invoke(main, ["new", "Acme", "-o", str(tmp_path), "--macros"])
    assert result.exit_code == 0, result.output
    (path,) = tmp_path.glob("*")
    assert path.name == "Acme.xlsm"
    with zipfile.ZipFile(path) as package:
        assert "xl/vbaProject.bin" in package.namelist()
    read = read_plan(path.read_bytes(), str(path))
    assert read.plan is not None and read.plan.value("plan", "account_name") == "Acme"


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX shell pipe")
def test_output_cut_short_by_its_reader_ends_quietly(tmp_path):
    script = tmp_path / "long.py"
    script.write_text(
        "import click\n"
        "from xlplan.cli._common import reports_errors\n"
        "@click.command()\n"
        "@reports_errors\n"
        "def long():\n"
        "    for n in range(100_000):\n"
        "        click.echo(f'line {n} of a long report')\n"
        "long()\n"
    )
    run = subprocess.run(
        f"'{sys.executable}' '{script}' | head -n 1; echo \"status ${{PIPESTATUS[0]}}\"",
        shell=True,
        executable="/bin/bash",
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        check=True,
    )
    assert run.stdout.splitlines() == ["line 0 of a long report", "status 141"]
    assert run.stderr == ""


def test_check_names_a_path_that_is_not_there(tmp_path):
    result = CliRunner().invoke(main, ["check", str(tmp_path / "acme.xlsx")])
    assert result.exit_code == 1
    assert f"Not found: {tmp_path / 'acme.xlsx'}." in result.output


def test_an_unexpected_error_is_one_line_and_a_report_not_a_traceback(
    tmp_path, monkeypatch
):
    from xlplan.cli._common import reports_errors

    @click.command()
    @reports_errors
    def broken() -> None:
        raise ValueError("day is out of range for month")

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.delenv("XLPLAN_DEBUG", raising=False)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    result = CliRunner().invoke(broken, [])

    assert result.exit_code == 70
    assert "Traceback" not in result.output
    assert (
        "xlplan stopped on a problem it did not expect "
        "(ValueError: day is out of range for month)." in result.output
    )
    (report,) = tmp_path.glob("xlplan-bug-*.txt")
    assert str(report) in result.output
    assert 'raise ValueError("day is out of range for month")' in report.read_text()

    monkeypatch.setenv("XLPLAN_DEBUG", "1")
    debug = CliRunner().invoke(broken, [])
    assert isinstance(debug.exception, ValueError)


def test_output_in_a_legacy_code_page_escapes_what_it_cannot_hold(tmp_path):
    made = CliRunner().invoke(main, ["new", "Rocket 🚀 Freight", "-o", str(tmp_path)])
    assert made.exit_code == 0, made.output
    (plan,) = tmp_path.glob("*.xlsx")

    run = subprocess.run(
        [sys.executable, "-m", "xlplan.cli", "check", str(plan)],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "cp1252"},
        check=False,
    )

    assert run.returncode in (0, 1), run.stderr
    assert b"Traceback" not in run.stderr
    assert b"\\U0001f680" in run.stdout
    as_json = subprocess.run(
        [sys.executable, "-m", "xlplan.cli", "check", str(plan), "--json"],
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "cp1252"},
        check=False,
    )
    (checked,) = json.loads(as_json.stdout.decode("cp1252"))["files"]
    assert "🚀" in checked["file"]


@pytest.mark.parametrize(
    "args",
    [
        ["rollup", "PLANS", "-o", ""],
        ["rollup", "PLANS", "-o", "p.xlsx", "--json", ""],
        ["rollup", "PLANS", "-o", "p.xlsx", "--history", ""],
        ["rollup", "PLANS", "-o", "p.xlsx", "--csv", " "],
        ["diff", "h.duckdb", "-o", ""],
        ["deck", "PLANS", "-o", ""],
    ],
)
def test_an_empty_output_name_is_a_usage_mistake(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "plans").mkdir()
    args = [str(tmp_path / "plans") if a == "PLANS" else a for a in args]

    result = CliRunner().invoke(main, args)

    assert result.exit_code == 2, result.output
    assert "give a" in result.output or "needs a deck file name" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plans"]


def test_check_reads_a_plan_named_twice_once(tmp_path):
    made = CliRunner().invoke(main, ["new", "Acme", "-o", str(tmp_path)])
    assert made.exit_code == 0, made.output
    plan = tmp_path / "Acme.xlsx"
    (tmp_path / "link.xlsx").symlink_to(plan)

    result = CliRunner().invoke(
        main, ["check", str(plan), str(tmp_path), str(tmp_path / "link.xlsx")]
    )

    assert "1 file(s) checked" in result.output, result.output


def test_check_names_a_loop_of_links_as_unopenable_not_missing(tmp_path):
    loop = tmp_path / "x.xlsx"
    loop.symlink_to("x.xlsx")
    result = CliRunner().invoke(main, ["check", str(loop)])
    assert result.exit_code == 1
    assert "cannot be opened" in result.output and "Not found" not in result.output
