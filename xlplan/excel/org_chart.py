"""Draw the stakeholder map as a picture: reporting lines, buying roles and
relationship status, for the workbook's Org chart sheet.

Rendered with Pillow, imported only when a map is drawn, so worksheet
functions and xlwings Lite never load it. People are boxes placed by
reporting level (a person whose manager is not on the sheet, or who sits in a
reporting loop, starts a new tree); lines join each person to their manager;
the fill shows relationship status.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from xlplan.model.plan import Plan, Row

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 210, 74, 24, 46, 24
STATUS_FILLS = {
    "Mentor": "#1B7F3B",
    "Supporter": "#7CC48A",
    "Neutral": "#D9D9D9",
    "Non-supporter": "#F4A259",
    "Opponent": "#D64545",
}
NO_STATUS_FILL = "#FFFFFF"
DARK_FILLS = {"#1B7F3B", "#D64545"}


def levels(people: Sequence[Row]) -> list[list[Row]]:
    """People by reporting level: managers above the people who report to them."""
    by_name = {str(p["name"]).casefold(): p for p in people}
    depth: dict[str, int] = {}

    def depth_of(key: str, seen: frozenset[str]) -> int:
        if key in depth:
            return depth[key]
        boss = by_name[key].get("reports_to")
        boss_key = str(boss).casefold() if boss else ""
        if boss_key not in by_name or boss_key in seen or boss_key == key:
            return 0
        return depth_of(boss_key, seen | {key}) + 1

    for key in by_name:
        depth[key] = depth_of(key, frozenset())
    rows: list[list[Row]] = [[] for _ in range(max(depth.values(), default=-1) + 1)]
    for key, person in by_name.items():
        rows[depth[key]].append(person)
    return rows


def _label(person: Row) -> list[str]:
    flags = [
        text
        for flag, text in (
            ("is_economic_buyer", "Economic buyer"),
            ("is_champion", "Champion"),
            ("is_client_sponsor", "Sponsor"),
        )
        if person.get(flag)
    ]
    role = person.get("buying_role") or "No buying role"
    return [
        str(person["name"])[:30],
        str(person.get("title") or "")[:32],
        ", ".join([str(role), *flags])[:34],
    ]


def render_stakeholder_map(plan: Plan) -> bytes:
    """The map of the plan's named stakeholders as PNG bytes."""
    from PIL import Image, ImageDraw

    people = [p for p in plan.rows("stakeholders") if p.get("name") is not None]
    rows = levels(people) or [[]]
    width = max(1, max(len(r) for r in rows)) * (BOX_W + GAP_X) + 2 * MARGIN
    height = len(rows) * (BOX_H + GAP_Y) + 2 * MARGIN + 30
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    places = _places(rows)
    for person in people:
        _line_to_manager(draw, person, places)
    for person in people:
        _box(draw, person, places[str(person["name"]).casefold()])
    _legend(draw, height - MARGIN - 14)
    if not people:
        draw.text((MARGIN, MARGIN), "No stakeholders named yet.", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _places(rows: list[list[Row]]) -> dict[str, tuple[int, int]]:
    places = {}
    for level, people in enumerate(rows):
        for index, person in enumerate(people):
            x = MARGIN + index * (BOX_W + GAP_X)
            y = MARGIN + level * (BOX_H + GAP_Y)
            places[str(person["name"]).casefold()] = (x, y)
    return places


def _line_to_manager(
    draw: Any, person: Row, places: dict[str, tuple[int, int]]
) -> None:
    boss = person.get("reports_to")
    key = str(person["name"]).casefold()
    if not boss or str(boss).casefold() not in places or str(boss).casefold() == key:
        return
    x, y = places[key]
    bx, by = places[str(boss).casefold()]
    if by >= y:
        return  # a reporting loop: no line back up the page
    draw.line(
        [(x + BOX_W // 2, y), (bx + BOX_W // 2, by + BOX_H)], fill="#555555", width=2
    )


def _box(draw: Any, person: Row, place: tuple[int, int]) -> None:
    x, y = place
    fill = STATUS_FILLS.get(str(person.get("relationship_status")), NO_STATUS_FILL)
    draw.rectangle([x, y, x + BOX_W, y + BOX_H], fill=fill, outline="#333333", width=2)
    ink = "white" if fill in DARK_FILLS else "black"
    for line, text in enumerate(_label(person)):
        draw.text((x + 8, y + 8 + 20 * line), text, fill=ink)


def _legend(draw: Any, y: int) -> None:
    x = MARGIN
    for status, fill in [*STATUS_FILLS.items(), ("Not rated", NO_STATUS_FILL)]:
        draw.rectangle([x, y, x + 14, y + 14], fill=fill, outline="#333333")
        draw.text((x + 20, y + 1), status, fill="black")
        x += 20 + 8 * len(status) + 16
