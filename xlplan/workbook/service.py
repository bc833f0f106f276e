"""Build plan workbooks to files: a batch of new plans, or the sample portfolio."""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xlplan.core.completeness import score_completeness
from xlplan.core.health import score_health
from xlplan.core.rules import rules_from_pack
from xlplan.errors import OutputExistsError, OutputWriteError
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
    build: Callable[[Pack, PlanInput, dt.date | None], bytes] | None = None,
    suffix: str = ".xlsx",
) -> list[Path]:
    """Write one workbook per plan into ``out_dir``, named after the account.

    ``build`` makes a workbook's bytes (default: the plain .xlsx plan);
    ``suffix`` names the files (".xlsm" for the macro-enabled plan).

    Every target is checked and every workbook built before any file is
    written, so a refused overwrite or a bad plan leaves the folder as it was.
    If writing fails part-way (disk full, folder gone), the files this batch
    created are removed again and the error says so.
    """
    taken: set[str] = set()
    names = stems or [safe_stem(p.account_name) for p in plans]
    targets = [unique_path(out_dir, name, suffix, taken) for name in names]
    _check_output_folder(out_dir)
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        shown = ", ".join(existing[:3]) + (" ..." if len(existing) > 3 else "")
        noun = (
            "workbook already exists"
            if len(existing) == 1
            else "workbooks already exist"
        )
        raise OutputExistsError(
            f"{len(existing)} {noun}: {shown}",
            hint="Pass --force to replace them, or choose another output folder.",
        )
    started = time.perf_counter()
    make = build or (lambda p, raw, day: build_plan_workbook(p, raw, today=day).content)
    contents = [make(pack, plan, today) for plan in plans]
    log.info(
        "built %d workbooks in %.3fs", len(contents), time.perf_counter() - started
    )
    created: list[Path] = []
    for content, target in zip(contents, targets, strict=True):
        is_new = not target.exists()
        try:
            write_atomic(target, content, force=force)
        except OSError as exc:
            for path in created:
                path.unlink(missing_ok=True)
            raise OutputWriteError(
                f"Cannot write {target}: {exc.strerror or exc}. "
                f"{len(created)} new workbook(s) of this run were removed again.",
                hint="Free some space or choose another output folder, then run again.",
            ) from None
        if is_new:
            created.append(target)
    return targets


def _check_output_folder(out_dir: Path) -> None:
    """Refuse, before any work, an output path that is a file or cannot be made."""
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputWriteError(
            f"{out_dir} is a file, not a folder.",
            hint="Choose a folder for the workbooks.",
        )
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputWriteError(
            f"Cannot create the folder {out_dir}: {exc.strerror or exc}.",
            hint="Choose a folder you can write to.",
        ) from None
    if not os.access(out_dir, os.W_OK):
        raise OutputWriteError(
            f"Cannot write to {out_dir}: permission denied.",
            hint="Choose a folder you can write to.",
        )


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
