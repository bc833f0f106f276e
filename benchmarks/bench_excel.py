"""Benchmark: each worksheet function on a 200-row plan (target: under 2 ms).

Builds the largest sample plan with every table grown to 200 rows, takes its
ranges as Excel passes them (the hidden sheet's pack block first, as the
Insights sheet passes it, then tables with header rows, cover blocks; numbers
as floats, dates as datetimes, blanks as None, as the xlwings add-in does),
then times each function of ``xlplan.excel.functions``. Every call gets fresh
copies of its ranges, as Excel passes them, so nothing is found by identity.

- loop: a bare Python loop over the same ranges' cells (the floor of any
  function that looks at every cell; read the others as multiples of it);
- core: the function on the plan already built, no score computed yet
  (``core`` and the cell formatting alone);
- cold: every cache cleared: the ranges read into a plan on the call (the
  median, and the mean, which a garbage collection landing on a call moves);
- warm: the ranges already read, no score computed yet (the ranges
  recognised, then ``core``);
- shared: the function's scores already computed for the same ranges, as for
  the second of health and its explanation (the ranges recognised only);
- edit: one cell of the last range changed since the last call (the last
  cell of its first row of data, a Notes cell in every table here), as after
  a rep types into one table: that range read again, the others recognised,
  and the scores that read that range's section computed again.

Then times a whole recalculation of the Insights sheet: every plan function
once, in order, each with its own fresh ranges, from empty caches; then the
sheet again after a rep changed one action's due date (a new date each
time): every plan function called again, though Excel would call only those
that take the Actions table.

Reports figures only; no assertion. Run: python benchmarks/bench_excel.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.excel.ranges import as_excel_sends, pack_block, plan_ranges  # noqa: E402
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


def _time(call, arguments: list[tuple], before=None, *, mean=False) -> float:
    """Median (or mean) ms of ``call(*a)`` over ``arguments``, ``before()`` untimed first."""
    times = []
    for each in arguments:
        if before is not None:
            before()
        start = time.perf_counter()
        call(*each)
        times.append(time.perf_counter() - start)
    return (statistics.mean(times) if mean else statistics.median(times)) * 1000


def _fresh(value):
    """``value`` as a new object, as Excel passes each call its own copy."""
    if isinstance(value, list):
        return [_fresh(v) for v in value]
    if isinstance(value, str) and len(value) > 1:
        return (value + " ")[:-1]  # a new string, its hash not yet computed
    return value


def _loop(*arguments) -> None:
    for grid in arguments:
        if isinstance(grid, list):
            for row in grid:
                for _ in row:
                    pass


def _figures(function, arguments: tuple, repeat: int) -> dict[str, float]:
    """Median ms per call of ``function``: the baselines, cold, warm and shared."""
    cache = functions.plan_cache()
    copies = [_fresh(list(arguments)) for _ in range(repeat)]
    figures = {"loop": _time(_loop, copies)}
    ranges = [
        a for a in arguments if isinstance(a, list) and not functions.is_pack_block(a)
    ]
    entry = cache.plan(ranges, dt.date.today())
    real = functions._entry
    functions._entry = lambda ranges: entry
    try:
        figures["core"] = _time(function, copies, cache.clear_scores)
    finally:
        functions._entry = real
    figures["cold"] = _time(function, copies, functions.clear_caches)
    # The mean shows what the median leaves out: a garbage collection that
    # walks every plan kept lands on one call in many.
    figures["cold mean"] = _time(function, copies, functions.clear_caches, mean=True)
    figures["warm"] = _time(function, copies, cache.clear_scores)
    figures["shared"] = _time(function, copies)
    figures["edit"] = _time(function, [_edited(c, k) for k, c in enumerate(copies)])
    return figures


def _edited(arguments: list, number: int) -> list:
    """``arguments`` with the last cell of the last range's second row changed."""
    changed = _fresh(arguments)
    changed[-1][min(1, len(changed[-1]) - 1)][-1] = f"edited {number}"
    return changed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    content = grown_plan(args.rows)
    pack, _ = functions.current_pack()
    block = pack_block(content)
    columns = ("loop", "core", "cold", "cold mean", "warm", "shared", "edit")
    print(f"worksheet functions on a {args.rows}-row plan (median ms per call)")
    print(f"{'function':24}" + "".join(f"{c:>10}" for c in columns) + "  cold/loop")
    calls = []
    for function in functions.FUNCTIONS:
        name = function.__name__
        if name in SECTIONS:
            found = [block, *plan_ranges(content, pack, SECTIONS[name])]
            ranges = as_excel_sends(found, serial_dates=False, blank=None)
            lead = (10,) if name in functions.LIST_FUNCTIONS else ()
        else:
            ranges, lead = [[[float(i % 11)] for i in range(args.rows)]], ()
        figures = _figures(function, (*lead, *ranges), args.repeat)
        calls += [(function, (*lead, *ranges))] if name in SECTIONS else []
        cells = sum(1 for _ in itertools.chain.from_iterable(itertools.chain(*ranges)))
        line = "".join(f"{figures[c]:10.2f}" for c in columns)
        ratio = figures["cold"] / figures["loop"]
        print(f"{name[7:]:24}{line}  {ratio:6.0f}x  ({cells} cells)")
    runs = [([(f, _fresh(list(a))) for f, a in calls],) for _ in range(args.repeat)]
    sheet = _time(_recalculate, runs, functions.clear_caches)
    print(
        f"Insights sheet, {len(calls)} plan functions from empty caches: {sheet:.1f} ms"
    )
    again = [([(f, _due_moved(a, k)) for f, a in calls],) for k in range(args.repeat)]
    edit = _time(_recalculate, again)
    print(f"Insights sheet again, one action's due date changed: {edit:.1f} ms")


def _recalculate(calls: list) -> None:
    for function, arguments in calls:
        function(*arguments)


def _due_moved(arguments: tuple, days: int) -> list:
    """Fresh ``arguments`` with the first action due ``days`` days after 2020-01-01.

    Every call that takes the Actions table gets the same edit, as Excel
    passes each function the table a rep has just typed into.
    """
    changed = _fresh(list(arguments))
    for grid in changed:
        if (
            isinstance(grid, list)
            and "Due date" in grid[0]
            and "Action step" in grid[0]
        ):
            moved = dt.datetime(2020, 1, 1) + dt.timedelta(days=days)
            grid[1][grid[0].index("Due date")] = moved
    return changed


if __name__ == "__main__":
    main()
