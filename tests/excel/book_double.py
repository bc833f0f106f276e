"""A stand-in for xlwings' Book, Sheet, Range, Table, Name and Pictures objects.

It holds a workbook's cached values (read with openpyxl) and answers the
calls xlplan's macros make the way xlwings does: a one-cell range's value is
a scalar, a larger range's a list of rows; blanks are ``None``, dates
``datetime``; a table's ``range`` includes its header row; pictures added
with ``update=True`` replace the picture of the same name.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries


class FakeRange:
    def __init__(
        self, sheet: FakeSheet, row: int, col: int, rows: int = 1, cols: int = 1
    ):
        self.sheet, self.row, self.col, self.rows, self.cols = (
            sheet,
            row,
            col,
            rows,
            cols,
        )

    @property
    def value(self) -> Any:
        grid = [
            [
                self.sheet.cells.get((r, c))
                for c in range(self.col, self.col + self.cols)
            ]
            for r in range(self.row, self.row + self.rows)
        ]
        return grid[0][0] if self.rows == self.cols == 1 else grid

    @value.setter
    def value(self, new: Any) -> None:
        grid = new if isinstance(new, list) else [[new]]
        grid = [row if isinstance(row, list) else [row] for row in grid]
        for i, line in enumerate(grid):
            for j, item in enumerate(line):
                self.sheet.cells[(self.row + i, self.col + j)] = item


class FakeTable:
    def __init__(self, sheet: FakeSheet, ref: str):
        low_col, low_row, high_col, high_row = range_boundaries(ref)
        self.range = FakeRange(
            sheet, low_row, low_col, high_row - low_row + 1, high_col - low_col + 1
        )


class FakePicture:
    def __init__(self, path: str, name: str, left: float, top: float):
        self.image = Path(path).read_bytes()
        self.name, self.left, self.top = name, left, top


class FakePictures(dict):
    def add(self, path: str, *, name: str, update: bool = False, left=0, top=0):
        if name in self and not update:
            raise ValueError(f"picture {name} exists")
        self[name] = FakePicture(path, name, left, top)
        return self[name]


class FakeSheet:
    def __init__(self, name: str):
        self.name = name
        self.cells: dict[tuple[int, int], Any] = {}
        self.tables: dict[str, FakeTable] = {}
        self.pictures = FakePictures()

    def range(self, address: str) -> FakeRange:
        row, col = coordinate_to_tuple(address)
        return FakeRange(self, row, col)

    def clear_contents(self) -> None:
        self.cells.clear()


class FakeSheets(list):
    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, str):
            for sheet in self:
                if sheet.name == key:
                    return sheet
            raise KeyError(key)
        return super().__getitem__(key)

    def add(self, name: str, after: FakeSheet | None = None) -> FakeSheet:
        sheet = FakeSheet(name)
        self.insert(self.index(after) + 1 if after is not None else 0, sheet)
        return sheet


class FakeName:
    def __init__(self, refers_to_range: FakeRange):
        self.refers_to_range = refers_to_range


class FakeApp:
    def __init__(self) -> None:
        self.calculations = 0

    def calculate(self) -> None:
        self.calculations += 1


class FakeBook:
    """A workbook as xlwings shows it to a RunPython macro."""

    def __init__(self, content: bytes, fullname: Path):
        source = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
        self.fullname = str(fullname)
        self.content = content
        self.saves = 0
        self.app = FakeApp()
        self.sheets = FakeSheets()
        for ws in source.worksheets:
            sheet = FakeSheet(ws.title)
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        sheet.cells[(cell.row, cell.column)] = cell.value
            for name, ref in ws.tables.items():
                sheet.tables[name] = FakeTable(sheet, ref)
            self.sheets.append(sheet)
        self.names: dict[str, FakeName] = {}
        for name, defined in source.defined_names.items():
            for title, ref in defined.destinations:
                low_col, low_row, high_col, high_row = range_boundaries(ref)
                self.names[name] = FakeName(
                    FakeRange(
                        self.sheets[title],
                        low_row,
                        low_col,
                        high_row - low_row + 1,
                        high_col - low_col + 1,
                    )
                )

    def save(self) -> None:
        Path(self.fullname).write_bytes(self.content)
        self.saves += 1
