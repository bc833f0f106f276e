"""How a formula names what it reads: defined names and structured references.

The workbook builder lays every section out from the pack; these names are the
one contract between a formula written here and the cells the builder places,
so neither side hard-codes a cell address.
"""

from __future__ import annotations

from collections.abc import Sequence

from xlplan.model.pack import SectionSpec, list_range


class Refs:
    """Builds the references a native formula uses, from the pack's sections."""

    def __init__(self, sections: Sequence[SectionSpec]) -> None:
        self._sections = {s.key: s for s in sections}

    def name(self, field: str) -> str:
        """A single field, or a block on the cover, by its defined name."""
        return field

    def col(self, section: str, field: str) -> str:
        """The whole data column of a table: ``Stakeholders[Engaged]``."""
        spec = self._sections[section]
        return f"{spec.table}[{spec.field(field).label}]"

    def this(self, section: str, field: str) -> str:
        """The same row's cell of a table column, from a formula inside the table."""
        spec = self._sections[section]
        return f"{spec.table}[[#This Row],[{spec.field(field).label}]]"

    def grid_col(self, section: str, column: str) -> str:
        """One offering column of the white-space grid."""
        return f"{self._sections[section].table}[{column}]"

    def grid_this(self, section: str, column: str) -> str:
        """The same row's cell of an offering column of the grid."""
        return f"{self._sections[section].table}[[#This Row],[{column}]]"

    def list_range(self, list_name: str) -> str:
        """The defined name over a value list on the hidden Lists sheet."""
        return list_range(list_name)
