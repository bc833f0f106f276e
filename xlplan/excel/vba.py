"""Build the VBA project (vbaProject.bin) of the macro-enabled plan workbook.

The project holds ``macros/xlplan.bas`` as source only, written by the
``ms-ovba`` package (an MS-OVBA writer that runs on Linux); its p-code cache
is left empty, which is meant to make Excel compile the source on first open.
Besides the module it holds only the workbook's document module
(``ThisWorkbook``): ms-ovba 0.0.1 writes a corrupt ``dir`` stream once the
project has about ten modules (olevba then reads module names as garbage), so
the sheets get no document modules. Not yet opened in Excel itself: see
macros/INSTALL.md.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from xlplan.errors import XlplanError
from xlplan.resources import bundled_dir

_SCRIPT = """
import sys, uuid
from ms_ovba.vbaProject import VbaProject
from ms_ovba.Models.Entities.doc_module import DocModule
from ms_ovba.Models.Entities.std_module import StdModule
from ms_ovba.Views.project_ole_file import ProjectOleFile
import ms_ovba, os

blank = os.path.join(os.path.dirname(ms_ovba.__file__), "blank_files")
project = VbaProject()
project.project_id = "{9E394C0B-697E-4AEE-9FA6-446F51FB30DC}"
for name, guid, template in [("ThisWorkbook", "0002081900000000C000000000000046", "ThisWorkbook.cls")]:
    module = DocModule(name)
    source = open(os.path.join(blank, template), encoding="latin-1").read()
    source = source.replace('"Sheet1"', f'"{name}"')
    with open(name + ".cls", "w", encoding="latin-1", newline="") as handle:
        handle.write(source)
    module.add_file(name + ".cls")
    module.add_guid(uuid.UUID(guid))
    module.normalize_file()
    project.add_module(module)
code = StdModule("xlplan")
code.add_file(sys.argv[1])
code.normalize_file()
project.add_module(code)
ProjectOleFile.write_file(project)
"""


class VbaProjectError(XlplanError):
    """The VBA project of the macro-enabled workbook cannot be built."""


def vba_module_path() -> Path:
    """The VBA module the workbook's buttons call."""
    return bundled_dir("macros") / "xlplan.bas"


def build_vba_project(module: Path | None = None) -> bytes:
    """vbaProject.bin bytes holding ``module`` and the ThisWorkbook document module."""
    module = module or vba_module_path()
    with tempfile.TemporaryDirectory(prefix="xlplan-vba-") as folder:
        # ms-ovba writes its parts into the working folder and beside the
        # module: give it its own folder and its own copy.
        copy = Path(folder) / "xlplan.bas"
        copy.write_bytes(module.read_bytes())
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT, str(copy)],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
        output = Path(folder) / "vbaProject.bin"
        if done.returncode != 0 or not output.is_file():
            raise VbaProjectError(
                "The VBA project could not be built "
                f"({done.stderr.strip().splitlines()[-1] if done.stderr.strip() else 'no output'}).",
                hint="Install the writer with: pip install ms-ovba",
            )
        return output.read_bytes()
