"""Benchmark: `xlplan rollup` over thousands of plans.

Generates N plan workbooks (the 12 samples, each copied under new plan ids and
account names by rewriting its shared strings), then reports in one run:

- plans per second with -j 1 and -j 2 against pandas.read_excel(sheet_name=None,
  engine="openpyxl") over the same files (target: at least 10x);
- peak memory of all processes together (this one and its workers), sampled
  from their resident sets while each rollup runs (target under 1 GiB);
- time at 200, 1,000 and N plans (target: linear);
- a re-run with 1% of the files changed, using the read cache (target: under
  10% of the first run). The first run and the re-run are timed alike, without
  the memory sampler; the memory of a re-run is measured on another one.

The baseline and the rollups are measured in turn ``--repeat`` times and
each side's best time is compared: this machine's speed drifts.

Run: python benchmarks/bench_rollup.py [--plans 2000] [--repeat 2]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import io
import multiprocessing
import multiprocessing.queues
import shutil
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import psutil

from xlplan.packs import load_pack
from xlplan.portfolio.service import RollupRequest, run_rollup
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.samples import load_samples


def make_plans(folder: Path, count: int) -> list[Path]:
    """``count`` distinct plans: sample packages with renamed ids and accounts."""
    pack = load_pack()
    as_of = dt.date.today()
    samples = load_samples(as_of, pack=pack)
    built = []
    for sample in samples:
        record = sample.plan.records["plan"]
        built.append(
            (
                build_plan_workbook(pack, sample.plan, today=as_of).content,
                str(record["plan_id"]),
                str(record["account_name"]),
            )
        )
    paths = []
    for i in range(count):
        content, plan_id, account = built[i % len(built)]
        data = _rename(
            content, {plan_id: f"{plan_id}-{i:05d}", account: f"{account} {i:05d}"}
        )
        path = folder / f"plan-{i:05d}.xlsx"
        path.write_bytes(data)
        paths.append(path)
    return paths


def _rename(content: bytes, replacements: dict[str, str]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                text = data.decode("utf-8")
                for old, new in replacements.items():
                    text = text.replace(f">{old}<", f">{new}<")
                data = text.encode("utf-8")
            target.writestr(info, data)
    return buffer.getvalue()


def _touch(content: bytes) -> bytes:
    """The same workbook with one more package part: new bytes, same plan."""
    buffer = io.BytesIO(content)
    with zipfile.ZipFile(buffer, "a") as package:
        package.writestr("customXml/bench.txt", str(time.time()))
    return buffer.getvalue()


class PeakMemory:
    """Peak memory of this process's children and their workers together, sampled.

    Each rollup runs in a fresh child process, as ``xlplan rollup`` does, so
    one run's heap does not count against the next and this process (which
    holds pandas for the baseline) is left out. A thread samples resident sets
    (RSS, cheap) every ``interval`` seconds while the block runs. Forked workers
    share pages with the main process until either writes to them, so summed
    RSS counts shared pages once per process: an upper bound. Proportional set
    sizes (PSS, Linux) split each shared page among its sharers and add up to
    the memory really in use; reading them walks each process's page tables,
    which would slow the run being measured, so they are read only when the
    summed RSS has grown by a tenth since they were last read.
    """

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.pss = 0
        self.rss = 0
        self.main = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        me = psutil.Process()
        pss_read_at = 0
        while True:
            direct = {c.pid for c in me.children()}
            tree = me.children(recursive=True)
            sizes = [_size(p, full=False) for p in tree]
            mains = [rss for p, rss in zip(tree, sizes, strict=True) if p.pid in direct]
            self.main = max(self.main, *mains, 0)
            total = sum(sizes)
            self.rss = max(self.rss, total)
            if total > pss_read_at * 1.1:
                pss_read_at = total
                self.pss = max(self.pss, sum(_size(p, full=True) for p in tree))
            if self._stop.wait(self.interval):
                return

    def report(self) -> str:
        """The peaks in MiB, as one line."""
        return (
            f"peak memory, all processes together: {self.pss / 2**20:.0f} MiB PSS "
            f"({self.rss / 2**20:.0f} MiB summed RSS; main process "
            f"{self.main / 2**20:.0f} MiB RSS; target < 1024 MiB)"
        )


def _size(process: psutil.Process, *, full: bool) -> int:
    """A process's PSS (``full``; RSS off Linux) or RSS; 0 once it has ended."""
    try:
        if not full:
            return int(process.memory_info().rss)
        info = process.memory_full_info()
    except psutil.Error:
        return 0
    return int(getattr(info, "pss", info.rss))


def measured(run: Callable[[], float]) -> tuple[float, PeakMemory]:
    """Seconds taken by ``run`` and the memory it peaked at."""
    with PeakMemory() as memory:
        seconds = run()
    return seconds, memory


def rollup(
    paths: list[Path], folder: Path, jobs: int, cache: Path | None = None
) -> float:
    """Seconds taken by one rollup, run in a fresh process."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(
        target=_rollup_in_child, args=(paths, folder, jobs, cache, queue)
    )
    child.start()
    seconds = float(queue.get())
    child.join()
    return seconds


def _rollup_in_child(
    paths: list[Path],
    folder: Path,
    jobs: int,
    cache: Path | None,
    queue: multiprocessing.queues.Queue[float],
) -> None:
    # A process started by "spawn" starts its own with "spawn" too; the rollup's
    # workers start as they do under `xlplan rollup`: the platform's default.
    multiprocessing.set_start_method(None, force=True)
    queue.put(_rollup(paths, folder, jobs, cache))


def _rollup(
    paths: list[Path], folder: Path, jobs: int, cache: Path | None = None
) -> float:
    request = RollupRequest(
        paths=paths,
        output=folder / f"portfolio-{jobs}-{len(paths)}.xlsx",
        as_of=dt.date.today(),
        jobs=jobs,
        force=True,
        cache_dir=cache,
    )
    started = time.perf_counter()
    run_rollup(request, load_pack())
    return time.perf_counter() - started


def pandas_per_plan(paths: list[Path], sample: int = 40) -> float:
    import pandas

    started = time.perf_counter()
    for path in paths[:sample]:
        pandas.read_excel(path, sheet_name=None, engine="openpyxl")
    return (time.perf_counter() - started) / min(sample, len(paths))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="xlplan-bench-"))
    try:
        started = time.perf_counter()
        (work / "plans").mkdir()
        paths = make_plans(work / "plans", args.plans)
        print(f"generated {len(paths)} plans in {time.perf_counter() - started:.1f}s")

        # This machine's speed drifts by a tenth or more within a minute: the
        # baseline and each rollup are measured in turn, ``--repeat`` times,
        # and each side's best time is compared (timeit's rule).
        baselines: list[float] = []
        runs: dict[int, list[tuple[float, PeakMemory]]] = {1: [], 2: []}
        for attempt in range(args.repeat):
            baselines.append(pandas_per_plan(paths))
            for jobs in runs:
                runs[jobs].append(
                    measured(functools.partial(rollup, paths, work, jobs))
                )
            tried = ", ".join(f"-j {j} {r[attempt][0]:.1f}s" for j, r in runs.items())
            print(
                f"  attempt {attempt + 1}: pandas {baselines[-1] * 1000:.0f} ms/plan, {tried}"
            )
        baseline = min(baselines)
        print(
            f"pandas.read_excel openpyxl, best: {baseline * 1000:.0f} ms/plan "
            f"({1 / baseline:.1f} plans/s)"
        )
        for jobs, attempts in runs.items():
            seconds = min(time for time, _ in attempts)
            memory = max((m for _, m in attempts), key=lambda m: m.pss)
            rate = len(paths) / seconds
            print(
                f"rollup -j {jobs}, best: {seconds:.1f}s for {len(paths)} plans = "
                f"{rate:.0f} plans/s -> {rate * baseline:.1f}x pandas+openpyxl "
                "(target >= 10x)"
            )
            print(f"  highest {memory.report()}")

        sizes = [n for n in (200, 1000) if n < len(paths)] + [len(paths)]
        times = [rollup(paths[:n], work, 2) for n in sizes]
        for n, seconds in zip(sizes, times, strict=True):
            print(f"  {n:5d} plans: {seconds:6.1f}s = {seconds / n * 1000:.1f} ms/plan")
        print("  (linear when ms/plan stays flat)")

        cache = work / "cache"
        first = rollup(paths, work, 2, cache)
        changed = paths[::100]  # 1% of the files change
        for path in changed:
            path.write_bytes(_touch(path.read_bytes()))
        # Timed as the first run is, without the memory sampler: its reads of
        # the processes' page tables weigh more on a run of under a second.
        rerun = rollup(paths, work, 2, cache)
        print(
            f"cached first run {first:.1f}s; re-run with {len(changed)} changed files "
            f"{rerun:.2f}s = {rerun / first:.1%} of the first (target < 10%)"
        )
        for path in paths[50::100]:  # another 1%, for a re-run measured for memory
            path.write_bytes(_touch(path.read_bytes()))
        sampled, memory = measured(lambda: rollup(paths, work, 2, cache))
        print(f"  re-run under the memory sampler: {sampled:.2f}s, {memory.report()}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
