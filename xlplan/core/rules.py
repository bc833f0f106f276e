"""The scoring settings of a pack as one typed object for ``core`` functions."""

from __future__ import annotations

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
        values = self.lists["level"]
        return len(values) - values.index(level) if level in values else 0


def rules_from_pack(pack: Pack) -> Rules:
    """Read a pack's scoring.yaml; ``KeyError``/``TypeError`` name a broken key."""
    s: Mapping[str, Any] = pack.scoring
    completeness = s["completeness"]
    health = s["health"]
    selection = s["selection"]
    bands = sorted(health["bands"].items(), key=lambda item: -float(item[1]))
    tiers = sorted(selection["tiers"].items(), key=lambda item: -float(item[1]))
    return Rules(
        lists=pack.lists,
        short_max_days=int(s["horizon_days"]["short_max"]),
        mid_max_days=int(s["horizon_days"]["mid_max"]),
        engaged_within_days=int(s["engaged_within_days"]),
        stale_after_days=int(s["stale_after_days"]),
        default_cadence=str(s["default_review_cadence"]),
        review_intervals={
            str(k): ReviewInterval(int(v.get("days", 0)), int(v.get("months", 0)))
            for k, v in s["review_interval"].items()
        },
        stage_probability={str(k): float(v) for k, v in s["stage_probability"].items()},
        open_stages=tuple(s["open_stages"]),
        expansion_types=tuple(s["expansion_types"]),
        supporter_statuses=tuple(s["supporter_statuses"]),
        completeness_weights={
            str(k): float(v) for k, v in completeness["weights"].items()
        },
        min_objectives=int(completeness["min_objectives"]),
        top_objectives=int(completeness["top_objectives"]),
        min_stakeholders=int(completeness["min_stakeholders"]),
        min_actions=int(completeness["min_actions"]),
        completeness_flag_below=float(completeness["flag_below"]),
        health_weights={str(k): float(v) for k, v in health["weights"].items()},
        health_statuses=tuple(health["scored_statuses"]),
        health_bands=tuple((str(k), float(v)) for k, v in bands),
        engaged_full=int(health["engaged_contacts_full"]),
        engaged_half=int(health["engaged_contacts_half"]),
        tier_thresholds=tuple((str(k), float(v)) for k, v in tiers),
        selection_active_min=int(selection["active_min"]),
        selection_active_max=int(selection["active_max"]),
        selection_weights={
            str(k): float(v) for k, v in selection["default_weights"].items()
        },
        flags={str(k): float(v) for k, v in s["flags"].items()},
    )
