"""The slides of a plan deck, as content blocks, in DOMAIN.md 5.3 order.

Each builder reads only what ``DeckData`` lets its audience see and returns
no slide when its section is empty, so an empty section never leaves a blank
slide behind. The agenda is written last, from the slides that made it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from xlplan.deck import slides_account as account
from xlplan.deck import slides_progress as progress
from xlplan.deck.audience import DeckData
from xlplan.deck.blocks import (
    Paragraphs,
    Slide,
    Table,
    clean_text,
    long_date,
)

AGENDA_COLUMN = 8  # agenda items before a second column

Builder = Callable[[DeckData, Mapping[str, Any]], "list[Slide]"]


def build_slides(
    data: DeckData, narrative: Mapping[str, Any], context: Mapping[str, Any]
) -> list[Slide]:
    """Every slide of the deck, title and agenda first."""
    body: list[Slide] = []
    for builder in BODY:
        body.extend(builder(data, {"narrative": narrative, "context": context}))
    body = [_compact(slide) for slide in body]
    opening = [_title(data)]
    agenda = _agenda(body)
    if agenda:
        opening.append(agenda)
    return opening + body


def _compact(slide: Slide) -> Slide:
    """The slide with table columns that are blank in every row left out."""
    blocks = tuple(
        b.without_blank_columns() if isinstance(b, Table) else b for b in slide.blocks
    )
    return dataclasses.replace(slide, blocks=blocks)


def _title(data: DeckData) -> Slide:
    account = data.value("account_name") or "Account plan"
    period = _period(data)
    subtitle = " · ".join(
        p for p in (f"Account plan {period}".strip(), data.company) if p
    )
    return Slide(
        "title",
        clean_text(account),
        subtitle=subtitle,
        extra={
            "goal": clean_text(data.value("headline_goal")),
            "date": long_date(data.as_of),
        },
    )


def _period(data: DeckData) -> str:
    start, end = data.value("period_start"), data.value("period_end")
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        return f"{start:%b %Y} – {end:%b %Y}"
    return ""


def _agenda(body: Sequence[Slide]) -> Slide | None:
    titles: list[str] = []
    for slide in body:
        if slide.kind not in ("agenda", "next_steps") and slide.title not in titles:
            titles.append(slide.title)
    if len(titles) < 3:
        return None
    numbered = [f"{index:02d}   {title}" for index, title in enumerate(titles, start=1)]
    if len(numbered) <= AGENDA_COLUMN:
        return Slide("agenda", "Agenda", (Paragraphs(tuple(numbered)),))
    half = (len(numbered) + 1) // 2
    columns = (Paragraphs(tuple(numbered[:half])), Paragraphs(tuple(numbered[half:])))
    return Slide("agenda", "Agenda", columns)


BODY: tuple[Builder, ...] = (
    account.summary,
    account.snapshot,
    account.people,
    account.priorities,
    account.swot,
    account.market,
    account.value,
    progress.goals,
    progress.opportunities,
    progress.timeline,
    progress.actions,
    progress.risks,
    progress.review,
    progress.next_steps,
)
