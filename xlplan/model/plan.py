"""A plan as typed values, shaped by the pack that defines its fields.

Values are Python types that mirror what Excel holds: ``str`` (enum values in
their canonical spelling), ``int``/``float`` for numbers (Excel keeps doubles,
so ``float`` keeps parity), ``datetime.date``, ``bool``, and ``tuple[str, ...]``
for a reference cell naming several rows. ``None`` means blank or unusable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Plan:
    """One account plan: single-record sections, table rows and the as-of date.

    ``records`` maps a single section key (``plan``, ``profile``) to its
    field values; ``tables`` maps a table or grid section key to its rows in
    sheet order. White space rows carry ``business_unit``, ``offering`` and
    ``state``. ``as_of`` is the one "today" every date figure uses.
    """

    as_of: dt.date
    records: Mapping[str, Row] = field(default_factory=dict)
    tables: Mapping[str, tuple[Row, ...]] = field(default_factory=dict)

    def value(self, section: str, name: str) -> Any:
        """A single field's value, ``None`` when blank or absent."""
        return self.records.get(section, {}).get(name)

    def rows(self, section: str) -> tuple[Row, ...]:
        """The rows of a table section; empty when the section has none."""
        return self.tables.get(section, ())

    @property
    def plan_id(self) -> str | None:
        """The plan's id from the cover, ``None`` when blank."""
        value = self.value("plan", "plan_id")
        return value if isinstance(value, str) else None
