"""Checks run on a plan once it is read: references, data problems, stored results.

``PlanChecks`` is mixed into the reader; it reports through the reader's
``_problem`` and reads cells through its package and values.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from xlplan.core.checks import plan_problems
from xlplan.core.registry import COLUMNS, FIELDS
from xlplan.model.issues import Issue, Severity
from xlplan.model.pack import (
    Audience,
    FieldSpec,
    FieldType,
    SectionKind,
    SectionSpec,
    client_sees_row,
)
from xlplan.model.plan import Plan
from xlplan.workbook.coerce import LAST_SERIAL, ErrorValue, Finding, from_serial

if TYPE_CHECKING:
    from xlplan.core.rules import Rules
    from xlplan.model.pack import Pack
    from xlplan.workbook.package import Package
    from xlplan.workbook.reader import PlanRead

SOURCE_ROW = "_row"  # each table row read from a workbook keeps its 0-based sheet row


class PlanChecks:
    """Checks that need the whole plan; mixed into the reader."""

    pack: Pack
    package: Package
    rules: Rules
    values: Any
    result: PlanRead
    source: str
    _stored_rows: list[tuple[SectionSpec, dict[str, Any], str, int, list[Any]]]

    def _issue(
        self,
        finding: Finding,
        sheet: str | None,
        row: int | None = None,
        col: int | None = None,
    ) -> None:
        """Record ``finding`` at ``sheet`` (and the cell at ``row``, ``col``)."""
        cell = (
            xl_rowcol_to_cell(row, col) if row is not None and col is not None else None
        )
        self.result.issues.append(
            Issue(
                finding.code,
                finding.severity,
                self.source,
                finding.message,
                finding.hint,
                sheet,
                cell,
            )
        )

    def _problem(
        self,
        code: str,
        severity: Severity,
        message: str,
        hint: str,
        sheet: str | None = None,
        row: int | None = None,
        col: int | None = None,
    ) -> None:
        self._issue(Finding(code, severity, message, hint), sheet, row, col)

    def _check_references(self, plan: Plan) -> None:
        """Each name in a reference cell is a row of the table it refers to.

        A table that is gone is reported once (``structure.table_missing``);
        the names that refer to it are not each reported again.
        """
        labels = {
            s.key: {
                str(r.get(s.label_field)).casefold(): str(r.get(s.label_field))
                for r in plan.rows(s.key)
                if r.get(s.label_field)
            }
            for s in self.pack.sections
            if s.kind is SectionKind.TABLE
            and s.label_field
            and (s.table or "").casefold() in self.package.tables
        }
        for section in self.pack.sections:
            refs = [
                f
                for f in section.input_fields
                if f.type is FieldType.REF and f.ref_to in labels
            ]
            if not refs:
                continue
            rows = (
                [plan.records.get(section.key, {})]
                if section.kind is SectionKind.SINGLE
                else list(plan.rows(section.key))
            )
            for row in rows:
                for spec in refs:
                    self._check_reference(section, spec, row, labels[spec.ref_to or ""])

    def _check_reference(
        self,
        section: SectionSpec,
        spec: FieldSpec,
        row: Mapping[str, Any],
        known: Mapping[str, str],
    ) -> None:
        """Report each name of ``row``'s reference cell that ``known`` lacks.

        ``known`` maps the target table's names, case-folded, to how they are
        written; a name close to one of them is offered as a correction.
        """
        value = row.get(spec.name)
        names = value if isinstance(value, tuple) else (value,) if value else ()
        target = self.pack.section(spec.ref_to or "")
        for name in names:
            folded = str(name).casefold()
            if folded not in known:
                close = difflib.get_close_matches(folded, list(known), n=1, cutoff=0.8)
                guess = f" Did you mean '{known[close[0]]}'?" if close else ""
                sheet, cell = self._address(section, spec.name, row)
                self._problem(
                    "value.unknown_reference",
                    Severity.WARNING,
                    f"{spec.label}: '{name}' names nobody on sheet "
                    f"'{target.sheet}'.{guess}",
                    f"Pick a name from the drop-down, or add '{name}' to {target.sheet}.",
                    sheet,
                    *_split(cell),
                )

    def _address(
        self, section: SectionSpec, field_name: str, row: Mapping[str, Any]
    ) -> tuple[str, str | None]:
        if section.kind is SectionKind.SINGLE:
            where = self.package.names.get(field_name)
            return section.sheet, xl_rowcol_to_cell(
                where.row, where.col
            ) if where else None
        table = self.package.tables.get((section.table or "").casefold())
        if table is None or SOURCE_ROW not in row:
            return section.sheet, None
        index = [c.casefold() for c in table.columns].index(
            section.field(field_name).label.casefold()
        )
        return table.sheet, xl_rowcol_to_cell(row[SOURCE_ROW], table.first_col + index)

    def _check_client_text(self, plan: Plan) -> None:
        """Text the client deck shows must not name a competitor it hides.

        The deck keeps our competitors at the account from the client (the
        pack's ``client_rows``); a rep's summary or value proposition that
        names one would still show it.
        """
        rules = self.pack.deck.get("client_rows") or {}
        hidden = _hidden_competitors(plan, rules.get("competitors"))
        if not hidden:
            return
        # One search for any of the names over each text; which ones, only
        # where one is found.
        anywhere = re.compile(
            "|".join(
                f"(?{'i' if p.flags & re.IGNORECASE else ''}:{p.pattern})"
                for _, p in hidden
            )
        )
        for section, spec, row in self._client_texts(plan, rules):
            text = row.get(spec.name)
            if not text or not anywhere.search(str(text)):
                continue
            named = [name for name, pattern in hidden if pattern.search(str(text))]
            if not named:
                continue
            message = (
                f"{spec.label} names {', '.join(named)}, a competitor the client "
                "deck keeps from the client, yet shows this text."
            )
            hint = "Reword it for the client, or move the remark to an internal field."
            if section.kind is SectionKind.SINGLE:
                self._named_problem(spec.name, CLIENT_TEXT_CODE, message, hint)
                continue
            sheet, cell = self._address(section, spec.name, row)
            self._problem(
                CLIENT_TEXT_CODE, Severity.WARNING, message, hint, sheet, *_split(cell)
            )

    def _client_texts(
        self, plan: Plan, rules: Mapping[str, Any]
    ) -> Iterator[tuple[SectionSpec, FieldSpec, Mapping[str, Any]]]:
        """Each typed text field a client deck shows, with its row."""
        for section in self.pack.sections:
            texts = [
                spec
                for spec in section.input_fields
                if spec.audience is Audience.CLIENT
                and spec.type in (FieldType.STR, FieldType.TEXT)
            ]
            if not texts or section.key == "competitors":
                continue
            if section.kind is SectionKind.SINGLE:
                rows = [plan.records.get(section.key, {})]
            else:
                rule = rules.get(section.key)
                if rule is None:  # a section the client deck does not show
                    continue
                rows = [r for r in plan.rows(section.key) if client_sees_row(rule, r)]
            for row in rows:
                for spec in texts:
                    yield section, spec, row

    def _check_data(self, plan: Plan) -> None:
        """Place each of ``core``'s data problems on its cell."""
        label = lambda section, name: self.pack.section(section).field(name).label  # noqa: E731
        for problem in plan_problems(plan, label):
            if problem.row is None:
                self._named_problem(
                    problem.field, problem.code, problem.message, problem.hint
                )
                continue
            section = self.pack.section(problem.section)
            sheet, cell = self._address(section, problem.field, problem.row)
            self._problem(
                problem.code,
                Severity.WARNING,
                problem.message,
                problem.hint,
                sheet,
                *_split(cell),
            )

    def _named_problem(self, name: str, code: str, message: str, hint: str) -> None:
        where = self.package.names.get(name)
        if where:
            self._problem(
                code, Severity.WARNING, message, hint, where.sheet, where.row, where.col
            )

    def _check_stored(self, plan: Plan) -> None:
        """Report stored formula results that disagree with the recomputed figures."""
        for section, record, sheet, row, stored in self._stored_rows:
            for spec, value, col in stored:
                figure = COLUMNS.get((section.key, spec.name))
                if figure is not None:
                    expected = figure.value(record, plan, self.rules)
                    self._compare(spec, value, expected, sheet, row, col)
        for section in self.pack.sections:
            for spec in section.fields:
                if not spec.computed:
                    continue
                if section.kind is SectionKind.SINGLE and spec.name in FIELDS:
                    where = self.package.names.get(spec.name)
                    if where is None:
                        continue
                    stored = self.values.cell(where.sheet, where.row, where.col)
                    expected = FIELDS[spec.name].value(plan, self.rules)
                    self._compare(
                        spec, stored, expected, where.sheet, where.row, where.col
                    )

    def _compare(
        self,
        spec: FieldSpec,
        stored: Any,
        expected: Any,
        sheet: str,
        row: int,
        col: int,
    ) -> None:
        if stored is None or isinstance(stored, ErrorValue):
            return  # never calculated (no cached result): nothing to compare
        if _agrees(stored, expected, spec, self.package.date1904):
            return
        self._problem(
            "value.stale_result",
            Severity.WARNING,
            f"{spec.label}: the workbook shows {_plain(stored, spec)}, "
            f"xlplan computes {_plain(expected, spec)}.",
            "Recalculate in Excel (F9), or restore the formula if it was typed over.",
            sheet,
            row,
            col,
        )


def _agrees(stored: Any, expected: Any, spec: FieldSpec, date1904: bool) -> bool:
    if expected is None:
        return stored in (None, "")
    if isinstance(expected, bool):
        return stored is expected or stored == expected
    if isinstance(expected, dt.date):
        if isinstance(stored, dt.datetime):
            stored = stored.date()
        if isinstance(stored, (int, float)):
            # Past 31 Dec 9999 (or NaN) a serial is no date: Excel shows #####.
            in_range = 1 <= stored < LAST_SERIAL
            stored = from_serial(stored, date1904) if in_range else None
        return stored == expected
    if isinstance(expected, (int, float)) and isinstance(stored, (int, float)):
        return abs(float(stored) - float(expected)) <= 1e-9 * max(
            1.0, abs(float(expected))
        )
    return str(stored) == str(expected)


def _plain(value: Any, spec: FieldSpec | None = None) -> str:
    """A value as a person reads it: blank, 1,250,000, 45%, 31 Mar 2026."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.date, dt.datetime)):
        return f"{value:%d %b %Y}"
    if isinstance(value, (int, float)):
        if spec is not None and spec.type is FieldType.PCT:
            return f"{value:.0%}"
        if spec is not None and spec.type is FieldType.DATE:
            return "a date serial"
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.4g}"
    return repr(value)


def _split(cell: str | None) -> tuple[int | None, int | None]:
    if cell is None:
        return None, None
    return xl_cell_to_rowcol(cell)


CLIENT_TEXT_CODE = "data.competitor_in_client_text"


def _hidden_competitors(plan: Plan, rule: Any) -> list[tuple[str, re.Pattern[str]]]:
    """The competitors a client deck leaves out, each with a pattern finding its name.

    A name is matched as written or in capitals, as a whole word, without its
    legal form ("Storevance Inc." is found as "Storevance"): "Target" the
    retailer is not "the revenue target". A name written all in lower case
    is matched in any case.
    """
    found = []
    for row in plan.rows("competitors"):
        if not row.get("name") or client_sees_row(rule, row):
            continue
        name = _LEGAL_FORM.sub("", str(row["name"]).strip())
        if len(name) < 2:
            continue
        spelled = {re.escape(name), re.escape(name.upper())}
        flags = 0 if any(c.isupper() for c in name) else re.IGNORECASE
        pattern = re.compile(rf"(?<!\w)(?:{'|'.join(sorted(spelled))})(?!\w)", flags)
        found.append((name, pattern))
    return found


_LEGAL_FORM = re.compile(
    r"(?:[\s,]+(?:inc|ltd|llc|plc|gmbh|ag|sa|s\.a|bv|b\.v|nv|n\.v|corp|co|"
    r"limited|group|holdings?|s\.p\.a|spa|oy|ab|as|a/s|kg)\.?)+$",
    re.IGNORECASE,
)
