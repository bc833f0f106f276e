"""Build plan workbooks to files: a batch of new plans, or the sample portfolio."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from xlplan.core.completeness import score_completeness
from xlplan.core.health import score_health
from xlplan.core.rules import rules_from_pack
from xlplan.errors import OutputExistsError
from xlplan.model.pack import Pack
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.files import safe_stem, unique_path, write_atomic
from xlplan.workbook.inputs import PlanInput
from xlplan.workbook.samples import load_samples

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuiltPlan:
    """A workbook written to disk and its headline figures."""

    path: Path
    status: str | None
    completeness: int
    health: int | None
    band: str | None
    weakest: str | None


def write_plans(
    pack: Pack,
    plans: list[PlanInput],
    out_dir: Path,
    *,
    force: bool = False,
    stems: list[str] | None = None,
    today: dt.date | None = None,
) -> list[Path]:
    """Write one workbook per plan into ``out_dir``, named after the account.

    Every target is checked before any file is written, so a refused
    overwrite leaves the folder as it was.
    """
    taken: set[str] = set()
    names = stems or [safe_stem(p.account_name) for p in plans]
    targets = [unique_path(out_dir, name, ".xlsx", taken) for name in names]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        shown = ", ".join(existing[:3]) + (" ..." if len(existing) > 3 else "")
        raise OutputExistsError(
            f"{len(existing)} workbook(s) already exist: {shown}",
            hint="Pass --force to replace them, or choose another output folder.",
        )
    for plan, target in zip(plans, targets, strict=False):
        started = time.perf_counter()
        result = build_plan_workbook(pack, plan, today=today)
        write_atomic(target, result.content, force=force)
        log.info("built %s in %.3fs", target, time.perf_counter() - started)
    return targets


def build_demo(
    pack: Pack, out_dir: Path, *, as_of: dt.date | None = None, force: bool = False
) -> list[BuiltPlan]:
    """Build every sample account into ``out_dir/plans`` and score each."""
    day = as_of or dt.date.today()
    samples = load_samples(day, pack=pack)
    plans = []
    for sample in samples:
        sample.plan.as_of = as_of
        plans.append(sample.plan)
    paths = write_plans(
        pack,
        plans,
        out_dir / "plans",
        force=force,
        stems=[s.stem for s in samples],
        today=day,
    )
    return [
        _summary(pack, plan, path, day)
        for plan, path in zip(plans, paths, strict=False)
    ]


def _summary(pack: Pack, raw: PlanInput, path: Path, today: dt.date) -> BuiltPlan:
    from xlplan.workbook.build import with_default_rows
    from xlplan.workbook.inputs import to_plan

    rules = rules_from_pack(pack)
    plan = to_plan(pack, with_default_rows(pack, raw), today)
    health = score_health(plan, rules)
    return BuiltPlan(
        path=path,
        status=plan.value("plan", "plan_status"),
        completeness=score_completeness(plan, rules).score,
        health=health.score,
        band=health.band,
        weakest=health.weakest,
    )
