"""LibreOffice headless as the real spreadsheet application tests run against.

``recalculate`` opens workbooks in LibreOffice with every formula recomputed
on load and saves them back as .xlsx, so tests read the values a real client
computes. ``render_pdf`` turns a workbook or deck into a PDF the way a user
would print it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
 xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def soffice() -> str | None:
    """The LibreOffice binary, or ``None`` when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _convert(files: Sequence[Path], target: str, out_dir: Path) -> list[Path]:
    binary = soffice()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlplan-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        (user / "registrymodifications.xcu").write_text(_PROFILE, encoding="utf-8")
        command = [
            binary,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(out_dir),
            *map(str, files),
        ]
        env = {**os.environ, "SAL_USE_VCLPLUGIN": "svp"}
        subprocess.run(command, check=True, capture_output=True, timeout=600, env=env)
    suffix = "." + target.split(":")[0]
    outputs = [out_dir / (Path(f).stem + suffix) for f in files]
    missing = [str(p) for p in outputs if not p.is_file()]
    if missing:
        raise RuntimeError(f"LibreOffice wrote no output for {missing}")
    return outputs


def recalculate(files: Sequence[Path], out_dir: Path) -> list[Path]:
    """Recalculate every formula of each workbook in LibreOffice; return the saved copies."""
    return _convert(files, "xlsx:Calc MS Excel 2007 XML", out_dir)


def render_pdf(files: Sequence[Path], out_dir: Path) -> list[Path]:
    """Print each document to PDF with LibreOffice."""
    return _convert(files, "pdf", out_dir)
