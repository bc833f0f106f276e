"""Two snapshots of the sample portfolio, with a rep's edits in between.

The first is rolled up as of ``AS_OF``; the second a day later, after these
edits: Halvorsen gains a stakeholder and moves one from Neutral to
Supporter, Varrow completes an action, Fellbrook advances an opportunity,
and Graniteford, whose monthly review falls due on ``AS_OF``, is left
unreviewed (so it goes stale).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import AS_OF
from tests.workbook.plans import sample_plans
from xlplan.cli import main
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.inputs import PlanInput

LATER = AS_OF + dt.timedelta(days=1)
NEW_STAKEHOLDER = "Nadia Okafor"
MOVED_STAKEHOLDER = "Sanne Kuipers"
ADVANCED_DEAL = "Motor fraud analytics"


def write_plan(pack, raw: PlanInput, path: Path) -> None:
    path.write_bytes(build_plan_workbook(pack, raw, today=AS_OF).content)


def rollup(folder: Path, out: Path, history: Path, as_of: dt.date, *extra: str):
    """Run ``xlplan rollup --history`` and assert it worked."""
    result = CliRunner().invoke(
        main,
        [
            "rollup",
            str(folder),
            "-o",
            str(out),
            "--as-of",
            as_of.isoformat(),
            "-j",
            "1",
            "--no-cache",
            "--force",
            "--history",
            str(history),
            *extra,
        ],
    )
    assert result.exit_code == 0, result.output
    return result


def baseline(pack) -> dict[str, PlanInput]:
    """The samples, with Graniteford's last review exactly one month before AS_OF."""
    plans = sample_plans(pack)
    reviews = plans["graniteford-manufacturing"].tables["reviews"]
    latest = max(reviews, key=lambda r: r["date"])
    latest["date"] = AS_OF.replace(month=AS_OF.month - 1)
    assert all(r["date"] <= latest["date"] for r in reviews)
    return plans


def edit(plans: dict[str, PlanInput]) -> dict[str, str]:
    """Apply the edits between the snapshots; return the edited names by plan."""
    halvorsen = plans["halvorsen-logistics"].tables["stakeholders"]
    halvorsen.append(
        {
            "name": NEW_STAKEHOLDER,
            "title": "Head of Quality",
            "buying_role": "Influencer",
            "relationship_status": "Neutral",
        }
    )
    moved = next(s for s in halvorsen if s["name"] == MOVED_STAKEHOLDER)
    assert moved["relationship_status"] == "Neutral"
    moved["relationship_status"] = "Supporter"

    actions = plans["varrow-communications"].tables["actions"]
    done = next(
        a for a in actions if a.get("progress") in ("Not started", "In progress")
    )
    done["progress"] = "Done"
    done["completed_date"] = AS_OF

    deals = plans["fellbrook-mutual"].tables["opportunities"]
    deal = next(o for o in deals if o["name"] == ADVANCED_DEAL)
    assert deal["stage"] == "Qualified"
    deal["stage"] = "Proposal"
    return {"action": done["action_step"]}


@pytest.fixture(scope="package")
def history(pack, tmp_path_factory) -> dict:
    """A history with the two snapshots, and what was edited."""
    work = tmp_path_factory.mktemp("history")
    first, second = work / "q1", work / "q2"
    first.mkdir()
    plans = baseline(pack)
    for stem, raw in plans.items():
        write_plan(pack, raw, first / f"{stem}.xlsx")
    shutil.copytree(first, second)
    edited = edit(plans)
    for stem in ("halvorsen-logistics", "varrow-communications", "fellbrook-mutual"):
        write_plan(pack, plans[stem], second / f"{stem}.xlsx")
    database = work / "history.duckdb"
    rollup(first, work / "p1.xlsx", database, AS_OF)
    rollup(second, work / "p2.xlsx", database, LATER)
    return {"db": database, "work": work, "first": first, "second": second, **edited}
