"""The macro-enabled plan workbook (.xlsm): the plan, its VBA module and buttons.

Built with XlsxWriter's ``add_vba_project`` from the VBA project of
``xlplan.excel.vba``; the buttons on the cover call the subs of
macros/xlplan.bas, and an ``xlwings.conf`` sheet carries the add-in settings
of macros/xlwings.conf so they travel with the workbook.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from xlplan.excel.vba import build_vba_project
from xlplan.model.pack import Pack
from xlplan.resources import bundled_dir
from xlplan.workbook.build import build_plan_workbook
from xlplan.workbook.inputs import PlanInput

CONF_SHEET = "xlwings.conf"
BUTTONS = (
    ("XlplanCheckPlan", "Check the plan"),
    ("XlplanDrawStakeholderMap", "Draw the stakeholder map"),
    ("XlplanRefresh", "Refresh"),
    ("XlplanExportClientDeck", "Export client deck"),
    ("XlplanExportInternalDeck", "Export internal deck"),
)


def read_conf(path: Path | None = None) -> list[tuple[str, str]]:
    """The key and value pairs of an xlwings.conf file (``"KEY","value"`` lines)."""
    path = path or bundled_dir("macros") / "xlwings.conf"
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            key, value = line.split('","', 1)
            pairs.append((key.strip().strip('"'), value.strip().strip('"')))
    return pairs


def _extend(vba_for: Any) -> Any:
    def extend(book: Workbook, sheets: dict[str, Worksheet]) -> None:
        conf = book.add_worksheet(CONF_SHEET)
        for row, (key, value) in enumerate(read_conf()):
            conf.write_string(row, 0, key)
            conf.write_string(row, 1, value)
        conf.hide()
        cover = next(iter(sheets.values()))
        for i, (macro, caption) in enumerate(BUTTONS):
            cover.insert_button(
                1, 9 + 2 * i, {"macro": macro, "caption": caption, "width": 150}
            )
        book.set_vba_name("ThisWorkbook")
        vba = vba_for()
        book.add_vba_project(io.BytesIO(vba), is_stream=True)

    return extend


def build_macro_workbook(
    pack: Pack, raw: PlanInput, *, today: dt.date | None = None
) -> bytes:
    """The .xlsm bytes of a plan workbook with its VBA module and buttons."""
    return build_plan_workbook(
        pack, raw, today=today, extend=_extend(build_vba_project)
    ).content
