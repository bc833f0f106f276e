"""`xlplan check`: read plan files, gather their issues, optionally fill row ids.

A bad file never stops the batch: it becomes an error issue and the next file
is read.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    Only the id cells change; the file is rewritten through openpyxl, which
    keeps tables, names, validations and formulas.
    """
    import io

    import openpyxl

    from xlplan.model.pack import SectionKind
    from xlplan.workbook.files import write_atomic
    from xlplan.workbook.reader import SOURCE_ROW

    assert read.plan is not None and read.pack is not None
    content = path.read_bytes()
    keep_vba = path.suffix.lower() == ".xlsm"
    book = openpyxl.load_workbook(io.BytesIO(content), keep_vba=keep_vba)
    filled = 0
    for section in read.pack.sections:
        if section.kind is not SectionKind.TABLE:
            continue
        for row in read.plan.rows(section.key):
            if row.get("id") or SOURCE_ROW not in row:
                continue
            sheet = book[section.sheet]
            table = sheet.tables.get(section.table or "")
            if table is None:
                continue
            first_col = openpyxl.utils.cell.range_boundaries(table.ref)[0]
            labels = [c.name for c in table.tableColumns]
            col = first_col + labels.index(section.field("id").label)
            sheet.cell(
                row[SOURCE_ROW] + 1, col
            ).value = f"{section.key[:3].upper()}-{uuid.uuid4().hex[:8]}"
            filled += 1
    if filled:
        buffer = io.BytesIO()
        book.save(buffer)
        write_atomic(path, buffer.getvalue(), force=True)
    return filled
