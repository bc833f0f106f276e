"""The default pack, and `template check` on broken copies of it."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from xlplan.core.registry import COLUMNS, FIELDS
from xlplan.errors import OutputExistsError, PackError
from xlplan.model.pack import Audience, FieldType, SectionKind
from xlplan.packs import check_pack, init_pack, load_pack

DOMAIN_SHEETS = [
    "Cover",
    "Profile",
    "Team",
    "Stakeholders",
    "Business units & white space",
    "Objectives",
    "SWOT",
    "Competitors & Five Forces",
    "Goals & strategy",
    "Opportunities",
    "Risks",
    "Actions",
    "KPIs",
    "Reviews",
    "Selection",
    "Force field",
    "Commitments",
]


def test_default_pack_covers_every_domain_sheet(pack):
    assert list(dict.fromkeys(s.sheet for s in pack.sections)) == DOMAIN_SHEETS
    assert pack.name == "xlplan-default" and pack.version
    assert len(pack.content_hash) == 64


def test_every_computed_field_has_a_formula_and_every_formula_a_field(pack):
    declared_fields = {
        f.name
        for s in pack.sections
        if s.kind is SectionKind.SINGLE
        for f in s.fields
        if f.computed
    }
    declared_columns = {
        (s.key, f.name)
        for s in pack.sections
        if s.kind is not SectionKind.SINGLE
        for f in s.fields
        if f.computed
    }
    assert declared_fields == set(FIELDS)
    assert declared_columns == set(COLUMNS)


def test_tables_carry_id_first_and_notes_last(pack):
    for section in pack.sections:
        if section.kind is SectionKind.TABLE:
            assert section.fields[0].name == "id"
            assert section.fields[-1].name == "notes"
            assert section.fields[-1].audience is Audience.INTERNAL


def test_internal_is_the_default_audience(pack):
    assert pack.field("profile", "relationship_strength").audience is Audience.INTERNAL
    assert pack.field("stakeholders", "motivations").audience is Audience.INTERNAL
    assert pack.field("plan", "headline_goal").audience is Audience.CLIENT


def test_enum_fields_name_existing_lists(pack):
    for section in pack.sections:
        for spec in section.fields:
            if spec.type is FieldType.ENUM:
                assert spec.list_name in pack.lists, spec.name


def test_init_copies_the_pack_and_refuses_to_overwrite(tmp_path):
    target = init_pack(tmp_path / "acme")
    assert check_pack(target) == []
    assert load_pack(target).content_hash == load_pack().content_hash
    with pytest.raises(OutputExistsError):
        init_pack(target)
    init_pack(target, force=True)


def _edit(folder: Path, file: str, change) -> None:
    path = folder / file
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.mark.parametrize(
    ("file", "change", "expected_file", "expected_key"),
    [
        (
            "lists.yaml",
            lambda d: d.pop("buying_role"),
            "schema.yaml",
            "fields[buying_role].list",
        ),
        (
            "brand.yaml",
            lambda d: d["colors"].update(primary="navy"),
            "brand.yaml",
            "colors.primary",
        ),
        ("scoring.yaml", lambda d: d.pop("health"), "scoring.yaml", "health"),
        ("rates.yaml", lambda d: d["rates"].update(EUR=-1), "rates.yaml", "rates.EUR"),
        (
            "rates.yaml",
            lambda d: d["rates"].update(EUR=float("nan")),
            "rates.yaml",
            "rates.EUR",
        ),
        (
            "rates.yaml",
            lambda d: d["rates"].update(GBP=float("inf")),
            "rates.yaml",
            "rates.GBP",
        ),
        (
            "schema.yaml",
            lambda d: next(
                f
                for f in d["sections"][3]["fields"]
                if f["name"] == "last_contact_date"
            ).update(type="str"),
            "schema.yaml",
            "sections[stakeholders].fields[last_contact_date].type",
        ),
        (
            "scoring.yaml",
            lambda d: d["stage_probability"].update(Qualified=25),
            "scoring.yaml",
            "stage_probability.Qualified",
        ),
        (
            "scoring.yaml",
            lambda d: d["selection"].update(active_min=6),
            "scoring.yaml",
            "selection.active_min",
        ),
        (
            "schema.yaml",
            lambda d: d["sections"][0]["fields"].append(
                {"name": "x" * 300, "type": "str"}
            ),
            "schema.yaml",
            "fields[xxxxxxxxxxxxxxxxxxxx...]",
        ),
        (
            "schema.yaml",
            lambda d: d["sections"][2]["fields"].append(
                {"name": "magic", "type": "int", "computed": True}
            ),
            "schema.yaml",
            "fields[magic]",
        ),
        (
            "schema.yaml",
            lambda d: d["sections"][2].update(table="My Team"),
            "schema.yaml",
            "sections[team].table",
        ),
        (
            "lists.yaml",
            lambda d: d.update(level=["High", "high"]),
            "lists.yaml",
            "level",
        ),
        ("pack.yaml", lambda d: d.pop("version"), "pack.yaml", "version"),
        (
            "scoring.yaml",
            lambda d: d["health"]["weights"].update(freshness=25),
            "scoring.yaml",
            "health.weights",
        ),
        (
            "scoring.yaml",
            lambda d: d["health"].update(bands={"Green": 50, "Amber": 75, "Red": 0}),
            "scoring.yaml",
            "health.bands",
        ),
        (
            "lists.yaml",
            lambda d: d["account_tier"].append("Enterprise"),
            "scoring.yaml",
            "selection.tiers",
        ),
        (
            "lists.yaml",
            lambda d: d.update(opportunity_stage=["Lead", "Closed"]),
            "lists.yaml",
            "opportunity_stage",
        ),
        (
            "scoring.yaml",
            lambda d: d.update(default_review_cadence="Yearly"),
            "scoring.yaml",
            "default_review_cadence",
        ),
        (
            "scoring.yaml",
            lambda d: d["completeness"]["weights"].update(cover="five"),
            "scoring.yaml",
            "completeness.weights.cover",
        ),
        ("schema.yaml", lambda d: d["sections"].pop(12), "schema.yaml", "linked_risk"),
        (
            "schema.yaml",
            lambda d: d["sections"][1]["fields"].pop(21),
            "schema.yaml",
            "fields[revenue_current]",
        ),
        (
            "schema.yaml",
            lambda d: d["sections"][2].update(sheet="Lists"),
            "schema.yaml",
            "sections[team].sheet",
        ),
        (
            "schema.yaml",
            lambda d: d["sections"][2].update(table="AB12"),
            "schema.yaml",
            "sections[team].table",
        ),
        (
            "schema.yaml",
            lambda d: d["sections"][2].update(table="Ref_Team"),
            "schema.yaml",
            "sections[team].table",
        ),
        (
            "schema.yaml",
            lambda d: d["sections"][0]["fields"].append(
                {"name": "xlplan_pack", "type": "str"}
            ),
            "schema.yaml",
            "sections[plan].fields[xlplan_pack]",
        ),
        (
            "schema.yaml",
            lambda d: d["sections"][0]["fields"].append(
                {"name": "list_level", "type": "str"}
            ),
            "schema.yaml",
            "sections[plan].fields[list_level]",
        ),
    ],
)
def test_check_names_file_key_and_fix(
    tmp_path, file, change, expected_file, expected_key
):
    folder = init_pack(tmp_path / "pack")
    _edit(folder, file, change)
    problems = check_pack(folder)
    assert any(p.file == expected_file and expected_key in p.key for p in problems), (
        problems
    )
    assert all(p.fix for p in problems)
    with pytest.raises(PackError, match="problem"):
        load_pack(folder)


def test_a_date_that_no_calendar_has_is_a_problem_not_a_traceback(tmp_path):
    folder = init_pack(tmp_path / "pack")
    rates = folder / "rates.yaml"
    rates.write_text(
        rates.read_text().replace("as_of: 2026-11-30", "as_of: 2026-02-30")
    )

    problems = check_pack(folder)

    assert (problems[0].file, problems[0].message) == (
        "rates.yaml",
        "holds a value that cannot be read (day is out of range for month).",
    )
    assert "YYYY-MM-DD" in problems[0].fix


def test_an_admin_may_change_the_type_of_a_field_no_score_reads(tmp_path):
    folder = init_pack(tmp_path / "pack")
    _edit(
        folder,
        "schema.yaml",
        lambda d: next(
            f for f in d["sections"][1]["fields"] if f["name"] == "industry"
        ).update(type="str", list=None),
    )
    assert check_pack(folder) == []


def test_check_reports_yaml_syntax_with_line(tmp_path):
    folder = init_pack(tmp_path / "pack")
    (folder / "lists.yaml").write_text("level: [High, Medium\nother: x\n")
    problems = check_pack(folder)
    assert problems[0].file == "lists.yaml"
    assert problems[0].key.startswith("line ")


def test_yes_no_list_values_must_be_quoted(tmp_path):
    folder = init_pack(tmp_path / "pack")
    text = (
        (folder / "lists.yaml")
        .read_text()
        .replace(
            "account_tier: [Key, Strategic, Other]", "account_tier: [Yes, No, Maybe]"
        )
    )
    (folder / "lists.yaml").write_text(text)
    assert any(
        p.key == "account_tier" and "true/false" in p.message
        for p in check_pack(folder)
    )


def test_empty_files_and_folders_are_problems_not_valid_packs(tmp_path):
    folder = init_pack(tmp_path / "pack")
    for path in folder.glob("*.yaml"):
        path.write_text("")
    assert any(
        p.file == "pack.yaml" and "empty" in p.message for p in check_pack(folder)
    )
    empty = tmp_path / "nothing"
    empty.mkdir()
    (problem,) = check_pack(empty)
    assert "template init" in problem.fix


def test_a_key_written_twice_is_reported(tmp_path):
    folder = init_pack(tmp_path / "pack")
    (folder / "brand.yaml").write_text(
        (folder / "brand.yaml").read_text() + "company_name: Again\n"
    )
    assert any("written twice" in p.message for p in check_pack(folder))


def test_check_reports_a_missing_file(tmp_path):
    folder = init_pack(tmp_path / "pack")
    (folder / "brand.yaml").unlink()
    assert any(
        p.file == "brand.yaml" and "missing" in p.message for p in check_pack(folder)
    )


def test_loading_a_pack_leaves_python_pptx_unimported():
    # Every rollup loads a pack; python-pptx is for decks only.
    code = (
        "import sys; from xlplan.packs import load_pack; load_pack(); "
        "print('pptx' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
