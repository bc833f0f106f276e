"""Reading plans back: round trips, messy values, engines, bad files, corpus."""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from tests.conftest import AS_OF, CORPUS, requires_libreoffice
from tests.workbook.plans import build_all, sample_plans
from xlplan.cli import main
from xlplan.core.portfolio import account_row
from xlplan.model.issues import Severity
from xlplan.model.pack import SectionKind
from xlplan.workbook.build import build_plan_workbook, with_default_rows
from xlplan.workbook.inputs import PlanInput, to_plan
from xlplan.workbook.reader import SOURCE_ROW, read_plan

DEFAULTED = {"acceptance", "client_visible", "about_relationship", "review_cadence"}


@pytest.fixture(scope="module")
def built(pack):
    return build_all(pack)


def _codes(read) -> list[str]:
    return [issue.code for issue in read.issues]


def test_every_sample_reads_back_as_built(pack, built):
    # edge-messy holds text a rep meant as numbers; the reader reads what was
    # meant, where the workbook's own formulas see text (tested separately).
    for name, (raw, result) in built.items():
        if name == "edge-messy":
            continue
        read = read_plan(result.content, name)
        assert read.plan is not None, read.issues
        expected = to_plan(pack, with_default_rows(pack, raw), AS_OF)
        assert read.plan.as_of == AS_OF
        for section in pack.sections:
            if section.kind is SectionKind.SINGLE:
                got, want = (
                    read.plan.records[section.key],
                    expected.records[section.key],
                )
                for spec in section.input_fields:
                    if spec.name not in DEFAULTED and spec.name != "as_of":
                        assert got.get(spec.name) == want.get(spec.name), (
                            name,
                            spec.name,
                        )
            elif section.kind is SectionKind.TABLE:
                want_rows = [
                    r
                    for r in expected.rows(section.key)
                    if any(v is not None for v in r.values())
                ]
                got_rows = read.plan.rows(section.key)
                assert len(got_rows) == len(want_rows), (name, section.key)
                for got, want in zip(got_rows, want_rows, strict=True):
                    for key, value in want.items():
                        if key not in DEFAULTED:
                            assert got.get(key) == value, (name, section.key, key)


def test_white_space_grid_reads_as_rows(built):
    read = read_plan(built["halvorsen-logistics"][1].content)
    cells = read.plan.rows("white_space")
    assert cells and {"business_unit", "offering", "state"} <= set(cells[0])
    assert any(c["state"] == "In use" for c in cells)


def test_fast_reader_and_openpyxl_fallback_agree(built):
    for name, (_, result) in built.items():
        fast = read_plan(result.content, name)
        slow = read_plan(result.content, name, engine="openpyxl")
        assert fast.plan == slow.plan, name
        assert [str(i) for i in fast.issues] == [str(i) for i in slow.issues], name


def test_both_engines_decode_excel_escapes_in_text(pack):
    """Excel stores Alt+Enter's vertical tab as _x000B_; both engines decode it."""
    raw = PlanInput(records={"plan": {"account_name": "North"}}, as_of=AS_OF)
    book = openpyxl.load_workbook(
        io.BytesIO(build_plan_workbook(pack, raw, today=AS_OF).content)
    )
    sheet, cell = next(iter(book.defined_names["account_name"].destinations))
    book[sheet][cell.replace("$", "")] = "North_x000B_South"
    buffer = io.BytesIO()
    book.save(buffer)
    fast = read_plan(buffer.getvalue(), "escapes.xlsx")
    slow = read_plan(buffer.getvalue(), "escapes.xlsx", engine="openpyxl")
    assert fast.plan.value("plan", "account_name") == "North\x0bSouth"
    assert slow.plan.value("plan", "account_name") == "North\x0bSouth"


def test_deliberate_sample_typos_are_reported_with_their_cell(built):
    read = read_plan(built["corvane-retail"][1].content, "corvane.xlsx")
    by_code = {(i.code, i.sheet, i.cell): i for i in read.issues}
    assert ("value.not_a_number", "Profile", "C29") in by_code
    typo = next(i for i in read.issues if "Suporter" in i.message)
    assert "Did you mean 'Supporter'" in typo.message and typo.sheet == "Stakeholders"
    assert any(
        i.code == "value.unknown_reference" and "Marcus Delany" in i.message
        for i in read.issues
    )
    assert any(i.code == "data.done_without_date" for i in read.issues)
    assert all(i.file == "corvane.xlsx" for i in read.issues)


def _edited(pack, edit) -> bytes:
    raw = PlanInput(
        records={"plan": {"account_name": "Messy Co", "plan_status": "Active"}},
        tables={"stakeholders": [{"name": "Ann Lee"}], "team": [{"name": "Bo Rep"}]},
        as_of=AS_OF,
    )
    book = openpyxl.load_workbook(
        io.BytesIO(build_plan_workbook(pack, raw, today=AS_OF).content)
    )
    edit(book)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _table_cell(book, sheet_name: str, row_offset: int, label: str, table_name=None):
    """The cell of column ``label`` in the ``row_offset``-th data row of the sheet's table."""
    sheet = book[sheet_name]
    table = sheet.tables[table_name or sheet_name.replace(" ", "")]
    low_col, low_row, _, _ = openpyxl.utils.cell.range_boundaries(table.ref)
    names = [c.name for c in table.tableColumns]
    return sheet.cell(low_row + row_offset, low_col + names.index(label))


def _set(book, name: str, value) -> None:
    sheet, ref = next(iter(book.defined_names[name].destinations))
    book[sheet][ref.replace("$", "")].value = value


def test_messy_values_read_as_meant(pack):
    def edit(book):
        _set(book, "revenue_current", "$1.2M")
        _set(book, "revenue_prior", "1,200")
        _set(book, "gross_margin_pct", "45%")
        _set(book, "estimated_wallet", "TBD")
        _set(book, "client_since", "2024-03-31")
        _set(book, "contract_end_date", 46387)  # a serial number typed into a date cell
        _set(book, "reference_customer", "yes")
        _set(book, "relationship_strength", "good")
        _set(book, "industry", "007")
        _set(book, "hq_location", "NA")
        _set(book, "employees", "#N/A")
        book["Profile"]["C9"].data_type = "e"

    read = read_plan(_edited(pack, edit))
    profile = read.plan.records["profile"]
    assert profile["revenue_current"] == 1_200_000
    assert profile["revenue_prior"] == 1200
    assert profile["gross_margin_pct"] == pytest.approx(0.45)
    assert profile["estimated_wallet"] is None
    assert profile["client_since"] == dt.date(2024, 3, 31)
    assert profile["contract_end_date"] == dt.date(2026, 12, 31)
    assert profile["reference_customer"] is True
    assert profile["relationship_strength"] == "Good"
    assert profile["industry"] == "007" and profile["hq_location"] == "NA"
    codes = _codes(read)
    assert "value.number_as_text" in codes and "value.not_a_number" in codes
    assert "value.date_as_text" in codes


@pytest.mark.parametrize(
    ("typed", "kept"), [("EURO", "EURO"), ("eur", "EUR"), ("", None)]
)
def test_a_currency_not_in_the_list_is_kept_so_its_money_is_not_taken_as_base(
    pack, rules, typed, kept
):
    def edit(book):
        _set(book, "currency", typed or None)
        _set(book, "revenue_current", 1000)

    read = read_plan(_edited(pack, edit))
    assert read.plan.value("plan", "currency") == kept
    row = account_row(read.plan, rules, pack.rates)
    if typed == "EURO":
        (issue,) = [i for i in read.issues if i.code == "value.not_in_list"]
        assert "Did you mean 'EUR'?" in issue.message
        assert "rollups leave this plan's money blank" in issue.message
        assert row.values["revenue_current"] is None and "DATA_ERROR" in row.flags
    else:
        rate = pack.rates.rates[kept or pack.rates.base]
        assert row.values["revenue_current"] == pytest.approx(1000 * rate)
        assert "DATA_ERROR" not in row.flags


def test_typed_figures_out_of_range_are_named_and_not_summed(pack, rules):
    """A slip of the keyboard must not reach the portfolio's sums."""
    samples = sample_plans(pack)
    book = openpyxl.load_workbook(
        io.BytesIO(
            build_plan_workbook(
                pack, samples["halvorsen-logistics"], today=AS_OF
            ).content
        )
    )
    typed = {
        (1, "Estimated value"): -5_000_000,  # negative money
        (2, "Estimated value"): 1e308,  # two of these overflow a sum
        (3, "Estimated value"): 1e308,
        (1, "Probability"): 55,  # a percentage typed as a number
        (2, "Probability"): 550,
    }
    for (line, label), value in typed.items():
        _table_cell(book, "Opportunities", line, label).value = value
    buffer = io.BytesIO()
    book.save(buffer)

    read = read_plan(buffer.getvalue())

    rows = read.plan.rows("opportunities")
    assert [r["estimated_value"] for r in rows[:3]] == [None, None, None]
    assert rows[0]["probability"] == pytest.approx(0.55)
    assert rows[1]["probability"] is None
    said = {(i.cell, i.code): i.message for i in read.issues}
    assert "is negative; read as blank" in said[("I5", "value.negative_money")]
    assert "is out of range" in said[("I6", "value.out_of_range")]
    assert said[("J5", "value.percent_as_number")] == "Probability: 55 read as 55%."
    assert "is over 100%" in said[("J6", "value.out_of_range")]
    row = account_row(read.plan, rules, pack.rates)
    assert math.isfinite(row.values["pipeline"])
    assert row.values["weighted_pipeline"] <= row.values["pipeline"]


def test_a_misspelt_name_is_offered_its_match_and_a_blank_list_value_its_choices(
    pack,
):
    def edit(book):
        _table_cell(book, "Stakeholders", 1, "Reports to").value = "Anne Lee"
        _set(book, "account_tier", None)

    read = read_plan(_edited(pack, edit))

    said = {i.code: i for i in read.issues}
    assert said["value.unknown_reference"].message.endswith(
        "'Anne Lee' names nobody on sheet 'Stakeholders'. Did you mean 'Ann Lee'?"
    )
    tier = said["value.required"]
    assert tier.message == "Account tier is required but blank."
    assert tier.hint == f"Pick one of: {', '.join(pack.lists['account_tier'])}."


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        # calamine reads a negative serial in a date cell as a time of day
        (
            -5,
            "the cell holds a time of day, or a date Excel cannot show (before 1900).",
        ),
        (
            3_000_000,
            "the cell holds the number 3,000,000, which is no date Excel can show.",
        ),
        ("soon", "the cell holds 'soon', which is not a date."),
    ],
)
def test_a_date_cell_that_holds_no_date_says_what_it_holds(pack, typed, said):
    read = read_plan(_edited(pack, lambda book: _set(book, "client_since", typed)))
    (issue,) = [i for i in read.issues if i.code == "value.not_a_date"]
    assert issue.message == f"Client since: {said}"


def test_client_text_that_names_a_competitor_the_deck_hides_is_named(pack):
    def edit(book):
        rows = [
            ("Rivalco", "Our competitor at this account"),
            ("Shopmart", "Client's competitor"),
        ]
        for offset, (name, perspective) in enumerate(rows, start=1):
            sheet = "Competitors & Five Forces"
            _table_cell(book, sheet, offset, "Name", "Competitors").value = name
            _table_cell(
                book, sheet, offset, "Perspective", "Competitors"
            ).value = perspective
        _set(
            book, "summary_overview", "Win back shelf space from RIVALCO and Shopmart."
        )
        for offset, (step, shown) in enumerate(
            (
                ("Out-pitch Rivalco at the QBR", False),
                ("Demo for Rivalco's old users", True),
            ),
            start=1,
        ):
            _table_cell(book, "Actions", offset, "Action step").value = step
            _table_cell(book, "Actions", offset, "Client visible").value = shown

    read = read_plan(_edited(pack, edit))

    named = [i for i in read.issues if i.code == "data.competitor_in_client_text"]
    assert [(i.sheet, i.message.split(",")[0]) for i in named] == [
        ("Cover", "Summary overview names Rivalco"),
        ("Actions", "Action step names Rivalco"),
    ]
    assert named[1].cell == _table_cell_ref(pack, "Actions", 2, "Action step")


def _table_cell_ref(pack, sheet: str, offset: int, label: str) -> str:
    book = openpyxl.load_workbook(io.BytesIO(_edited(pack, lambda book: None)))
    return _table_cell(book, sheet, offset, label).coordinate


def test_a_sheet_the_names_point_to_that_is_gone_is_named(pack):
    def edit(book):
        del book["Cover"]

    read = read_plan(_edited(pack, edit))

    (issue,) = read.issues
    assert issue.code == "structure.sheet_missing"
    assert "no sheet 'Cover'" in issue.message and "Rename the sheet back" in issue.hint


def test_a_sheet_saved_as_utf16_is_named_not_read_as_empty(pack):
    def as_utf16(xml: bytes) -> bytes:
        return (
            xml.decode()
            .replace('encoding="UTF-8"', 'encoding="UTF-16"')
            .encode("utf-16")
        )

    read = read_plan(_without_stakeholder_ids(pack, as_utf16))

    (issue,) = read.issues
    assert issue.code == "file.unreadable_sheet" and read.plan is None
    assert "Sheet 'Stakeholders' is saved as UTF-16 text" in issue.message


def test_an_excel_error_is_kept_apart_from_a_blank(pack):
    def edit(book):
        sheet, ref = next(iter(book.defined_names["employees"].destinations))
        cell = book[sheet][ref.replace("$", "")]
        cell.value = "#DIV/0!"
        cell.data_type = "e"

    read = read_plan(_edited(pack, edit))
    error = next(i for i in read.issues if i.code == "value.excel_error")
    assert "#DIV/0!" in error.message and error.sheet == "Profile"
    assert read.plan.records["profile"]["employees"] is None


def test_rows_typed_just_below_a_table_are_read_and_reported(pack):
    def edit(book):
        sheet = book["Stakeholders"]
        table = sheet.tables["Stakeholders"]
        last_row = openpyxl.utils.cell.range_boundaries(table.ref)[3]
        sheet.cell(last_row + 1, 3).value = "Late Larry"

    read = read_plan(_edited(pack, edit))
    names = [r["name"] for r in read.plan.rows("stakeholders")]
    assert names == ["Ann Lee", "Late Larry"]
    assert "structure.row_below_table" in _codes(read)


def test_a_formula_typed_over_is_reported_as_disagreeing(pack):
    read = read_plan(_edited(pack, lambda book: _set(book, "engaged_contacts", 7)))
    stale = [i for i in read.issues if i.code == "value.stale_result"]
    assert stale and "Engaged contacts" in stale[0].message


def test_a_date_formula_typed_over_with_a_number_past_9999_is_reported(pack):
    # Excel shows ##### for such a serial; comparing it once crashed the reader.
    raw = PlanInput(
        records={"plan": {"account_name": "Late Co", "plan_status": "Active"}},
        tables={
            "reviews": [{"date": dt.date(2026, 3, 2), "review_type": "Internal"}],
            "team": [{"name": "Bo Rep"}],
        },
        as_of=AS_OF,
    )
    book = openpyxl.load_workbook(
        io.BytesIO(build_plan_workbook(pack, raw, today=AS_OF).content)
    )
    _set(book, "next_review_due", 3e6)
    buffer = io.BytesIO()
    book.save(buffer)
    read = read_plan(buffer.getvalue())
    assert read.plan is not None
    stale = [i for i in read.issues if i.code == "value.stale_result"]
    assert stale and "Next review due: the workbook shows" in stale[0].message


def test_a_plan_whose_schema_was_edited_under_the_same_hash_gets_its_own_pack(pack):
    raw = PlanInput(records={"plan": {"account_name": "Own Pack Co"}}, as_of=AS_OF)
    content = build_plan_workbook(pack, raw, today=AS_OF).content
    first = read_plan(content)
    book = openpyxl.load_workbook(io.BytesIO(content))
    for key, value in book["_xlplan"].iter_rows(max_col=2):
        if key.value == "schema_1":
            value.value = value.value.replace('"help": "', '"help": "Edited: ', 1)
    buffer = io.BytesIO()
    book.save(buffer)

    second = read_plan(buffer.getvalue())
    assert second.meta["pack_hash"] == first.meta["pack_hash"]
    helps = lambda read: [f.help for s in read.pack.sections for f in s.fields]  # noqa: E731
    assert not any(h.startswith("Edited: ") for h in helps(first))
    assert any(h.startswith("Edited: ") for h in helps(second))


def test_a_deleted_sheet_or_table_is_reported_not_fatal(pack):
    read = read_plan(_edited(pack, lambda book: book.remove(book["KPIs"])), "p.xlsx")
    assert read.plan is not None
    missing = [i for i in read.issues if i.code == "structure.table_missing"]
    assert missing and "KPIs" in missing[0].message


def test_a_deleted_team_sheet_is_one_error_not_one_warning_per_name(pack):
    content = build_plan_workbook(
        pack, sample_plans(pack)["corvane-retail"], today=AS_OF
    ).content
    book = openpyxl.load_workbook(io.BytesIO(content))
    book.remove(book["Team"])
    buffer = io.BytesIO()
    book.save(buffer)
    read = read_plan(buffer.getvalue(), "p.xlsx")
    missing = [i for i in read.issues if i.code == "structure.table_missing"]
    assert [i.severity for i in missing] == [Severity.ERROR]
    unknown = [i for i in read.issues if i.code == "value.unknown_reference"]
    assert not [i for i in unknown if "sheet 'Team'" in i.message]
    assert unknown  # the sample's misspelt manager is still found


def _zip(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in parts.items():
            package.writestr(name, data)
    return buffer.getvalue()


BAD_FILES = {
    "not a zip": (b"Account,Owner\nAcme,Ann\n", "file.not_a_workbook"),
    "lock file": (b"\x05Maya Lindqvist" + b" " * 40, "file.not_a_workbook"),
    "legacy xls": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 600
        + "Workbook".encode("utf-16-le"),
        "file.legacy_xls",
    ),
    "encrypted": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 600
        + "EncryptedPackage".encode("utf-16-le"),
        "file.encrypted",
    ),
    "word file": (_zip({"word/document.xml": b"<w/>"}), "file.not_a_workbook"),
    "opendocument": (
        _zip(
            {
                "mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                "content.xml": b"<office:document-content/>",
            }
        ),
        "file.opendocument",
    ),
    "zip bomb": (
        _zip({"xl/workbook.xml": b"<a/>", "xl/big.xml": b"\0" * (300 * 2**20)}),
        "file.zip_bomb",
    ),
    "xml bomb": (
        _zip(
            {
                "xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
            }
        ),
        "file.xml_bomb",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_get_a_clear_error(case):
    content, code = BAD_FILES[case]
    read = read_plan(content, f"{case}.xlsx")
    assert read.plan is None
    (issue,) = read.issues
    assert issue.code == code and issue.severity is Severity.ERROR
    assert issue.file == f"{case}.xlsx" and issue.hint


def test_a_truncated_workbook(built):
    content = built["halvorsen-logistics"][1].content
    read = read_plan(content[: len(content) // 2], "cut.xlsx")
    assert read.plan is None and read.issues[0].code in (
        "file.corrupt_zip",
        "file.bad_xml",
    )


def test_an_oversized_file_names_the_limit(monkeypatch):
    from xlplan.workbook import package

    monkeypatch.setattr(package, "MAX_FILE_BYTES", 1000)
    read = read_plan(b"PK" + b"\0" * 2000, "big.xlsx")
    assert read.issues[0].code == "file.too_large" and "limit" in read.issues[0].message


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not present")
@pytest.mark.parametrize("engine", ["calamine", "openpyxl"])
def test_every_real_world_workbook_gets_a_clear_message(engine):
    files = sorted((CORPUS / "xlsx").glob("*.xls*"))
    assert len(files) >= 15
    for path in files:
        read = read_plan(path.read_bytes(), path.name, engine=engine)
        assert read.plan is None, path.name
        (issue,) = read.issues
        assert issue.code == "file.not_a_plan", (path.name, issue)
        assert issue.file == path.name and "xlplan new" in issue.hint


def test_check_command_groups_issues_and_goes_on_past_bad_files(built, tmp_path):
    for name in ("corvane-retail", "halvorsen-logistics"):
        (tmp_path / f"{name}.xlsx").write_bytes(built[name][1].content)
    (tmp_path / "broken.xlsx").write_bytes(b"junk")
    (tmp_path / "~$halvorsen-logistics.xlsx").write_bytes(b"lock")
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert "broken.xlsx (not read): 1 error" in result.output
    assert (
        "Suporter" in result.output
        and "halvorsen-logistics.xlsx (HALV-FY27): no issues" in result.output
    )
    assert "~$" not in result.output
    clean = CliRunner().invoke(
        main, ["check", str(tmp_path / "halvorsen-logistics.xlsx")]
    )
    assert clean.exit_code == 0


def test_check_json_shape(built, tmp_path):
    path = tmp_path / "corvane.xlsx"
    path.write_bytes(built["corvane-retail"][1].content)
    result = CliRunner().invoke(main, ["check", str(path), "--json"])
    data = json.loads(result.output)
    assert data["version"] == 1
    (entry,) = data["files"]
    assert entry["plan_id"] == "CORV-2027H1"
    issue = entry["issues"][0]
    assert set(issue) == {
        "code",
        "severity",
        "file",
        "sheet",
        "cell",
        "message",
        "hint",
    }


def test_fix_ids_fills_missing_ids_once(built, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(built["halvorsen-logistics"][1].content)
    first = CliRunner().invoke(main, ["check", str(path), "--fix-ids"])
    assert first.exit_code == 0 and "filled" in first.output
    read = read_plan(path.read_bytes())
    assert all(row["id"] for row in read.plan.rows("stakeholders"))
    ids = [row["id"] for row in read.plan.rows("actions")]
    assert len(set(ids)) == len(ids)
    values = openpyxl.load_workbook(path, data_only=True)
    sheet, ref = next(iter(values.defined_names["health"].destinations))
    assert values[sheet][ref.replace("$", "")].value is not None, (
        "cached results survive"
    )
    second = CliRunner().invoke(main, ["check", str(path), "--fix-ids"])
    assert "filled" not in second.output
    assert [r["id"] for r in read_plan(path.read_bytes()).plan.rows("actions")] == ids


def _without_stakeholder_ids(pack, rewrite) -> bytes:
    """Halvorsen's plan, stakeholders without ids, its Stakeholders sheet XML rewritten."""
    raw = sample_plans(pack)["halvorsen-logistics"]
    for row in raw.tables["stakeholders"]:
        row.pop("id", None)
    content = build_plan_workbook(pack, raw, today=AS_OF).content
    part = "xl/worksheets/sheet4.xml"  # Stakeholders; ids in column B from row 5
    source = zipfile.ZipFile(io.BytesIO(content))
    assert b'<c r="B5" s="13"/>' in source.read(part)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, rewrite(data) if info.filename == part else data)
    return buffer.getvalue()


def _prefixed(xml: bytes) -> bytes:
    """The same sheet with its main namespace bound to the prefix ``x:``."""
    text = xml.decode()
    text = re.sub(r"<(/?)(?!\?)([A-Za-z]+[ >/])", r"<\1x:\2", text)
    text = text.replace(
        'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
        'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
    )
    return text.encode()


ID_CELL_SHAPES = {
    "a typed space": lambda x: x.replace(
        b'<c r="B5" s="13"/>',
        b'<c r="B5" s="13" t="inlineStr"><is><t xml:space="preserve"> </t></is></c>',
    ),
    "single quotes": lambda x: x.replace(b'<c r="B5" s="13"/>', b"<c r='B5' s='13'/>"),
    "an error value": lambda x: x.replace(
        b'<c r="B5" s="13"/>', b'<c r="B5" s="13" t="e"><v>#N/A</v></c>'
    ),
    "no cell at all": lambda x: x.replace(b'<c r="B5" s="13"/>', b""),
    "prefixed elements": _prefixed,
}


@pytest.mark.parametrize("shape", ID_CELL_SHAPES.values(), ids=ID_CELL_SHAPES)
def test_fix_ids_writes_each_id_into_one_cell_whatever_the_sheet_xml(
    pack, tmp_path, shape
):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(_without_stakeholder_ids(pack, shape))

    result = CliRunner().invoke(main, ["check", str(path), "--fix-ids"])

    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    rows = read_plan(path.read_bytes()).plan.rows("stakeholders")
    assert all(str(row["id"]).startswith("STA-") for row in rows)
    sheet = zipfile.ZipFile(path).read("xl/worksheets/sheet4.xml").decode()
    cells = re.findall(r"<(?:x:)?c r=[\"']B5[\"']([^>]*)>", sheet)
    assert len(cells) == 1
    assert "s=" in cells[0] or shape is ID_CELL_SHAPES["no cell at all"]
    book = openpyxl.load_workbook(path)  # a reader that checks the XML
    assert str(book["Stakeholders"]["B5"].value).startswith("STA-")


def test_fix_ids_leaves_an_id_formula_alone_and_writes_through_a_link(pack, tmp_path):
    formula = _without_stakeholder_ids(
        pack,
        lambda x: x.replace(
            b'<c r="B5" s="13"/>', b'<c r="B5" s="13" t="str"><f>""</f><v></v></c>'
        ),
    )
    original = tmp_path / "shared" / "plan.xlsx"
    original.parent.mkdir()
    original.write_bytes(formula)
    link = tmp_path / "plan.xlsx"
    link.symlink_to(original)

    result = CliRunner().invoke(main, ["check", str(link), "--fix-ids"])

    assert result.exit_code == 0, result.output
    assert link.is_symlink()
    sheet = zipfile.ZipFile(original).read("xl/worksheets/sheet4.xml").decode()
    assert '<c r="B5" s="13" t="str"><f>""</f>' in sheet
    assert re.search(r'<c r="B6" s="13" t="inlineStr"><is><t>STA-', sheet)


@requires_libreoffice
@pytest.mark.libreoffice
def test_a_plan_saved_again_by_libreoffice_reads_as_before(built, tmp_path):
    from tests.libreoffice import recalculate

    path = tmp_path / "halvorsen.xlsx"
    path.write_bytes(built["halvorsen-logistics"][1].content)
    (saved,) = recalculate([path], tmp_path / "lo")
    before = read_plan(path.read_bytes())
    after = read_plan(saved.read_bytes())
    assert after.plan is not None, after.issues
    strip = lambda plan: {
        k: [{f: v for f, v in r.items() if f != SOURCE_ROW} for r in rows]  # noqa: E731
        for k, rows in plan.tables.items()
    }
    assert after.plan.records == before.plan.records
    assert strip(after.plan) == strip(before.plan)
    assert [i.code for i in after.issues] == [i.code for i in before.issues]


def _excel_like_insert_rows(book, sheet_name: str, before: int, count: int) -> None:
    """Insert rows as Excel does: cells, tables and defined names on the sheet move down."""
    sheet = book[sheet_name]
    sheet.insert_rows(before, count)
    for table in sheet.tables.values():
        low_col, low_row, high_col, high_row = openpyxl.utils.cell.range_boundaries(
            table.ref
        )
        if low_row >= before:
            low_row += count
            high_row += count
        table.ref = (
            f"{openpyxl.utils.get_column_letter(low_col)}{low_row}:"
            f"{openpyxl.utils.get_column_letter(high_col)}{high_row}"
        )
        if table.autoFilter is not None:
            table.autoFilter.ref = table.ref
    for name in list(book.defined_names):
        defined = book.defined_names[name]
        moved = []
        for dest_sheet, ref in defined.destinations:
            if dest_sheet == sheet_name:
                low_col, low_row, high_col, high_row = (
                    openpyxl.utils.cell.range_boundaries(ref.replace("$", ""))
                )
                if low_row >= before:
                    low_row, high_row = low_row + count, high_row + count
                ref = (
                    openpyxl.utils.quote_sheetname(dest_sheet)
                    + "!"
                    + openpyxl.utils.cell.absolute_coordinate(
                        f"{openpyxl.utils.get_column_letter(low_col)}{low_row}:"
                        f"{openpyxl.utils.get_column_letter(high_col)}{high_row}"
                        if (low_col, low_row) != (high_col, high_row)
                        else f"{openpyxl.utils.get_column_letter(low_col)}{low_row}"
                    )
                )
                moved.append(ref)
        if moved:
            defined.attr_text = ",".join(moved)


def _swap_table_columns(sheet, table_name: str, first: str, second: str) -> None:
    """Reorder two columns of a table: cells and header names move together."""
    table = sheet.tables[table_name]
    low_col, low_row, _high_col, high_row = openpyxl.utils.cell.range_boundaries(
        table.ref
    )
    names = [c.name for c in table.tableColumns]
    a, b = low_col + names.index(first), low_col + names.index(second)
    for row in range(low_row, high_row + 1):
        cell_a, cell_b = sheet.cell(row, a), sheet.cell(row, b)
        cell_a.value, cell_b.value = cell_b.value, cell_a.value
    columns = list(table.tableColumns)
    ia, ib = names.index(first), names.index(second)
    columns[ia].name, columns[ib].name = columns[ib].name, columns[ia].name
    # Computed columns keep their formulas in the table part: clear them so the
    # swap stays a pure move of the data, as Excel does when a user drags a column.
    for column in columns:
        column.calculatedColumnFormula = None


def test_inserted_rows_and_reordered_columns_do_not_matter(built):
    content = built["halvorsen-logistics"][1].content
    before = read_plan(content)
    book = openpyxl.load_workbook(io.BytesIO(content))
    _excel_like_insert_rows(book, "Profile", 4, 3)
    _excel_like_insert_rows(book, "Stakeholders", 2, 5)
    _swap_table_columns(book["Stakeholders"], "Stakeholders", "Title", "Buying role")
    _swap_table_columns(book["Actions"], "Actions", "Progress", "Responsible")
    buffer = io.BytesIO()
    book.save(buffer)
    after = read_plan(buffer.getvalue())
    assert after.plan is not None, after.issues
    assert after.plan.records == before.plan.records
    for key in ("stakeholders", "actions"):
        strip = [
            {k: v for k, v in r.items() if k != SOURCE_ROW}
            for r in after.plan.rows(key)
        ]
        assert strip == [
            {k: v for k, v in r.items() if k != SOURCE_ROW}
            for r in before.plan.rows(key)
        ]


def test_a_plan_saved_in_the_1904_date_system(pack):
    def edit(book):
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        book.epoch = CALENDAR_MAC_1904
        _set(book, "client_since", dt.datetime(2020, 5, 17))
        _set(book, "contract_end_date", 44000)  # a bare serial: 1904 system

    read = read_plan(_edited(pack, edit))
    profile = read.plan.records["profile"]
    assert profile["client_since"] == dt.date(2020, 5, 17)
    assert profile["contract_end_date"] == dt.date(1904, 1, 1) + dt.timedelta(
        days=44000
    )


def test_defaults_fill_blank_cells_that_depend_on_another(pack):
    def edit(book):
        _table_cell(book, "Actions", 1, "Action step").value = "Kick-off"
        _table_cell(book, "Actions", 1, "Outside stakeholders").value = "Ann Lee"
        _table_cell(book, "Actions", 2, "Action step").value = "Internal prep"

    read = read_plan(_edited(pack, edit))
    kickoff, prep = read.plan.rows("actions")
    assert (kickoff["acceptance"], kickoff["client_visible"]) == ("Proposed", True)
    assert (prep["acceptance"], prep["client_visible"]) == ("Not needed", False)


def test_duplicate_ranks_and_reporting_loops_are_reported(pack):
    def edit(book):
        _table_cell(book, "Stakeholders", 1, "Reports to").value = "Cy Cle"
        _table_cell(book, "Stakeholders", 2, "Name").value = "Cy Cle"
        _table_cell(book, "Stakeholders", 2, "Reports to").value = "Ann Lee"
        for offset, title in ((1, "Grow"), (2, "Save")):
            _table_cell(book, "Objectives", offset, "Title").value = title
            _table_cell(book, "Objectives", offset, "Priority rank").value = 1

    read = read_plan(_edited(pack, edit))
    loop = next(i for i in read.issues if i.code == "data.cycle")
    assert (
        "Ann Lee -> Cy Cle -> Ann Lee" in loop.message and loop.sheet == "Stakeholders"
    )
    rank = next(i for i in read.issues if i.code == "data.duplicate_rank")
    assert "'Grow' and 'Save'" in rank.message


def test_a_row_id_used_twice_in_a_table_is_named_on_its_second_row(pack):
    def edit(book):
        for offset, (name, row_id) in enumerate(
            (("Deal one", "OPP-1"), ("Deal two", "opp-1 "), ("Deal three", "OPP-3")),
            start=1,
        ):
            _table_cell(book, "Opportunities", offset, "Name").value = name
            _table_cell(book, "Opportunities", offset, "ID").value = row_id

    read = read_plan(_edited(pack, edit))

    (twice,) = [i for i in read.issues if i.code == "data.duplicate_id"]
    assert twice.message == "Id opp-1 is used by two rows of Opportunities."
    assert (twice.sheet, twice.cell) == ("Opportunities", "B6")
    assert "--fix-ids" in twice.hint


def test_an_id_cell_the_sheet_never_wrote_is_added_in_column_order():
    from xlplan.workbook.checking import _patch_sheet

    xml = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="5"><c r="A5" s="1"/><c r="D5"><v>3</v></c></row>'
        '<row r="6"/><row r="9"/></sheetData></worksheet>'
    )
    edits = {"B5": "STA-1", "B6": "STA-2", "A5": "STA-0", "C7": "STA-3"}
    patched = _patch_sheet(xml.encode(), edits).decode()
    assert '<c r="A5" s="1" t="inlineStr"><is><t>STA-0</t></is></c>' in patched
    assert patched.index('r="B5"') < patched.index('r="D5"')
    assert (
        '<row r="6"><c r="B6" t="inlineStr"><is><t>STA-2</t></is></c></row>' in patched
    )
    assert patched.index('<row r="7">') < patched.index('<row r="9"/>')


def test_a_value_typed_over_a_computed_table_cell_is_named(pack):
    def edit(book):
        _table_cell(book, "Stakeholders", 1, "Days since contact").value = 5

    read = read_plan(_edited(pack, edit))
    stale = next(i for i in read.issues if i.code == "value.stale_result")
    assert stale.sheet == "Stakeholders" and stale.cell == "P5"
    assert "shows 5, xlplan computes blank" in stale.message


def test_drop_down_values_in_the_wrong_case_are_read_and_noted(pack):
    read = read_plan(_edited(pack, lambda book: _set(book, "account_tier", "key")))
    assert read.plan.records["profile"]["account_tier"] == "Key"
    note = next(i for i in read.issues if i.code == "value.list_spelling")
    assert note.severity is Severity.INFO and "'key' read as 'Key'" in note.message


def test_a_blank_plan_id_is_an_error(pack):
    read = read_plan(_edited(pack, lambda book: _set(book, "plan_id", None)))
    error = next(i for i in read.issues if i.code == "value.required")
    assert error.severity is Severity.ERROR and "Plan ID" in error.message
    assert not read.ok


def test_a_portfolio_workbook_is_noted_and_skipped_even_after_a_resave(pack):
    from xlplan.portfolio.rollup import Portfolio
    from xlplan.portfolio.write import build_portfolio_workbook

    written = build_portfolio_workbook(Portfolio(AS_OF, "USD"), pack)
    book = openpyxl.load_workbook(io.BytesIO(written))
    resaved = io.BytesIO()
    book.save(resaved)

    for content in (written, resaved.getvalue()):
        read = read_plan(content, "q1.xlsx")
        (issue,) = read.issues
        assert read.plan is None and issue.code == "file.xlplan_output"
        assert issue.severity is Severity.INFO
        assert issue.message == (
            "This is an xlplan portfolio workbook, not a plan: skipped."
        )


def test_a_workbook_with_other_custom_properties_is_not_a_plan(tmp_path):
    import xlsxwriter

    book = xlsxwriter.Workbook(tmp_path / "budget.xlsx")
    book.set_custom_property("Department", "Sales")
    book.add_worksheet()
    book.close()

    (issue,) = read_plan((tmp_path / "budget.xlsx").read_bytes()).issues
    assert issue.code == "file.not_a_plan" and issue.severity is Severity.ERROR


@pytest.mark.parametrize(
    ("name", "text", "named"),
    [
        ("Target", "Hit the revenue target this year.", False),
        ("Target", "Win shelf space back from Target.", True),
        ("Target", "TARGET is cutting prices.", True),
        ("HP", "Replace the HP printers.", True),
        ("HP", "Ship it.", False),
        ("Storevance Inc.", "A CIO from a Storevance customer.", True),
        ("Apple", "A pineapple pilot.", False),
        ("salesforce", "Moving off Salesforce.", True),
    ],
)
def test_hidden_competitor_names_are_found_as_written_words(name, text, named):
    from tests.conftest import make_plan
    from xlplan.workbook.plan_checks import _hidden_competitors

    plan = make_plan(
        competitors=[{"name": name, "perspective": "Our competitor at this account"}]
    )
    rule = {"except": {"perspective": ["Our competitor at this account", None]}}
    (found,) = _hidden_competitors(plan, rule)
    assert bool(found[1].search(text)) is named
