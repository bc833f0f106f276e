"""Benchmark: reading plans back, against pandas+openpyxl and a bare fastexcel read.

Builds the sample portfolio and N generated plans (copies of the samples under
new names, default 500) in memory, then times in one run, per plan:

- ``xlplan.workbook.reader.read_plan`` (python-calamine + package XML);
- ``pandas.read_excel(sheet_name=None, engine="openpyxl")`` on the same bytes
  (target: xlplan at least 8x faster);
- a bare fastexcel read of the same sheets (target: xlplan within 2x): the
  sheets read_plan reads (those holding the plan's tables and named cells,
  and the hidden _xlplan sheet), each loaded with ``eager=True``, the cheapest
  fastexcel call that hands back the sheet's values (as an Arrow record
  batch). A lazy ``load_sheet`` that only parses, values never taken out, is
  reported too, as a floor no reader of values can reach.

The generated plans share their table and relationship parts word for word,
which the reader parses once per distinct text; a second xlplan line clears
those caches before every plan, for a portfolio whose plans all differ.

Run: python benchmarks/bench_read.py [--plans 500]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import statistics
import time
from collections.abc import Callable
from typing import Any

from xlplan.model import values
from xlplan.packs import load_pack
from xlplan.workbook import package
from xlplan.workbook.build import META_SHEET, build_plan_workbook
from xlplan.workbook.reader import read_plan
from xlplan.workbook.samples import load_samples


def build_corpus(count: int) -> list[bytes]:
    pack = load_pack()
    as_of = dt.date.today()
    samples = load_samples(as_of, pack=pack)
    contents = [build_plan_workbook(pack, s.plan, today=as_of).content for s in samples]
    for i in range(count):
        sample = samples[i % len(samples)]
        sample.plan.records["plan"]["account_name"] = f"Generated account {i}"
        sample.plan.records["plan"]["plan_id"] = f"GEN-{i:04d}"
        contents.append(build_plan_workbook(pack, sample.plan, today=as_of).content)
    return contents


def per_plan(contents: list[bytes], read: Callable[[bytes], object]) -> float:
    started = time.perf_counter()
    for content in contents:
        read(content)
    return (time.perf_counter() - started) / len(contents)


def best_of(
    rounds: int, contents: list[bytes], readers: list[Callable[[bytes], object]]
) -> list[float]:
    """Each reader's best time per plan over ``rounds`` interleaved rounds."""
    times = [[per_plan(contents, read) for read in readers] for _ in range(rounds)]
    return [min(column) for column in zip(*times, strict=True)]


def read_cold(content: bytes) -> object:
    """read_plan with the per-process caches of parsed parts emptied first."""
    for cached in (
        package._parse_table,
        package._parse_relationships,
        package._parse_workbook,
        package._named_cell,
        values._by_casefold,
    ):
        cached.cache_clear()
    return read_plan(content)


def read_with_pandas(content: bytes) -> object:
    import pandas

    return pandas.read_excel(io.BytesIO(content), sheet_name=None, engine="openpyxl")


def plan_sheets(content: bytes) -> tuple[str, ...]:
    """The sheets read_plan reads: those its tables and named cells are on, and _xlplan."""
    layout = package.read_package(package.PackageZip(content), error_sheets=set())
    used = {cell.sheet for cell in layout.names.values()}
    used |= {table.sheet for table in layout.tables.values()}
    used.add(META_SHEET)
    return tuple(name for name in layout.sheets if name in used)


def fastexcel_reader(
    load: Callable[[Any, str], object], sheets: dict[bytes, tuple[str, ...]]
) -> Callable[[bytes], object]:
    """A bare fastexcel read of the plan's own sheets, each taken by ``load``."""
    import fastexcel

    def read(content: bytes) -> object:
        reader = fastexcel.read_excel(content)
        return [load(reader, name) for name in sheets[content]]

    return read


def calamine_reader(sheets: dict[bytes, tuple[str, ...]]) -> Callable[[bytes], object]:
    """python-calamine, the reader read_plan takes values from, on the same sheets:
    the part of read_plan's time no Python of xlplan's can take away."""
    import python_calamine

    def read(content: bytes) -> object:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(content))
        return [
            book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            for name in sheets[content]
        ]

    return read


def eager(reader: Any, name: str) -> object:
    """The sheet's values as an Arrow record batch (no Python objects)."""
    return reader.load_sheet(name, header_row=None, eager=True)


def parsed_only(reader: Any, name: str) -> object:
    """The sheet parsed, its values left inside fastexcel."""
    return reader.load_sheet(name, header_row=None).height


def as_python(reader: Any, name: str) -> object:
    """The sheet's values as Python objects (what a reader has to work on)."""
    return reader.load_sheet(name, header_row=None, eager=True).to_pylist()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=500)
    args = parser.parse_args()
    logging.disable(
        logging.WARNING
    )  # fastexcel logs every column whose type it guesses
    started = time.perf_counter()
    contents = build_corpus(args.plans)
    print(f"built {len(contents)} plans in {time.perf_counter() - started:.1f}s")

    # Rounds interleave the readers, and each keeps its best round, so that
    # other work on a shared machine weighs on all of them alike.
    sheets = {content: plan_sheets(content) for content in contents}
    ours, cold, fast, parsed, fast_rows, calamine = best_of(
        3,
        contents,
        [
            lambda c: read_plan(c),
            read_cold,
            fastexcel_reader(eager, sheets),
            fastexcel_reader(parsed_only, sheets),
            fastexcel_reader(as_python, sheets),
            calamine_reader(sheets),
        ],
    )
    sample = contents[
        : min(60, len(contents))
    ]  # pandas+openpyxl is slow: time a subset
    pandas_time = per_plan(sample, read_with_pandas)
    fallback = per_plan(sample, lambda c: read_plan(c, engine="openpyxl"))
    print(f"xlplan read_plan (calamine):       {ours * 1000:8.1f} ms/plan")
    print(f"  the same, part caches cleared:   {cold * 1000:8.1f} ms/plan")
    count = statistics.median(len(names) for names in sheets.values())
    print(
        f"bare fastexcel, same {count:.0f} sheets:    {fast * 1000:8.1f} ms/plan (eager: values as Arrow)"
    )
    print(f"  parsed only, values not taken:   {parsed * 1000:8.1f} ms/plan")
    print(f"  values as Python objects:        {fast_rows * 1000:8.1f} ms/plan")
    print(f"python-calamine alone, same sheets:{calamine * 1000:8.1f} ms/plan")
    print(
        f"pandas.read_excel openpyxl:        {pandas_time * 1000:8.1f} ms/plan ({len(sample)} plans)"
    )
    print(
        f"xlplan read_plan (openpyxl):       {fallback * 1000:8.1f} ms/plan ({len(sample)} plans)"
    )
    print(
        f"speed-up over pandas+openpyxl:     {pandas_time / ours:8.1f}x  (target >= 8x)"
    )
    print(f"xlplan / bare fastexcel:           {ours / fast:8.2f}x  (target <= 2x)")
    print(f"  the same, part caches cleared:   {cold / fast:8.2f}x")
    print(f"  against the parse only:          {ours / parsed:8.2f}x")
    print(f"  against values as Python:        {ours / fast_rows:8.2f}x")
    print(f"python-calamine alone / fastexcel: {calamine / fast:8.2f}x")
    sizes = [len(c) for c in contents]
    print(f"workbook size: median {statistics.median(sizes) / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
