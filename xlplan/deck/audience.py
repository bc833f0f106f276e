"""What a deck may show: the plan seen through its audience's allow-list.

A client deck is built only from fields the pack marks ``audience: client``
and only from rows the pack's ``deck.client_rows`` rules let through; a
section with no rule shows no rows at all. An internal deck sees every field
and row. Computed figures are recomputed with ``core/`` here, so a deck never
trusts a cached cell and never shows a figure its audience may not see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from xlplan.core.completeness import score_completeness
from xlplan.core.health import score_health
from xlplan.core.registry import COLUMNS, FIELDS
from xlplan.core.rules import Rules, rules_from_pack
from xlplan.deck.blocks import clean_text
from xlplan.model.pack import Audience as FieldAudience
from xlplan.model.pack import Brand, Pack, SectionKind, SectionSpec, client_sees_row
from xlplan.model.plan import Plan, Row

SINGLE_SECTIONS = ("plan", "profile")


class Audience(str, Enum):
    """Who the deck is for."""

    CLIENT = "client"
    INTERNAL = "internal"


@dataclass(frozen=True)
class DeckData:
    """The plan as the deck's audience may see it.

    ``fields`` merges the single sections (``plan``, ``profile``) under the
    field names of DOMAIN.md; ``rows`` holds each table section's visible rows
    with only visible columns; ``figures`` holds internal judgements (health,
    completeness, flags) and is empty for a client deck.
    """

    audience: Audience
    as_of: dt.date
    company: str
    fields: Mapping[str, Any]
    rows: Mapping[str, tuple[Row, ...]]
    figures: Mapping[str, Any] = field(default_factory=dict)
    labels: Mapping[tuple[str, str], str] = field(default_factory=dict)
    lights: Mapping[tuple[str, str], Mapping[str, str]] = field(default_factory=dict)

    @property
    def internal(self) -> bool:
        """True for a deck that may show everything."""
        return self.audience is Audience.INTERNAL

    def value(self, name: str) -> Any:
        """A single field's value, ``None`` when blank or not visible."""
        return self.fields.get(name)

    def table(self, section: str) -> tuple[Row, ...]:
        """A section's visible rows, empty when none may be shown."""
        return self.rows.get(section, ())

    def tone(self, section: str, name: str, value: Any) -> str:
        """The brand's traffic light for a value: good, warn, bad, muted or ""."""
        return self.lights.get((section, name), {}).get(str(value), "")

    def label(self, section: str, name: str) -> str:
        """The pack's label of a field, for column headings."""
        return self.labels.get((section, name), name.replace("_", " ").capitalize())


def build_deck_data(
    plan: Plan,
    pack: Pack,
    audience: Audience,
    *,
    client_rows: Mapping[str, Any],
    company: str,
    brand: Brand | None = None,
    flags: Sequence[str] = (),
    portfolio: Mapping[str, Any] | None = None,
) -> DeckData:
    """Filter and complete one plan for a deck of the given audience.

    ``pack`` is the plan's own pack (its schema says which fields a client
    may see); ``client_rows`` are the deck's row rules (``deck.client_rows``
    of the pack the deck is rendered with). ``flags`` and ``portfolio`` (the
    plan's row of a rollup) reach an internal deck only.
    """
    rules = rules_from_pack(pack)
    fields: dict[str, Any] = {}
    rows: dict[str, tuple[Row, ...]] = {}
    for spec in pack.sections:
        if spec.kind is SectionKind.SINGLE:
            fields.update(_single_fields(plan, spec, rules, audience))
        else:
            rows[spec.key] = _table_rows(plan, spec, rules, client_rows, audience)
    figures: dict[str, Any] = {}
    if audience is Audience.INTERNAL:
        figures = _internal_figures(plan, rules, flags, portfolio)
    labels = {(s.key, f.name): f.label for s in pack.sections for f in s.fields}
    lights = {
        (s.key, f.name): (brand or pack.brand).lights_for(s.key, f)
        for s in pack.sections
        for f in s.fields
    }
    return DeckData(
        audience=audience,
        as_of=plan.as_of,
        company=company,
        fields=fields,
        rows={k: v for k, v in rows.items() if v},
        figures=figures,
        labels=labels,
        lights=lights,
    )


def _visible(spec_audience: FieldAudience, audience: Audience) -> bool:
    return audience is Audience.INTERNAL or spec_audience is FieldAudience.CLIENT


def _single_fields(
    plan: Plan, spec: SectionSpec, rules: Rules, audience: Audience
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in spec.fields:
        if not _visible(f.audience, audience):
            continue
        figure = FIELDS.get(f.name) if f.computed else None
        values[f.name] = _clean(
            figure.value(plan, rules) if figure else plan.value(spec.key, f.name)
        )
    return values


def _clean(value: Any) -> Any:
    """Text a slide can hold: Excel's vertical tab a line break, control characters gone."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, tuple):
        return tuple(_clean(item) for item in value)
    return value


def _table_rows(
    plan: Plan,
    spec: SectionSpec,
    rules: Rules,
    client_rows: Mapping[str, Any],
    audience: Audience,
) -> tuple[Row, ...]:
    rule = client_rows.get(spec.key) if audience is Audience.CLIENT else "all"
    if rule is None:
        return ()
    shown = [f for f in spec.fields if _visible(f.audience, audience)]
    if not shown:
        return ()
    out = []
    for row in plan.rows(spec.key):
        complete = _with_computed(row, plan, spec, rules)
        if client_sees_row(rule, complete):
            out.append({f.name: _clean(complete.get(f.name)) for f in shown})
    return tuple(out)


def _with_computed(row: Row, plan: Plan, spec: SectionSpec, rules: Rules) -> Row:
    values = dict(row)
    for f in spec.fields:
        column = COLUMNS.get((spec.key, f.name)) if f.computed else None
        if column is not None:
            values[f.name] = column.value(row, plan, rules)
    return values


def _internal_figures(
    plan: Plan,
    rules: Rules,
    flags: Sequence[str],
    portfolio: Mapping[str, Any] | None,
) -> dict[str, Any]:
    health = score_health(plan, rules)
    completeness = score_completeness(plan, rules)
    figures: dict[str, Any] = {
        "health": health.score,
        "health_band": health.band,
        "health_weakest": health.weakest,
        "completeness": completeness.score,
        "flags": list(flags),
    }
    for name in (
        "pipeline",
        "weighted_pipeline",
        "won_value",
        "win_rate",
        "overdue_actions",
        "open_high_risks",
        "force_field_score",
        "key_account_score",
        "share_of_wallet",
        "revenue_attainment",
    ):
        figures[name] = FIELDS[name].value(plan, rules)
    if portfolio:
        figures["portfolio"] = dict(portfolio)
    return figures
