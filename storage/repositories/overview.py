"""Figures above an officer's menu: meetings this quarter, unreachable heads, failed messages."""

# Failed messages are shown to admins only. Each is one aggregate query, built once
# (storage.prepared): they run on every menu shown.

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Date, bindparam, case, distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import Level, OutboxStatus, RoleKind
from storage.models import ChannelIdentity, Meeting, OrgUnit, Outbox, Review, Role
from storage.prepared import Prepared
from storage.repositories.meetings import regular_meeting_in

_PATH = bindparam("path", type_=OrgUnit.path.type)


def _met(first: str, last: str) -> Any:
    """1 for a unit with a regular meeting between the two bound days, else 0."""
    held = exists().where(
        Meeting.unit_id == OrgUnit.id,
        regular_meeting_in(bindparam(first, type_=Date()), bindparam(last, type_=Date())),
    )
    return case((held, 1), else_=0)


_UNDER = (OrgUnit.path.startswith(_PATH), OrgUnit.level == Level.BRANCH)
_BRANCHES_MET = Prepared(
    select(func.count(), func.coalesce(func.sum(_met("first", "last")), 0)).where(*_UNDER)
)
# A branch head's menu: both quarters' meetings and the review, in one round trip.
_BRANCH_STATUS = Prepared(
    select(
        select(func.coalesce(func.sum(_met("last_first", "last_last")), 0))
        .where(*_UNDER)
        .scalar_subquery(),
        select(func.coalesce(func.sum(_met("first", "last")), 0)).where(*_UNDER).scalar_subquery(),
        select(Review.confirmed_at)
        .where(Review.unit_id == bindparam("unit_id"), Review.period == bindparam("period"))
        .scalar_subquery(),
    )
)
_UNREACHABLE_HEADS = Prepared(
    select(func.count(distinct(ChannelIdentity.person_id))).where(
        ChannelIdentity.person_id.in_(
            select(Role.person_id)
            .join(OrgUnit, OrgUnit.id == Role.unit_id)
            .where(OrgUnit.path.startswith(_PATH), Role.kind == RoleKind.BRANCH_HEAD)
        ),
        ChannelIdentity.person_id.not_in(
            select(ChannelIdentity.person_id).where(ChannelIdentity.unreachable.is_(False))
        ),
    )
)


# Only admins see it, so an index on status is not worth its cost on every write.
_FAILED_MESSAGES = Prepared(
    select(func.count()).select_from(Outbox).where(Outbox.status == OutboxStatus.FAILED)
)


async def branches_met(
    s: AsyncSession, unit: OrgUnit, first: dt.date, last: dt.date
) -> tuple[int, int]:
    """(branches under `unit` with a regular meeting between the days, all branches)."""
    row = await _BRANCHES_MET.first(s, path=unit.path, first=first, last=last)
    assert row is not None
    total, met = row
    return int(met or 0), int(total or 0)


@dataclass(frozen=True, slots=True)
class BranchStatus:
    met_last_quarter: bool
    met_this_quarter: bool
    reviewed_at: dt.datetime | None  # the review of the asked half-year


async def branch_status(
    s: AsyncSession, unit: OrgUnit, last: tuple[dt.date, dt.date], now: tuple[dt.date, dt.date],
    review_period: str,
) -> BranchStatus:  # fmt: skip
    """`branches_met` of the last and this quarter (days inclusive) and `reviews.confirmed_at`
    of `review_period`, for the menu of whoever leads `unit`."""
    row = await _BRANCH_STATUS.first(
        s, path=unit.path, last_first=last[0], last_last=last[1], first=now[0], last=now[1],
        unit_id=unit.id, period=review_period,
    )  # fmt: skip
    assert row is not None
    met_last, met_now, reviewed = row
    return BranchStatus(bool(met_last), bool(met_now), reviewed)


async def unreachable_heads(s: AsyncSession, unit: OrgUnit) -> int:
    """Branch heads under `unit` whose every app has blocked or left the bot."""
    return int(await _UNREACHABLE_HEADS.scalar(s, path=unit.path) or 0)


async def failed_messages(s: AsyncSession) -> int:
    """Outbox messages given up on after every retry (`chihoi jobs failed` lists them)."""
    return int(await _FAILED_MESSAGES.scalar(s) or 0)
