"""macros/: the VBA module, xlwings.conf, the Lite entry module and the .xlsm."""

from __future__ import annotations

import ast
import io
import re
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import AS_OF
from tests.workbook.plans import sample_plans
from xlplan.excel import functions, macros
from xlplan.excel.xlsm import BUTTONS, CONF_SHEET, build_macro_workbook, read_conf
from xlplan.resources import bundled_dir

MACROS_DIR = bundled_dir("macros")


def _bas() -> str:
    return (MACROS_DIR / "xlplan.bas").read_text(encoding="utf-8")


def test_vba_module_names_exactly_the_python_macros():
    subs = re.findall(r"^Public Sub (\w+)\(\)", _bas(), re.M)
    assert subs == list(macros.MACROS)
    calls = re.findall(r'XlplanRun "([^"]+)"', _bas())
    assert calls == list(macros.MACROS.values())
    for call in calls:
        name = call.split("(")[0]
        assert callable(getattr(macros, name)), name
    assert "import xlplan.excel.macros as m; m." in _bas()
    assert [macro for macro, _ in BUTTONS] == subs


def test_xlwings_conf_names_the_function_module_and_no_licence():
    conf = dict(read_conf())
    assert conf["UDF MODULES"] == functions.__name__
    assert "LICENSE_KEY" not in conf
    public = {n for n in dir(functions) if n.startswith("xlplan_")}
    assert public == {f.__name__ for f in functions.FUNCTIONS}


def test_lite_module_imports_every_function_and_nothing_else():
    tree = ast.parse((MACROS_DIR / "lite_main.py").read_text(encoding="utf-8"))
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == functions.__name__
        for alias in node.names
    }
    assert imported == {f.__name__ for f in functions.FUNCTIONS}
    namespace: dict = {}
    exec(compile(tree, "lite_main.py", "exec"), namespace)
    assert namespace["xlplan_health"] is functions.xlplan_health


def test_core_and_model_import_without_file_libraries():
    blocked = [
        "openpyxl",
        "xlsxwriter",
        "python_calamine",
        "yaml",
        "fastexcel",
        "xlwings",
    ]
    code = f"""
import importlib.abc, sys
class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {blocked!r}:
            raise ImportError("blocked: " + name)
sys.meta_path.insert(0, Block())
import pkgutil, importlib, xlplan.core, xlplan.model
for package in (xlplan.core, xlplan.model):
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(package.__name__ + "." + info.name)
loaded = [m for m in sys.modules if m.split(".")[0] in {blocked!r}]
assert not loaded, loaded
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


@pytest.fixture(scope="module")
def xlsm(pack):
    pytest.importorskip("ms_ovba")
    raw = sample_plans(pack)["corvane-retail"]
    return build_macro_workbook(pack, raw, today=AS_OF)


def test_macro_workbook_carries_the_vba_source_read_back_by_olevba(xlsm, tmp_path):
    olevba = pytest.importorskip("oletools.olevba")
    path = tmp_path / "plan.xlsm"
    path.write_bytes(xlsm)
    parser = olevba.VBA_Parser(str(path))
    modules = {name: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    source = modules["xlplan.bas"].replace("\r\n", "\n")
    for line in _bas().splitlines()[1:]:
        assert line in source
    assert set(modules) == {"ThisWorkbook.cls", "xlplan.bas"}
    assert sorted(p.name for p in MACROS_DIR.iterdir()) == [
        "INSTALL.md",
        "lite_main.py",
        "xlplan.bas",
        "xlwings.conf",
    ]  # building leaves nothing behind in the shipped folder


def test_macro_workbook_is_macro_enabled_with_buttons_and_settings(xlsm):
    import openpyxl

    with zipfile.ZipFile(io.BytesIO(xlsm)) as package:
        types = package.read("[Content_Types].xml").decode()
        drawings = "".join(
            package.read(n).decode() for n in package.namelist() if n.endswith(".vml")
        )
        assert "xl/vbaProject.bin" in package.namelist()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    for macro, caption in BUTTONS:
        assert f"[0]!{macro}" in drawings and caption in drawings
    book = openpyxl.load_workbook(io.BytesIO(xlsm), keep_vba=True)
    conf = book[CONF_SHEET]
    assert [(r[0].value, r[1].value) for r in conf.iter_rows()] == read_conf()
