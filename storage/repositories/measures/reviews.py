"""Member reviews per branch: which must review, which did, and which on time (rule 7)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import case, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import HalfYear, Period
from bot.domain.enums import Level
from bot.domain.figures import Table
from bot.domain.rules import Rules
from storage.models import Review
from storage.repositories.measures.scope import Scope, fetch_rows


def review_deadline(period: Period, rules: Rules) -> dt.date | None:
    # 10 June and 25 November unless the deployment changed them (rule 7).
    return rules.review_deadline(period) if isinstance(period, HalfYear) else None


def end_of_local_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), tz).astimezone(dt.UTC)


def review_duties(table: Table, as_of: dt.date) -> None:
    """The branches that must review (founded by the day asked about)."""
    pos = table.pos
    must = table.col("review_branches")
    for uid, u in table.units.items():
        if u.level == Level.BRANCH and (u.founded_on is None or u.founded_on <= as_of):
            must[pos[uid]] = 1


async def review_rows(
    s: AsyncSession, scope: Scope, period: Period, as_of: dt.date, rules: Rules
) -> Sequence[Any]:
    """(unit, confirmed on time) of each review of the period confirmed by `as_of`."""
    deadline = review_deadline(period, rules)
    # on time: confirmed on or before the deadline, Vietnam time
    in_time = (
        literal(1)
        if deadline is None
        else case((Review.confirmed_at < end_of_local_day(deadline, rules.tz), 1), else_=0)
    )
    stmt = select(Review.unit_id, in_time).where(
        scope.filter(Review.unit_id),
        Review.period == period.key,
        Review.confirmed_at < end_of_local_day(as_of, rules.tz),
    )
    return await fetch_rows(s, stmt)


def add_reviews(table: Table, rows: Sequence[Any]) -> None:
    """The rows of `review_rows` into the table (after `review_duties`)."""
    pos = table.pos
    must, reviewed, on_time = (
        table.col("review_branches"),
        table.col("reviewed"),
        table.col("on_time"),
    )
    for uid, in_time_flag in rows:
        i = pos.get(uid)
        if i is None or not must[i]:
            continue
        reviewed[i] = 1
        on_time[i] = int(in_time_flag)
