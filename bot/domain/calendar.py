"""Quarters, half-years, years and the term: the periods the Union's rules count in (local days)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TypeAlias
from zoneinfo import ZoneInfo

_HALF_KEY = re.compile(r"^\s*(\d{4})\s*-\s*[Hh]\s*([12])\s*$")
_QUARTER_KEY = re.compile(r"^\s*(\d{4})\s*-\s*[Qq]\s*([1-4])\s*$")
_YEAR_KEY = re.compile(r"^\s*(\d{4})\s*$")
_TERM_KEY = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")


def local_date(moment: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The calendar day in the Union's time zone of an instant (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(tz).date()


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


@dataclass(frozen=True, order=True)
class Quarter:
    """A calendar quarter: Q1 = January–March … Q4 = October–December."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if not 1 <= self.number <= 4:
            raise ValueError("quarter number must be 1..4")

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> dt.date:
        return _month_end(self.year, 3 * self.number)

    @property
    def key(self) -> str:
        """Stable machine key, e.g. "2026-Q1" (for outbox keys and storage)."""
        return f"{self.year}-Q{self.number}"

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def previous(self) -> Quarter:
        return (
            Quarter(self.year - 1, 4) if self.number == 1 else Quarter(self.year, self.number - 1)
        )

    def next(self) -> Quarter:
        return (
            Quarter(self.year + 1, 1) if self.number == 4 else Quarter(self.year, self.number + 1)
        )

    @property
    def half(self) -> HalfYear:
        return HalfYear(self.year, 1 if self.number <= 2 else 2)

    @classmethod
    def parse(cls, key: str) -> Quarter | None:
        m = _QUARTER_KEY.match(key)
        return cls(int(m.group(1)), int(m.group(2))) if m else None


def quarter_of(day: dt.date) -> Quarter:
    """The quarter a local calendar day falls in."""
    return Quarter(day.year, (day.month - 1) // 3 + 1)


def quarter_at(moment: dt.datetime, tz: ZoneInfo) -> Quarter:
    """The quarter of an instant, judged by the clock in the Union's zone (not UTC)."""
    return quarter_of(local_date(moment, tz))


def last_quarters(day: dt.date, count: int) -> list[Quarter]:
    """The `count` quarters ending with the one containing `day`, newest first."""
    out = [quarter_of(day)]
    while len(out) < count:
        out.append(out[-1].previous())
    return out[:count]


@dataclass(frozen=True, order=True)
class HalfYear:
    """A semiannual reporting period: H1 = January–June, H2 = July–December."""

    year: int
    number: int

    def __post_init__(self) -> None:
        if self.number not in (1, 2):
            raise ValueError("half-year number must be 1 or 2")

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1 if self.number == 1 else 7, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.number == 1 else dt.date(self.year, 12, 31)

    @property
    def key(self) -> str:
        """The period key used in reports and commands, e.g. "2026-H1"."""
        return f"{self.year}-H{self.number}"

    @property
    def quarters(self) -> tuple[Quarter, Quarter]:
        first = 1 if self.number == 1 else 3
        return Quarter(self.year, first), Quarter(self.year, first + 1)

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def previous(self) -> HalfYear:
        return HalfYear(self.year - 1, 2) if self.number == 1 else HalfYear(self.year, 1)

    def next(self) -> HalfYear:
        return HalfYear(self.year + 1, 1) if self.number == 2 else HalfYear(self.year, 2)

    @classmethod
    def parse(cls, key: str) -> HalfYear | None:
        """Read "2026-H1" / "2026-h2"; None for anything else."""
        m = _HALF_KEY.match(key)
        return cls(int(m.group(1)), int(m.group(2))) if m else None


def half_of(day: dt.date) -> HalfYear:
    return HalfYear(day.year, 1 if day.month <= 6 else 2)


def half_at(moment: dt.datetime, tz: ZoneInfo) -> HalfYear:
    return half_of(local_date(moment, tz))


def period_of(day: dt.date) -> str:
    """Semiannual period key of a local day, e.g. "2026-H1"."""
    return half_of(day).key


def period_bounds(key: str) -> tuple[dt.date, dt.date]:
    """First and last day of a period key ("2026-H1" or "2026-Q3"); ValueError otherwise."""
    half = HalfYear.parse(key)
    if half is not None:
        return half.first_day, half.last_day
    quarter = Quarter.parse(key)
    if quarter is not None:
        return quarter.first_day, quarter.last_day
    raise ValueError("unknown period key")


@dataclass(frozen=True, order=True)
class Year:
    """A calendar year: new-member targets are yearly (DOMAIN rule 5)."""

    year: int

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    @property
    def key(self) -> str:
        return str(self.year)

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    @classmethod
    def parse(cls, key: str) -> Year | None:
        m = _YEAR_KEY.match(key)
        return cls(int(m.group(1))) if m else None


@dataclass(frozen=True, order=True)
class Term:
    """A congress term of the Union, e.g. 2022–2027: its targets and baseline figures hold for it."""

    first_year: int
    last_year: int

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.first_year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.last_year, 12, 31)

    @property
    def key(self) -> str:
        return f"{self.first_year}-{self.last_year}"

    def contains(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    @property
    def year(self) -> int:
        """The year its figures are reported for: the term's last."""
        return self.last_year

    @property
    def years(self) -> int:
        """Years a yearly target is multiplied by (2022-2027: 5, congress to congress)."""
        return max(1, self.last_year - self.first_year)

    @classmethod
    def parse(cls, key: str) -> Term | None:
        """ "2022-2027" (or with an en dash); None for anything else."""
        m = _TERM_KEY.match(key)
        if m is None:
            return None
        first, last = int(m.group(1)), int(m.group(2))
        return cls(first, last) if first < last <= first + 10 else None


# The term the seeds plan for (000, 004: "nhiệm kỳ 2022–2027").
CURRENT_TERM = Term(2022, 2027)


# What a report covers: a quarter, a half-year (the review's period), a year or a term.
Period: TypeAlias = HalfYear | Quarter | Year | Term

# The day a member from before records began ("không nhớ" her joining date) is counted
# from: before every period a report can ask for, so she is a member in every count and
# never a new member in any.
RECORDS_BEGAN = dt.date(1900, 1, 1)
