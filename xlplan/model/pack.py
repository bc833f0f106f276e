"""The template pack as typed objects: schema, value lists, scoring, brand.

A pack is data. ``parse_pack`` turns the already-loaded YAML documents into a
``Pack`` and collects every rule a document breaks as a ``PackProblem`` naming
the file, the key and the fix, so ``xlplan template check`` can list them all
at once. Reading the files from disk lives in ``xlplan.packs``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from typing import Any


class FieldType(str, Enum):
    """The value types of DOMAIN.md's conventions."""

    STR = "str"
    TEXT = "text"
    INT = "int"
    DEC = "dec"
    MONEY = "money"
    PCT = "pct"
    DATE = "date"
    BOOL = "bool"
    ENUM = "enum"
    REF = "ref"

    @property
    def is_number(self) -> bool:
        """True for the types stored as numbers in a cell."""
        return self in (FieldType.INT, FieldType.DEC, FieldType.MONEY, FieldType.PCT)


class SectionKind(str, Enum):
    """How a section is laid out in the workbook."""

    SINGLE = "single"
    TABLE = "table"
    GRID = "grid"


class Audience(str, Enum):
    """Who may see a field: a client deck shows only ``CLIENT`` fields."""

    CLIENT = "client"
    INTERNAL = "internal"


@dataclass(frozen=True)
class FieldSpec:
    """One field of a section, as the pack defines it."""

    name: str
    type: FieldType
    label: str
    help: str = ""
    required: bool = False
    computed: bool = False
    audience: Audience = Audience.INTERNAL
    list_name: str | None = None
    ref_to: str | None = None
    multi: bool = False


@dataclass(frozen=True)
class SectionSpec:
    """One section of a plan: a single record, an Excel table or the grid."""

    key: str
    title: str
    sheet: str
    kind: SectionKind
    fields: tuple[FieldSpec, ...]
    table: str | None = None
    label_field: str | None = None
    fixed_rows_list: str | None = None
    optional: bool = False
    help: str = ""

    def field(self, name: str) -> FieldSpec:
        """The field called ``name``; ``KeyError`` if the section has none."""
        spec = self._by_name.get(name)
        if spec is None:
            raise KeyError(f"{self.key}.{name}")
        return spec

    @cached_property
    def _by_name(self) -> dict[str, FieldSpec]:
        return {spec.name: spec for spec in self.fields}

    @property
    def input_fields(self) -> tuple[FieldSpec, ...]:
        """Fields a rep types, in sheet order."""
        return tuple(f for f in self.fields if not f.computed)


@dataclass(frozen=True)
class Brand:
    """Company name, colours (hex RRGGBB), fonts and optional logo path."""

    company_name: str
    colors: Mapping[str, str]
    heading_font: str
    body_font: str
    logo: str | None = None
    traffic_lights: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def lights_for(self, section: str, spec: FieldSpec) -> Mapping[str, str]:
        """Value -> good/warn/bad/muted for a field's drop-down, if the brand sets any."""
        by_field = self.traffic_lights.get(f"{section}.{spec.name}")
        if by_field is not None:
            return by_field
        return self.traffic_lights.get(spec.list_name or "", {})


@dataclass(frozen=True)
class Rates:
    """Currency rates: units of ``base`` per one unit of each currency."""

    base: str
    rates: Mapping[str, float]


@dataclass(frozen=True)
class Pack:
    """A parsed template pack; ``scoring`` keeps scoring.yaml as loaded."""

    name: str
    version: str
    description: str
    sections: tuple[SectionSpec, ...]
    lists: Mapping[str, tuple[str, ...]]
    scoring: Mapping[str, Any]
    rates: Rates
    brand: Brand
    deck: Mapping[str, Any]
    content_hash: str = ""
    documents: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def section(self, key: str) -> SectionSpec:
        """The section called ``key``; ``KeyError`` if the pack has none."""
        for spec in self.sections:
            if spec.key == key:
                return spec
        raise KeyError(key)

    def field(self, section: str, name: str) -> FieldSpec:
        """Shortcut for ``pack.section(section).field(name)``."""
        return self.section(section).field(name)


def client_sees_row(rule: Any, row: Mapping[str, Any]) -> bool:
    """True when a client deck shows ``row`` under its section's ``client_rows`` rule.

    ``None`` (a section the rules do not list) shows no row, ``"all"`` every
    row; a mapping's ``only: {field: [values]}`` keeps rows whose field holds
    one of the values and ``except: {field: [values]}`` drops rows whose
    field holds one.
    """
    if rule == "all":
        return True
    if not isinstance(rule, Mapping):
        return False
    for name, allowed in (rule.get("only") or {}).items():
        if row.get(name) not in _as_list(allowed):
            return False
    for name, refused in (rule.get("except") or {}).items():
        if row.get(name) in _as_list(refused):
            return False
    return True


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


# The defined names a plan workbook has besides its single fields' own: the
# hidden sheet's pack block, each table's column of row names (the drop-downs
# of reference cells) and each value list (the drop-downs of list cells).
PACK_RANGE = "xlplan_pack"


def ref_range(section_key: str) -> str:
    """The defined name over a table's row names, which reference cells pick from."""
    return f"ref_{section_key}"


def list_range(list_name: str) -> str:
    """The defined name over a value list on the hidden Lists sheet."""
    return f"list_{list_name}"


def generated_names(pack: Pack) -> dict[str, str]:
    """The names xlplan defines in a plan of ``pack`` for itself, casefolded, with what each names."""
    names = {PACK_RANGE.casefold(): "the hidden sheet's pack block"}
    for section in pack.sections:
        if section.kind is SectionKind.TABLE:
            names[ref_range(section.key).casefold()] = f"the row names of {section.key}"
    for name in pack.lists:
        names[list_range(name).casefold()] = f"the list {name}"
    return names


@dataclass(frozen=True)
class PackProblem:
    """One broken rule in a pack file: where it is and how to fix it."""

    file: str
    key: str
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.file}: {self.key}: {self.message} Fix: {self.fix}"


ROW_ID = "id"
ROW_NOTES = "notes"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_FIELD_NAME = 64
_CELL_LIKE = re.compile(r"^([a-z]{1,3}[0-9]+|r[0-9]*c?[0-9]*|c[0-9]*)$", re.IGNORECASE)
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,254}$")
_BAD_LABEL_CHARS = set("[]'#@")
_BAD_SHEET_CHARS = set(":\\/?*[]")
_HEX = re.compile(r"^[0-9A-Fa-f]{6}$")


def label_from_name(name: str) -> str:
    """Sentence-case label for a snake_case field name (``buying_role`` -> ``Buying role``)."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:]


class _Collector:
    """Gathers problems while parsing so every mistake is reported at once."""

    def __init__(self, file_names: Mapping[str, str] | None = None) -> None:
        self.problems: list[PackProblem] = []
        # pack.yaml may rename the files: report each under its real name
        self._names = {
            f"{role}.yaml": name for role, name in (file_names or {}).items()
        }

    def add(self, file: str, key: str, message: str, fix: str) -> None:
        self.problems.append(
            PackProblem(self._names.get(file, file), key, message, fix)
        )

    def mapping(self, value: Any, file: str, key: str) -> dict[str, Any]:
        """``value`` when it is a mapping (or absent); otherwise a problem and ``{}``."""
        if value is None or isinstance(value, dict):
            return value or {}
        self.add(
            file,
            key,
            "is not a mapping of keys to values.",
            "write it as `key: value` lines.",
        )
        return {}


def parse_pack(documents: Mapping[str, Any]) -> tuple[Pack | None, list[PackProblem]]:
    """Build a ``Pack`` from loaded YAML documents, keyed by role.

    ``documents`` holds ``pack`` (pack.yaml) and the roles it lists: ``schema``,
    ``lists``, ``scoring``, ``rates``, ``brand``, ``deck``. Returns the pack, or
    ``None`` when a problem makes it unusable, and every problem found.
    """
    out = _Collector(documents.get("_files"))
    meta = _mapping(documents.get("pack"), "pack.yaml", "(top level)", out)
    lists = _parse_lists(documents.get("lists"), out)
    sections = _parse_sections(documents.get("schema"), lists, out)
    scoring = _mapping(documents.get("scoring"), "scoring.yaml", "(top level)", out)
    rates = _parse_rates(documents.get("rates"), lists, out)
    brand = _parse_brand(documents.get("brand"), out)
    deck = _mapping(documents.get("deck"), "deck.yaml", "(top level)", out)

    for key in ("name", "version"):
        value = meta.get(key)
        if value is None or value == "":
            out.add("pack.yaml", key, "is missing.", f'add `{key}: "..."`.')
        elif not isinstance(value, str):
            out.add(
                "pack.yaml",
                key,
                f"is {value!r}, not text.",
                f'quote it: `{key}: "{value}"`.',
            )
    if out.problems:
        return None, out.problems
    pack = Pack(
        name=str(meta["name"]),
        version=str(meta["version"]),
        description=str(meta.get("description", "")),
        sections=sections,
        lists=lists,
        scoring=scoring,
        rates=rates,
        brand=brand,
        deck=deck,
        documents=dict(documents),
    )
    return pack, out.problems


def _mapping(doc: Any, file: str, key: str, out: _Collector) -> dict[str, Any]:
    if isinstance(doc, dict):
        return doc
    if doc is None:  # missing or unparsable: the loader has reported it
        return {}
    out.add(
        file,
        key,
        "is not a mapping of keys to values.",
        "restore the file's key: value layout.",
    )
    return {}


def _parse_lists(doc: Any, out: _Collector) -> dict[str, tuple[str, ...]]:
    lists: dict[str, tuple[str, ...]] = {}
    for name, values in _mapping(doc, "lists.yaml", "(top level)", out).items():
        if not isinstance(values, list) or not values:
            out.add(
                "lists.yaml",
                str(name),
                "is not a non-empty list.",
                "write it as [A, B, C].",
            )
            continue
        if any(isinstance(v, bool) or v is None for v in values):
            out.add(
                "lists.yaml",
                str(name),
                "has a value YAML read as true/false or empty (Yes, No, On, Off, ~).",
                'quote such values: ["Yes", "No"].',
            )
            continue
        texts = tuple(str(v) for v in values)
        if any(len(t) > 255 for t in texts):
            out.add(
                "lists.yaml",
                str(name),
                "has a value longer than 255 characters.",
                "shorten it: Excel drop-downs hold at most 255 characters a value.",
            )
        if len({t.casefold() for t in texts}) != len(texts):
            out.add(
                "lists.yaml",
                str(name),
                "repeats a value (Excel compares without case).",
                "keep each value once.",
            )
        if any("," in t or not t.strip() for t in texts):
            out.add(
                "lists.yaml",
                str(name),
                "has an empty value or one containing a comma.",
                "remove commas: Excel drop-downs split on them.",
            )
        lists[str(name)] = texts
    return lists


def _parse_sections(
    doc: Any, lists: Mapping[str, tuple[str, ...]], out: _Collector
) -> tuple[SectionSpec, ...]:
    if doc is None:  # missing or unparsable: already reported
        return ()
    raw = _mapping(doc, "schema.yaml", "(top level)", out).get("sections")
    if not isinstance(raw, list):
        out.add(
            "schema.yaml", "sections", "is missing or not a list.", "list the sections."
        )
        return ()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            out.add(
                "schema.yaml",
                f"sections[#{i + 1}]",
                f"is {item!r}, not a section.",
                "write a section as a mapping with key, title, sheet, kind and fields.",
            )
    sections = tuple(
        _parse_section(i, item, lists, out)
        for i, item in enumerate(raw)
        if isinstance(item, dict)
    )
    _check_section_links(sections, lists, out)
    return sections


def _parse_section(
    index: int,
    raw: dict[str, Any],
    lists: Mapping[str, tuple[str, ...]],
    out: _Collector,
) -> SectionSpec:
    key = str(raw.get("key", f"#{index + 1}"))
    where = f"sections[{key}]"
    kind_text = str(raw.get("kind", ""))
    try:
        kind = SectionKind(kind_text)
    except ValueError:
        out.add(
            "schema.yaml",
            f"{where}.kind",
            f"'{kind_text}' is not a section kind.",
            "use single, table or grid.",
        )
        kind = SectionKind.SINGLE
    sheet = str(raw.get("sheet", ""))
    if not sheet or len(sheet) > 31 or set(sheet) & _BAD_SHEET_CHARS:
        out.add(
            "schema.yaml",
            f"{where}.sheet",
            f"'{sheet}' is not a valid sheet name.",
            "use 1-31 characters without : \\ / ? * [ ].",
        )
    raw_fields = raw.get("fields") or []
    if not isinstance(raw_fields, list):
        out.add(
            "schema.yaml",
            f"{where}.fields",
            "is not a list of fields.",
            "list one field a line.",
        )
        raw_fields = []
    fields = []
    for item in raw_fields:
        if isinstance(item, dict):
            fields.append(_parse_field(where, item, out))
        else:
            out.add(
                "schema.yaml",
                f"{where}.fields",
                f"entry {item!r} is not a field.",
                "write a field as {name: ..., type: ...}.",
            )
    seen = [f.name for f in fields]
    for name in sorted({n for n in seen if seen.count(n) > 1}):
        out.add(
            "schema.yaml",
            f"{where}.fields[{name}]",
            "is defined twice.",
            "keep one definition.",
        )
    if kind is SectionKind.TABLE:
        fields = _with_row_columns(fields)
    table = raw.get("table")
    if kind is not SectionKind.SINGLE and not (
        isinstance(table, str)
        and _TABLE_NAME.match(table)
        and not _CELL_LIKE.match(table)
    ):
        out.add(
            "schema.yaml",
            f"{where}.table",
            f"'{table}' is not a valid Excel table name.",
            "use letters, digits and underscores, starting with a letter.",
        )
    return SectionSpec(
        key=key,
        title=str(raw.get("title", label_from_name(key))),
        sheet=sheet,
        kind=kind,
        fields=tuple(fields),
        table=str(table) if table else None,
        label_field=raw.get("label_field"),
        fixed_rows_list=raw.get("rows"),
        optional=bool(raw.get("optional", False)),
        help=str(raw.get("help", "")),
    )


def _with_row_columns(fields: list[FieldSpec]) -> list[FieldSpec]:
    """Every list row has an id first and internal notes last (DOMAIN.md)."""
    names = {f.name for f in fields}
    head = (
        []
        if ROW_ID in names
        else [
            FieldSpec(
                ROW_ID,
                FieldType.STR,
                "ID",
                "Stable row key; filled by xlplan check --fix-ids.",
            )
        ]
    )
    tail = (
        []
        if ROW_NOTES in names
        else [
            FieldSpec(
                ROW_NOTES,
                FieldType.TEXT,
                "Notes",
                "Internal notes; never shown to the client.",
            )
        ]
    )
    return head + fields + tail


def _parse_field(where: str, raw: dict[str, Any], out: _Collector) -> FieldSpec:
    name = str(raw.get("name", ""))
    at = f"{where}.fields[{name or '?'}]"
    if not _NAME.match(name) or _CELL_LIKE.match(name):
        out.add(
            "schema.yaml",
            at,
            f"'{name}' is not a usable field name.",
            "use snake_case that does not look like a cell address (e.g. not 'kpi1').",
        )
    elif len(name) > MAX_FIELD_NAME:
        # It becomes a defined name (255 characters at most in Excel), with
        # prefixes such as ref_ and list_ on some.
        out.add(
            "schema.yaml",
            f"{where}.fields[{name[:20]}...]",
            f"the field name is {len(name)} characters long.",
            f"use at most {MAX_FIELD_NAME} characters.",
        )
    type_text = str(raw.get("type", ""))
    try:
        ftype = FieldType(type_text)
    except ValueError:
        out.add(
            "schema.yaml",
            f"{at}.type",
            f"'{type_text}' is not a field type.",
            "use one of: " + ", ".join(t.value for t in FieldType) + ".",
        )
        ftype = FieldType.STR
    audience_text = str(raw.get("audience", "internal"))
    try:
        audience = Audience(audience_text)
    except ValueError:
        out.add(
            "schema.yaml",
            f"{at}.audience",
            f"'{audience_text}' is not an audience.",
            "use client or internal.",
        )
        audience = Audience.INTERNAL
    label = str(raw.get("label") or label_from_name(name))
    if set(label) & _BAD_LABEL_CHARS:
        out.add(
            "schema.yaml",
            f"{at}.label",
            f"'{label}' holds a character Excel tables reject.",
            "remove [ ] ' # @ from the label.",
        )
    return FieldSpec(
        name=name,
        type=ftype,
        label=label,
        help=str(raw.get("help", "")),
        required=_flag(raw, "required", at, out),
        computed=_flag(raw, "computed", at, out),
        audience=audience,
        list_name=raw.get("list"),
        ref_to=raw.get("to"),
        multi=_flag(raw, "multi", at, out),
    )


def _flag(raw: Mapping[str, Any], key: str, at: str, out: _Collector) -> bool:
    value = raw.get(key, False)
    if not isinstance(value, bool):
        out.add(
            "schema.yaml",
            f"{at}.{key}",
            f"is {value!r}, not true or false.",
            f"write `{key}: true` or `{key}: false` without quotes.",
        )
        return False
    return value


def _check_section_links(
    sections: tuple[SectionSpec, ...],
    lists: Mapping[str, tuple[str, ...]],
    out: _Collector,
) -> None:
    keys = {s.key for s in sections}
    seen_names: dict[str, str] = {}
    seen_tables: set[str] = set()
    for section in sections:
        where = f"sections[{section.key}]"
        if section.table:
            if section.table.casefold() in seen_tables:
                out.add(
                    "schema.yaml",
                    f"{where}.table",
                    f"table '{section.table}' is used twice.",
                    "give every table section its own table name.",
                )
            seen_tables.add(section.table.casefold())
        labels: set[str] = set()
        for spec in section.fields:
            at = f"{where}.fields[{spec.name}]"
            if spec.label.casefold() in labels:
                out.add(
                    "schema.yaml",
                    f"{at}.label",
                    f"label '{spec.label}' repeats in the section.",
                    "give each column its own label.",
                )
            labels.add(spec.label.casefold())
            if spec.type is FieldType.ENUM and lists and spec.list_name not in lists:
                out.add(
                    "schema.yaml",
                    f"{at}.list",
                    f"names no list in lists.yaml ('{spec.list_name}').",
                    "add the list to lists.yaml or fix the name.",
                )
            if spec.type is FieldType.REF and spec.ref_to not in keys:
                out.add(
                    "schema.yaml",
                    f"{at}.to",
                    f"names no section ('{spec.ref_to}').",
                    "point it at a table section key.",
                )
            if section.kind is SectionKind.SINGLE:
                other = seen_names.get(spec.name)
                if other:
                    out.add(
                        "schema.yaml",
                        at,
                        f"defined name '{spec.name}' is also in {other}.",
                        "single-section field names must be unique across the pack.",
                    )
                seen_names[spec.name] = section.key
        names = {f.name for f in section.fields}
        if section.label_field and section.label_field not in names:
            out.add(
                "schema.yaml",
                f"{where}.label_field",
                "names no field of the section.",
                "name the field that identifies a row.",
            )


def _parse_rates(
    doc: Any, lists: Mapping[str, tuple[str, ...]], out: _Collector
) -> Rates:
    raw = _mapping(doc, "rates.yaml", "(top level)", out)
    rates: dict[str, float] = {}
    for code, rate in out.mapping(raw.get("rates"), "rates.yaml", "rates").items():
        if (
            not isinstance(rate, (int, float))
            or isinstance(rate, bool)
            or not math.isfinite(rate)
            or rate <= 0
        ):
            out.add(
                "rates.yaml",
                f"rates.{code}",
                f"'{rate}' is not a positive number.",
                "write the units of the base currency per one unit, e.g. 1.08.",
            )
            continue
        rates[str(code)] = float(rate)
    base = str(raw.get("base", ""))
    if base not in rates:
        out.add(
            "rates.yaml",
            "base",
            f"base currency '{base}' has no rate.",
            f"add `{base}: 1.0`.",
        )
    return Rates(base=base, rates=rates)


def _parse_brand(doc: Any, out: _Collector) -> Brand:
    raw = _mapping(doc, "brand.yaml", "(top level)", out)
    colors = {
        str(k): str(v)
        for k, v in out.mapping(raw.get("colors"), "brand.yaml", "colors").items()
    }
    for key, value in colors.items():
        if not _HEX.match(value):
            out.add(
                "brand.yaml",
                f"colors.{key}",
                f"'{value}' is not a hex colour.",
                'write six hex digits in quotes, e.g. "1F3A5F".',
            )
    fonts = out.mapping(raw.get("fonts"), "brand.yaml", "fonts")
    lights = out.mapping(raw.get("traffic_lights"), "brand.yaml", "traffic_lights")
    logo = raw.get("logo")
    if logo is not None and not isinstance(logo, str):
        out.add(
            "brand.yaml",
            "logo",
            "is not a file name.",
            "write `logo: logo.png` or `logo: null`.",
        )
        logo = None
    return Brand(
        company_name=str(raw.get("company_name", "")),
        colors=colors,
        heading_font=str(fonts.get("heading", "Calibri")),
        body_font=str(fonts.get("body", "Calibri")),
        logo=logo,
        traffic_lights={
            str(k): {
                str(v): str(c)
                for v, c in out.mapping(m, "brand.yaml", f"traffic_lights.{k}").items()
            }
            for k, m in lights.items()
        },
    )
