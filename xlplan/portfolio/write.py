"""Write the portfolio workbook a sales leader opens on Monday morning.

Summary (headline figures and native charts), Accounts (one row per plan with
its flags), Owners, consolidated Stakeholders, Actions, Opportunities, Risks
and KPIs (each row with the file, sheet and cell it came from), a white-space
heatmap and every issue found.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Sequence
from operator import itemgetter
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from xlplan.core.portfolio import FLAG_LABELS, FLAGS
from xlplan.model.pack import Pack
from xlplan.portfolio.rollup import DETAIL_COLUMNS, Portfolio
from xlplan.portfolio.sheet_rows import TableSheet, quick_deflate, render_rows
from xlplan.workbook.files import OUTPUT_PROPERTY, WORKBOOK_OPTIONS

ACCOUNT_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("plan_id", "Plan ID", "text"),
    ("account_name", "Account", "text"),
    ("account_tier", "Tier", "text"),
    ("plan_owner", "Owner", "text"),
    ("kam", "KAM", "text"),
    ("period_type", "Period", "text"),
    ("plan_status", "Status", "text"),
    ("last_reviewed_date", "Last review", "date"),
    ("days_since_review", "Days since review", "int"),
    ("next_review_due", "Next review due", "date"),
    ("completeness", "Completeness", "int"),
    ("health", "Health", "int"),
    ("health_band", "Band", "text"),
    ("health_weakest", "Weakest component", "text"),
    ("key_account_score", "Key-account score", "dec"),
    ("relationship_strength", "Relationship", "text"),
    ("account_health", "Account health", "text"),
    ("supporter_ratio", "Supporter ratio", "pct"),
    ("engaged_contacts", "Engaged contacts", "int"),
    ("has_economic_buyer", "Economic buyer", "bool"),
    ("has_champion", "Champion", "bool"),
    ("has_exec_sponsor", "Exec sponsor", "bool"),
    ("revenue_current", "Revenue", "money"),
    ("revenue_growth", "Growth", "pct"),
    ("revenue_target", "Revenue target", "money"),
    ("revenue_attainment", "Attainment", "pct"),
    ("pipeline", "Pipeline", "money"),
    ("weighted_pipeline", "Weighted pipeline", "money"),
    ("won_value", "Won", "money"),
    ("win_rate", "Win rate", "pct"),
    ("share_of_wallet", "Share of wallet", "pct"),
    ("account_penetration", "Penetration", "pct"),
    ("revenue_share", "Revenue share", "pct"),
    ("cum_share", "Cumulative share", "pct"),
    ("pareto_class", "Pareto", "text"),
    ("action_completion", "Action completion", "pct"),
    ("open_actions", "Open actions", "int"),
    ("overdue_actions", "Overdue actions", "int"),
    ("goal_attainment_avg", "Goal attainment", "pct"),
    ("open_high_risks", "Open high risks", "int"),
    ("days_to_renewal", "Days to renewal", "int"),
    ("data_errors", "Data errors", "int"),
)
# Column-width units printed on one landscape page at about 85%, so that a
# wide table prints a few pages wide in type a manager can read (9 pt).
PRINT_WIDTH = 170
A4_PAPER = 9  # XlsxWriter's paper code; plans print on A4 too
PROSE_WIDTH = 60
LINE_HEIGHT = 15.0  # points: a line of the default font, as a default row
NUMBER_FORMATS = {
    "date": "d mmm yyyy",
    "int": "0",
    "dec": "0.0",
    "pct": "0%",
    "money": "#,##0",
    "general": "General",
}


def _distinct(labels: Sequence[str]) -> list[str]:
    """``labels`` made distinct, as an Excel table's headers must be (case aside).

    A pack may label a field as another column is called ("Account", "File"):
    the later one is numbered.
    """
    seen: set[str] = set()
    result = []
    for label in labels:
        name, number = label, 1
        while name.casefold() in seen:
            number += 1
            name = f"{label} {number}"
        seen.add(name.casefold())
        result.append(name)
    return result


def _shown_files(portfolio: Portfolio) -> tuple[str, dict[str, str]]:
    """The folder all the portfolio's files are under, and each file as shown: below it.

    Full paths run across a printed page; a manager reads ``east/acme.xlsx``
    and finds the folder once, on the Summary sheet. Files in no common
    folder are shown whole (``""`` for the folder).
    """
    files = {
        *portfolio.sources,
        *(issue.file for issue in portfolio.issues if issue.file),
    }
    absolute = [f for f in files if os.path.isabs(f)]
    if not absolute or len(absolute) < len(files):
        return "", {}
    try:
        folder = os.path.commonpath([os.path.dirname(f) for f in absolute])
    except ValueError:  # other drives
        return "", {}
    return folder, {f: os.path.relpath(f, folder) for f in absolute}


def build_portfolio_workbook(portfolio: Portfolio, pack: Pack) -> bytes:
    """The portfolio workbook as bytes."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, WORKBOOK_OPTIONS)
    book.set_custom_property(OUTPUT_PROPERTY, "portfolio")
    writer = _Writer(book, portfolio, pack)
    writer.write()
    with quick_deflate():
        book.close()
    return buffer.getvalue()


class SheetWriter:
    """The look every report workbook shares: brand formats, titled sheets, tables.

    Titled sheets are ``sheet_class`` worksheets: a ``TableSheet`` takes a
    table's rows as one block of XML, several times faster than cell by cell;
    a plain XlsxWriter ``Worksheet`` writes them cell by cell.
    """

    sheet_class: type[Worksheet] = TableSheet

    def __init__(self, book: xlsxwriter.Workbook, pack: Pack) -> None:
        self.book = book
        colors = pack.brand.colors
        base = {"font_name": pack.brand.body_font, "font_size": 10}
        self.title = book.add_format(
            {
                **base,
                "bold": True,
                "font_size": 18,
                "font_color": colors.get("primary", "1F3A5F"),
            }
        )
        self.muted = book.add_format(
            {**base, "font_color": colors.get("muted", "6B7280"), "italic": True}
        )
        self.label = book.add_format({**base, "bold": True})
        self.header = book.add_format(
            {
                **base,
                "bold": True,
                "font_color": "FFFFFF",
                "text_wrap": True,
                "bg_color": colors.get("primary", "1F3A5F"),
                "valign": "vcenter",
            }
        )
        self.formats = {
            kind: book.add_format({**base, "num_format": fmt})
            for kind, fmt in NUMBER_FORMATS.items()
        }
        self.formats["text"] = book.add_format(base)
        # Long sentences (issue messages): wrapped in their column.
        self.formats["prose"] = book.add_format({**base, "text_wrap": True})
        self.formats["bool"] = book.add_format({**base, "align": "center"})
        self.big = book.add_format(
            {**base, "bold": True, "font_size": 14, "num_format": "#,##0"}
        )
        self.big_dec = book.add_format(
            {**base, "bold": True, "font_size": 14, "num_format": "0.00"}
        )
        self.big_pct = book.add_format(
            {**base, "bold": True, "font_size": 14, "num_format": "0%"}
        )
        self.fills = {
            "good": book.add_format(
                {"bg_color": colors.get("good", "C6EFCE"), "font_color": "006100"}
            ),
            "warn": book.add_format(
                {"bg_color": colors.get("warn", "FFEB9C"), "font_color": "9C5700"}
            ),
            "bad": book.add_format(
                {"bg_color": colors.get("bad", "FFC7CE"), "font_color": "9C0006"}
            ),
        }

    # ------------------------------------------------------------ helpers

    def _sheet(
        self, name: str, title: str, note: str, *, cell_by_cell: bool = False
    ) -> Worksheet:
        """A titled sheet; ``cell_by_cell`` when cells of its table are rewritten."""
        kind = Worksheet if cell_by_cell else self.sheet_class
        sheet = self.book.add_worksheet(name, worksheet_class=kind)
        sheet.hide_gridlines(2)
        sheet.write_string(0, 0, title, self.title)
        sheet.write_string(1, 0, note, self.muted)
        sheet.set_landscape()
        sheet.set_paper(A4_PAPER)
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(3)
        sheet.set_footer("&L&8Confidential: portfolio review&R&8Page &P of &N")
        return sheet

    def _table(
        self,
        sheet: Worksheet,
        name: str,
        headers: Sequence[tuple[str, str]],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        """An Excel table at row 4 with typed columns; at least one (blank) row."""
        top = 3
        widths = []
        for col, (label, kind) in enumerate(headers):
            width = (
                PROSE_WIDTH
                if kind == "prose"
                else max(
                    {"text": 10, "date": 12, "money": 13}.get(kind, 9),
                    min(len(label) + 2, 18),
                    _text_width(rows, col) if kind == "text" else 0,
                )
            )
            widths.append(width)
            sheet.set_column(col, col, width, self.formats[kind])
        # Print a wide table a few pages wide, the id and name columns repeated
        # on each page (so each page holds that much less of the rest).
        pages = 1
        if sum(widths) > PRINT_WIDTH:
            repeated = sum(widths[:2])
            rest = sum(widths) - repeated
            pages = max(2, -(-rest // max(PRINT_WIDTH - repeated, PRINT_WIDTH // 2)))
            sheet.repeat_columns(0, 1)
        sheet.fit_to_pages(pages, 0)

        data = rows or [[None] * len(headers)]
        sheet.add_table(
            top,
            0,
            top + len(data),
            len(headers) - 1,
            {
                "name": name,
                "style": "Table Style Medium 2",
                "columns": [
                    {"header": label, "header_format": self.header}
                    for label, _ in headers
                ],
            },
        )
        sheet.set_row(top, 30)
        kinds = [kind for _, kind in headers]
        self._rows(sheet, top + 1, data, kinds, _prose_heights(data, kinds))
        sheet.freeze_panes(top + 1, 2)

    def _rows(
        self,
        sheet: Worksheet,
        top: int,
        rows: Sequence[Sequence[Any]],
        kinds: Sequence[str],
        heights: Sequence[float | None] = (),
    ) -> None:
        """Rows of values from row ``top`` down, each cell in its column's format.

        ``heights`` sets the height of rows whose text wraps (``None`` leaves one).

        On a ``TableSheet`` the rows become one block of XML (a portfolio of
        thousands of plans has over half a million cells); elsewhere most cells
        are text or numbers and take a short path, the rest ``_write``'s.
        """
        formats = [self.formats[kind] for kind in kinds]
        if isinstance(sheet, TableSheet):
            render_rows(sheet, top, rows, formats, heights)
            return
        for r, height in enumerate(heights, start=top):
            if height:
                sheet.set_row(r, height)
        write_string, write_number = sheet.write_string, sheet.write_number
        for r, row in enumerate(rows, start=top):
            for c, value in enumerate(row):
                kind = type(value)
                if kind is str and value:
                    write_string(r, c, value, formats[c])
                elif kind is float or kind is int:
                    write_number(r, c, value, formats[c])
                else:
                    self._write(sheet, r, c, value, kinds[c])

    def _write(
        self, sheet: Worksheet, row: int, col: int, value: Any, kind: str
    ) -> None:
        fmt = self.formats[kind]
        if value is None or value == "":
            sheet.write_blank(row, col, None, fmt)
        elif isinstance(value, bool):
            sheet.write_string(row, col, "yes" if value else "no", fmt)
        elif isinstance(value, (dt.date, dt.datetime)):
            day = (
                value
                if isinstance(value, dt.datetime)
                else dt.datetime.combine(value, dt.time())
            )
            sheet.write_datetime(row, col, day, fmt)
        elif isinstance(value, (int, float)):
            sheet.write_number(row, col, value, fmt)
        elif isinstance(value, tuple):
            sheet.write_string(row, col, "; ".join(map(str, value)), fmt)
        else:
            sheet.write_string(row, col, str(value), fmt)


class _Writer(SheetWriter):
    def __init__(
        self, book: xlsxwriter.Workbook, portfolio: Portfolio, pack: Pack
    ) -> None:
        super().__init__(book, pack)
        self.portfolio = portfolio
        self.pack = pack
        self.folder, self.shown = _shown_files(portfolio)

    def write(self) -> None:
        summary = self.book.add_worksheet("Summary")
        self._accounts()
        self._owners()
        for section in DETAIL_COLUMNS:
            self._details(section)
        self._white_space()
        self._issues()
        self._summary(summary)
        summary.activate()

    # ------------------------------------------------------------- sheets

    def _accounts(self) -> None:
        p = self.portfolio
        sheet = self._sheet(
            "Accounts",
            "Accounts",
            f"One row per plan, as of {p.as_of:%d %b %Y}; money in {p.base_currency}.",
        )
        headers = [(label, kind) for _, label, kind in ACCOUNT_COLUMNS]
        headers += [(FLAG_LABELS[flag], "text") for flag in FLAGS] + [("File", "text")]
        rows = []
        for account, source in zip(p.accounts, p.sources, strict=True):
            row = [account.values.get(key) for key, _, _ in ACCOUNT_COLUMNS]
            row += ["yes" if flag in account.flags else None for flag in FLAGS]
            rows.append([*row, self.shown.get(source, source)])
        self._table(sheet, "Accounts", headers, rows)
        last = 3 + max(1, len(rows))
        band = [label for _, label, _ in ACCOUNT_COLUMNS].index("Band")
        for text, light in (("Green", "good"), ("Amber", "warn"), ("Red", "bad")):
            sheet.conditional_format(
                4,
                band,
                last,
                band,
                {
                    "type": "cell",
                    "criteria": "==",
                    "value": f'"{text}"',
                    "format": self.fills[light],
                },
            )
        first_flag = len(ACCOUNT_COLUMNS)
        sheet.conditional_format(
            4,
            first_flag,
            last,
            first_flag + len(FLAGS) - 1,
            {
                "type": "cell",
                "criteria": "==",
                "value": '"yes"',
                "format": self.fills["bad"],
            },
        )

    def _owners(self) -> None:
        sheet = self._sheet(
            "Owners", "Plans per owner", "Load, current plans and flags per plan owner."
        )
        owners: dict[str, dict[str, Any]] = {}
        for account in self.portfolio.accounts:
            name = str(account.values.get("plan_owner") or "(no owner)")
            entry = owners.setdefault(
                name,
                {
                    "plans": 0,
                    "key": 0,
                    "current": 0,
                    "open": 0,
                    "overdue": 0,
                    "flags": 0,
                },
            )
            entry["plans"] += 1
            entry["key"] += account.values.get("account_tier") in ("Key", "Strategic")
            entry["current"] += "STALE" not in account.flags
            entry["open"] += account.values.get("open_actions") or 0
            entry["overdue"] += account.values.get("overdue_actions") or 0
            entry["flags"] += len(account.flags)
        rows = [
            [
                name,
                e["plans"],
                e["key"],
                e["current"] / e["plans"],
                e["open"],
                e["overdue"],
                e["flags"],
            ]
            for name, e in sorted(owners.items())
        ]
        self._table(
            sheet,
            "Owners",
            [
                ("Owner", "text"),
                ("Plans", "int"),
                ("Key and strategic", "int"),
                ("Current plans", "pct"),
                ("Open actions", "int"),
                ("Overdue actions", "int"),
                ("Flags", "int"),
            ],
            rows,
        )

    def _details(self, section: str) -> None:
        columns = DETAIL_COLUMNS[section]
        title = section.replace("_", " ").capitalize() if section != "kpis" else "KPIs"
        sheet = self._sheet(
            title, title, "Every row of every plan, with the cell it came from."
        )
        # A KPI's figures are in its own unit (a share as 0.46, a count as
        # 1,200): shown as typed, not rounded to one decimal.
        kinds = {
            "estimated_value": "money",
            "probability": "pct",
            "baseline": "general",
            "target": "general",
            "actual": "general",
        }
        labels = ["Plan ID", "Account", *(self._label(section, c) for c in columns)]
        labels += ["File", "Sheet", "Cell"]
        kinds_in_order = ["text", "text"]
        kinds_in_order += [
            "date"
            if c.endswith("date") or c == "expected_close"
            else kinds.get(c, "text")
            for c in columns
        ]
        kinds_in_order += ["text", "text", "text"]
        headers = list(zip(_distinct(labels), kinds_in_order, strict=True))
        cells = itemgetter("plan_id", "account_name", *columns, "file", "sheet", "cell")
        rows = list(map(cells, self.portfolio.details.get(section, [])))
        at, shown = 2 + len(columns), self.shown
        rows = [(*r[:at], shown.get(r[at], r[at]), *r[at + 1 :]) for r in rows]
        self._table(sheet, title.replace(" ", ""), headers, rows)

    def _label(self, section: str, name: str) -> str:
        """The pack's label of a field ("KPI", "Economic buyer"), as the plan shows it."""
        try:
            return self.pack.field(section, name).label
        except KeyError:
            return name.replace("_", " ").capitalize()

    def _white_space(self) -> None:
        sheet = self._sheet(
            "White space",
            "White space: where we can grow",
            "Business units marked Opportunity, per offering and account.",
        )
        offerings = sorted({o for o, _ in self.portfolio.white_space})
        accounts = sorted({a for _, a in self.portfolio.white_space})
        sheet.write_string(3, 0, "Offering", self.header)
        for c, account in enumerate(accounts, start=1):
            sheet.write_string(3, c, account, self.header)
        sheet.write_string(3, len(accounts) + 1, "Total", self.header)
        for r, offering in enumerate(offerings, start=4):
            sheet.write_string(r, 0, offering, self.label)
            total = 0
            for c, account in enumerate(accounts, start=1):
                count = self.portfolio.white_space.get((offering, account), 0)
                total += count
                sheet.write_number(r, c, count, self.formats["int"])
            sheet.write_number(r, len(accounts) + 1, total, self.label)
        if offerings and accounts:
            sheet.conditional_format(
                4,
                1,
                3 + len(offerings),
                len(accounts),
                {
                    "type": "2_color_scale",
                    "min_color": "#FFFFFF",
                    "max_color": "#F4B183",
                },
            )
        sheet.set_column(0, 0, 22)
        sheet.set_column(1, len(accounts) + 1, 14)
        sheet.set_row(3, 45)

    def _issues(self) -> None:
        sheet = self._sheet("Issues", "Issues", "Every problem found in every file.")
        rows = [
            [
                i.severity.value,
                self.shown.get(i.file, i.file),
                i.sheet,
                i.cell,
                i.message,
                i.hint,
                i.code,
            ]
            for i in self.portfolio.issues
        ]
        self._table(
            sheet,
            "Issues",
            [
                ("Severity", "text"),
                ("File", "text"),
                ("Sheet", "text"),
                ("Cell", "text"),
                ("Message", "prose"),
                ("What to do", "prose"),
                ("Code", "text"),
            ],
            rows,
        )

    def _summary(self, sheet: Worksheet) -> None:
        p = self.portfolio
        totals = p.totals()
        sheet.hide_gridlines(2)
        sheet.set_landscape()
        sheet.set_paper(A4_PAPER)
        sheet.fit_to_pages(1, 1)
        sheet.write_string(0, 0, "Portfolio", self.title)
        sheet.write_string(
            1,
            0,
            f"{totals['plans']} plans from {p.files_read} files, as of "
            f"{p.as_of:%d %b %Y}; money in {p.base_currency}."
            + (f" Files under {self.folder}" if self.folder else ""),
            self.muted,
        )
        lines = [
            ("Plans", totals["plans"], self.big),
            ("Pipeline", totals["pipeline"], self.big),
            ("Weighted pipeline", totals["weighted_pipeline"], self.big),
            ("Won in period", totals["won_value"], self.big),
            ("Revenue (trailing)", totals["revenue_current"], self.big),
            (f"Win rate (n={totals['win_rate_n']})", totals["win_rate"], self.big_pct),
            (
                f"Revenue attainment (n={totals['revenue_attainment_n']})",
                totals["revenue_attainment"],
                self.big_pct,
            ),
            ("Top 20% of accounts' revenue share", totals["top20_share"], self.big_pct),
            ("Revenue concentration (HHI, 0-1)", totals["hhi"], self.big_dec),
            ("Stale plans", totals["stale"], self.big),
            ("Overdue actions", totals["overdue_actions"], self.big),
        ]
        sheet.set_column(0, 0, 36)
        sheet.set_column(1, 1, 18)
        for r, (label, value, fmt) in enumerate(lines, start=3):
            sheet.write_string(r, 0, label, self.label)
            if value is None:
                sheet.write_string(r, 1, "n/a", self.muted)
            else:
                sheet.write_number(r, 1, value, fmt)
        if totals["top20_share"] is not None and totals["top20_share"] >= 0.8:
            sheet.write_string(
                10,
                2,
                "Warning: 80% or more of revenue sits in the top 20% of accounts.",
                self.fills["bad"],
            )
        self._charts(sheet, totals)

    def _charts(self, sheet: Worksheet, totals: dict[str, Any]) -> None:
        top = 16
        sheet.write_row(top, 0, ["Health band", "Plans"], self.header)
        for i, band in enumerate(("Green", "Amber", "Red"), start=1):
            sheet.write_string(top + i, 0, band)
            sheet.write_number(top + i, 1, totals["bands"][band])
        bands = self.book.add_chart({"type": "column"})
        bands.add_series(
            {
                "name": "Plans",
                "categories": ["Summary", top + 1, 0, top + 3, 0],
                "values": ["Summary", top + 1, 1, top + 3, 1],
                "points": [
                    {"fill": {"color": c}} for c in ("#70AD47", "#FFC000", "#C00000")
                ],
            }
        )
        bands.set_title({"name": "Plans by health band"})
        bands.set_legend({"none": True})
        sheet.insert_chart(3, 3, bands, {"x_scale": 0.9, "y_scale": 0.8})

        stages = self.portfolio.stages
        row = top + 6
        sheet.write_row(
            row, 0, ["Stage", f"Value ({self.portfolio.base_currency})"], self.header
        )
        closed = ("Won", "Lost")
        ordered: list[str] = [
            s for s in ("Identified", "Qualified", "Proposal") if s in stages
        ]
        ordered += [s for s in stages if s not in ordered and s not in closed]
        open_count = len(ordered)  # the chart shows the open pipeline only
        ordered += [s for s in closed if s in stages]
        for i, stage in enumerate(ordered, start=1):
            sheet.write_string(row + i, 0, stage)
            sheet.write_number(row + i, 1, stages[stage], self.formats["money"])
        if open_count:
            pipeline = self._bar_chart(
                "Open pipeline by stage", "Value", row, open_count, "#,##0"
            )
            sheet.insert_chart(3, 9, pipeline, {"x_scale": 0.9, "y_scale": 0.8})

        shares = sorted(
            (
                (a.values.get("account_name"), a.values.get("revenue_share"))
                for a in self.portfolio.accounts
                if a.values.get("revenue_share")
            ),
            key=lambda x: -float(x[1] or 0),
        )[:10]
        row = row + len(ordered) + 3
        sheet.write_row(row, 0, ["Account", "Revenue share"], self.header)
        for i, (name, share) in enumerate(shares, start=1):
            sheet.write_string(row + i, 0, str(name))
            sheet.write_number(row + i, 1, share, self.formats["pct"])
        if shares:
            mix = self._bar_chart(
                "Revenue concentration (top 10)", "Share", row, len(shares), "0%"
            )
            sheet.insert_chart(20, 3, mix, {"x_scale": 1.5, "y_scale": 0.9})

    def _bar_chart(
        self, title: str, series: str, header_row: int, count: int, number_format: str
    ) -> Any:
        """A bar chart over the ``count`` rows below ``header_row`` of the Summary's data blocks."""
        chart = self.book.add_chart({"type": "bar"})
        chart.add_series(
            {
                "name": series,
                "categories": ["Summary", header_row + 1, 0, header_row + count, 0],
                "values": ["Summary", header_row + 1, 1, header_row + count, 1],
            }
        )
        chart.set_title({"name": title})
        chart.set_x_axis({"num_format": number_format})
        # First row at the top, as in the table; the value axis stays at the bottom.
        chart.set_y_axis({"reverse": True, "crossing": "max"})
        chart.set_legend({"none": True})
        return chart


def _prose_heights(
    rows: Sequence[Sequence[Any]], kinds: Sequence[str]
) -> list[float | None]:
    """Each row's height for the lines its prose cells wrap to; ``None`` for one line.

    Spreadsheets other than Excel keep a row one line high however its text
    wraps. A line holds a few characters fewer than the column's width in
    letters; line breaks are taken as they come, erring towards a taller row.
    """
    prose = [col for col, kind in enumerate(kinds) if kind == "prose"]
    if not prose:
        return []
    # Calibri's letters average about four fifths of its digit width.
    per_line = PROSE_WIDTH * 5 // 4 - 3
    heights: list[float | None] = []
    for row in rows:
        lines = max(
            sum(-(-len(part) // per_line) or 1 for part in str(row[col]).split("\n"))
            if row[col]
            else 1
            for col in prose
        )
        heights.append(LINE_HEIGHT * lines if lines > 1 else None)
    return heights


def _text_width(rows: Sequence[Sequence[Any]], col: int) -> int:
    """A text column wide enough for its longer values (sampled), at most 40."""
    longest = max((len(str(row[col])) for row in rows[:500] if row[col]), default=0)
    return min(longest + 2, 40)
