"""Members working far away (DOMAIN rule 8): where, since when, a sealed contact, dues, family
visits, the 12-month review; and women a receiving commune records as temporary residents."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import EventKind, MemberStatus
from bot.domain.textkeys import fold
from storage import crypto
from storage.crypto import SealedPhone
from storage.models import FamilyVisit, IncomingWoman, Member, MemberEvent, MigrantInfo, OrgUnit
from storage.repositories import audit
from storage.repositories.members import record_event


@dataclass(frozen=True)
class Away:
    """One member working far away, as a branch or commune sees her."""

    member_id: int
    name: str
    branch: str
    destination: str | None
    since: dt.date | None
    pays_dues: bool | None
    last_visit: dt.date | None


async def left_on(s: AsyncSession, member_id: int) -> dt.date | None:
    """The day of her latest "went to work far away" event."""
    stmt = select(func.max(MemberEvent.occurred_on)).where(
        MemberEvent.member_id == member_id, MemberEvent.kind == EventKind.MIGRATED
    )
    day: dt.date | None = await s.scalar(stmt)
    return day


async def info(s: AsyncSession, member_id: int) -> MigrantInfo | None:
    return await s.get(MigrantInfo, member_id)


async def save_info(
    s: AsyncSession,
    member_id: int,
    destination: str,
    since: dt.date,
    contact: SealedPhone | None,
    pays_dues: bool,
    by: int | None,
    now: dt.datetime,
) -> MigrantInfo:
    row = await s.get(MigrantInfo, member_id)
    if row is None:
        row = MigrantInfo(member_id=member_id)
        s.add(row)
    row.destination = destination
    row.destination_folded = fold(destination)
    row.since = since
    row.contact_enc = contact.blob if contact else None
    row.contact_index = contact.index if contact else None
    row.pays_dues = pays_dues
    row.updated_by = by
    row.updated_at = now
    await audit.record(s, now, by, "migrant_recorded", "member", member_id)
    return row


def contact_of(row: MigrantInfo) -> str | None:
    return crypto.decrypt_phone(row.contact_enc) if row.contact_enc else None


async def add_visit(
    s: AsyncSession, member_id: int, on: dt.date, by: int | None, now: dt.datetime
) -> None:
    s.add(FamilyVisit(member_id=member_id, visited_on=on, recorded_by=by, recorded_at=now))
    await audit.record(s, now, by, "family_visited", "member", member_id, {"on": on.isoformat()})


async def visits_of(s: AsyncSession, member_id: int) -> list[dt.date]:
    stmt = (
        select(FamilyVisit.visited_on)
        .where(FamilyVisit.member_id == member_id)
        .order_by(FamilyVisit.visited_on)
    )
    return list((await s.scalars(stmt)).all())


async def away_under(s: AsyncSession, unit: OrgUnit) -> list[Away]:
    """Members working far away in every branch under `unit`, by destination then name."""
    stmt = (
        select(Member, OrgUnit.name, MigrantInfo)
        .join(OrgUnit, OrgUnit.id == Member.branch_id)
        .outerjoin(MigrantInfo, MigrantInfo.member_id == Member.id)
        .where(
            OrgUnit.path.startswith(unit.path),
            Member.status == MemberStatus.MIGRANT,
            Member.erased_at.is_(None),
        )
        .order_by(MigrantInfo.destination_folded, Member.name_sort, Member.id)
    )
    rows = (await s.execute(stmt)).all()
    visits = await last_visits(s, [m.id for m, _b, _i in rows])
    return [
        Away(
            m.id,
            m.full_name or "",
            str(branch),
            i.destination if i else None,
            i.since if i else None,
            i.pays_dues if i else None,
            visits.get(m.id),
        )
        for m, branch, i in rows
    ]


async def last_visits(s: AsyncSession, member_ids: Iterable[int]) -> dict[int, dt.date]:
    ids = list(member_ids)
    if not ids:
        return {}
    stmt = (
        select(FamilyVisit.member_id, func.max(FamilyVisit.visited_on))
        .where(FamilyVisit.member_id.in_(ids))
        .group_by(FamilyVisit.member_id)
    )
    return {int(m): d for m, d in (await s.execute(stmt)).all()}


def by_destination(rows: Iterable[Away]) -> list[tuple[str | None, int, int]]:
    """(destination, members, of whom still paying dues), most members first; None: not yet
    recorded. Places are grouped accent- and case-blind ("binh duong" = "Bình Dương")."""
    groups: dict[str, list[Away]] = defaultdict(list)
    for a in rows:
        groups[fold(a.destination) if a.destination else ""].append(a)
    out = [
        (g[0].destination if key else None, len(g), sum(1 for a in g if a.pays_dues))
        for key, g in groups.items()
    ]
    return sorted(out, key=lambda t: (t[0] is None, -t[1], fold(t[0] or "")))


async def due_for_review(
    s: AsyncSession, branch_id: int, away_by: dt.date
) -> list[tuple[int, str, dt.date]]:
    """(id, name, since) of the branch's members working far away since `away_by` or earlier
    and not confirmed "still registered here" since then (004 §II.1.2 footnote 1)."""
    stmt = (
        select(Member.id, Member.full_name, MigrantInfo.since, MigrantInfo.kept_on)
        .join(MigrantInfo, MigrantInfo.member_id == Member.id)
        .where(
            Member.branch_id == branch_id,
            Member.status == MemberStatus.MIGRANT,
            Member.full_name.is_not(None),
            MigrantInfo.since <= away_by,
        )
        .order_by(MigrantInfo.since, Member.id)
    )
    return [
        (int(i), str(n), since)
        for i, n, since, kept in (await s.execute(stmt)).all()
        if kept is None or kept <= away_by
    ]


async def review_answer(
    s: AsyncSession, member_id: int, answer: str, on: dt.date, now: dt.datetime, by: int | None
) -> bool:
    """The 12-month question answered: "keep" (still registered here), "moved" (she leaves
    the branch's count) or "back" (she returned). False if she is no longer away."""
    member = await s.get(Member, member_id)
    row = await s.get(MigrantInfo, member_id)
    if member is None or row is None or member.status != MemberStatus.MIGRANT:
        return False
    if answer == "keep":
        row.kept_on = on
    elif answer == "moved":
        await record_event(
            s, member, EventKind.MOVED_OUT, on, now, by, detail={"reason": "residence"}
        )
        member.status = MemberStatus.MOVED_AWAY
    elif answer == "back":
        await record_event(s, member, EventKind.RETURNED, on, now, by)
        member.status = MemberStatus.ACTIVE
    else:
        return False
    return True


async def erase(s: AsyncSession, member_id: int) -> None:
    """Her destination and contact go with the rest of her data; visit days stay (no
    personal value, they keep the branch's visit counts)."""
    row = await s.get(MigrantInfo, member_id)
    if row is not None:
        await s.execute(delete(MigrantInfo).where(MigrantInfo.member_id == member_id))


async def add_incoming(
    s: AsyncSession,
    commune_id: int,
    name: str,
    home_place: str | None,
    since: dt.date,
    phone: SealedPhone | None,
    share_home: bool,
    club_id: int | None,
    by: int | None,
    now: dt.datetime,
) -> IncomingWoman:
    row = IncomingWoman(
        commune_id=commune_id,
        full_name=name,
        home_place=home_place,
        since=since,
        phone_enc=phone.blob if phone else None,
        phone_index=phone.index if phone else None,
        share_home=share_home,
        club_id=club_id,
        recorded_by=by,
        recorded_at=now,
    )
    s.add(row)
    await s.flush()
    detail = {"commune_id": commune_id, "club_id": club_id, "share_home": share_home}
    await audit.record(s, now, by, "incoming_recorded", "incoming_woman", row.id, detail)
    return row


async def incoming_of(s: AsyncSession, commune_ids: Iterable[int]) -> list[IncomingWoman]:
    ids = list(commune_ids)
    if not ids:
        return []
    stmt = (
        select(IncomingWoman)
        .where(IncomingWoman.commune_id.in_(ids), IncomingWoman.erased_at.is_(None))
        .order_by(IncomingWoman.since, IncomingWoman.id)
    )
    return list((await s.scalars(stmt)).all())


async def erase_incoming(s: AsyncSession, row_id: int, now: dt.datetime) -> bool:
    row = await s.get(IncomingWoman, row_id)
    if row is None:
        return False
    row.full_name = None
    row.home_place = None
    row.phone_enc = None
    row.phone_index = None
    row.erased_at = now
    await audit.record(s, now, None, "privacy_erase", "incoming_woman", row.id, {"via": "cli"})
    return True
