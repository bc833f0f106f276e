"""`xlplan check`: read plan files, gather their issues, optionally fill row ids.

A bad file never stops the batch: it becomes an error issue and the next file
is read.
"""

from __future__ import annotations

import glob
import os
import uuid
from collections.abc import Iterable
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
        if path.exists():  # a file named "plan [v2].xlsx" is no pattern
            found.append(path)
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


def check_files(files: list[Path], *, fix_ids: bool = False) -> CheckReport:
    """Read every file, going on past bad ones; fill row ids when asked."""
    report = CheckReport()
    for path in files:
        read = _read_file(path)
        report.reads.append(read)
        if fix_ids and read.plan is not None:
            report.fixed[read.source] = fill_row_ids(path, read)
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

    content = path.read_bytes()
    edits = _missing_ids(content, read)
    if not edits:
        return 0
    write_atomic(path, patch_cells(content, edits), force=True)
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
                data = _patch_sheet(data.decode("utf-8"), edits[info.filename]).encode(
                    "utf-8"
                )
            target.writestr(info, data, compress_type=info.compress_type)
    return buffer.getvalue()


def _patch_sheet(xml: str, cells: dict[str, str]) -> str:
    import re
    from xml.sax.saxutils import escape

    for ref, text in cells.items():
        inline = f"<is><t>{escape(text)}</t></is>"
        pattern = re.compile(
            rf'<c r="{ref}"((?:\s+(?!t=)[\w:]+="[^"]*")*)(?:\s+t="[^"]*")?((?:\s+[\w:]+="[^"]*")*)\s*(?:/>|>\s*</c>)'
        )
        match = pattern.search(xml)
        if match is None:
            xml = _insert_cell(xml, ref, inline)
            continue
        patched = (
            f'<c r="{ref}"{match.group(1)}{match.group(2)} t="inlineStr">{inline}</c>'
        )
        xml = xml[: match.start()] + patched + xml[match.end() :]
    return xml


def _insert_cell(xml: str, ref: str, inline: str) -> str:
    """Add a cell that the sheet never wrote, keeping the row's cells in column order."""
    import re

    from xlsxwriter.utility import xl_cell_to_rowcol

    row_number = int(re.sub(r"[A-Z]+", "", ref))
    _, col = xl_cell_to_rowcol(ref)
    cell = f'<c r="{ref}" t="inlineStr">{inline}</c>'
    row_match = re.search(rf'<row r="{row_number}"[^>]*?(/>|>)', xml)
    if row_match is None:
        raise ValueError(f"row {row_number} is not in the sheet; cannot place {ref}")
    if row_match.group(1) == "/>":
        opening = row_match.group(0)[:-2] + ">"
        return (
            xml[: row_match.start()]
            + opening
            + cell
            + "</row>"
            + xml[row_match.end() :]
        )
    end = xml.index("</row>", row_match.end())
    body = xml[row_match.end() : end]
    position = len(body)
    for existing in re.finditer(r'<c r="([A-Z]+)\d+"', body):
        if xl_cell_to_rowcol(existing.group(1) + "1")[1] > col:
            position = existing.start()
            break
    body = body[:position] + cell + body[position:]
    return xml[: row_match.end()] + body + xml[end:]
