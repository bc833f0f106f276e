"""Decks from plan files: one plan, or a folder of plans in parallel.

Reads each plan through its own pack, renders it with the deck pack's brand
and rules on the chosen template, and writes the deck atomically. A folder
run goes on past a bad plan and reports it with the file and the reason.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlplan.core.portfolio import FLAG_LABELS, FLAGS, account_row
from xlplan.core.rules import rules_from_pack
from xlplan.deck.audience import Audience
from xlplan.deck.render import render_plan_deck
from xlplan.errors import OutputWriteError, XlplanError
from xlplan.model.issues import Severity
from xlplan.model.pack import Pack
from xlplan.workbook.files import write_atomic

logger = logging.getLogger(__name__)


class DeckPlanError(XlplanError):
    """A plan file cannot be turned into a deck."""


class NotAPlanToRender(DeckPlanError):
    """A workbook xlplan wrote that is no plan (a portfolio, a review).

    Named on its own, it is an error; met in a folder of plans, it is passed
    over with a note, as the rollup passes it over.
    """


@dataclass(frozen=True)
class DeckRequest:
    """What to render: audience, template, deck pack and an optional rollup."""

    audience: Audience = Audience.CLIENT
    template: Path | None = None
    pack: Pack | None = None
    portfolio: Path | None = None
    force: bool = False


@dataclass
class DeckResult:
    """One plan's outcome: the deck written, or the reason it was not."""

    source: Path
    output: Path | None = None
    slides: int = 0
    error: str = ""
    skipped: str = ""
    warnings: list[str] = field(default_factory=list)


def render_deck(
    plan_path: Path | str,
    output_path: Path | str,
    *,
    audience: Audience | str = Audience.CLIENT,
    template: Path | None = None,
    pack: Pack | None = None,
    portfolio: Path | None = None,
    force: bool = False,
) -> DeckResult:
    """Render one plan file into a deck file; raises ``XlplanError`` when it cannot."""
    request = DeckRequest(Audience(audience), template, pack, portfolio, force)
    return _render_one(Path(plan_path), Path(output_path), request)


def _render_one(source: Path, output: Path, request: DeckRequest) -> DeckResult:
    from xlplan.workbook.reader import read_plan

    try:
        content = source.read_bytes()
    except OSError as error:
        raise DeckPlanError(
            f"{source}: cannot read the plan ({error.strerror}).",
            hint="Check the path and that the file is not open elsewhere.",
        ) from None
    read = read_plan(content, str(source))
    if read.issues and read.issues[0].code == "file.xlplan_output":
        raise NotAPlanToRender(
            f"{source} is a report xlplan wrote (a portfolio or a review), not a plan.",
            hint="`xlplan deck` takes plan workbooks; give it a plan file or a "
            "folder of plans.",
        )
    if read.plan is None or read.pack is None:
        reason = read.issues[0].message if read.issues else "not a plan workbook"
        raise DeckPlanError(
            f"{source}: {reason}", hint="Run `xlplan check` on the file for details."
        )
    deck_pack = request.pack or read.pack
    errors = [i for i in read.issues if i.severity is Severity.ERROR]
    flags: Sequence[str] = ()
    position: Mapping[str, Any] | None = None
    if request.audience is Audience.INTERNAL:
        row = account_row(
            read.plan, rules_from_pack(read.pack), deck_pack.rates, len(errors)
        )
        flags = [FLAG_LABELS[flag] for flag in FLAGS if flag in row.flags]
        if request.portfolio is not None:
            position = portfolio_position(request.portfolio, read.plan.plan_id)
            rolled = [FLAG_LABELS.get(flag, flag) for flag in position.get("flags", [])]
            flags = list(dict.fromkeys([*flags, *rolled]))
    deck = render_plan_deck(
        read.plan,
        read.pack,
        deck_pack=deck_pack,
        audience=request.audience,
        template=request.template,
        flags=flags,
        portfolio=position,
    )
    write_atomic(output, deck, force=request.force)
    warnings = [f"{i.sheet or ''}!{i.cell or ''} {i.message}".strip() for i in errors]
    return DeckResult(source, output, _count_slides(deck), warnings=warnings)


def _count_slides(deck: bytes) -> int:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        return sum(
            1
            for n in package.namelist()
            if n.startswith("ppt/slides/slide") and n.endswith(".xml")
        )


def deck_name(source: Path, audience: Audience) -> str:
    """File name of a plan's deck in a folder run."""
    suffix = "" if audience is Audience.CLIENT else "-internal"
    return f"{source.stem}{suffix}.pptx"


def deck_names(sources: Sequence[Path], audience: Audience) -> dict[Path, str]:
    """One distinct deck file name per plan, whatever folders the plans came from.

    Plans named alike in different folders (or differing only in case, which
    Windows and macOS treat as one name) take their folder's name in front,
    then a number, so no deck replaces another.
    """
    names: dict[Path, str] = {}
    taken: set[str] = set()
    clashing = _clashes(sources, audience)
    for source in sources:
        name = deck_name(source, audience)
        if name.lower() in clashing:
            name = f"{source.parent.name}-{name}"
        stem, number = name[: -len(".pptx")], 2
        while name.lower() in taken:
            name, number = f"{stem} ({number}).pptx", number + 1
        taken.add(name.lower())
        names[source] = name
    return names


def _clashes(sources: Sequence[Path], audience: Audience) -> set[str]:
    seen: dict[str, int] = {}
    for source in sources:
        key = deck_name(source, audience).lower()
        seen[key] = seen.get(key, 0) + 1
    return {key for key, count in seen.items() if count > 1}


def render_decks(
    sources: Sequence[Path], out_dir: Path, request: DeckRequest, *, jobs: int = 1
) -> list[DeckResult]:
    """Render many plans into ``out_dir`` in parallel; bad plans are reported, not fatal."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputWriteError(
            f"{out_dir}: cannot create the folder ({error.strerror}).",
            hint="Pick a folder you can write to.",
        ) from None
    names = deck_names(sources, request.audience)
    tasks = [(s, out_dir / names[s], request) for s in sources]
    if jobs <= 1 or len(tasks) <= 1:
        return [_guarded(*task) for task in tasks]
    with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(
            pool.map(_guarded_task, tasks, chunksize=max(1, len(tasks) // (jobs * 4)))
        )


def _guarded_task(task: tuple[Path, Path, DeckRequest]) -> DeckResult:
    return _guarded(*task)


def _guarded(source: Path, output: Path, request: DeckRequest) -> DeckResult:
    try:
        return _render_one(source, output, request)
    except NotAPlanToRender as skipped:
        return DeckResult(source, skipped=skipped.message)
    except XlplanError as error:
        return DeckResult(source, error=str(error))


def portfolio_position(path: Path, plan_id: str | None) -> dict[str, Any]:
    """The plan's place in a rollup's Accounts sheet: revenue rank, share, flags."""
    from python_calamine import CalamineWorkbook

    try:
        rows = (
            CalamineWorkbook.from_path(str(path))
            .get_sheet_by_name("Accounts")
            .to_python()
        )
    except Exception as error:  # calamine raises its own types for every bad file
        raise DeckPlanError(
            f"{path}: cannot read the Accounts sheet of the rollup ({error}).",
            hint="Pass a portfolio workbook written by `xlplan rollup`.",
        ) from None
    header_at = next((i for i, r in enumerate(rows) if r and r[0] == "Plan ID"), None)
    if header_at is None:
        raise DeckPlanError(
            f"{path}, sheet Accounts: no 'Plan ID' heading found.",
            hint="Pass a portfolio workbook written by `xlplan rollup`.",
        )
    headers = [str(h) for h in rows[header_at]]
    records = [
        dict(zip(headers, r, strict=False)) for r in rows[header_at + 1 :] if r and r[0]
    ]
    mine = next((r for r in records if r.get("Plan ID") == plan_id), None)
    if mine is None:
        return {"n": len(records), "found": False}
    return _position(mine, records)


def _position(
    mine: Mapping[str, Any], records: Sequence[Mapping[str, Any]]
) -> dict[str, Any]:
    def revenue(r: Mapping[str, Any]) -> float:
        value = r.get("Revenue")
        return float(value) if isinstance(value, (int, float)) else 0.0

    ranked = sorted(records, key=revenue, reverse=True)
    return {
        "found": True,
        "n": len(records),
        "revenue_rank": ranked.index(mine) + 1,
        "revenue_share": mine.get("Revenue share"),
        "pareto": mine.get("Pareto"),
        "flags": [flag for flag in FLAGS if _raised(mine, flag)],
    }


def _raised(account: Mapping[str, Any], flag: str) -> bool:
    """A flag column of an Accounts row, headed by its label (or code, before 0.2)."""
    value = account.get(FLAG_LABELS[flag], account.get(flag, ""))
    return str(value).strip().lower() in ("true", "1", "yes", "✓", "x", "1.0")
