"""Narrative text from the pack's Jinja2 templates, in a sandbox.

Templates come from the pack (``deck.narrative``) or from text written in a
PowerPoint template; the plan's own text is only ever a value, never a
template. An unknown name is an error naming where the template came from.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from collections.abc import Mapping
from typing import Any

import jinja2

from xlplan.deck.audience import DeckData
from xlplan.deck.blocks import clean_text, format_value, long_date
from xlplan.deck.sandbox import BoundedSandbox, bounded_render, check_format
from xlplan.errors import XlplanError


class DeckTemplateError(XlplanError):
    """A narrative text or a template placeholder cannot be rendered."""


def _longdate(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    return long_date(value) if isinstance(value, dt.date) else format_value(value)


def _finalize(value: Any) -> Any:
    """How a value prints: blank for None, dates as "3 Mar 2026", 1420000.0 as 1420000.

    Grouped or compact figures are the filters' work (``number``, ``money``,
    ``pct``): a year must not print as "2,020".
    """
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return _longdate(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _environment() -> BoundedSandbox:
    env = BoundedSandbox(
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        finalize=_finalize,
    )
    env.filters["longdate"] = _longdate
    env.filters["show"] = format_value
    env.filters["format"] = _format
    env.filters["number"] = functools.partial(format_value, kind="dec")
    env.filters["money"] = functools.partial(format_value, kind="money")
    env.filters["pct"] = functools.partial(format_value, kind="pct")
    for widening in ("center", "indent", "wordwrap"):
        del env.filters[widening]
    return env


def _format(text: Any, *args: Any, **kwargs: Any) -> str:
    """Jinja2's printf-style ``format`` filter, without unbounded widths."""
    source = str(text)
    check_format(source)
    return source % (kwargs or args)


ENVIRONMENT = _environment()


class _Fields(dict[str, Any]):
    """Plan fields for templates: a name the pack knows but the deck hides is blank.

    A name that no section of the pack has is still an error, so a typo in a
    template is caught while a client deck renders a hidden field as nothing.
    """

    def __init__(self, values: Mapping[str, Any], known: frozenset[str]) -> None:
        super().__init__(values)
        self._known = known

    def __getattr__(self, name: str) -> Any:
        if name in self:
            return self[name]
        if name in self._known:
            return None
        raise AttributeError(name)


def template_context(data: DeckData, known_fields: frozenset[str]) -> dict[str, Any]:
    """The names a narrative or template placeholder may use."""
    objectives = sorted(
        data.table("objectives"),
        key=lambda row: (
            row.get("priority_rank") is None,
            row.get("priority_rank") or 0,
        ),
    )
    return {
        "plan": _Fields(data.fields, known_fields),
        "company": data.company,
        "as_of": data.as_of,
        "audience": data.audience.value,
        "counts": {key: len(rows) for key, rows in data.rows.items()}
        | {"agreed_actions": _agreed(data)}
        | {key: 0 for key in _ZERO_COUNTS if key not in data.rows},
        "top_objective": objectives[0].get("title") if objectives else None,
        "figures": dict(data.figures),
    }


_ZERO_COUNTS = (
    "objectives",
    "actions",
    "stakeholders",
    "goals",
    "kpis",
    "opportunities",
)


def _agreed(data: DeckData) -> int:
    """Open actions the client has accepted."""
    return sum(
        1
        for row in data.table("actions")
        if row.get("acceptance") == "Accepted"
        and row.get("progress") not in ("Done", "Cancelled")
    )


def render_text(source: str, context: Mapping[str, Any], where: str) -> str:
    """Render one template text; ``where`` names its origin in errors."""
    try:
        text = bounded_render(ENVIRONMENT.from_string(source), dict(context))
    except jinja2.TemplateSyntaxError as error:
        raise DeckTemplateError(
            f"{where}, line {error.lineno}: {error.message}",
            hint=f"Fix the template text: {_excerpt(source, error.lineno)}",
        ) from None
    except jinja2.UndefinedError as error:
        raise DeckTemplateError(
            f"{where}: {_unknown_name(error.message or '', context)}",
            hint="Names a template may use: plan.<a field of the pack's "
            "schema.yaml> (plan.account_name ...), company, as_of, audience, "
            "top_objective, counts.<section>, and in internal decks "
            "figures.<name> (health, completeness ...). See the README, 'Decks'.",
        ) from None
    except jinja2.TemplateError as error:
        raise DeckTemplateError(
            f"{where}: {error}", hint="Fix the template text."
        ) from None
    except (ArithmeticError, LookupError, TypeError, ValueError) as error:
        raise DeckTemplateError(
            f"{where}: {type(error).__name__}: {error}", hint="Fix the template text."
        ) from None
    return clean_text(re.sub(r"[ \t]*\n[ \t]*", " ", text).replace("  ", " "))


def _unknown_name(message: str, context: Mapping[str, Any]) -> str:
    """Jinja2's "'x object' has no attribute 'y'" as a template writer reads it."""
    found = re.search(r"has no attribute '([^']+)'", message) or re.search(
        r"'([^']+)' is undefined", message
    )
    if found is None:
        return message
    name = found.group(1)
    figures = context.get("figures")
    if "dict object" in message and isinstance(figures, Mapping) and not figures:
        return f"figures.{name} is shown in internal decks only."
    known = [*context, *context.get("plan", {}), *(figures or {})]
    close = difflib.get_close_matches(name, known, n=1)
    guess = f" Did you mean '{close[0]}'?" if close else ""
    return f"'{name}' is not a name a deck template knows.{guess}"


def _excerpt(source: str, line: int | None) -> str:
    lines = source.splitlines() or [""]
    index = min(max((line or 1) - 1, 0), len(lines) - 1)
    return repr(lines[index].strip()[:80])


def render_narrative(
    name: str, narrative: Mapping[str, Any], context: Mapping[str, Any]
) -> str:
    """One of the pack's narrative texts, blank when the pack has none by that name."""
    source = narrative.get(name)
    if not isinstance(source, str) or not source.strip():
        return ""
    return render_text(source, context, f"deck.yaml narrative '{name}'")
