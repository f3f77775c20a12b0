"""Quarters and half-years are judged by the clock in Vietnam, not UTC."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.i18n import language, period_label
from bot.domain.calendar import (
    HalfYear,
    Quarter,
    half_at,
    half_of,
    last_quarters,
    period_bounds,
    period_of,
    quarter_at,
    quarter_of,
)
from bot.domain.rules import DEFAULT_TZ as VN_TZ


def test_quarter_boundary_is_local_time() -> None:
    late_march = dt.datetime(2026, 3, 31, 23, 30, tzinfo=VN_TZ)
    early_april = dt.datetime(2026, 4, 1, 0, 30, tzinfo=VN_TZ)
    assert quarter_at(late_march, VN_TZ) == Quarter(2026, 1)
    assert quarter_at(early_april, VN_TZ) == Quarter(2026, 2)
    # The same instants in UTC are both on 31 March: UTC would get April wrong.
    assert early_april.astimezone(dt.UTC).date() == dt.date(2026, 3, 31)
    assert quarter_at(early_april.astimezone(dt.UTC), VN_TZ) == Quarter(2026, 2)


@pytest.mark.parametrize(
    ("day", "year", "number"),
    [
        (dt.date(2026, 1, 1), 2026, 1),
        (dt.date(2026, 3, 31), 2026, 1),
        (dt.date(2026, 4, 1), 2026, 2),
        (dt.date(2026, 9, 30), 2026, 3),
        (dt.date(2026, 12, 31), 2026, 4),
    ],
)
def test_quarter_of(day: dt.date, year: int, number: int) -> None:
    assert quarter_of(day) == Quarter(year, number)


def test_quarter_days_and_neighbours() -> None:
    q1 = Quarter(2026, 1)
    assert (q1.first_day, q1.last_day) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert Quarter(2024, 1).contains(dt.date(2024, 2, 29))
    assert q1.previous() == Quarter(2025, 4)
    assert Quarter(2025, 4).next() == q1
    assert Quarter(2026, 4).last_day == dt.date(2026, 12, 31)
    assert q1.key == "2026-Q1"
    assert Quarter.parse("2026-q3") == Quarter(2026, 3)
    with pytest.raises(ValueError):
        Quarter(2026, 5)


def test_last_quarters_newest_first() -> None:
    assert last_quarters(dt.date(2026, 2, 1), 4) == [
        Quarter(2026, 1),
        Quarter(2025, 4),
        Quarter(2025, 3),
        Quarter(2025, 2),
    ]


def test_half_years() -> None:
    assert half_of(dt.date(2026, 6, 30)) == HalfYear(2026, 1)
    assert half_of(dt.date(2026, 7, 1)) == HalfYear(2026, 2)
    assert half_at(dt.datetime(2026, 6, 30, 23, 30, tzinfo=VN_TZ), VN_TZ).key == "2026-H1"
    assert half_at(dt.datetime(2026, 6, 30, 17, 30, tzinfo=dt.UTC), VN_TZ).key == "2026-H2"
    assert period_of(dt.date(2026, 3, 5)) == "2026-H1"
    assert HalfYear.parse("2026-H2") == HalfYear(2026, 2)
    assert HalfYear.parse("2026-H3") is None
    assert period_bounds("2026-H1") == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert period_bounds("2026-Q2") == (dt.date(2026, 4, 1), dt.date(2026, 6, 30))
    assert HalfYear(2026, 2).quarters == (Quarter(2026, 3), Quarter(2026, 4))
    assert Quarter(2026, 3).half == HalfYear(2026, 2)
    with pytest.raises(ValueError):
        period_bounds("2026")


def test_labels_are_translated() -> None:
    with language("en"):
        assert period_label(Quarter(2026, 1)) == "Q1/2026"
