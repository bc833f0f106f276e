"""One model for every problem xlplan reports about a plan or a file.

An ``Issue`` says what is wrong (``code`` and ``message``), how bad it is
(``severity``), where (``file``, ``sheet``, ``cell``) and what to do
(``hint``). Its JSON shape is stable: the keys of ``Issue.to_json`` are only
ever added to, never renamed or removed.

JSON shape (one object per issue)::

    {"code": "value.not_a_number", "severity": "warning",
     "file": "plans/acme.xlsx", "sheet": "Profile", "cell": "C24",
     "message": "Revenue current: 'TBD' is not a number.",
     "hint": "Type a number such as 1200000, or leave the cell blank."}

``sheet`` and ``cell`` are ``null`` when the problem concerns the whole file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum
from typing import Any

JSON_VERSION = 1


class Severity(str, Enum):
    """How bad an issue is: an error makes a plan unusable or a value ignored."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True)
class Issue:
    """One problem found in a plan workbook or in a file that should be one."""

    code: str
    severity: Severity
    file: str
    message: str
    hint: str = ""
    sheet: str | None = None
    cell: str | None = None

    @property
    def where(self) -> str:
        """``file``, ``file, sheet`` or ``file, sheet!cell``, for a message line."""
        if self.sheet and self.cell:
            return f"{self.file}, {self.sheet}!{self.cell}"
        return f"{self.file}, {self.sheet}" if self.sheet else self.file

    def to_json(self) -> dict[str, Any]:
        """The stable JSON object of this issue."""
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    def __str__(self) -> str:
        text = f"{self.severity.value}: {self.where}: {self.message}"
        return f"{text} {self.hint}" if self.hint else text


def has_errors(issues: list[Issue]) -> bool:
    """True when any issue is an error."""
    return any(issue.severity is Severity.ERROR for issue in issues)
