"""Customer feedback and engagement rates (DOMAIN.md 4.2): NPS, CSAT, adoption,
email and call response rates.

Plans record these as finished KPI figures; these functions are for teams that
compute them from counts or raw survey scores. Every rate is ``None`` when its
denominator is zero or an input is blank or impossible (a negative count, more
promoters than responses), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from xlplan.core.figures import ratio

Count = float | None


@dataclass(frozen=True)
class Rate:
    """A rate and ``n``, the responses (or the denominator) it was computed from."""

    value: float | None
    n: int


def _counts_ok(*counts: Count) -> bool:
    return all(c is not None and c >= 0 for c in counts)


def _part_of_whole(part: Count, whole: Count) -> float | None:
    if not _counts_ok(part, whole) or part > whole:  # type: ignore[operator]
        return None
    return ratio(part, whole)


def nps(promoters: Count, detractors: Count, responses: Count) -> float | None:
    """``100 x (promoters - detractors) / responses``, from -100 to 100."""
    if not _counts_ok(promoters, detractors, responses):
        return None
    if promoters + detractors > responses:  # type: ignore[operator]
        return None
    share = ratio(promoters - detractors, responses)  # type: ignore[operator]
    return None if share is None else 100 * share


def _scores(values: Iterable[object], low: int, high: int) -> list[float]:
    """Numeric scores within ``low``-``high``; blanks, text and outliers are skipped."""
    kept = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        if low <= value <= high:
            kept.append(float(value))
    return kept


def nps_from_scores(scores: Iterable[object]) -> Rate:
    """NPS of 0-10 answers: promoters 9-10, detractors 0-6; others are skipped."""
    kept = _scores(scores, 0, 10)
    promoters = sum(1 for s in kept if s >= 9)
    detractors = sum(1 for s in kept if s <= 6)
    return Rate(nps(promoters, detractors, len(kept)), len(kept))


def csat(satisfied: Count, responses: Count) -> float | None:
    """``satisfied / responses``, 0-1."""
    return _part_of_whole(satisfied, responses)


def csat_from_scores(scores: Iterable[object], satisfied_from: int = 4) -> Rate:
    """CSAT of 1-5 answers: satisfied at ``satisfied_from`` (4 by default) or more."""
    kept = _scores(scores, 1, 5)
    satisfied = sum(1 for s in kept if s >= satisfied_from)
    return Rate(csat(satisfied, len(kept)), len(kept))


def adoption_rate(active_users: Count, licensed_users: Count) -> float | None:
    """``active users / licensed users``; above 1 is kept (over-use is a signal)."""
    if not _counts_ok(active_users, licensed_users):
        return None
    return ratio(active_users, licensed_users)


def email_response_rate(replies: Count, sent: Count) -> float | None:
    """``replies / emails sent``, 0-1."""
    return _part_of_whole(replies, sent)


def call_response_rate(answered_or_returned: Count, calls_made: Count) -> float | None:
    """``calls answered or returned / calls made``, 0-1."""
    return _part_of_whole(answered_or_returned, calls_made)
