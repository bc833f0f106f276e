"""Benchmark: rollup snapshots and `xlplan diff` over thousands of plans.

Generates N plan workbooks with ``bench_rollup.make_plans``, reads them once
(-j 2, the baseline), builds the portfolio at two as-of dates 30 days apart,
then reports in one run:

- snapshot write time for a new date and for a re-run of the same date
  (which replaces it), as a share of the rollup's own read time;
- diff time for the two snapshots (load both from DuckDB and compare), as a
  share of the read time;
- the database's size and rows, and how many changes the diff found.

Run: python benchmarks/bench_history.py [--plans 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

from xlplan.core.rules import rules_from_pack
from xlplan.history.service import diff_history, save_rollup
from xlplan.packs import load_pack
from xlplan.portfolio.gather import find_files, read_all, settle_duplicates
from xlplan.portfolio.rollup import build_portfolio

sys.path.insert(0, str(Path(__file__).parent))
from bench_rollup import make_plans  # noqa: E402


def timed(step, *args, **kwargs):
    """``step(*args, **kwargs)`` and the seconds it took."""
    started = time.perf_counter()
    result = step(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=2000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="xlplan-bench-history-"))
    try:
        (work / "plans").mkdir()
        paths, seconds = timed(make_plans, work / "plans", args.plans)
        print(f"generated {len(paths)} plans in {seconds:.1f}s")
        pack = load_pack()
        rules = rules_from_pack(pack)
        files = find_files([work / "plans"])
        reads, read_time = timed(read_all, files, 2)
        print(f"baseline: rollup read -j 2 {read_time:.1f}s for {len(files)} plans")
        kept, _ = settle_duplicates(reads)
        today = dt.date.today()
        portfolios = [
            build_portfolio(kept, pack, rules, today + dt.timedelta(days=d))
            for d in (0, 30)
        ]
        database = work / "history.duckdb"
        _, first = timed(save_rollup, database, portfolios[0], pack)
        _, replace = timed(save_rollup, database, portfolios[0], pack)
        _, second = timed(save_rollup, database, portfolios[1], pack)
        for label, value in (
            ("snapshot write, new date", first),
            ("snapshot write, same date again (replace)", replace),
            ("snapshot write, second date", second),
        ):
            print(f"{label}: {value:.2f}s = {value / read_time:.0%} of the read time")
        diff, diff_time = timed(diff_history, database, pack=pack)
        print(
            f"diff of the two snapshots: {diff_time:.2f}s = "
            f"{diff_time / read_time:.0%} of the read time; "
            f"{len(diff.changes)} changes over {len(diff.moves)} accounts"
        )
        size = database.stat().st_size / 2**20
        print(f"history file: {size:.1f} MiB for 2 snapshots of {len(kept)} plans")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
