"""Plans and decks the deck tests share: sample plans read back, decks reopened."""

from __future__ import annotations

import copy
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from pptx import Presentation

from tests.conftest import AS_OF
from tests.workbook.plans import sample_plans
from xlplan.deck.audience import Audience
from xlplan.deck.render import render_plan_deck
from xlplan.model.pack import Audience as FieldAudience
from xlplan.model.pack import FieldType, Pack, SectionKind
from xlplan.model.plan import Plan
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.inputs import PlanInput
from xlplan.workbook.reader import read_plan

RICH_SAMPLE = "halvorsen-logistics"


def plan_file(pack: Pack, raw: PlanInput, folder: Path, stem: str) -> Path:
    """Build a plan workbook the way `xlplan new` does and save it."""
    path = folder / f"{stem}.xlsx"
    path.write_bytes(build_plan_workbook(pack, raw, today=AS_OF).content)
    return path


def read_back(path: Path) -> tuple[Plan, Pack]:
    read = read_plan(path.read_bytes(), str(path))
    assert read.plan is not None and read.pack is not None, read.issues
    return read.plan, read.pack


def deck_of(plan: Plan, pack: Pack, audience: Audience, **options: object):
    content = render_plan_deck(plan, pack, audience=audience, **options)  # type: ignore[arg-type]
    return Presentation(io.BytesIO(content)), content


def titles(deck) -> list[str]:
    return [
        slide.shapes.title.text if slide.shapes.title else _first_text(slide)
        for slide in deck.slides
    ]


def _first_text(slide) -> str:
    for shape in slide.shapes:
        if shape.has_text_frame and shape.text_frame.text.strip():
            return shape.text_frame.text
    return ""


def tables(slide) -> list[list[list[str]]]:
    return [
        [[cell.text for cell in row.cells] for row in shape.table.rows]
        for shape in slide.shapes
        if shape.has_table
    ]


def every_text(content: bytes) -> Iterator[tuple[str, str]]:
    """(part name, text) of every XML part, including workbooks embedded for charts."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for name in package.namelist():
            data = package.read(name)
            if name.endswith(".xlsx"):
                for inner, text in every_text(data):
                    yield f"{name}/{inner}", text
            elif name.endswith((".xml", ".rels")):
                yield name, data.decode("utf-8")


def marker_plan(pack: Pack) -> PlanInput:
    """The rich sample plan with a unique marker in every internal text field.

    Rows a client may never see (risks, internal reviews, our competitors,
    relationship SWOT items, hidden goals and opportunities, revenue goals)
    also carry markers in their client fields.
    """
    raw = copy.deepcopy(sample_plans(pack)[RICH_SAMPLE])
    for spec in pack.sections:
        internal = [
            f
            for f in spec.fields
            if f.audience is FieldAudience.INTERNAL
            and f.type in (FieldType.STR, FieldType.TEXT)
            and not f.computed
            and f.ref_to is None
            and f.name not in ("plan_id",)
        ]
        if spec.kind is SectionKind.SINGLE:
            record = raw.records.setdefault(spec.key, {})
            for f in internal:
                record[f.name] = f"MARKER-{spec.key}-{f.name}"
        elif spec.kind is SectionKind.TABLE:
            for index, row in enumerate(raw.tables.get(spec.key, [])):
                for f in internal:
                    row[f.name] = f"MARKER-{spec.key}-{f.name}-{index}"
    tables = raw.tables
    tables["swot"].append(
        {
            "quadrant": "Weakness",
            "text": "MARKER-relationship-swot",
            "about_relationship": True,
        }
    )
    tables["competitors"].append(
        {
            "name": "MARKER-our-competitor",
            "perspective": "Our competitor at this account",
            "offerings": "MARKER-our-competitor-offerings",
        }
    )
    tables["goals"].append(
        {"title": "MARKER-hidden-goal", "metric": "Adoption", "client_visible": False}
    )
    tables["goals"].append(
        {
            "title": "MARKER-revenue-goal",
            "metric": "Revenue",
            "target": 4242424,
            "client_visible": True,
        }
    )
    tables["opportunities"].append(
        {
            "name": "MARKER-hidden-opportunity",
            "stage": "Qualified",
            "estimated_value": 3131313,
        }
    )
    tables["reviews"].append(
        {
            "date": AS_OF,
            "review_type": "Manager 1:1",
            "decisions_needed": "MARKER-internal-review",
            "next_steps": "MARKER-internal-next-steps",
        }
    )
    tables["risks"].append(
        {
            "description": "MARKER-risk",
            "likelihood": "High",
            "impact": "High",
            "status": "Open",
            "mitigation": "MARKER-mitigation",
        }
    )
    tables["kpis"].append(
        {
            "kpi": "Win rate",
            "period": "MARKER-KPI-PERIOD",
            "target": 0.5,
            "actual": 0.4,
            "client_visible": True,
        }
    )
    return raw


MARKER = re.compile(
    r"MARKER-[A-Za-z0-9_-]+|4242424|3131313|4,242,424|3,131,313|4\.2M|3\.1M"
)
