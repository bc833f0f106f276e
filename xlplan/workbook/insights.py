"""The Insights sheet: xlplan's worksheet functions, each cell degrading cleanly.

Every cell calls one function of ``xlplan.excel.functions`` on the plan's
pack (the hidden sheet's ``xlplan_pack`` range) and exactly the ranges that
function needs, wrapped in ``IFERROR`` so a spreadsheet without
the add-in (where the name is unknown and gives ``#NAME?``) shows a short
message instead of an error. Single figures are single cells; lists are
fixed-size array ranges, so they work outside Excel 365. The reader never
reads this sheet: it holds no table and no defined name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xlsxwriter.workbook import Workbook

from xlplan.core.sections import SECTIONS
from xlplan.model.pack import PACK_RANGE, Pack, SectionKind
from xlplan.workbook.cells import absolute, quote_sheet
from xlplan.workbook.styles import Styles

INSIGHTS_SHEET = "Insights"
# The hidden _xlplan sheet's facts and schema as one range (defined with the
# sheet): passed to every function, which reads the plan through that pack.
NEEDS_ADD_IN = "needs the xlplan add-in"
FIRST_ROW = 4


@dataclass(frozen=True)
class Insight:
    """One block of the sheet: its title, worksheet function and row count.

    ``rows`` is 1 for a single figure, else the size of the list's range.
    """

    title: str
    function: str
    rows: int = 1


INSIGHTS = (
    Insight("Health", "xlplan_health"),
    Insight("Health explained", "xlplan_health_explain"),
    Insight("Completeness", "xlplan_completeness"),
    Insight("Key-account tier (selection score)", "xlplan_key_account_tier"),
    Insight("Next best actions", "xlplan_next_actions", 10),
    Insight("What is missing", "xlplan_missing", 10),
    Insight("Coverage gaps", "xlplan_coverage_gaps", 8),
    Insight("MEDDPICC gaps", "xlplan_meddpicc_gaps", 8),
    Insight("KPI status", "xlplan_kpi_status", 8),
    Insight("White-space gaps", "xlplan_white_space_gaps", 8),
    Insight("Plan check", "xlplan_plan_check", 10),
)


def section_range(pack: Pack, key: str, positions: dict[str, tuple[int, int]]) -> str:
    """The range a function reads for a section: a table with headers, or a block.

    A single section's block is its label and value columns over its rows.
    """
    section = pack.section(key)
    if section.kind is not SectionKind.SINGLE:
        return f"{section.table}[#All]"
    rows = [positions[f.name][0] for f in section.fields if f.name in positions]
    col = positions[section.fields[0].name][1]
    top, bottom = absolute(min(rows), col - 1), absolute(max(rows), col)
    return f"{quote_sheet(section.sheet)}!{top}:{bottom}"


def insight_formula(insight: Insight, arguments: str) -> str:
    """The cell's formula: the function wrapped so no add-in means a message."""
    lead = f"{insight.rows}," if insight.rows > 1 else ""
    call = f"{insight.function.upper()}({lead}{arguments})"
    return f'=IFERROR({call},"{NEEDS_ADD_IN}")'


def _print_setup(sheet: Any, pack: Pack) -> None:
    """Printed like the plan's other sheets: landscape A4, one page wide."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    company = pack.brand.company_name[:60].replace("&", "&&")
    sheet.set_header(f"&L&8{company}&R&8&A")
    sheet.set_footer("&L&8Confidential: internal account plan&R&8Page &P of &N")


def add_insights_sheet(
    book: Workbook, pack: Pack, styles: Styles, positions: dict[str, tuple[int, int]]
) -> None:
    """Write the Insights sheet after the plan's own sheets."""
    sheet = book.add_worksheet(INSIGHTS_SHEET)
    _print_setup(sheet, pack)
    sheet.hide_gridlines(2)
    sheet.set_column(0, 0, 2)
    sheet.set_column(1, 1, 34)
    sheet.set_column(2, 2, 110)
    sheet.write_string(0, 1, "Insights", styles.title)
    sheet.write_string(
        1,
        1,
        "Computed by xlplan's Python functions (the xlwings add-in, or xlwings Lite "
        "on the web and Mac). Without them each cell says so. xlplan never reads this sheet.",
        styles.subtitle,
    )
    row = FIRST_ROW
    for insight in INSIGHTS:
        arguments = ",".join(
            [
                PACK_RANGE,
                *(
                    section_range(pack, k, positions)
                    for k in SECTIONS[insight.function]
                ),
            ]
        )
        formula = insight_formula(insight, arguments)
        sheet.write_string(row, 1, insight.title, styles.label)
        if insight.rows == 1:
            sheet.write_formula(row, 2, formula, styles.help, NEEDS_ADD_IN)
        else:
            last = row + insight.rows - 1
            sheet.write_array_formula(
                row, 2, last, 2, formula, styles.help, NEEDS_ADD_IN
            )
            for other in range(row + 1, last + 1):
                # Excel keeps only cached values in an array's other cells.
                sheet.write_string(other, 2, NEEDS_ADD_IN, styles.help)
        row += insight.rows + 1
