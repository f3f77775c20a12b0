"""Clubs and models of a commune: registering, linking members, counting women outside the
register, logging meetings; every write is audited by the caller's turn."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import AggregateKind, MemberStatus
from bot.domain.textkeys import fold
from storage.models import (
    Club,
    ClubAudience,
    ClubMeeting,
    ClubMember,
    Member,
    OrgUnit,
    UnitAggregate,
)
from storage.repositories import audit, unit_figures

# Members who still count for a club: not left, dead or moved away.
COUNTED = (MemberStatus.ACTIVE, MemberStatus.MIGRANT)


async def add_club(
    s: AsyncSession,
    commune_id: int,
    name: str,
    kind: str,
    audiences: Sequence[str],
    founded_on: dt.date,
    founded_by: str,
    leader_name: str | None,
    by: int | None,
    now: dt.datetime,
) -> Club:
    club = Club(
        commune_id=commune_id,
        name=name,
        kind=kind,
        founded_on=founded_on,
        founded_by=founded_by,
        leader_name=leader_name,
        outside_count=0,
        created_by=by,
        created_at=now,
    )
    s.add(club)
    await s.flush()
    for code in sorted(set(audiences)):
        s.add(ClubAudience(club_id=club.id, code=code))
    detail = {"commune_id": commune_id, "kind": kind, "audiences": sorted(set(audiences))}
    await audit.record(s, now, by, "club_registered", "club", club.id, detail)
    return club


async def by_id(s: AsyncSession, club_id: int) -> Club | None:
    return await s.get(Club, club_id)


async def of_communes(s: AsyncSession, commune_ids: Iterable[int]) -> list[Club]:
    """Open clubs of these communes, by commune then name."""
    ids = list(commune_ids)
    if not ids:
        return []
    stmt = (
        select(Club)
        .where(Club.commune_id.in_(ids), Club.closed_on.is_(None))
        .order_by(Club.commune_id, Club.name, Club.id)
    )
    return list((await s.scalars(stmt)).all())


async def under(s: AsyncSession, unit: OrgUnit) -> list[tuple[Club, OrgUnit]]:
    """Open clubs of every commune under `unit` (or of `unit` itself), with their commune."""
    stmt = (
        select(Club, OrgUnit)
        .join(OrgUnit, OrgUnit.id == Club.commune_id)
        .where(OrgUnit.path.startswith(unit.path), Club.closed_on.is_(None))
        .order_by(OrgUnit.path, Club.name, Club.id)
    )
    return [(c, u) for c, u in (await s.execute(stmt)).all()]


async def audiences_of(s: AsyncSession, club_ids: Iterable[int]) -> dict[int, list[str]]:
    ids = list(club_ids)
    out: dict[int, list[str]] = defaultdict(list)
    if ids:
        stmt = select(ClubAudience.club_id, ClubAudience.code).where(ClubAudience.club_id.in_(ids))
        for cid, code in (await s.execute(stmt)).all():
            out[int(cid)].append(str(code))
    return {cid: sorted(codes) for cid, codes in out.items()}


async def linkable(
    s: AsyncSession, commune: OrgUnit, text: str, limit: int = 8
) -> list[tuple[Member, OrgUnit]]:
    """Members of any branch of the commune whose name holds every word typed."""
    words = [Member.name_folded.contains(w, autoescape=True) for w in fold(text).split()]
    stmt = (
        select(Member, OrgUnit)
        .join(OrgUnit, OrgUnit.id == Member.branch_id)
        .where(
            OrgUnit.path.startswith(commune.path),
            Member.erased_at.is_(None),
            Member.status.in_(COUNTED),
            *words,
        )
        .order_by(Member.name_sort, Member.id)
        .limit(limit)
    )
    return [(m, u) for m, u in (await s.execute(stmt)).all()]


async def link(
    s: AsyncSession, club: Club, member_id: int, on: dt.date, by: int | None, now: dt.datetime
) -> bool:
    """Link a member; False if she already is."""
    if await s.get(ClubMember, (club.id, member_id)) is not None:
        return False
    s.add(ClubMember(club_id=club.id, member_id=member_id, linked_on=on, linked_by=by))
    await audit.record(s, now, by, "club_member_linked", "club", club.id, {"member_id": member_id})
    return True


async def linked(s: AsyncSession, club_id: int) -> list[int]:
    stmt = select(ClubMember.member_id).where(ClubMember.club_id == club_id)
    return sorted(int(m) for m in (await s.scalars(stmt)).all())


async def linked_counts(s: AsyncSession, club_ids: Iterable[int]) -> dict[int, int]:
    """Linked members who still count (not left, dead, moved away or erased), per club."""
    ids = list(club_ids)
    if not ids:
        return {}
    stmt = (
        select(ClubMember.club_id, func.count())
        .join(Member, Member.id == ClubMember.member_id)
        .where(ClubMember.club_id.in_(ids), Member.status.in_(COUNTED))
        .group_by(ClubMember.club_id)
    )
    return {int(c): int(n) for c, n in (await s.execute(stmt)).all()}


async def reached_under(s: AsyncSession, unit: OrgUnit) -> tuple[int, int]:
    """(distinct members linked to a club, women outside the register) under `unit`: a member
    in two clubs is one woman reached."""
    linked_stmt = (
        select(func.count(func.distinct(ClubMember.member_id)))
        .join(Club, Club.id == ClubMember.club_id)
        .join(OrgUnit, OrgUnit.id == Club.commune_id)
        .join(Member, Member.id == ClubMember.member_id)
        .where(
            OrgUnit.path.startswith(unit.path),
            Club.closed_on.is_(None),
            Member.status.in_(COUNTED),
        )
    )
    outside_stmt = (
        select(func.coalesce(func.sum(Club.outside_count), 0))
        .join(OrgUnit, OrgUnit.id == Club.commune_id)
        .where(OrgUnit.path.startswith(unit.path), Club.closed_on.is_(None))
    )
    return int(await s.scalar(linked_stmt) or 0), int(await s.scalar(outside_stmt) or 0)


async def set_outside(
    s: AsyncSession, club: Club, count: int, on: dt.date, by: int | None, now: dt.datetime
) -> int:
    """The club's women in no branch of the commune; the commune's club-only total (which the
    coverage numerator adds once, 004 §II.1.2 (1)) becomes the sum over its open clubs.
    Returns that total."""
    club.outside_count = count
    await s.flush()
    stmt = select(func.coalesce(func.sum(Club.outside_count), 0)).where(
        Club.commune_id == club.commune_id, Club.closed_on.is_(None)
    )
    total = int(await s.scalar(stmt) or 0)
    await unit_figures.set_aggregate(
        s, club.commune_id, AggregateKind.CLUB_ONLY, on, total, by, now
    )
    await audit.record(s, now, by, "club_outside_set", "club", club.id, {"count": count})
    return total


async def club_only_entered(s: AsyncSession, commune_id: int) -> int | None:
    """The club-only total entered by hand before any club counted its own (None: none)."""
    stmt = (
        select(UnitAggregate.count)
        .where(UnitAggregate.unit_id == commune_id, UnitAggregate.kind == AggregateKind.CLUB_ONLY)
        .order_by(UnitAggregate.as_of.desc())
        .limit(1)
    )
    got: int | None = await s.scalar(stmt)
    return got


async def add_meeting(
    s: AsyncSession,
    club: Club,
    held_on: dt.date,
    form: str,
    topic: str | None,
    present: int,
    by: int | None,
    now: dt.datetime,
) -> ClubMeeting:
    row = ClubMeeting(
        club_id=club.id,
        held_on=held_on,
        form=form,
        topic=topic,
        present_count=present,
        logged_by=by,
        logged_at=now,
    )
    s.add(row)
    await s.flush()
    await audit.record(s, now, by, "club_meeting_logged", "club", club.id, {"meeting": row.id})
    return row


async def meeting_days(
    s: AsyncSession, club_ids: Iterable[int], first: dt.date, last: dt.date
) -> dict[int, list[dt.date]]:
    ids = list(club_ids)
    out: dict[int, list[dt.date]] = defaultdict(list)
    if ids:
        stmt = (
            select(ClubMeeting.club_id, ClubMeeting.held_on)
            .where(ClubMeeting.club_id.in_(ids), ClubMeeting.held_on.between(first, last))
            .order_by(ClubMeeting.held_on)
        )
        for cid, day in (await s.execute(stmt)).all():
            out[int(cid)].append(day)
    return dict(out)


async def unlink_member(s: AsyncSession, member_id: int) -> int:
    """Her club links, removed when her data is erased (a link can reveal a disability club)."""
    result = await s.execute(delete(ClubMember).where(ClubMember.member_id == member_id))
    return int(getattr(result, "rowcount", 0) or 0)


async def open_clubs(s: AsyncSession) -> list[Club]:
    """Every open club, by commune then name (the sweep's quarterly club reminder)."""
    stmt = select(Club).where(Club.closed_on.is_(None)).order_by(Club.commune_id, Club.name)
    return list((await s.scalars(stmt)).all())


async def names_for_member(s: AsyncSession, member_id: int) -> list[str]:
    """The open clubs she is linked to, by name (her card)."""
    stmt = (
        select(Club.name)
        .join(ClubMember, ClubMember.club_id == Club.id)
        .where(ClubMember.member_id == member_id, Club.closed_on.is_(None))
        .order_by(Club.name)
    )
    return [str(n) for n in (await s.scalars(stmt)).all()]
