"""The built-in sample portfolio: fictional accounts kept as YAML.

Sample dates are written relative to the as-of date ("@-30d", "@+2m", "@-1y",
"@0") so a stale plan stays stale and a due action stays due whenever the
samples are built. KPI periods are relative too: "@q-1" is the previous
quarter ("2026-Q3"), "@m0" the as-of month ("2026-12").
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from xlplan.core.excel import add_months
from xlplan.errors import SampleError
from xlplan.model.pack import FieldType, Pack, SectionKind
from xlplan.resources import samples_dir
from xlplan.workbook.inputs import PlanInput

_RELATIVE = re.compile(r"^@(?:0|([+-]\d+)([dwmy]))$")
_PERIOD = re.compile(r"^@([qm])(0|[+-]\d+)$")


@dataclass(frozen=True)
class Sample:
    """One sample account: its file stem and the plan input built from it."""

    stem: str
    plan: PlanInput


def resolve_date(text: str, as_of: dt.date) -> dt.date | None:
    """The date of a relative marker such as ``@-30d``; ``None`` if ``text`` is not one."""
    match = _RELATIVE.match(text.strip())
    if not match:
        return None
    if match.group(1) is None:
        return as_of
    amount, unit = int(match.group(1)), match.group(2)
    if unit == "d":
        return as_of + dt.timedelta(days=amount)
    if unit == "w":
        return as_of + dt.timedelta(weeks=amount)
    return add_months(as_of, amount * (12 if unit == "y" else 1))


def resolve_period(text: str, as_of: dt.date) -> str | None:
    """The period label of a relative marker such as ``@q-1``; ``None`` if not one."""
    match = _PERIOD.match(text.strip())
    if not match:
        return None
    unit, amount = match.group(1), int(match.group(2))
    if unit == "m":
        day = add_months(as_of, amount)
        return f"{day.year}-{day.month:02d}"
    day = add_months(as_of, 3 * amount)
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def load_samples(
    as_of: dt.date, folder: Path | None = None, *, pack: Pack
) -> list[Sample]:
    """Every sample account in ``folder`` (the shipped samples by default), dated from ``as_of``."""
    folder = folder or samples_dir()
    return [load_sample(path, as_of, pack) for path in sorted(folder.glob("*.yaml"))]


def load_sample(path: Path, as_of: dt.date, pack: Pack) -> Sample:
    """One sample file as a ``PlanInput`` whose relative dates are resolved."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SampleError(
            f"{path}: not valid YAML ({exc}).", hint="Fix the sample file."
        ) from exc
    raw = PlanInput()
    for section in pack.sections:
        value = data.get(section.key)
        if value is None:
            continue
        if section.kind is SectionKind.SINGLE:
            raw.records[section.key] = _dated(section.key, value, as_of, pack)
        elif section.kind is SectionKind.TABLE:
            raw.tables[section.key] = [
                _dated(section.key, row, as_of, pack) for row in value
            ]
        else:
            raw.grid = {str(unit): dict(cells or {}) for unit, cells in value.items()}
    unknown = set(data) - {s.key for s in pack.sections}
    if unknown:
        raise SampleError(
            f"{path}: unknown section(s) {', '.join(sorted(unknown))}.",
            hint="Use the section keys of the pack's schema.yaml.",
        )
    return Sample(stem=path.stem, plan=raw)


def _dated(
    section: str, values: dict[str, Any], as_of: dt.date, pack: Pack
) -> dict[str, Any]:
    spec = pack.section(section)
    out = dict(values)
    for name, value in values.items():
        try:
            kind = spec.field(name).type
        except KeyError:
            continue
        if kind is FieldType.STR and isinstance(value, str) and value.startswith("@"):
            out[name] = resolve_period(value, as_of) or value
        if kind is FieldType.DATE and isinstance(value, str):
            resolved = resolve_date(value, as_of)
            # A marker that does not parse is kept as typed: samples hold
            # deliberate typos such as "Q3" in a date cell.
            out[name] = resolved if resolved is not None else value
    return out
