"""Pair a section's rows across two snapshots: by id, then by label.

DESIGN.md "Rows and references": rows carry an optional id that xlplan fills
only when asked, so history matches rows by id first and then by name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from xlplan.history.snapshot import label_of

Row = Mapping[str, Any]


def match_rows(
    section: str, before: Sequence[Row], after: Sequence[Row]
) -> tuple[list[tuple[Row, Row]], list[Row], list[Row]]:
    """Pair rows by id, then by label; return pairs, rows only before, only after.

    Blank rows (no label and no id) are left out. Among rows sharing a label,
    the first before pairs with the first after, and so on.
    """
    old = [r for r in before if _row_key(section, r) != ("", "")]
    new = [r for r in after if _row_key(section, r) != ("", "")]
    pairs: list[tuple[Row, Row]] = []
    for part in (0, 1):
        waiting: dict[str, list[Row]] = {}
        for row in old:
            key = _row_key(section, row)[part]
            if key:
                waiting.setdefault(key, []).append(row)
        for row in list(new):
            key = _row_key(section, row)[part]
            candidates = [r for r in waiting.get(key, []) if _may_pair(r, row)]
            if key and candidates:
                match = candidates[0]
                waiting[key].remove(match)
                pairs.append((match, row))
                old = [r for r in old if r is not match]
                new.remove(row)
    return pairs, old, new


def _may_pair(old: Row, new: Row) -> bool:
    """Rows pair by label unless both carry ids (different ids: different rows)."""
    return old.get("id") is None or new.get("id") is None


def _row_key(section: str, row: Row) -> tuple[str, str]:
    row_id = row.get("id")
    return (
        str(row_id).strip().casefold() if row_id is not None else "",
        label_of(section, row).casefold(),
    )
