"""The few figures shown above an officer's menu: this quarter's meetings, unreachable heads."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import distinct, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ChannelIdentity, Level, Meeting, MeetingKind, OrgUnit, Role, RoleKind


async def branches_met(
    s: AsyncSession, unit: OrgUnit, first: dt.date, last: dt.date
) -> tuple[int, int]:
    """(branches under `unit` with a regular meeting between the days, all branches)."""
    branches = select(OrgUnit.id).where(
        OrgUnit.path.startswith(unit.path), OrgUnit.level == Level.BRANCH
    )
    total = await s.scalar(select(func.count()).select_from(branches.subquery()))
    met = await s.scalar(
        select(func.count(distinct(Meeting.unit_id))).where(
            Meeting.unit_id.in_(branches),
            Meeting.kind == MeetingKind.REGULAR,
            Meeting.superseded_by.is_(None),
            Meeting.held_on.between(first, last),
        )
    )
    return int(met or 0), int(total or 0)


async def unreachable_heads(s: AsyncSession, unit: OrgUnit) -> int:
    """Branch heads under `unit` whose every app has blocked or left the bot."""
    heads = (
        select(Role.person_id)
        .join(OrgUnit, OrgUnit.id == Role.unit_id)
        .where(OrgUnit.path.startswith(unit.path), Role.kind == RoleKind.BRANCH_HEAD)
    )
    reachable = select(ChannelIdentity.person_id).where(ChannelIdentity.unreachable.is_(False))
    stmt = select(func.count(distinct(ChannelIdentity.person_id))).where(
        ChannelIdentity.person_id.in_(heads), ChannelIdentity.person_id.not_in(reachable)
    )
    return int(await s.scalar(stmt) or 0)
