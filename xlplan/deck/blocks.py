"""The content of a slide as plain values, before any PowerPoint shape exists.

Slide builders produce these; the renderer lays them out. Keeping the two
apart lets tests assert what a deck says without opening a file, and lets
long tables be split onto continuation slides before anything is drawn.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

# Slide types in deck order; each picks a layout of the template by this name.
SLIDE_TYPES = (
    "title",
    "agenda",
    "summary",
    "snapshot",
    "people",
    "map",
    "priorities",
    "swot",
    "market",
    "value",
    "goals",
    "opportunities",
    "timeline",
    "actions",
    "risks",
    "review",
    "next_steps",
)

# Characters XML 1.0 forbids (Excel writes a vertical tab for Alt+Enter).
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean_text(value: Any) -> str:
    """Text safe for a slide: XML-invalid characters become line breaks or go."""
    text = "" if value is None else str(value)
    text = text.replace("\x0b", "\n").replace("\r\n", "\n").replace("\r", "\n")
    return _INVALID_XML.sub("", text).strip()


def format_value(value: Any, kind: str = "") -> str:
    """A value as a reader expects it on a slide; blank for ``None``.

    ``kind`` is the pack field type: ``pct`` shows 0.85 as 85%, ``money`` and
    ``dec`` group thousands, dates read "3 Mar 2026".
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return long_date(value)
    if isinstance(value, (int, float)):
        return _format_number(float(value), kind)
    return clean_text(value)


def long_date(day: dt.date) -> str:
    """A date as "3 Mar 2026", the same in every locale."""
    return f"{day.day} {day:%b %Y}"


def _format_number(number: float, kind: str) -> str:
    if kind == "pct":
        return f"{number * 100:.0f}%"
    if kind == "money":
        return compact_money(number)
    if number.is_integer():
        return f"{number:,.0f}"
    return f"{number:,.2f}".rstrip("0").rstrip(".")


def compact_money(number: float) -> str:
    """Money for a headline: 1.2M, 350k, 900."""
    size = abs(number)
    if size >= 1e9:
        return f"{number / 1e9:.1f}bn"
    if size >= 1e6:
        return f"{number / 1e6:.1f}M"
    if size >= 1e4:
        return f"{number / 1e3:.0f}k"
    return f"{number:,.0f}"


@dataclass(frozen=True)
class Paragraphs:
    """Running text, one string per paragraph; ``bullets`` marks a list."""

    items: tuple[str, ...]
    bullets: bool = False


@dataclass(frozen=True)
class Tiles:
    """Headline figures: (label, value) pairs shown as cards."""

    items: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A native table: headings, rows of text, relative column widths.

    ``tones`` gives one traffic-light tone per row ("good", "warn", "bad",
    "muted" or "") for the row's ``tone_column`` cell.
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...] = ()
    tones: tuple[str, ...] = ()
    tone_column: int = -1

    def without_blank_columns(self) -> Table:
        """The table without columns blank in every row (the first column stays)."""
        keep = [
            i
            for i in range(len(self.columns))
            if i == 0 or any(row[i] for row in self.rows)
        ]
        if len(keep) == len(self.columns):
            return self
        widths = tuple(self.widths[i] for i in keep) if self.widths else ()
        tone = keep.index(self.tone_column) if self.tone_column in keep else -1
        return Table(
            tuple(self.columns[i] for i in keep),
            tuple(tuple(row[i] for i in keep) for row in self.rows),
            widths,
            self.tones,
            tone,
        )

    def page(self, rows: tuple[tuple[str, ...], ...], tones: tuple[str, ...]) -> Table:
        """The same table holding only some of its rows."""
        return Table(self.columns, rows, self.widths, tones, self.tone_column)


@dataclass(frozen=True)
class Quadrants:
    """Four labelled lists in a 2x2 grid (SWOT)."""

    cells: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class Chart:
    """A clustered bar chart with its data embedded in the deck."""

    title: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    number_format: str = "General"


@dataclass(frozen=True)
class Person:
    """One box of the relationship map."""

    name: str
    title: str
    reports_to: str | None
    tone: str
    role: str


@dataclass(frozen=True)
class OrgMap:
    """Stakeholders laid out by reporting line, coloured by relationship."""

    people: tuple[Person, ...]
    legend: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Milestone:
    """One action on the 90-day timeline."""

    day: dt.date
    label: str
    owner: str
    milestone: bool


@dataclass(frozen=True)
class Timeline:
    """Actions placed on a time axis from ``start`` to ``end``."""

    start: dt.date
    end: dt.date
    items: tuple[Milestone, ...]


Block = Paragraphs | Tiles | Table | Quadrants | Chart | OrgMap | Timeline


@dataclass(frozen=True)
class Slide:
    """One slide: its type (which picks the layout), title and content blocks.

    Two blocks sit side by side; ``notes`` go to the speaker notes.
    """

    kind: str
    title: str
    blocks: tuple[Block, ...] = ()
    subtitle: str = ""
    notes: str = ""
    continued: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
