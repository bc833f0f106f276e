import datetime as dt

import pytest

from xlplan.core.excel import add_months, excel_round, from_serial, to_serial


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (2.5, 0, 3.0),
        (-2.5, 0, -3.0),
        (0.5, 0, 1.0),
        (2.675, 2, 2.68),
        (1.005, 2, 1.01),
        (74.5, 0, 75.0),
        (74.49999, 0, 74.0),
        (0.0, 0, 0.0),
    ],
)
def test_excel_round_rounds_half_away_from_zero(value, digits, expected):
    assert excel_round(value, digits) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2026, 3, 15), 3, dt.date(2026, 6, 15)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2026, 3, 31), -1, dt.date(2026, 2, 28)),
    ],
)
def test_add_months_clamps_to_month_end_like_edate(day, months, expected):
    assert add_months(day, months) == expected


def test_serials_match_excel_1900_system():
    assert to_serial(dt.date(1900, 3, 1)) == 61
    assert to_serial(dt.date(2026, 1, 1)) == 46023
    assert from_serial(46023) == dt.date(2026, 1, 1)
