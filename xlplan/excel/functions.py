"""Worksheet functions: xlwings wrappers over ``core``, one per Insights figure.

Every plan function takes the plan's ranges in any order: single-section
blocks (label and value rows, such as the cover's) and whole tables with their
header row (``Actions[#All]``). ``SECTIONS`` names the ranges each function
needs; the Insights sheet builder passes exactly those. List functions take
``rows`` first and return a column of exactly that many cells, padded with
blanks, so they fit a fixed-size range outside Excel 365.

A function never raises for a bad cell: blanks, text where a number belongs
and error values (as ``None`` or as ``"#N/A"`` text) are read as the reader
reads them. A bad ``rows`` argument returns a message in the cell.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any, TypeVar

import xlwings as xw

from xlplan.collector import collector_paused
from xlplan.core import gaps, next_actions, portfolio, rates
from xlplan.core.completeness import (
    SECTION_READS,
    Completeness,
    completeness_of,
    score_section,
)
from xlplan.core.health import COMPONENT_READS, COMPONENTS, Health, health_of
from xlplan.core.rules import Rules, rules_from_pack
from xlplan.core.sections import SECTIONS as SECTIONS  # re-exported for callers
from xlplan.excel.cells import CellsRead, as_grid, excel_value
from xlplan.excel.recalc import PlanCache, PlanEntry
from xlplan.model.pack import Pack
from xlplan.model.plan import Plan
from xlplan.packs import load_pack
from xlplan.workbook.build import META_SHEET
from xlplan.workbook.package import PlanFileError
from xlplan.workbook.reader import pack_of_plan, plan_facts

T = TypeVar("T")
CATEGORY = "xlplan"
MAX_ROWS = 200
PLAN_DOC = "The plan's ranges, any order: the Cover and Profile blocks and whole tables with their header row"
ROWS_DOC = f"How many rows to return (1-{MAX_ROWS}); the rest is padded with blanks"


@lru_cache(maxsize=1)
def current_pack() -> tuple[Pack, Rules]:
    """The installed default pack and its rules, loaded once per Python session."""
    pack = load_pack()
    return pack, rules_from_pack(pack)


@lru_cache(maxsize=1)
def plan_cache() -> PlanCache:
    """The ranges and plans read in this Python session, for the default pack."""
    return PlanCache(current_pack()[0])


class UnusablePack(Exception):
    """The pack block passed holds no pack xlplan can use: the cell says why."""


@dataclass
class _PackBlock:
    """A plan's pack block as passed, and the cache of the plans read through it."""

    cells: list[list[Any]]
    cache: PlanCache


# The pack blocks of the last few plans' packs, most recent last.
_PACK_BLOCKS: list[_PackBlock] = []
PACKS_KEPT = 4


def _entry(ranges: Sequence[Any]) -> PlanEntry:
    """The plan in ``ranges``, read through the pack of its pack block if one is passed."""
    block, plan_ranges = _split_pack_block(ranges)
    cache = plan_cache() if block is None else pack_cache(block)
    return cache.plan(plan_ranges, dt.date.today())


def is_pack_block(argument: Any) -> bool:
    """True for the hidden ``_xlplan`` sheet's block (``xlplan_pack``): format, xlplan-plan first."""
    return (
        isinstance(argument, list)
        and bool(argument)
        and isinstance(argument[0], list)
        and argument[0][:2] == ["format", "xlplan-plan"]
    )


def _split_pack_block(ranges: Sequence[Any]) -> tuple[Any, Sequence[Any]]:
    """The pack block among ``ranges`` (``None`` if none) and the other ranges."""
    for index, argument in enumerate(ranges):
        if is_pack_block(argument):
            return argument, [*ranges[:index], *ranges[index + 1 :]]
    return None, ranges


def pack_cache(block: list[list[Any]]) -> PlanCache:
    """The plan cache of the pack in ``block``, its pack parsed once.

    A block is recognised by its cells (a few dozen texts compared in C); a
    new one is parsed as the reader parses the hidden sheet. A plan built on
    the installed default pack shares the default cache. Raises
    ``UnusablePack`` when the block holds no usable pack.
    """
    for kept in _PACK_BLOCKS:
        if kept.cells == block:
            _PACK_BLOCKS.remove(kept)
            _PACK_BLOCKS.append(kept)
            return kept.cache
    try:
        pack = pack_of_plan(plan_facts(block))
    except PlanFileError as exc:
        raise UnusablePack(
            f"xlplan cannot use the pack on the hidden {META_SHEET} sheet: "
            f"{exc.message} {exc.hint}"
        ) from None
    default = plan_cache()
    cache = default if pack.content_hash == default.pack.content_hash else None
    _PACK_BLOCKS.append(
        _PackBlock([list(row) for row in block], cache or PlanCache(pack))
    )
    del _PACK_BLOCKS[:-PACKS_KEPT]
    return _PACK_BLOCKS[-1].cache


def clear_caches() -> None:
    """Forget every range read, plan joined and pack block, as a fresh Python would."""
    plan_cache().clear()
    _PACK_BLOCKS.clear()


def plan_of(ranges: Sequence[Any]) -> CellsRead:
    """The plan in ``ranges``; the same ranges read once per recalculation day."""
    return _entry(ranges).read


def _score(entry: PlanEntry, function: str, compute: Callable[[Plan, Rules], T]) -> T:
    """``compute(plan, rules)``: a score the worksheet function ``function`` shows.

    The score is kept by the ranges of the sections ``function`` reads, so
    every plan holding the same ranges of them shares it: the completeness
    cell, the missing list and the next actions compute completeness once.
    """
    return _part(entry, function, SECTIONS[function], compute)


def _part(
    entry: PlanEntry,
    name: str,
    sections: Collection[str],
    compute: Callable[[Plan, Rules], T],
) -> T:
    """``compute(plan, rules)``, kept by the ranges of the ``sections`` it reads."""
    return entry.score(name, sections, lambda plan: compute(plan, entry.rules))


def _health(entry: PlanEntry) -> Health:
    """Health, each component kept by the sections it reads.

    A table edited since the last call computes again only the components
    that read it; health itself is put together again from them.
    """

    def compute(plan: Plan, rules: Rules) -> Health:
        components = tuple(
            (key, _part(entry, f"health: {key}", COMPONENT_READS[key], component))
            for key, (component, _) in COMPONENTS.items()
        )
        return health_of(plan, rules, components)

    return _score(entry, "xlplan_health", compute)


def _completeness(entry: PlanEntry) -> Completeness:
    """Completeness, each section's part kept by the plan sections it reads."""

    def compute(plan: Plan, rules: Rules) -> Completeness:
        return completeness_of(
            [
                _part(entry, f"completeness: {key}", reads, partial(score_section, key))
                for key, reads in SECTION_READS.items()
            ]
        )

    return _score(entry, "xlplan_completeness", compute)


def _coverage_gaps(entry: PlanEntry) -> list[gaps.Gap]:
    return _score(entry, "xlplan_coverage_gaps", gaps.coverage_gaps)


def _white_space_gaps(entry: PlanEntry) -> list[gaps.Gap]:
    return _score(entry, "xlplan_white_space_gaps", gaps.white_space_gaps)


def _column(items: Sequence[Any], rows: Any) -> list[list[Any]]:
    """``items`` as a column of exactly ``rows`` cells, padded with blanks."""
    count = excel_value(rows)
    if isinstance(count, bool) or not isinstance(count, (int, float)):
        return [[f"rows must be a number from 1 to {MAX_ROWS}"]]
    size = int(count)
    if not 1 <= size <= MAX_ROWS:
        return [[f"rows must be a number from 1 to {MAX_ROWS}"]]
    cells = [str(item) for item in items[:size]]
    return [[cell] for cell in cells + [""] * (size - len(cells))]


def _blank(value: Any) -> Any:
    return "" if value is None else value


# The help Excel's function wizard shows for each argument, by function name.
ARG_HELP: dict[str, dict[str, str]] = {}


def _declare(
    f: Callable[..., Any], arg_help: dict[str, str], **options: dict[str, Any]
) -> Callable[..., Any]:
    """Declare ``f`` to xlwings: category, each argument's help and options.

    On Windows xlwings records these for its function wizard; elsewhere its
    decorators leave the function as it is, so ``ARG_HELP`` keeps the help too.
    """
    ARG_HELP[f.__name__] = arg_help
    for name, text in arg_help.items():
        f = xw.arg(name, doc=text, **options.get(name.lstrip("*"), {}))(f)
    return xw.func(category=CATEGORY)(f)


def _answering_for_the_pack(
    f: Callable[..., Any], *, listed: bool
) -> Callable[..., Any]:
    """``f``, answering with the reason in its cell when the pack block is unusable.

    A list function (``listed``) gives the reason as the first of its ``rows``.
    The collector is paused while ``f`` reads ranges into plans it keeps
    (``collector_paused``): the add-in's Python holds every plan read, and
    each full collection walked them all.
    """

    @functools.wraps(f)
    def call(*arguments: Any) -> Any:
        try:
            with collector_paused():
                return f(*arguments)
        except UnusablePack as exc:
            return _column([str(exc)], arguments[0]) if listed else str(exc)

    return call


def _plan_function(f: Callable[..., Any]) -> Callable[..., Any]:
    """A plan function: the plan's ranges as 2-D lists in ``*plan``."""
    f = _answering_for_the_pack(f, listed=False)
    return _declare(f, {"*plan": PLAN_DOC}, plan={"ndim": 2})


# --------------------------------------------------------------- scores


@_plan_function
def xlplan_health(*plan: Any) -> Any:
    """Plan health 0-100 (blank unless the plan is Active or Under review)."""
    return _blank(_health(_entry(plan)).score)


@_plan_function
def xlplan_health_explain(*plan: Any) -> str:
    """Health band, score, weakest component and the components short of full."""
    entry = _entry(plan)
    return gaps.explain_health(_health(entry), entry.rules)


@_plan_function
def xlplan_completeness(*plan: Any) -> int:
    """Plan completeness 0-100: is the plan filled in?"""
    return _completeness(_entry(plan)).score


@_plan_function
def xlplan_key_account_tier(*plan: Any) -> str:
    """The tier the selection score suggests, with the score: "Key (8.2)"."""
    entry = _entry(plan)
    score, tier = _score(entry, "xlplan_key_account_tier", gaps.key_account_tier)
    if score is None or tier is None:
        warnings = gaps.selection_warnings(entry.read.plan, entry.rules)
        return "no score: " + ("; ".join(warnings) or "no active criterion")
    return f"{tier} ({score:.1f})"


# ----------------------------------------------------------------- lists


def _list_function(f: Callable[..., Any]) -> Callable[..., Any]:
    """A list function: ``rows`` first, a column of that many cells back."""
    f = _answering_for_the_pack(f, listed=True)
    f = xw.ret(expand="table")(f)
    return _declare(f, {"rows": ROWS_DOC, "*plan": PLAN_DOC}, plan={"ndim": 2})


@_list_function
def xlplan_missing(rows: Any, *plan: Any) -> list[list[Any]]:
    """What the plan still lacks, as "Section: what is missing", one per row."""
    return _column(_completeness(_entry(plan)).missing, rows)


@_list_function
def xlplan_coverage_gaps(rows: Any, *plan: Any) -> list[list[Any]]:
    """Stakeholders and business units the plan is not reaching, most important first."""
    return _column(_coverage_gaps(_entry(plan)), rows)


@_list_function
def xlplan_meddpicc_gaps(rows: Any, *plan: Any) -> list[list[Any]]:
    """MEDDPICC letters short of Confirmed on open opportunities, largest deal first."""
    found = _score(
        _entry(plan),
        "xlplan_meddpicc_gaps",
        lambda plan, rules: gaps.plan_meddpicc_gaps(plan, rules, limit=MAX_ROWS),
    )
    return _column(found, rows)


@_list_function
def xlplan_kpi_status(rows: Any, *plan: Any) -> list[list[Any]]:
    """Each KPI row's status: On track, Behind or No data, with its attainment."""
    return _column(_score(_entry(plan), "xlplan_kpi_status", _kpi_lines), rows)


def _kpi_lines(plan: Plan, rules: Rules) -> list[str]:
    lines = []
    for row in plan.rows("kpis"):
        status = gaps.kpi_status(row, plan)
        shown = "" if status.attainment is None else f" ({status.attainment:.0%})"
        name = " ".join(map(str, filter(None, (row.get("kpi"), row.get("period")))))
        lines.append(f"{name or 'KPI'}: {status.status}{shown}")
    return lines


@_list_function
def xlplan_white_space_gaps(rows: Any, *plan: Any) -> list[list[Any]]:
    """White-space cells marked Opportunity, then business units not assessed."""
    return _column(_white_space_gaps(_entry(plan)), rows)


@_list_function
def xlplan_next_actions(rows: Any, *plan: Any) -> list[list[Any]]:
    """What to do next, most valuable first, each with its reason."""
    entry = _entry(plan)

    def keep(
        name: str, sections: tuple[str, ...], source: next_actions.Source
    ) -> list[next_actions.NextAction]:
        return entry.score(f"next actions: {name}", sections, source)

    def lines(plan: Plan, rules: Rules) -> list[str]:
        found = next_actions.next_best_actions(
            plan,
            rules,
            limit=MAX_ROWS,
            completeness=_completeness(entry),
            coverage=_coverage_gaps(entry),
            white_space=_white_space_gaps(entry),
            keep=keep,
        )
        return [f"{a.action} ({a.reason})" for a in found]

    return _column(_score(entry, "xlplan_next_actions", lines), rows)


@_list_function
def xlplan_plan_check(rows: Any, *plan: Any) -> list[list[Any]]:
    """The plan's issues: odd cells first, then checks of the whole plan."""
    from xlplan.core.checks import PROBLEM_SECTIONS, plan_problems

    entry = _entry(plan)
    # Its odd cells come from every range passed, its problems from a few
    # sections: a changed KPI or review line leaves the problems as they were.
    sections = {*PROBLEM_SECTIONS, *entry.read.plan.tables}  # ids: every table
    problems = entry.score(
        "plan_problems", sections, lambda p: [str(x) for x in plan_problems(p)]
    )
    return _column(entry.read.findings + problems or ["No issues found."], rows)


# ---------------------------------------------------------------- rates


def _numbers(values: Any) -> list[Any]:
    return [excel_value(v) for row in as_grid(values) for v in row]


@xw.func(category=CATEGORY)
@xw.arg(
    "scores", ndim=2, doc="Answers 0-10 to 'would you recommend us?'; blanks skipped"
)
def xlplan_nps(scores: Any) -> Any:
    """Net Promoter Score -100 to 100: promoters 9-10 less detractors 0-6."""
    return _blank(rates.nps_from_scores(_numbers(scores)).value)


def xlplan_csat(scores: Any) -> Any:
    """Customer satisfaction 0-1: answers of 4 or 5 over all answers."""
    return _blank(rates.csat_from_scores(_numbers(scores)).value)


def xlplan_concentration(revenues: Any) -> list[list[Any]]:
    """Revenue concentration: top-20% share, then HHI (0-1), as a 2-row column."""
    values = [v if isinstance(v, (int, float)) else None for v in _numbers(revenues)]
    mix = portfolio.concentration(values)
    return [[_blank(mix.top20_share)], [_blank(mix.hhi)]]


_TWO_D = {"ndim": 2}
xlplan_nps = _declare(
    xlplan_nps,
    {"scores": "Answers 0-10 to 'would you recommend us?'; blanks skipped"},
    scores=_TWO_D,
)
xlplan_csat = _declare(
    xlplan_csat, {"scores": "Answers on a 1-5 scale; blanks skipped"}, scores=_TWO_D
)
xlplan_concentration = _declare(
    xw.ret(expand="table")(xlplan_concentration),
    {"revenues": "Revenue of each account; blanks and zeros left out"},
    revenues=_TWO_D,
)

FUNCTIONS: tuple[Callable[..., Any], ...] = (
    xlplan_health,
    xlplan_health_explain,
    xlplan_completeness,
    xlplan_key_account_tier,
    xlplan_missing,
    xlplan_coverage_gaps,
    xlplan_meddpicc_gaps,
    xlplan_kpi_status,
    xlplan_white_space_gaps,
    xlplan_next_actions,
    xlplan_plan_check,
    xlplan_nps,
    xlplan_csat,
    xlplan_concentration,
)
LIST_FUNCTIONS = frozenset(
    f.__name__
    for f in FUNCTIONS
    if next(iter(inspect.signature(f).parameters), "") == "rows"
)
