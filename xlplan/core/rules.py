"""The scoring settings of a pack as one typed object for ``core`` functions."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from xlplan.model.pack import Pack


@dataclass(frozen=True)
class ReviewInterval:
    """How far the next review lies after the last: days or calendar months."""

    days: int = 0
    months: int = 0


@dataclass(frozen=True)
class Rules:
    """Weights, bands, thresholds and the value lists the scores read."""

    lists: Mapping[str, tuple[str, ...]]
    short_max_days: int
    mid_max_days: int
    engaged_within_days: int
    stale_after_days: int
    default_cadence: str
    review_intervals: Mapping[str, ReviewInterval]
    stage_probability: Mapping[str, float]
    open_stages: tuple[str, ...]
    expansion_types: tuple[str, ...]
    supporter_statuses: tuple[str, ...]
    completeness_weights: Mapping[str, float]
    min_objectives: int
    top_objectives: int
    min_stakeholders: int
    min_actions: int
    completeness_flag_below: float
    health_weights: Mapping[str, float]
    health_statuses: tuple[str, ...]
    health_bands: tuple[tuple[str, float], ...]
    engaged_full: int
    engaged_half: int
    tier_thresholds: tuple[tuple[str, float], ...]
    selection_active_min: int
    selection_active_max: int
    selection_weights: Mapping[str, float]
    flags: Mapping[str, float]

    def interval(self, cadence: str | None) -> ReviewInterval:
        """The review interval of ``cadence``; the default cadence's when unknown."""
        if cadence is not None and cadence in self.review_intervals:
            return self.review_intervals[cadence]
        return self.review_intervals[self.default_cadence]

    def band(self, health: float) -> str:
        """The health band (Green, Amber, Red by default) of a 0-100 score."""
        for name, floor in self.health_bands:
            if health >= floor:
                return name
        return self.health_bands[-1][0]

    def level_score(self, level: str | None) -> int:
        """High 3, Medium 2, Low 1 (by position in the ``level`` list); 0 for blank."""
        return self._level_scores.get(level, 0)

    @functools.cached_property
    def _level_scores(self) -> dict[str | None, int]:
        # Every risk row asks twice; a value listed twice scores as the first.
        values = self.lists["level"]
        return {v: len(values) - i for i, v in reversed(list(enumerate(values)))}


class ScoringKeyError(ValueError):
    """A scoring.yaml key is missing or holds the wrong kind of value."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


class _Scoring:
    """Typed, dotted-path access to scoring.yaml that names the key it fails on."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self._data = data

    def get(self, path: str) -> Any:
        value: Any = self._data
        for part in path.split("."):
            if not isinstance(value, Mapping) or part not in value:
                raise ScoringKeyError(path, "is missing.")
            value = value[part]
        return value

    def number(self, path: str) -> float:
        value = self.get(path)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ScoringKeyError(path, f"is {value!r}, not a number.")
        return float(value)

    def whole(self, path: str) -> int:
        value = self.number(path)
        if not value.is_integer():
            raise ScoringKeyError(path, f"is {value:g}, not a whole number.")
        return int(value)

    def numbers(self, path: str) -> dict[str, float]:
        value = self.get(path)
        if not isinstance(value, Mapping):
            raise ScoringKeyError(path, "is not a mapping of name to number.")
        return {str(k): self.number(f"{path}.{k}") for k in value}

    def texts(self, path: str) -> tuple[str, ...]:
        value = self.get(path)
        if not isinstance(value, list):
            raise ScoringKeyError(path, "is not a list.")
        return tuple(str(v) for v in value)

    def intervals(self, path: str) -> dict[str, ReviewInterval]:
        value = self.get(path)
        if not isinstance(value, Mapping):
            raise ScoringKeyError(path, "is not a mapping of cadence to interval.")
        out = {}
        for name, step in value.items():
            where = f"{path}.{name}"
            if not isinstance(step, Mapping) or set(step) - {"days", "months"}:
                raise ScoringKeyError(where, "must be {days: N} or {months: N}.")
            days = self.whole(f"{where}.days") if "days" in step else 0
            months = self.whole(f"{where}.months") if "months" in step else 0
            out[str(name)] = ReviewInterval(days, months)
        return out


def rules_from_pack(pack: Pack) -> Rules:
    """Read a pack's scoring.yaml; ``ScoringKeyError`` names a broken key."""
    s = _Scoring(pack.scoring)
    bands = sorted(s.numbers("health.bands").items(), key=lambda item: -item[1])
    tiers = sorted(s.numbers("selection.tiers").items(), key=lambda item: -item[1])
    return Rules(
        lists=pack.lists,
        short_max_days=s.whole("horizon_days.short_max"),
        mid_max_days=s.whole("horizon_days.mid_max"),
        engaged_within_days=s.whole("engaged_within_days"),
        stale_after_days=s.whole("stale_after_days"),
        default_cadence=str(s.get("default_review_cadence")),
        review_intervals=s.intervals("review_interval"),
        stage_probability=s.numbers("stage_probability"),
        open_stages=s.texts("open_stages"),
        expansion_types=s.texts("expansion_types"),
        supporter_statuses=s.texts("supporter_statuses"),
        completeness_weights=s.numbers("completeness.weights"),
        min_objectives=s.whole("completeness.min_objectives"),
        top_objectives=s.whole("completeness.top_objectives"),
        min_stakeholders=s.whole("completeness.min_stakeholders"),
        min_actions=s.whole("completeness.min_actions"),
        completeness_flag_below=s.number("completeness.flag_below"),
        health_weights=s.numbers("health.weights"),
        health_statuses=s.texts("health.scored_statuses"),
        health_bands=tuple(bands),
        engaged_full=s.whole("health.engaged_contacts_full"),
        engaged_half=s.whole("health.engaged_contacts_half"),
        tier_thresholds=tuple(tiers),
        selection_active_min=s.whole("selection.active_min"),
        selection_active_max=s.whole("selection.active_max"),
        selection_weights=s.numbers("selection.default_weights"),
        flags=s.numbers("flags"),
    )
