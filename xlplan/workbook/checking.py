"""`xlplan check`: read plan files, gather their issues, optionally fill row ids.

A bad file never stops the batch: it becomes an error issue and the next file
is read.
"""

from __future__ import annotations

import functools
import glob
import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlplan.errors import XlplanError
from xlplan.model.issues import JSON_VERSION, Issue, Severity
from xlplan.workbook.reader import PlanRead, read_plan

PLAN_SUFFIXES = (".xlsx", ".xlsm")


@dataclass
class CheckReport:
    """Every file read, with its issues, in the order given."""

    reads: list[PlanRead] = field(default_factory=list)
    fixed: dict[str, int] = field(default_factory=dict)

    @property
    def has_errors(self) -> bool:
        """True when any file has an error issue."""
        return any(i.severity is Severity.ERROR for r in self.reads for i in r.issues)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON shape: version, files with their plan id and issues."""
        return {
            "version": JSON_VERSION,
            "files": [
                {
                    "file": read.source,
                    "plan_id": read.plan.plan_id if read.plan else None,
                    "ok": read.ok,
                    "ids_filled": self.fixed.get(read.source, 0),
                    "issues": [issue.to_json() for issue in read.issues],
                }
                for read in self.reads
            ],
        }

    def lines(self) -> list[str]:
        """Readable output grouped by plan, ending with a one-line summary."""
        out: list[str] = []
        for read in self.reads:
            counts = _counts(read.issues)
            title = read.plan.plan_id if read.plan and read.plan.plan_id else "not read"
            out.append(f"{read.source} ({title}): {counts}")
            for issue in read.issues:
                where = (
                    f"{issue.sheet}!{issue.cell}" if issue.cell else (issue.sheet or "")
                )
                place = f"{where}: " if where else ""
                out.append(f"  {issue.severity.value:7} {place}{issue.message}")
                if issue.hint:
                    out.append(f"          {issue.hint}")
            if self.fixed.get(read.source):
                out.append(f"  filled {self.fixed[read.source]} row id(s)")
        errors = sum(
            1 for r in self.reads if any(i.severity is Severity.ERROR for i in r.issues)
        )
        out.append(f"{len(self.reads)} file(s) checked, {errors} with errors.")
        return out


def _counts(issues: list[Issue]) -> str:
    if not issues:
        return "no issues"
    parts = []
    for severity in Severity:
        n = sum(1 for i in issues if i.severity is severity)
        if n:
            parts.append(f"{n} {severity.value}{'s' if n > 1 else ''}")
    return ", ".join(parts)


class IdsNotFilledError(XlplanError):
    """A plan's missing row ids cannot be written into its file."""


class PathNotFoundError(XlplanError):
    """A file or folder given on the command line is not there."""


def named_paths(paths: Iterable[Path]) -> list[Path]:
    """The paths given, each pattern (``plans/*.xlsx``) replaced by its matches.

    Patterns may be absolute and use ``**``. Raises ``PathNotFoundError``
    naming every path that is not there and every pattern that matches
    nothing, before any file is read: a mistyped folder is not a plan that
    cannot be opened.
    """
    found: list[Path] = []
    missing: list[str] = []
    for path in paths:
        text = str(path)
        if os.path.lexists(path):  # "plan [v2].xlsx" is no pattern; a link loop
            found.append(path)  # is there, and its read says it cannot be opened
        elif any(c in text for c in "*?["):
            matches = sorted(glob.glob(os.path.expanduser(text), recursive=True))
            found += map(Path, matches)
            if not matches:
                missing.append(f"{text} (matches nothing)")
        else:
            missing.append(text)
    if missing:
        raise PathNotFoundError(
            f"Not found: {', '.join(missing)}.",
            hint="Check the spelling and the folder you run xlplan from; give "
            "plan workbooks, folders of them, or a quoted pattern such as "
            "'plans/*.xlsx'.",
        )
    return found


def find_plan_files(paths: Iterable[Path]) -> list[Path]:
    """Workbooks named or found under folders; Excel lock files (~$...) are skipped."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            candidates = sorted(
                p for p in path.rglob("*") if p.suffix.lower() in PLAN_SUFFIXES
            )
        else:
            candidates = [path]
        found += [p for p in candidates if not p.name.startswith("~$")]
    return found


def each_once(files: Iterable[Path]) -> list[Path]:
    """``files`` with a file reached twice (named twice, named and inside a
    folder named, or through a link) kept where it was first reached."""
    first: dict[str, Path] = {}
    for path in files:
        first.setdefault(os.path.realpath(path), path)
    return list(first.values())


def check_files(files: list[Path], *, fix_ids: bool = False) -> CheckReport:
    """Read every file, going on past bad ones; fill row ids when asked."""
    report = CheckReport()
    for path in files:
        read = _read_file(path)
        report.reads.append(read)
        if fix_ids and read.plan is not None:
            try:
                report.fixed[read.source] = fill_row_ids(path, read)
            except (IdsNotFilledError, OSError) as error:
                read.issues.append(
                    Issue(
                        "file.ids_not_filled",
                        Severity.WARNING,
                        read.source,
                        str(getattr(error, "message", None) or error),
                        getattr(error, "hint", "")
                        or "Check that the file is not open in Excel and can be written.",
                    )
                )
    return report


def _read_file(path: Path) -> PlanRead:
    if path.name.startswith("~$"):
        read = PlanRead(source=str(path))
        read.issues.append(
            Issue(
                "file.lock_file",
                Severity.ERROR,
                str(path),
                "This is Excel's lock file for an open workbook, not a plan.",
                f"Check {path.name[2:]} instead; the lock file goes when Excel closes it.",
            )
        )
        return read
    try:
        content = path.read_bytes()
    except OSError as exc:
        read = PlanRead(source=str(path))
        read.issues.append(
            Issue(
                "file.unreadable",
                Severity.ERROR,
                str(path),
                f"The file cannot be opened ({exc.strerror or exc}).",
                "Check the path and permissions; close it in Excel if it is locked.",
            )
        )
        return read
    return read_plan(content, str(path))


def fill_row_ids(path: Path, read: PlanRead) -> int:
    """Fill blank ids of table rows in ``path``, atomically; return how many were filled.

    Only the id cells change: each blank id cell of the sheet XML gets its
    text in place, so formulas keep their cached results and nothing else in
    the package is touched.
    """
    from xlplan.workbook.files import write_atomic

    # A plan reached through a link is written where the link points: the
    # link stays, and so does every other way to the same file.
    path = path.resolve()
    content = path.read_bytes()
    edits = _missing_ids(content, read)
    if not edits:
        return 0
    try:
        patched = patch_cells(content, edits)
    except ValueError as error:
        raise IdsNotFilledError(
            f"{path}: ids not filled, the file is left as it was: {error}.",
            hint="Open and save the plan in Excel, then run --fix-ids again.",
        ) from None
    write_atomic(path, patched, force=True)
    return sum(len(cells) for cells in edits.values())


def _missing_ids(content: bytes, read: PlanRead) -> dict[str, dict[str, str]]:
    """Sheet part -> cell reference -> new id, for every table row without one."""
    from xlsxwriter.utility import xl_rowcol_to_cell

    from xlplan.model.pack import SectionKind
    from xlplan.workbook.package import check_container, read_package
    from xlplan.workbook.reader import SOURCE_ROW

    assert read.plan is not None and read.pack is not None
    package = read_package(check_container(content), error_sheets=set())
    edits: dict[str, dict[str, str]] = {}
    for section in read.pack.sections:
        table = package.tables.get((section.table or "").casefold())
        if section.kind is not SectionKind.TABLE or table is None:
            continue
        labels = [c.casefold() for c in table.columns]
        id_label = section.field("id").label.casefold()
        if id_label not in labels:
            continue
        col = table.first_col + labels.index(id_label)
        part = package.sheet_paths[table.sheet]
        for row in read.plan.rows(section.key):
            if not row.get("id") and SOURCE_ROW in row:
                cell = xl_rowcol_to_cell(row[SOURCE_ROW], col)
                edits.setdefault(part, {})[cell] = (
                    f"{section.key[:3].upper()}-{uuid.uuid4().hex[:8]}"
                )
    return edits


def patch_cells(content: bytes, edits: dict[str, dict[str, str]]) -> bytes:
    """A copy of the package with text written into the given cells of the given sheet parts.

    A cell missing from the sheet XML (never formatted) is added to its row;
    every other part is copied byte for byte.
    """
    import io
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename in edits:
                data = _patch_sheet(data, edits[info.filename])
            target.writestr(info, data, compress_type=info.compress_type)
    return buffer.getvalue()


def _patch_sheet(xml: bytes, cells: dict[str, str]) -> bytes:
    """The sheet part with ``cells`` (reference -> text) holding their text.

    The sheet is parsed as XML (any namespace prefix, either quote style), so
    a cell already in the sheet is changed in place, keeping its style, and a
    missing one is added to its row in column order (the row too, when the
    sheet has none). A cell holding a formula is left alone: its id is the
    formula's, not the plan's to fill. Raises ``ValueError`` for a sheet
    that is not the XML a workbook holds.
    """
    from lxml import etree
    from xlsxwriter.utility import xl_cell_to_rowcol

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False
    )
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"the sheet XML cannot be read ({error})") from None
    main = etree.QName(root).namespace
    name = functools.partial(etree.QName, main)
    data = root.find(name("sheetData"))
    if data is None:
        raise ValueError("the sheet has no cell data")
    rows = {row.get("r"): row for row in data.iterfind(name("row"))}
    for ref, text in cells.items():
        row_index, col = xl_cell_to_rowcol(ref)
        row = rows.get(str(row_index + 1))
        if row is None:
            row = rows[str(row_index + 1)] = _new_row(data, row_index + 1, name)
        cell = next((c for c in row.iterfind(name("c")) if c.get("r") == ref), None)
        if cell is None:
            cell = _new_cell(row, ref, col, name)
        elif cell.find(name("f")) is not None:
            continue
        for child in list(cell):
            cell.remove(child)
        cell.set("t", "inlineStr")
        inline = etree.SubElement(cell, name("is"))
        etree.SubElement(inline, name("t")).text = text
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _new_row(data: Any, number: int, name: Callable[[str], Any]) -> Any:
    """A row element for row ``number``, placed among the rows in order."""
    from lxml import etree

    row = etree.Element(name("row"), r=str(number))
    later = next(
        (r for r in data.iterfind(name("row")) if int(r.get("r", "0")) > number), None
    )
    if later is None:
        data.append(row)
    else:
        later.addprevious(row)
    return row


def _new_cell(row: Any, ref: str, col: int, name: Callable[[str], Any]) -> Any:
    """A cell element at ``ref``, placed among the row's cells in column order."""
    from lxml import etree
    from xlsxwriter.utility import xl_cell_to_rowcol

    cell = etree.Element(name("c"), r=ref)
    later = next(
        (
            c
            for c in row.iterfind(name("c"))
            if c.get("r") and xl_cell_to_rowcol(c.get("r"))[1] > col
        ),
        None,
    )
    if later is None:
        row.append(cell)
    else:
        later.addprevious(cell)
    return cell
