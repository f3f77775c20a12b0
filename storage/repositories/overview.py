"""Figures above an officer's menu: meetings this quarter, unreachable heads, failed messages."""

# Failed messages are shown to admins only. Each is one aggregate query, built once
# (storage.prepared): they run on every menu shown.

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, bindparam, case, distinct, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import Level, OutboxStatus, RoleKind
from storage.models import ChannelIdentity, Meeting, OrgUnit, Outbox, Role
from storage.prepared import Prepared
from storage.repositories.meetings import regular_meeting_in

_PATH = bindparam("path", type_=OrgUnit.path.type)
_MET = exists().where(
    Meeting.unit_id == OrgUnit.id,
    regular_meeting_in(bindparam("first", type_=Date()), bindparam("last", type_=Date())),
)
_BRANCHES_MET = Prepared(
    select(func.count(), func.coalesce(func.sum(case((_MET, 1), else_=0)), 0)).where(
        OrgUnit.path.startswith(_PATH), OrgUnit.level == Level.BRANCH
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


async def unreachable_heads(s: AsyncSession, unit: OrgUnit) -> int:
    """Branch heads under `unit` whose every app has blocked or left the bot."""
    return int(await _UNREACHABLE_HEADS.scalar(s, path=unit.path) or 0)


async def failed_messages(s: AsyncSession) -> int:
    """Outbox messages given up on after every retry (`chihoi jobs failed` lists them)."""
    return int(await _FAILED_MESSAGES.scalar(s) or 0)
