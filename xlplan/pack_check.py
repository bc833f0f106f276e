"""Rules a pack must keep as a whole, beyond each file's own shape.

``template check`` runs these after the files parse: every section and field
the scores read exists; every computed field has a formula; scoring.yaml names
only values its lists hold, with weights that add up and bands in order; the
values xlplan's rules read (Done, Won, Closed ...) stay in their lists; sheet
and table names are ones Excel accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from xlplan.core import completeness, health
from xlplan.core.refs import Refs
from xlplan.core.registry import COLUMNS, FIELDS
from xlplan.core.rules import Rules, ScoringKeyError, rules_from_pack
from xlplan.model.pack import (
    FieldType,
    Pack,
    PackProblem,
    SectionKind,
    SectionSpec,
    generated_names,
    list_range,
)

REQUIRED_SECTIONS = {
    "plan": SectionKind.SINGLE,
    "profile": SectionKind.SINGLE,
    "metrics": SectionKind.SINGLE,
    "team": SectionKind.TABLE,
    "stakeholders": SectionKind.TABLE,
    "business_units": SectionKind.TABLE,
    "white_space": SectionKind.GRID,
    "objectives": SectionKind.TABLE,
    "swot": SectionKind.TABLE,
    "five_forces": SectionKind.TABLE,
    "competitors": SectionKind.TABLE,
    "goals": SectionKind.TABLE,
    "opportunities": SectionKind.TABLE,
    "risks": SectionKind.TABLE,
    "actions": SectionKind.TABLE,
    "kpis": SectionKind.TABLE,
    "reviews": SectionKind.TABLE,
    "selection": SectionKind.TABLE,
    "force_field": SectionKind.TABLE,
}

# Values the rules compare against by name: renaming one would silently
# change every score that reads it.
FIXED_VALUES = {
    "progress": ("Done", "Cancelled"),
    "acceptance": ("Declined",),
    "opportunity_stage": ("Won", "Lost"),
    "risk_status": ("Closed",),
    "force_side": ("For", "Against"),
    "better": ("Lower",),
    "meddpicc_level": ("Confirmed", "Partial"),
    "team_role": ("Executive sponsor",),
}
RESERVED_SHEETS = {"lists", "_xlplan", "history"}


class _RecordingRefs(Refs):
    """Refs that note every field and name a formula asks for."""

    def __init__(self) -> None:
        super().__init__(())
        self.columns: set[tuple[str, str]] = set()
        self.names: set[str] = set()
        self.lists: set[str] = set()

    def name(self, field: str) -> str:
        self.names.add(field)
        return field

    def col(self, section: str, field: str) -> str:
        self.columns.add((section, field))
        return f"T[{field}]"

    def this(self, section: str, field: str) -> str:
        self.columns.add((section, field))
        return f"T[[#This Row],[{field}]]"

    def grid_col(self, section: str, column: str) -> str:
        return f"T[{column}]"

    def grid_this(self, section: str, column: str) -> str:
        return f"T[[#This Row],[{column}]]"

    def list_range(self, list_name: str) -> str:
        self.lists.add(list_name)
        return list_range(list_name)


def fields_the_rules_read(rules: Rules) -> _RecordingRefs:
    """Every table column, defined name and list that xlplan's formulas refer to."""
    refs = _RecordingRefs()
    formulas: list[Callable[[Refs, Rules], str]] = [f.formula for f in FIELDS.values()]
    formulas += [f.formula for f in COLUMNS.values()]
    formulas += [formula for _, formula in health.COMPONENTS.values()]
    formulas += [
        c.condition for checks in completeness.SECTION_CHECKS.values() for c in checks
    ]
    for formula in formulas:
        formula(refs, rules)
    return refs


def pack_problems(pack: Pack, folder: Path | None = None) -> list[PackProblem]:
    """Every whole-pack rule ``pack`` breaks."""
    problems: list[PackProblem] = []
    add = lambda *args: problems.append(PackProblem(*args))  # noqa: E731
    _check_sections(pack, add)
    _check_computed(pack, add)
    _check_fixed_values(pack, add)
    _check_brand(pack, folder, add)
    _check_deck(pack, add)
    try:
        rules = rules_from_pack(pack)
    except ScoringKeyError as exc:
        add(
            "scoring.yaml",
            exc.key,
            exc.message,
            "compare with the default pack's scoring.yaml (xlplan template init).",
        )
        return problems
    _check_scoring(pack, rules, add)
    if not problems:
        _check_fields_read(pack, rules, add)
    return problems


Add = Callable[..., None]


def _check_sections(pack: Pack, add: Add) -> None:
    by_key: dict[str, SectionSpec] = {}
    sheets: dict[str, str] = {}
    for section in pack.sections:
        where = f"sections[{section.key}]"
        if section.key in by_key:
            add(
                "schema.yaml",
                f"{where}.key",
                f"section key '{section.key}' is used twice.",
                "give each section its own key.",
            )
        by_key[section.key] = section
        if not section.fields:
            add(
                "schema.yaml",
                f"{where}.fields",
                "the section has no fields.",
                "list its fields, or remove the section.",
            )
        folded = section.sheet.casefold()
        if (
            folded in RESERVED_SHEETS
            or section.sheet.startswith("'")
            or section.sheet.endswith("'")
        ):
            add(
                "schema.yaml",
                f"{where}.sheet",
                f"'{section.sheet}' is a name xlplan or Excel reserves.",
                "choose another sheet name.",
            )
        if folded in sheets and sheets[folded] != section.sheet:
            add(
                "schema.yaml",
                f"{where}.sheet",
                f"'{section.sheet}' differs from '{sheets[folded]}' only in case; Excel sees one sheet.",
                "spell the sheet name the same way in every section on it.",
            )
        sheets.setdefault(folded, section.sheet)
        if section.fixed_rows_list and section.fixed_rows_list not in pack.lists:
            add(
                "schema.yaml",
                f"{where}.rows",
                f"names no list ('{section.fixed_rows_list}').",
                "name a list of lists.yaml.",
            )
    for key, kind in REQUIRED_SECTIONS.items():
        if key not in by_key:
            add(
                "schema.yaml",
                f"sections[{key}]",
                "is missing; xlplan's scores read it.",
                "restore the section from the default pack.",
            )
        elif by_key[key].kind is not kind:
            add(
                "schema.yaml",
                f"sections[{key}].kind",
                f"must be {kind.value}.",
                f"set `kind: {kind.value}`.",
            )
    names = {
        f.name.casefold()
        for s in pack.sections
        if s.kind is SectionKind.SINGLE
        for f in s.fields
    }
    generated = generated_names(pack)
    for section in pack.sections:
        if section.table and section.table.casefold() in names:
            add(
                "schema.yaml",
                f"sections[{section.key}].table",
                f"table name '{section.table}' is also a field's defined name.",
                "Excel needs table names and defined names to differ: rename the table.",
            )
        if section.table and section.table.casefold() in generated:
            add(
                "schema.yaml",
                f"sections[{section.key}].table",
                f"table name '{section.table}' is the name xlplan gives "
                f"{generated[section.table.casefold()]} in every plan.",
                "rename the table.",
            )
        for spec in section.fields if section.kind is SectionKind.SINGLE else ():
            if spec.name.casefold() in generated:
                add(
                    "schema.yaml",
                    f"sections[{section.key}].fields[{spec.name}]",
                    f"a single field becomes a defined name, and '{spec.name}' is the "
                    f"name xlplan gives {generated[spec.name.casefold()]} in every plan.",
                    "rename the field.",
                )


def _check_computed(pack: Pack, add: Add) -> None:
    for section in pack.sections:
        for spec in section.fields:
            if not spec.computed:
                continue
            if section.kind is SectionKind.SINGLE:
                known = spec.name in FIELDS
            else:
                known = (section.key, spec.name) in COLUMNS
            if not known:
                add(
                    "schema.yaml",
                    f"sections[{section.key}].fields[{spec.name}]",
                    "is marked computed but xlplan has no formula for it.",
                    "remove `computed: true` to make it an input, or remove the field.",
                )


def _check_fixed_values(pack: Pack, add: Add) -> None:
    for list_name, values in FIXED_VALUES.items():
        present = pack.lists.get(list_name)
        if present is None:
            add(
                "lists.yaml",
                list_name,
                "is missing; the scores read it.",
                "restore the list from the default pack.",
            )
            continue
        missing = [v for v in values if v not in present]
        if missing:
            add(
                "lists.yaml",
                list_name,
                f"must keep {', '.join(missing)}: the scores read "
                "these values by name.",
                "add them back; rename other values freely.",
            )
    for list_name in (
        "level",
        "horizon",
        "white_space_state",
        "offerings",
        "relationship_strength",
        "relationship_status",
        "force_position",
        "selection_criterion",
        "plan_status",
        "review_cadence",
    ):
        if list_name not in pack.lists:
            add(
                "lists.yaml",
                list_name,
                "is missing; the scores read it.",
                "restore the list from the default pack.",
            )
    for list_name, minimum in (
        ("level", 3),
        ("horizon", 3),
        ("white_space_state", 4),
        ("force_position", 3),
    ):
        if len(pack.lists.get(list_name, ())) < minimum and list_name in pack.lists:
            add(
                "lists.yaml",
                list_name,
                f"needs at least {minimum} values, in order.",
                "restore the list's order from the default pack.",
            )


def _check_brand(pack: Pack, folder: Path | None, add: Add) -> None:
    for key, lights in pack.brand.traffic_lights.items():
        for value, light in lights.items():
            if light not in ("good", "warn", "bad", "muted"):
                add(
                    "brand.yaml",
                    f"traffic_lights.{key}.{value}",
                    f"'{light}' is not a light.",
                    "use good, warn, bad or muted.",
                )
    logo = pack.brand.logo
    if logo and folder is not None and not (folder / logo).is_file():
        add(
            "brand.yaml",
            "logo",
            f"file '{logo}' is not in the pack folder.",
            "copy the logo next to brand.yaml, or set `logo: null`.",
        )


def _check_deck(pack: Pack, add: Add) -> None:
    from xlplan.deck.blocks import SLIDE_TYPES

    for kind, layout in (pack.deck.get("layouts") or {}).items():
        if kind not in SLIDE_TYPES:
            add(
                "deck.yaml",
                f"layouts.{kind}",
                f"'{kind}' is not a slide type.",
                f"use one of: {', '.join(SLIDE_TYPES)}.",
            )
        elif not isinstance(layout, str):
            add(
                "deck.yaml",
                f"layouts.{kind}",
                "the layout name must be text.",
                "write the layout's name as PowerPoint shows it.",
            )
    for section, rule in (pack.deck.get("client_rows") or {}).items():
        _check_client_rule(pack, str(section), rule, add)
    for name, text in (pack.deck.get("narrative") or {}).items():
        _check_narrative(str(name), text, add)


def _check_client_rule(pack: Pack, section: str, rule: Any, add: Add) -> None:
    key = f"client_rows.{section}"
    spec = next((s for s in pack.sections if s.key == section), None)
    if spec is None or spec.kind is SectionKind.SINGLE:
        add(
            "deck.yaml",
            key,
            f"'{section}' is not a table section of schema.yaml.",
            "use a table section key such as actions or goals.",
        )
        return
    if rule == "all":
        return
    if not isinstance(rule, Mapping) or not set(rule) <= {"only", "except"}:
        add(
            "deck.yaml",
            key,
            "a row rule is `all` or a mapping of only / except.",
            "write e.g. `{only: {client_visible: [true]}}`.",
        )
        return
    names = {f.name for f in spec.fields}
    for test, fields in rule.items():
        for name in fields if isinstance(fields, Mapping) else ():
            if name not in names:
                add(
                    "deck.yaml",
                    f"{key}.{test}.{name}",
                    f"section {section} has no field '{name}'.",
                    f"use one of: {', '.join(sorted(names))}.",
                )
        if not isinstance(fields, Mapping):
            add(
                "deck.yaml",
                f"{key}.{test}",
                "expected a mapping of field: values.",
                "write e.g. `only: {client_visible: [true]}`.",
            )


def _check_narrative(name: str, text: Any, add: Add) -> None:
    import jinja2

    from xlplan.deck.narrative import ENVIRONMENT

    key = f"narrative.{name}"
    if not isinstance(text, str):
        add("deck.yaml", key, "a narrative is a text.", "write it as a YAML string.")
        return
    try:
        ENVIRONMENT.parse(text)
    except jinja2.TemplateSyntaxError as error:
        add(
            "deck.yaml",
            key,
            f"template line {error.lineno}: {error.message}",
            "fix the Jinja2 syntax ({{ name }}, {% if %} ... {% endif %}).",
        )


def _subset(
    add: Add, key: str, values: Iterable[str], allowed: Iterable[str], list_name: str
) -> None:
    allowed_set = set(allowed)
    unknown = [v for v in values if v not in allowed_set]
    if unknown:
        add(
            "scoring.yaml",
            key,
            f"names {', '.join(map(str, unknown))}, not in list {list_name}.",
            f"use values of lists.yaml {list_name} ({', '.join(allowed)}).",
        )


def _check_scoring(pack: Pack, rules: Rules, add: Add) -> None:
    lists = pack.lists
    for stage, chance in rules.stage_probability.items():
        if not 0 <= chance <= 1:
            add(
                "scoring.yaml",
                f"stage_probability.{stage}",
                f"{chance:g} is not a probability from 0 to 1.",
                f"write it as a fraction: {chance / 100:g} for {chance:g}%."
                if 1 < chance <= 100
                else "write a fraction from 0 to 1, such as 0.25.",
            )
    if rules.selection_active_min > rules.selection_active_max:
        add(
            "scoring.yaml",
            "selection.active_min",
            f"{rules.selection_active_min} is more than active_max "
            f"({rules.selection_active_max}).",
            "make active_min at most active_max.",
        )
    _subset(
        add,
        "open_stages",
        rules.open_stages,
        lists.get("opportunity_stage", ()),
        "opportunity_stage",
    )
    _subset(
        add,
        "stage_probability",
        rules.stage_probability,
        lists.get("opportunity_stage", ()),
        "opportunity_stage",
    )
    _subset(
        add,
        "expansion_types",
        rules.expansion_types,
        lists.get("opportunity_type", ()),
        "opportunity_type",
    )
    _subset(
        add,
        "supporter_statuses",
        rules.supporter_statuses,
        lists.get("relationship_status", ()),
        "relationship_status",
    )
    _subset(
        add,
        "health.scored_statuses",
        rules.health_statuses,
        lists.get("plan_status", ()),
        "plan_status",
    )
    _subset(
        add,
        "selection.default_weights",
        rules.selection_weights,
        lists.get("selection_criterion", ()),
        "selection_criterion",
    )
    cadences = set(lists.get("review_cadence", ()))
    if set(rules.review_intervals) != cadences:
        add(
            "scoring.yaml",
            "review_interval",
            "must have one entry per review_cadence value "
            f"({', '.join(sorted(cadences))}).",
            "add or remove entries to match lists.yaml.",
        )
    if rules.default_cadence not in rules.review_intervals:
        add(
            "scoring.yaml",
            "default_review_cadence",
            f"'{rules.default_cadence}' has no interval.",
            "name a cadence listed under review_interval.",
        )
    tiers = set(lists.get("account_tier", ()))
    if {name for name, _ in rules.tier_thresholds} != tiers:
        add(
            "scoring.yaml",
            "selection.tiers",
            "must give a threshold for each account_tier value "
            f"({', '.join(sorted(tiers))}).",
            "add or remove tiers to match lists.yaml.",
        )
    _check_weights(
        add,
        "completeness.weights",
        rules.completeness_weights,
        completeness.SECTION_CHECKS,
    )
    _check_weights(add, "health.weights", rules.health_weights, health.COMPONENTS)
    _check_descending(
        add, "health.bands", pack.scoring.get("health", {}).get("bands", {})
    )
    _check_descending(
        add, "selection.tiers", pack.scoring.get("selection", {}).get("tiers", {})
    )
    for key, interval in rules.review_intervals.items():
        if (
            interval.days < 0
            or interval.months < 0
            or (interval.days == 0 and interval.months == 0)
        ):
            add(
                "scoring.yaml",
                f"review_interval.{key}",
                "must move forward in days or months.",
                "write e.g. {days: 14} or {months: 1}.",
            )


def _check_weights(
    add: Add, key: str, weights: Mapping[str, float], parts: Mapping[str, Any]
) -> None:
    unknown = set(weights) - set(parts)
    missing = set(parts) - set(weights)
    if unknown or missing:
        add(
            "scoring.yaml",
            key,
            f"must weigh exactly: {', '.join(parts)}.",
            f"remove {', '.join(sorted(unknown)) or '-'}; add {', '.join(sorted(missing)) or '-'}.",
        )
    if any(w < 0 for w in weights.values()):
        add("scoring.yaml", key, "has a negative weight.", "use weights of 0 or more.")
    total = sum(weights.values())
    if abs(total - 100) > 1e-9:
        add(
            "scoring.yaml",
            key,
            f"adds up to {total:g}, not 100.",
            "adjust the weights so the score runs 0-100.",
        )


def _check_descending(add: Add, key: str, floors: Mapping[str, Any]) -> None:
    values = list(floors.values())
    if any(not isinstance(v, (int, float)) or isinstance(v, bool) for v in values):
        add(
            "scoring.yaml",
            key,
            "holds a value that is not a number.",
            "write numbers, e.g. Green: 75.",
        )
        return
    if values != sorted(values, reverse=True):
        add(
            "scoring.yaml",
            key,
            "must run from the highest floor down (e.g. Green 75, Amber 50, Red 0).",
            "reorder the entries or fix the numbers.",
        )


def _check_types_read(pack: Pack, used: _RecordingRefs, add: Add) -> None:
    """Fields the scores read keep the default pack's type.

    A score that compares a last contact date with the as-of date reads
    nothing from a text field: a pack that changed the type would pass every
    other check and quietly lower every plan's health.
    """
    from xlplan.packs import default_field_types

    default = default_field_types()
    alike = {FieldType.TEXT: FieldType.STR}
    singles = {
        s.key: {f.name for f in s.fields}
        for s in pack.sections
        if s.kind is SectionKind.SINGLE
    }
    read = set(used.columns) | {
        (key, name) for key, names in singles.items() for name in used.names & names
    }
    for section in pack.sections:
        for spec in section.fields:
            original = default.get((section.key, spec.name))
            if original is None or (section.key, spec.name) not in read:
                continue
            if alike.get(spec.type, spec.type) != alike.get(original, original):
                add(
                    "schema.yaml",
                    f"sections[{section.key}].fields[{spec.name}].type",
                    f"is {spec.type.value}, but xlplan's scores read this field as "
                    f"{original.value}.",
                    f"restore `type: {original.value}`, or add a field of "
                    "your own under another name.",
                )


def _check_fields_read(pack: Pack, rules: Rules, add: Add) -> None:
    used = fields_the_rules_read(rules)
    sections = {s.key: s for s in pack.sections}
    for section_key, field in sorted(used.columns):
        section = sections.get(section_key)
        if section is not None and field not in {f.name for f in section.fields}:
            add(
                "schema.yaml",
                f"sections[{section_key}].fields[{field}]",
                "is missing; xlplan's scores read it.",
                "restore the field from the default pack.",
            )
    singles = {
        f.name for s in pack.sections if s.kind is SectionKind.SINGLE for f in s.fields
    }
    internal = {
        "as_of",
        "completeness_points",
        "health_components",
        "health_points_lost",
    }
    internal |= {f"health_{key}" for key in health.COMPONENTS}
    for name in sorted(used.names - internal):
        if name not in singles:
            add(
                "schema.yaml",
                f"fields[{name}]",
                "is missing; xlplan's scores read it.",
                "restore the field from the default pack.",
            )
    if "as_of" not in singles:
        add(
            "schema.yaml",
            "sections[plan].fields[as_of]",
            "is missing; every date figure reads it.",
            "restore the as_of field.",
        )
    _check_types_read(pack, used, add)
    for name in sorted(used.lists):
        if name not in pack.lists:
            add(
                "lists.yaml",
                name,
                "is missing; xlplan's scores read it.",
                "restore the list from the default pack.",
            )
    for section in pack.sections:
        for spec in section.fields:
            if spec.type is FieldType.BOOL and spec.list_name:
                add(
                    "schema.yaml",
                    f"sections[{section.key}].fields[{spec.name}].list",
                    "a bool field takes no list.",
                    "remove `list:`.",
                )
