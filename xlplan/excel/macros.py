"""Macros the workbook's buttons run (xlwings ``RunPython``), over ``core``.

Each macro takes the open workbook as an xlwings ``Book`` (the calling
workbook when none is given) and reads the plan straight from its tables and
defined names, so unsaved edits count. Macros write only what their button
promises: the Plan check sheet, the Org chart picture, a recalculation, or a
deck file beside the workbook.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

from xlplan.core.checks import plan_problems
from xlplan.core.completeness import score_completeness
from xlplan.core.rules import Rules
from xlplan.errors import DeckExportError, WorkbookShapeError
from xlplan.excel.cells import CellsRead, read_cells
from xlplan.excel.functions import UnusablePack, current_pack, pack_cache
from xlplan.model.pack import PACK_RANGE, Pack, SectionKind

log = logging.getLogger(__name__)

CHECK_SHEET = "Plan check"
MAP_SHEET = "Org chart"
MAP_PICTURE = "xlplan stakeholder map"
AUDIENCES = ("client", "internal")


def _caller(book: Any | None) -> Any:
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def _sheet(book: Any, name: str) -> Any:
    """The sheet called ``name``, added at the end when the book has none."""
    names = [sheet.name for sheet in book.sheets]
    if name in names:
        return book.sheets[name]
    return book.sheets.add(name, after=book.sheets[len(names) - 1])


def book_pack(book: Any) -> tuple[Pack, Rules]:
    """The workbook's own pack and rules; the installed default pack when it holds none.

    The pack is the hidden sheet's block the ``xlplan_pack`` name refers to,
    as the worksheet functions take it.
    """
    try:
        block = book.names[PACK_RANGE].refers_to_range.value
    except (KeyError, AttributeError):
        return current_pack()
    try:
        cache = pack_cache(block)
    except UnusablePack as exc:
        raise WorkbookShapeError(
            str(exc), hint="Rebuild the plan with `xlplan new`."
        ) from None
    return cache.pack, cache.rules


def read_book(book: Any, pack: Pack | None = None) -> CellsRead:
    """The plan in an open workbook, read through its pack from its names and tables.

    ``pack`` is the workbook's own (``book_pack``), looked up when not given.
    """
    pack = pack or book_pack(book)[0]
    ranges: list[Any] = []
    for section in pack.sections:
        if section.kind is SectionKind.SINGLE:
            ranges.append(
                [[spec.label, _named_value(book, spec.name)] for spec in section.fields]
            )
        else:
            ranges.append(_table_values(book, section.sheet, section.table or ""))
    return read_cells(ranges, pack)


def _named_value(book: Any, name: str) -> Any:
    try:
        return book.names[name].refers_to_range.value
    except (KeyError, AttributeError):
        return None


def _table_values(book: Any, sheet: str, table: str) -> Any:
    try:
        return book.sheets[sheet].tables[table].range.value
    except KeyError:
        raise WorkbookShapeError(
            f"The workbook has no table '{table}' on sheet '{sheet}'.",
            hint="Undo the change that removed it, or rebuild the plan with `xlplan new`.",
        ) from None


def check_plan(book: Any | None = None) -> list[str]:
    """Check the plan and list its issues on the Plan check sheet; return them."""
    book = _caller(book)
    pack, rules = book_pack(book)
    read = read_book(book, pack)
    lines = [
        *read.findings,
        *(str(p) for p in plan_problems(read.plan)),
        *score_completeness(read.plan, rules).missing,
    ]
    sheet = _sheet(book, CHECK_SHEET)
    sheet.clear_contents()
    sheet.range("A1").value = [["Plan check"], [f"{len(lines)} issue(s)"]]
    if lines:
        sheet.range("A4").value = [[line] for line in lines]
    return lines


def draw_stakeholder_map(book: Any | None = None) -> Path:
    """Draw the stakeholder map onto the Org chart sheet; return the image file."""
    from xlplan.excel.org_chart import render_stakeholder_map

    book = _caller(book)
    read = read_book(book)
    folder = Path(tempfile.mkdtemp(prefix="xlplan-map-"))
    image = folder / "stakeholder-map.png"
    image.write_bytes(render_stakeholder_map(read.plan))
    sheet = _sheet(book, MAP_SHEET)
    sheet.range(
        "A1"
    ).value = "Stakeholder map (drawn by xlplan; redraw with the button)"
    sheet.pictures.add(str(image), name=MAP_PICTURE, update=True, left=10, top=30)
    log.info("stakeholder map drawn to %s", image)
    return image


def refresh(book: Any | None = None) -> list[str]:
    """Recalculate the workbook, then redraw the map and re-run the plan check."""
    book = _caller(book)
    book.app.calculate()
    draw_stakeholder_map(book)
    return check_plan(book)


def export_deck(book: Any | None = None, audience: str = "client") -> Path:
    """Save the workbook and render its deck beside it; return the deck's path.

    The deck module is imported only here; without it the error says what to
    install.
    """
    if audience not in AUDIENCES:
        raise DeckExportError(
            f"Audience '{audience}' is not known.", hint="Use 'client' or 'internal'."
        )
    try:
        from xlplan.deck import render_deck
    except ImportError as exc:
        raise DeckExportError(
            f"deck export needs xlplan's deck module and python-pptx ({exc}).",
            hint="Install them with: pip install python-pptx, then press the button again.",
        ) from None
    book = _caller(book)
    book.save()
    plan_path = Path(book.fullname)
    output = _free_path(plan_path.with_name(f"{plan_path.stem}-{audience}.pptx"))
    render_deck(plan_path, output, audience=audience)
    return output


def _free_path(path: Path) -> Path:
    """``path``, or ``name (2).pptx`` and so on when it exists: never overwrite."""
    candidate, number = path, 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} ({number}){path.suffix}")
        number += 1
    return candidate


MACROS = {
    "XlplanCheckPlan": "check_plan()",
    "XlplanDrawStakeholderMap": "draw_stakeholder_map()",
    "XlplanRefresh": "refresh()",
    "XlplanExportClientDeck": "export_deck(audience='client')",
    "XlplanExportInternalDeck": "export_deck(audience='internal')",
}
"""The VBA subs in macros/xlplan.bas, and the Python each one runs."""
