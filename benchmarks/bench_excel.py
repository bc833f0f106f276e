"""Benchmark: each worksheet function on a 200-row plan (target: under 2 ms).

Builds the largest sample plan with every table grown to 200 rows, takes its
ranges as Excel passes them (tables with header rows, cover blocks), then
times each function of ``xlplan.excel.functions``:

- cold: the ranges read into a plan on every call (the first function Excel
  recalculates after an edit);
- warm: the plan already read from the same ranges (every further function of
  the same recalculation, as the Insights sheet calls eleven on one plan).

Reports figures only; no assertion. Run: python benchmarks/bench_excel.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.excel.ranges import plan_ranges  # noqa: E402
from xlplan.core.sections import SECTIONS  # noqa: E402
from xlplan.excel import functions  # noqa: E402
from xlplan.packs import load_pack  # noqa: E402
from xlplan.workbook.build import build_plan_workbook  # noqa: E402
from xlplan.workbook.samples import load_samples  # noqa: E402

AS_OF = dt.date(2026, 6, 15)


def grown_plan(rows: int) -> bytes:
    """The sample with the most rows, every table repeated up to ``rows`` rows."""
    pack = load_pack()
    samples = load_samples(AS_OF, pack=pack)
    raw = max(samples, key=lambda s: sum(len(t) for t in s.plan.tables.values())).plan
    for key, table in raw.tables.items():
        if table and not pack.section(key).fixed_rows_list:
            copies = [
                {
                    k: (f"{v} {i}" if k in ("name", "action_step", "title") else v)
                    for k, v in row.items()
                }
                for i in range(rows // len(table) + 1)
                for row in table
            ]
            raw.tables[key] = copies[:rows]
    return build_plan_workbook(pack, raw, today=AS_OF).content


def _time(call, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _cold_and_warm(function, arguments: tuple, repeat: int) -> tuple[float, float]:
    """Median ms per call with the range cache cleared, then with it filled."""

    def cold() -> None:
        functions._read_frozen.cache_clear()
        function(*arguments)

    cold_ms = _time(cold, repeat)
    function(*arguments)
    return cold_ms, _time(lambda: function(*arguments), repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    content = grown_plan(args.rows)
    pack, _ = functions.current_pack()
    print(f"worksheet functions on a {args.rows}-row plan (median ms per call)")
    print(f"{'function':28} {'cold':>8} {'warm':>8}")
    for function in functions.FUNCTIONS:
        name = function.__name__
        if name in SECTIONS:
            ranges = plan_ranges(content, pack, SECTIONS[name])
            lead = (10,) if name in functions.LIST_FUNCTIONS else ()
        else:
            ranges, lead = [[[float(i % 11)] for i in range(args.rows)]], ()
        cold, warm = _cold_and_warm(function, (*lead, *ranges), args.repeat)
        print(f"{name:28} {cold:8.2f} {warm:8.2f}")


if __name__ == "__main__":
    main()
