"""xlwings Lite entry module: xlplan's worksheet functions in Excel on the web and Mac.

Paste this file into the xlwings Lite editor as main.py and add ``xlplan`` to
its requirements.txt; Lite installs xlplan from the package index into the
workbook's Python (Pyodide). The functions are the same ``core`` wrappers the
desktop add-in imports; no licence key is needed. Macros that draw pictures or
write files (RunPython buttons) are desktop-only.
"""

from xlplan.excel.functions import (  # noqa: F401 - Lite registers what main.py holds
    xlplan_completeness,
    xlplan_concentration,
    xlplan_coverage_gaps,
    xlplan_csat,
    xlplan_health,
    xlplan_health_explain,
    xlplan_key_account_tier,
    xlplan_kpi_status,
    xlplan_meddpicc_gaps,
    xlplan_missing,
    xlplan_next_actions,
    xlplan_nps,
    xlplan_plan_check,
    xlplan_white_space_gaps,
)
