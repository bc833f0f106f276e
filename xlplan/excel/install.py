"""The steps that put xlplan's functions and buttons into Excel, per platform.

``xlplan excel install`` prints them; macros/INSTALL.md says the same at more
length. Nothing here needs an xlwings licence key.
"""

from __future__ import annotations

import sys

from xlplan.resources import bundled_dir

PLATFORMS = ("windows", "mac", "web")


def current_platform() -> str:
    """``windows`` or ``mac`` for this machine; ``web`` anywhere else."""
    if sys.platform.startswith("win"):
        return "windows"
    return "mac" if sys.platform == "darwin" else "web"


def install_steps(platform: str) -> list[str]:
    """The numbered steps for ``platform`` (windows, mac or web)."""
    macros = bundled_dir("macros")
    if platform == "windows":
        return [
            "pip install 'xlplan[excel]'",
            "xlwings addin install   (the free add-in; no licence key)",
            f"Copy {macros / 'xlwings.conf'} next to your plan workbook "
            f"(set INTERPRETER_WIN to {sys.executable!s} if Python is not on PATH).",
            "Excel: File > Options > Trust Center > Macro Settings > "
            "trust access to the VBA project object model.",
            "Open the plan; xlwings tab > Import Functions. The Insights sheet fills in.",
            "For the buttons, use the macro-enabled plan (.xlsm) built by xlplan.",
        ]
    if platform == "mac":
        return [
            "pip install 'xlplan[excel]'",
            "xlwings addin install   (RunPython macros; worksheet functions need xlwings Lite)",
            f"Copy {macros / 'xlwings.conf'} next to your plan workbook "
            "(set INTERPRETER_MAC to your python3).",
            "Open the macro-enabled plan (.xlsm) and use its buttons.",
            "For worksheet functions follow the web steps (xlwings Lite).",
        ]
    if platform == "web":
        return [
            "Excel: Home > Add-ins > search 'xlwings Lite' > Add (free; no licence key).",
            "In the xlwings Lite pane, add 'xlplan' to requirements.txt.",
            f"Replace main.py with {macros / 'lite_main.py'}.",
            "Recalculate: the Insights sheet fills in. Buttons (RunPython) are desktop-only.",
        ]
    raise ValueError(f"platform must be one of {PLATFORMS}")
