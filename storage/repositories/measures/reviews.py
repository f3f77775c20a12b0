"""Member reviews: which branches must review, which did and on time; which communes
confirmed the national member software update, and when (rule 7, 004 §II.1.1)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
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
    # The branches' deadline: 5 June and 20 November by default, `review_lead_days` before
    # the commune's 10 June / 25 November (rule 7).
    return rules.review_deadline(period) if isinstance(period, HalfYear) else None


def software_deadline(period: Period, rules: Rules) -> dt.date | None:
    # The commune's: the national member software updated before 10 June / 25 November.
    return rules.national_deadline(period) if isinstance(period, HalfYear) else None


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
    """(unit, confirmed on time, confirmed at) of each review of the period confirmed by
    `as_of` (branches' lists and communes' software updates alike)."""
    deadline = review_deadline(period, rules)
    # on time: confirmed on or before the deadline, Vietnam time
    in_time = (
        literal(1)
        if deadline is None
        else case((Review.confirmed_at < end_of_local_day(deadline, rules.tz), 1), else_=0)
    )
    stmt = select(Review.unit_id, in_time, Review.confirmed_at).where(
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
    for uid, in_time_flag, _at in rows:
        i = pos.get(uid)
        if i is None or not must[i]:
            continue
        reviewed[i] = 1
        on_time[i] = int(in_time_flag)


def software_confirmed(
    units: Mapping[int, Any], rows: Sequence[Any], tz: ZoneInfo
) -> dict[int, dt.date]:
    """Of the rows of `review_rows`, the communes' software-update confirmations: the day."""
    out = {}
    for uid, _in_time, at in rows:
        u = units.get(uid)
        if u is not None and u.level == Level.COMMUNE:
            aware = at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)
            out[uid] = aware.astimezone(tz).date()
    return out
