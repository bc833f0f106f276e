"""NPS, CSAT, adoption and response rates (DOMAIN.md 4.2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xlplan.core import rates


@pytest.mark.parametrize(
    ("promoters", "detractors", "responses", "expected"),
    [
        (6, 2, 10, 40.0),
        (0, 10, 10, -100.0),
        (10, 0, 10, 100.0),
        (0, 0, 0, None),  # no responses: blank, not 0
        (None, 1, 5, None),
        (-1, 0, 5, None),
        (4, 4, 5, None),  # more promoters and detractors than responses
    ],
)
def test_nps_from_counts(promoters, detractors, responses, expected):
    assert rates.nps(promoters, detractors, responses) == expected


def test_nps_from_scores_skips_blanks_text_and_outliers():
    result = rates.nps_from_scores([10, 9, 8, 7, 6, 0, None, "n/a", 11, -1, True])
    assert result.n == 6
    assert result.value == pytest.approx(100 * (2 - 2) / 6)
    assert rates.nps_from_scores([]) == rates.Rate(None, 0)


def test_csat_counts_four_and_five_as_satisfied():
    result = rates.csat_from_scores([5, 4, 3, 2, 1, None])
    assert (result.value, result.n) == (pytest.approx(0.4), 5)
    assert rates.csat_from_scores([5, 3], satisfied_from=5).value == 0.5
    assert rates.csat(0, 0) is None
    assert rates.csat(6, 5) is None


def test_adoption_keeps_over_use_and_blanks_zero_licences():
    assert rates.adoption_rate(120, 100) == 1.2
    assert rates.adoption_rate(5, 0) is None
    assert rates.adoption_rate(None, 10) is None


def test_response_rates():
    assert rates.email_response_rate(3, 12) == 0.25
    assert rates.email_response_rate(3, 0) is None
    assert rates.call_response_rate(5, 10) == 0.5
    assert rates.call_response_rate(11, 10) is None


@given(st.lists(st.integers(0, 10), min_size=1, max_size=40))
def test_nps_stays_within_range_and_rises_with_a_promoter(scores):
    value = rates.nps_from_scores(scores).value
    assert -100 <= value <= 100
    assert rates.nps_from_scores([*scores, 10]).value >= value


@given(st.lists(st.integers(1, 5), min_size=1, max_size=40))
def test_csat_stays_within_range_and_rises_with_a_happy_answer(scores):
    value = rates.csat_from_scores(scores).value
    assert 0 <= value <= 1
    assert rates.csat_from_scores([*scores, 5]).value >= value
