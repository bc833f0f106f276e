"""What a new plan workbook is built from: raw values as a rep would type them.

``PlanInput`` holds the values to write, untouched (a typo stays a typo, as
in a real plan). ``to_plan`` gives the typed ``Plan`` Excel's formulas see,
from which the builder writes each formula's cached result.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xlplan.model.pack import Pack, SectionKind
from xlplan.model.plan import Plan
from xlplan.model.values import interpret


@dataclass
class PlanInput:
    """Raw values for one plan workbook.

    ``records`` maps single sections to field values; ``tables`` maps table
    sections to rows; ``grid`` maps a business unit to offering -> state.
    ``as_of`` fixes the plan's as-of date; ``None`` writes ``=TODAY()``.
    """

    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    tables: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    grid: dict[str, dict[str, Any]] = field(default_factory=dict)
    as_of: dt.date | None = None

    @property
    def account_name(self) -> str:
        """The account's name, or an empty string."""
        return str(self.records.get("plan", {}).get("account_name") or "")


def to_plan(pack: Pack, raw: PlanInput, today: dt.date) -> Plan:
    """The typed plan Excel would compute from ``raw`` on ``today`` (or its fixed as-of)."""
    records: dict[str, dict[str, Any]] = {}
    tables: dict[str, tuple[dict[str, Any], ...]] = {}
    for section in pack.sections:
        if section.kind is SectionKind.SINGLE:
            values = raw.records.get(section.key, {})
            records[section.key] = {
                spec.name: interpret(spec, values.get(spec.name), pack.lists)
                for spec in section.input_fields
            }
        elif section.kind is SectionKind.TABLE:
            tables[section.key] = tuple(
                {
                    spec.name: interpret(spec, row.get(spec.name), pack.lists)
                    for spec in section.input_fields
                }
                for row in raw.tables.get(section.key, [])
            )
        else:
            tables[section.key] = tuple(_grid_rows(pack, raw))
    return Plan(as_of=raw.as_of or today, records=records, tables=tables)


def _grid_rows(pack: Pack, raw: PlanInput) -> list[dict[str, Any]]:
    section = next(s for s in pack.sections if s.kind is SectionKind.GRID)
    state_spec = section.field("state")
    rows = []
    for unit, cells in raw.grid.items():
        for offering in pack.lists["offerings"]:
            rows.append(
                {
                    "business_unit": unit,
                    "offering": offering,
                    "state": interpret(
                        state_spec, (cells or {}).get(offering), pack.lists
                    ),
                }
            )
    return rows
