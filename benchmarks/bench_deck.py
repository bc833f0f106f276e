"""Benchmark: deck render time against a bare python-pptx build of the same slides.

Per deck: xlplan renders every sample plan (client and internal) from its
typed Plan. The baseline is a bare python-pptx script that opens the same
template and adds the same slides with the same titles, text boxes, shapes,
connectors, tables (same cells, fonts and fills) and charts (same data),
read back from xlplan's output, with none of xlplan's work: no audience
filter, no narrative, no layout choice, no text measurement or pagination.
The ratio is xlplan's cost over python-pptx itself (target: at most 2x).

Batch: 100 plan files rendered with ``render_decks`` at -j 1 and -j 2.

Run: python benchmarks/bench_deck.py [--repeat N] [--batch N]
"""

from __future__ import annotations

import argparse
import functools
import io
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.enum.chart import XL_CHART_TYPE
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE_TYPE

from xlplan.deck.audience import Audience
from xlplan.deck.render import default_template, render_plan_deck
from xlplan.deck.service import DeckRequest, render_decks
from xlplan.deck.template import open_template
from xlplan.packs import load_pack
from xlplan.workbook.reader import read_plan
from xlplan.workbook.service import build_demo


def _runs(frame: Any) -> list[list[tuple[str, Any, Any, Any, str | None]]]:
    """Each paragraph's runs as (text, size, bold, colour, font)."""
    paragraphs = []
    for paragraph in frame.paragraphs:
        runs = []
        for run in paragraph.runs:
            font = run.font
            colour = (
                font.color.rgb if font.color and font.color.type is not None else None
            )
            runs.append((run.text, font.size, font.bold, colour, font.name))
        paragraphs.append(runs)
    return paragraphs


def _fill(shape: Any) -> Any:
    try:
        return shape.fill.fore_color.rgb if shape.fill.type == 1 else None
    except (AttributeError, TypeError):
        return None


def _snapshot(content: bytes) -> list[dict[str, Any]]:
    """What each slide of a deck holds, as plain values the baseline replays."""
    slides = []
    for slide in Presentation(io.BytesIO(content)).slides:
        items = []
        for shape in slide.shapes:
            box = (shape.left, shape.top, shape.width, shape.height)
            if shape.has_chart:
                plot = shape.chart.plots[0]
                series = [(s.name, list(s.values)) for s in plot.series]
                items.append(("chart", box, (list(plot.categories), series)))
            elif shape.has_table:
                cells = [
                    [(_runs(c.text_frame), _fill(c)) for c in row.cells]
                    for row in shape.table.rows
                ]
                items.append(("table", box, cells))
            elif shape.shape_type == MSO_SHAPE_TYPE.LINE or shape.shape_type is None:
                items.append(("line", box, None))
            elif shape.is_placeholder:
                items.append(("title", box, shape.text_frame.text))
            elif shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE:
                items.append(
                    (
                        "shape",
                        box,
                        (shape.auto_shape_type, _runs(shape.text_frame), _fill(shape)),
                    )
                )
            elif shape.has_text_frame:
                items.append(("text", box, _runs(shape.text_frame)))
        slides.append({"layout": slide.slide_layout.name, "items": items})
    return slides


def _bare_build(slides: list[dict[str, Any]]) -> bytes:
    """The same slides written straight with python-pptx, fonts and fills included."""
    deck = open_template(None, default_template())
    layouts = {layout.name: layout for layout in deck.slide_layouts}
    for spec in slides:
        slide = deck.slides.add_slide(layouts[spec["layout"]])
        for kind, box, value in spec["items"]:
            _replay(slide, kind, box, value)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def _write_runs(frame: Any, paragraphs: list[list[tuple[Any, ...]]]) -> None:
    frame.word_wrap = True
    for index, runs in enumerate(paragraphs):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        for text, size, bold, colour, name in runs:
            run = paragraph.add_run()
            run.text = text
            run.font.size, run.font.bold = size, bold
            if name:
                run.font.name = name
            if colour is not None:
                run.font.color.rgb = colour


def _paint(target: Any, colour: Any) -> None:
    if colour is not None:
        target.fill.solid()
        target.fill.fore_color.rgb = colour


def _replay(slide: Any, kind: str, box: tuple[int, ...], value: Any) -> None:
    x, y, w, h = box
    if kind == "title" and slide.shapes.title is not None:
        slide.shapes.title.text = value
    elif kind == "text":
        _write_runs(slide.shapes.add_textbox(x, y, w, h).text_frame, value)
    elif kind == "shape":
        shape = slide.shapes.add_shape(value[0], x, y, w, h)
        _write_runs(shape.text_frame, value[1])
        _paint(shape, value[2])
    elif kind == "line":
        slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, x, y, x + w, y + h)
    elif kind == "table":
        table = slide.shapes.add_table(len(value), len(value[0]), x, y, w, h).table
        for r, row in enumerate(value):
            for c, (runs, colour) in enumerate(row):
                cell = table.cell(r, c)
                _write_runs(cell.text_frame, runs)
                _paint(cell, colour)
    elif kind == "chart":
        data = CategoryChartData()
        data.categories = value[0]
        for name, values in value[1]:
            data.add_series(name, values)
        slide.shapes.add_chart(XL_CHART_TYPE.BAR_CLUSTERED, x, y, w, h, data)


def _median_ms(action: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    pack = load_pack()
    work = Path(tempfile.mkdtemp(prefix="xlplan-bench-deck-"))
    try:
        plans = [r.path for r in build_demo(pack, work / "demo", force=True)]
        _per_deck(plans, pack, args.repeat)
        _batch(plans, work, args.batch)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _per_deck(plans: list[Path], pack: Any, repeat: int) -> None:
    ours_total = bare_total = slides_total = 0.0
    print(
        f"{'plan':32} {'audience':9} {'slides':>6} {'xlplan ms':>10} {'bare ms':>8} {'ratio':>6}"
    )
    for path in plans:
        read = read_plan(path.read_bytes(), str(path))
        assert read.plan is not None and read.pack is not None
        for audience in Audience:
            render = functools.partial(
                render_plan_deck,
                read.plan,
                read.pack,
                deck_pack=pack,
                audience=audience,
            )
            snapshot = _snapshot(render())
            ours = _median_ms(render, repeat)
            bare = _median_ms(functools.partial(_bare_build, snapshot), repeat)
            ours_total, bare_total = ours_total + ours, bare_total + bare
            slides_total += len(snapshot)
            print(
                f"{path.stem:32} {audience.value:9} {len(snapshot):6} {ours:10.1f} "
                f"{bare:8.1f} {ours / bare:6.2f}"
            )
    decks = len(plans) * len(Audience)
    print(
        f"\nAll {decks} decks ({slides_total:.0f} slides): xlplan {ours_total / decks:.1f} ms "
        f"per deck, bare python-pptx {bare_total / decks:.1f} ms; "
        f"ratio {ours_total / bare_total:.2f}x (target: at most 2x)"
    )


def _batch(plans: list[Path], work: Path, size: int) -> None:
    folder = work / "batch"
    folder.mkdir()
    for index in range(size):
        source = plans[index % len(plans)]
        shutil.copy(source, folder / f"{source.stem}-{index:03d}.xlsx")
    sources = sorted(folder.glob("*.xlsx"))
    for jobs in (1, 2):
        out = work / f"decks-j{jobs}"
        start = time.perf_counter()
        results = render_decks(sources, out, DeckRequest(Audience.CLIENT), jobs=jobs)
        seconds = time.perf_counter() - start
        failed = sum(1 for r in results if r.error)
        print(
            f"Batch of {len(sources)} plans, -j {jobs}: {seconds:.1f} s, "
            f"{len(sources) / seconds:.1f} decks/s, {failed} failed"
        )


if __name__ == "__main__":
    main()
