"""What issue 16 adds to a data-subject request: her clubs, where she works far away, the
family visits; erased with the rest of her data."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Club, ClubMember
from storage.repositories import clubs, migrants


async def export(s: AsyncSession, member_id: int) -> dict[str, Any]:
    stmt = (
        select(Club.name, ClubMember.linked_on)
        .join(ClubMember, ClubMember.club_id == Club.id)
        .where(ClubMember.member_id == member_id)
        .order_by(Club.name)
    )
    links = [{"club": n, "linked_on": d.isoformat()} for n, d in (await s.execute(stmt)).all()]
    row = await migrants.info(s, member_id)
    away = (
        {
            "destination": row.destination,
            "since": row.since.isoformat(),
            "contact_phone": migrants.contact_of(row),
            "pays_dues": row.pays_dues,
        }
        if row is not None
        else None
    )
    visits = [d.isoformat() for d in await migrants.visits_of(s, member_id)]
    return {"clubs": links, "working_far_away": away, "family_visits": visits}


async def erase(s: AsyncSession, member_id: int) -> None:
    await clubs.unlink_member(s, member_id)
    await migrants.erase(s, member_id)
