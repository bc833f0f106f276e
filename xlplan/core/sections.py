"""The plan sections each worksheet function reads, by function name.

The worksheet functions (``xlplan.excel.functions``) and the Insights sheet
that calls them (``xlplan.workbook.insights``) both read this one table, so a
cell always passes a function exactly the ranges it needs.
"""

from __future__ import annotations

_HEALTH = (
    "plan",
    "profile",
    "team",
    "stakeholders",
    "goals",
    "risks",
    "actions",
    "reviews",
)

SECTIONS: dict[str, tuple[str, ...]] = {
    "xlplan_health": _HEALTH,
    "xlplan_health_explain": _HEALTH,
    "xlplan_completeness": (
        "plan",
        "profile",
        "objectives",
        "swot",
        "competitors",
        "five_forces",
        "stakeholders",
        "business_units",
        "white_space",
        "goals",
        "opportunities",
        "risks",
        "actions",
    ),
    "xlplan_coverage_gaps": (
        "plan",
        "profile",
        "team",
        "stakeholders",
        "business_units",
    ),
    "xlplan_meddpicc_gaps": ("plan", "opportunities"),
    "xlplan_kpi_status": ("plan", "kpis"),
    "xlplan_white_space_gaps": (
        "plan",
        "business_units",
        "white_space",
        "opportunities",
    ),
    "xlplan_key_account_tier": ("plan", "selection"),
}
SECTIONS["xlplan_missing"] = SECTIONS["xlplan_completeness"]
SECTIONS["xlplan_plan_check"] = SECTIONS["xlplan_completeness"] + ("kpis", "reviews")
SECTIONS["xlplan_next_actions"] = tuple(
    dict.fromkeys(SECTIONS["xlplan_completeness"] + _HEALTH)
)
