"""Benchmark: plan workbook build time and `xlplan --help` start-up.

Build: every sample plan is built by xlplan while each XlsxWriter call it
makes is recorded; the recording is then replayed as a bare XlsxWriter script
that writes the same sheets, cells, formats, tables, validations, conditional
formats and names, with none of xlplan's work. The ratio of the two is the
cost of xlplan over XlsxWriter itself (target: at most 2x).

Start-up: ``xlplan --help`` against a bare ``python -c pass`` (target: under
0.3 s in absolute terms).

Run: python benchmarks/bench_build.py [--repeat N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format

from xlplan.packs import load_pack
from xlplan.workbook import build as build_module
from xlplan.workbook.samples import load_samples

Call = tuple[str, int | None, str, tuple[Any, ...], dict[str, Any]]


class RecordingWorkbook(xlsxwriter.Workbook):
    """An XlsxWriter workbook that logs every call xlplan makes on it."""

    calls: list[Call] = []

    def __init__(self, target: Any, options: dict[str, Any] | None = None) -> None:
        self._format_ids: dict[int, int] = {}
        self._recording = False
        super().__init__(target, options)
        RecordingWorkbook.calls = []
        self._recording = True

    def add_format(self, properties: dict[str, Any] | None = None) -> Format:
        fmt = super().add_format(properties)
        if not self._recording:  # XlsxWriter's own default formats
            return fmt
        self._format_ids[id(fmt)] = len(self._format_ids)
        self.calls.append(("book", None, "add_format", (dict(properties or {}),), {}))
        return fmt

    def add_worksheet(
        self, name: str | None = None, worksheet_class: Any = None
    ) -> Any:
        sheet = super().add_worksheet(name)
        index = len(self.worksheets()) - 1
        self.calls.append(("book", None, "add_worksheet", (name,), {}))
        for method in dir(sheet):
            if method.startswith(
                (
                    "write",
                    "set_",
                    "add_table",
                    "data_validation",
                    "conditional_format",
                    "freeze_panes",
                    "repeat_",
                    "fit_to",
                    "hide",
                    "very_hidden",
                    "activate",
                )
            ) and callable(getattr(sheet, method)):
                setattr(sheet, method, self._logged(sheet, index, method))
        return sheet

    def define_name(self, name: str, formula: str) -> int:
        self.calls.append(("book", None, "define_name", (name, formula), {}))
        return super().define_name(name, formula)

    def set_properties(self, properties: dict[str, Any]) -> int:
        self.calls.append(("book", None, "set_properties", (properties,), {}))
        return super().set_properties(properties)

    def _logged(self, sheet: Any, index: int, method: str) -> Callable[..., Any]:
        original = getattr(sheet, method)

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(
                ("sheet", index, method, self._portable(args), self._portable(kwargs))
            )
            return original(*args, **kwargs)

        return call

    def _portable(self, value: Any) -> Any:
        if isinstance(value, Format):
            return ("__format__", self._format_ids[id(value)])
        if isinstance(value, tuple):
            return tuple(self._portable(v) for v in value)
        if isinstance(value, list):
            return [self._portable(v) for v in value]
        if isinstance(value, dict):
            return {k: self._portable(v) for k, v in value.items()}
        return value


def replay(calls: list[Call], options: dict[str, Any]) -> bytes:
    """The bare XlsxWriter script: make exactly the recorded calls."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, options)
    formats: list[Format] = []
    sheets: list[Any] = []

    def real(value: Any) -> Any:
        if isinstance(value, tuple) and len(value) == 2 and value[0] == "__format__":
            return formats[value[1]]
        if isinstance(value, tuple):
            return tuple(real(v) for v in value)
        if isinstance(value, list):
            return [real(v) for v in value]
        if isinstance(value, dict):
            return {k: real(v) for k, v in value.items()}
        return value

    for target, index, method, args, kwargs in calls:
        if target == "book":
            if method == "add_format":
                formats.append(book.add_format(args[0]))
            elif method == "add_worksheet":
                sheets.append(book.add_worksheet(args[0]))
            else:
                getattr(book, method)(*args)
        else:
            getattr(sheets[index], method)(*real(args), **real(kwargs))
    book.close()
    return buffer.getvalue()


def _parts(content: bytes) -> dict[str, int]:
    """Each package part's uncompressed size (docProps carry a timestamp)."""
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as package:
        return {
            i.filename: i.file_size
            for i in package.infolist()
            if "docProps" not in i.filename
        }


def bench_build(repeat: int) -> None:
    pack = load_pack()
    as_of = dt.date.today()
    samples = load_samples(as_of, pack=pack)
    ours, bare = [], []
    original = build_module.xlsxwriter.Workbook
    for _ in range(repeat):
        for sample in samples:
            build_module.xlsxwriter.Workbook = RecordingWorkbook  # type: ignore[misc]
            try:
                started = time.perf_counter()
                result = build_module.build_plan_workbook(
                    pack, sample.plan, today=as_of
                )
                ours.append(time.perf_counter() - started)
            finally:
                build_module.xlsxwriter.Workbook = original  # type: ignore[misc]
            calls = list(RecordingWorkbook.calls)
            started = time.perf_counter()
            copy = replay(
                calls,
                {
                    "in_memory": True,
                    "strings_to_formulas": False,
                    "strings_to_numbers": False,
                    "strings_to_urls": False,
                },
            )
            bare.append(time.perf_counter() - started)
            assert _parts(copy) == _parts(result.content), (
                "the replay must write the same parts"
            )
    # The recording wrapper itself costs time inside "ours"; measure it to report it.
    mine, base = statistics.median(ours), statistics.median(bare)
    print(f"plans built: {len(ours)} ({len(samples)} samples x {repeat})")
    print(
        f"xlplan build, median per plan:        {mine * 1000:7.1f} ms (includes call recording)"
    )
    print(f"bare XlsxWriter replay, per plan:     {base * 1000:7.1f} ms")
    print(f"ratio xlplan / bare XlsxWriter:       {mine / base:7.2f}x  (target <= 2x)")
    unrecorded = []
    for sample in samples:
        started = time.perf_counter()
        build_module.build_plan_workbook(pack, sample.plan, today=as_of)
        unrecorded.append(time.perf_counter() - started)
    plain = statistics.median(unrecorded)
    print(
        f"xlplan build without recording:       {plain * 1000:7.1f} ms -> {plain / base:.2f}x"
    )


def bench_startup(repeat: int) -> None:
    def timed(args: list[str]) -> float:
        runs = []
        for _ in range(max(5, repeat)):
            started = time.perf_counter()
            subprocess.run(args, check=True, capture_output=True)
            runs.append(time.perf_counter() - started)
        return statistics.median(runs)

    bare = timed([sys.executable, "-c", "pass"])
    cli = timed([sys.executable, "-m", "xlplan.cli", "--help"])
    print(f"python -c pass:                       {bare * 1000:7.1f} ms")
    print(
        f"xlplan --help:                        {cli * 1000:7.1f} ms ({cli / bare:.1f}x bare python;"
        f" target < 300 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    bench_build(args.repeat)
    bench_startup(args.repeat)


if __name__ == "__main__":
    main()
