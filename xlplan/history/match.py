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
    for by_label in (False, True):
        found = _pair(section, old, new, by_label)
        pairs += found
        paired = {id(row) for pair in found for row in pair}
        old = [r for r in old if id(r) not in paired]
        new = [r for r in new if id(r) not in paired]
    return pairs, old, new


def _pair(
    section: str, old: Sequence[Row], new: Sequence[Row], by_label: bool
) -> list[tuple[Row, Row]]:
    """Pairs of rows with the same id (or, ``by_label``, the same label)."""
    waiting: dict[str, list[Row]] = {}
    for row in old:
        key = _row_key(section, row)[by_label]
        if key:
            waiting.setdefault(key, []).append(row)
    pairs = []
    for row in new:
        key = _row_key(section, row)[by_label]
        options = [r for r in waiting.get(key, []) if not by_label or _may_pair(r, row)]
        if key and options:
            waiting[key].remove(options[0])
            pairs.append((options[0], row))
    return pairs


def _may_pair(old: Row, new: Row) -> bool:
    """Rows pair by label unless both carry ids (different ids: different rows)."""
    return old.get("id") is None or new.get("id") is None


def _row_key(section: str, row: Row) -> tuple[str, str]:
    row_id = row.get("id")
    return (
        str(row_id).strip().casefold() if row_id is not None else "",
        label_of(section, row).casefold(),
    )
