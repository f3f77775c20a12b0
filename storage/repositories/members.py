"""Member records and their events (joined, moved, migrated, left, died, corrected, erased)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import audiences
from bot.domain.calendar import RECORDS_BEGAN
from bot.domain.enums import EventKind, MemberStatus, Residence
from bot.domain.textkeys import fold, sort_key
from storage import crypto
from storage.crypto import SealedId, SealedPhone
from storage.models import Consent, Member, MemberEvent, OrgUnit

# Fields the erase request clears; birth year, non-sensitive categories, status and the
# event history stay so that counts and age-group statistics remain right.
SENSITIVE_CATEGORIES = audiences.SENSITIVE  # ethnicity, religion, disability (DOMAIN rule 9)


async def add_member(
    s: AsyncSession,
    branch_id: int,
    full_name: str,
    joined_on: dt.date | None,
    now: dt.datetime,
    *,
    joined_approx: bool = False,
    residence: Residence = Residence.PERMANENT,
    birth_date: dt.date | None = None,
    birth_year: int | None = None,
    birth_approx: bool = False,
    phone: SealedPhone | str | None = None,
    categories: Sequence[str] = (),
    is_core: bool = False,
    recorded_by: int | None = None,
    group_id: int | None = None,
    cccd: SealedId | str | None = None,
    ethnicity: str | None = None,
    religion: str | None = None,
    consents: Sequence[str] = (),
) -> Member:
    """Insert a member, her consents and her `joined` event (counts are taken from events).

    `joined_on` None: a member from before records began, whose event is dated RECORDS_BEGAN
    so that she counts as a member in every period and as new in none.
    `cccd` is the digits (sealed here) or an already sealed number from a dialog.
    """
    sealed = crypto.seal_id(cccd) if isinstance(cccd, str) else cccd
    tel = crypto.seal_phone(phone) if isinstance(phone, str) else phone
    member = Member(
        branch_id=branch_id,
        group_id=group_id,
        full_name=full_name,
        name_folded=fold(full_name),
        name_sort=sort_key(full_name),
        birth_date=None if birth_approx else birth_date,
        birth_year=birth_year or (birth_date.year if birth_date else None),
        birth_approx=birth_approx,
        gender="female",
        phone_enc=tel.blob if tel else None,
        phone_index=tel.index if tel else None,
        cccd_enc=sealed.blob if sealed else None,
        cccd_index=sealed.index if sealed else None,
        ethnicity=ethnicity,
        religion=religion,
        categories=sorted(categories),
        is_core=is_core,
        status=MemberStatus.ACTIVE,
        joined_on=joined_on,
        joined_approx=joined_approx and joined_on is not None,
        residence=residence,
        created_at=now,
    )
    s.add(member)
    await s.flush()
    for purpose in consents:
        await add_consent(s, member.id, purpose, now, recorded_by)
    await record_event(s, member, EventKind.JOINED, joined_day(joined_on), now, recorded_by)
    return member


def phone_of(member: Member) -> str | None:
    """Her phone in clear (it is sealed at rest); every reader goes through here."""
    return crypto.decrypt_phone(member.phone_enc) if member.phone_enc else None


def set_phone(member: Member, phone: SealedPhone | str | None) -> None:
    tel = crypto.seal_phone(phone) if isinstance(phone, str) else phone
    member.phone_enc = tel.blob if tel else None
    member.phone_index = tel.index if tel else None


async def with_phone(s: AsyncSession, phone: str, branch_id: int | None = None) -> list[int]:
    """Ids of members with this phone (blind index: nothing is decrypted), by id."""
    stmt = select(Member.id).where(Member.phone_index == crypto.phone_index(phone))
    if branch_id is not None:
        stmt = stmt.where(Member.branch_id == branch_id)
    return list((await s.scalars(stmt.order_by(Member.id))).all())


def joined_day(joined_on: dt.date | None) -> dt.date:
    """The day her `joined` event counts from."""
    return RECORDS_BEGAN if joined_on is None else joined_on


async def add_consent(
    s: AsyncSession, member_id: int, purpose: str, now: dt.datetime, by: int | None
) -> None:
    s.add(Consent(member_id=member_id, purpose=purpose, given_at=now, recorded_by=by))


async def consents_of(s: AsyncSession, member_id: int) -> list[Consent]:
    stmt = select(Consent).where(Consent.member_id == member_id).order_by(Consent.id)
    return list((await s.scalars(stmt)).all())


async def has_consent(s: AsyncSession, member_id: int, purpose: str) -> bool:
    stmt = select(Consent.id).where(
        Consent.member_id == member_id, Consent.purpose == purpose, Consent.withdrawn_at.is_(None)
    )
    return (await s.scalar(stmt.limit(1))) is not None


async def by_id(s: AsyncSession, member_id: int) -> Member | None:
    return await s.get(Member, member_id)


async def locked(s: AsyncSession, member_id: int) -> Member | None:
    """The member as she is now, her row locked until the transaction ends (PostgreSQL;
    SQLite's write transaction already holds the whole database), so a move committed by
    someone else cannot slip between a scope check and the save."""
    stmt = select(Member).where(Member.id == member_id).execution_options(populate_existing=True)
    if s.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return (await s.scalars(stmt)).first()


async def branch_holding_id(
    s: AsyncSession, index: str, except_member: int | None = None
) -> OrgUnit | None:
    """The branch of the member with this blind index, if any (nationwide, no decryption)."""
    stmt = (
        select(OrgUnit)
        .join(Member, Member.branch_id == OrgUnit.id)
        .where(Member.cccd_index == index)
    )
    if except_member is not None:
        stmt = stmt.where(Member.id != except_member)
    return (await s.scalars(stmt.limit(1))).first()


async def branches_holding_ids(s: AsyncSession, indexes: Iterable[str]) -> dict[str, str]:
    """Blind index -> branch name, for many numbers at once (spreadsheet import)."""
    wanted = list(set(indexes))
    found: dict[str, str] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        stmt = (
            select(Member.cccd_index, OrgUnit.name)
            .join(OrgUnit, OrgUnit.id == Member.branch_id)
            .where(Member.cccd_index.in_(chunk))
        )
        found.update({str(i): n for i, n in (await s.execute(stmt)).all()})
    return found


def _same_birth(birth: dt.date, approx: bool) -> Any:
    if approx:
        return Member.birth_year == birth.year
    return or_(
        Member.birth_date == birth,
        and_(Member.birth_approx.is_(True), Member.birth_year == birth.year),
    )


async def same_name_and_birth(
    s: AsyncSession, branch_id: int, full_name: str, birth: dt.date, approx: bool
) -> Member | None:
    """A member of the branch with the same folded name and birth date (or year, if approximate)."""
    stmt = select(Member).where(
        Member.branch_id == branch_id,
        Member.name_folded == fold(full_name),
        Member.erased_at.is_(None),
        _same_birth(birth, approx),
    )
    return (await s.scalars(stmt.order_by(Member.id).limit(1))).first()


async def birth_keys(
    s: AsyncSession, branch_id: int
) -> list[tuple[str, dt.date | None, int | None, bool]]:
    """(folded name, birth date, birth year, year only?) of a branch's members, for imports."""
    stmt = select(
        Member.name_folded, Member.birth_date, Member.birth_year, Member.birth_approx
    ).where(Member.branch_id == branch_id, Member.erased_at.is_(None))
    return [(n, d, y, bool(a)) for n, d, y, a in (await s.execute(stmt)).all()]


def _matches(text: str) -> list[Any]:
    return [Member.name_folded.contains(w, autoescape=True) for w in fold(text).split()]


async def search(
    s: AsyncSession, branch_id: int, text: str, offset: int = 0, limit: int = 8
) -> tuple[list[Member], int]:
    """Members of a branch whose name holds every word typed, accents ignored, by name order."""
    where = [Member.branch_id == branch_id, Member.erased_at.is_(None), *_matches(text)]
    total = int(await s.scalar(select(func.count(Member.id)).where(*where)) or 0)
    stmt = select(Member).where(*where).order_by(Member.name_sort, Member.id)
    rows = list((await s.scalars(stmt.offset(offset).limit(limit))).all())
    return rows, total


async def record_event(
    s: AsyncSession,
    member: Member,
    kind: EventKind,
    on: dt.date,
    now: dt.datetime,
    by: int | None,
    *,
    unit_id: int | None = None,
    other_unit_id: int | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    s.add(
        MemberEvent(
            member_id=member.id,
            kind=kind,
            occurred_on=on,
            unit_id=unit_id or member.branch_id,
            other_unit_id=other_unit_id,
            detail=detail or {},
            recorded_by=by,
            recorded_at=now,
        )
    )


async def events_of(s: AsyncSession, member_id: int) -> list[MemberEvent]:
    stmt = (
        select(MemberEvent)
        .where(MemberEvent.member_id == member_id)
        .order_by(MemberEvent.occurred_on, MemberEvent.id)
    )
    return list((await s.scalars(stmt)).all())


async def last_event_on(s: AsyncSession, member_id: int) -> dt.date | None:
    stmt = select(func.max(MemberEvent.occurred_on)).where(
        MemberEvent.member_id == member_id, MemberEvent.kind != EventKind.CORRECTED
    )
    day: dt.date | None = await s.scalar(stmt)
    return day


async def move(
    s: AsyncSession, member: Member, to_branch: int, on: dt.date, now: dt.datetime, by: int | None
) -> None:
    """Out of her branch and into another: both branches' counts follow from the two events."""
    old = member.branch_id
    await record_event(
        s, member, EventKind.MOVED_OUT, on, now, by, unit_id=old, other_unit_id=to_branch
    )
    await record_event(
        s, member, EventKind.MOVED_IN, on, now, by, unit_id=to_branch, other_unit_id=old
    )
    member.branch_id = to_branch
    member.group_id = None


# A status change and the event that records it; migrating keeps her counted (DOMAIN rule 8).
STATUS_EVENTS: dict[EventKind, MemberStatus] = {
    EventKind.MIGRATED: MemberStatus.MIGRANT,
    EventKind.RETURNED: MemberStatus.ACTIVE,
    EventKind.LEFT: MemberStatus.LEFT,
    EventKind.DIED: MemberStatus.DIED,
}


async def change_status(
    s: AsyncSession, member: Member, kind: EventKind, on: dt.date, now: dt.datetime, by: int | None
) -> None:
    await record_event(s, member, kind, on, now, by)
    member.status = STATUS_EVENTS[kind]


async def correct(
    s: AsyncSession,
    member: Member,
    changes: dict[str, Any],
    on: dt.date,
    now: dt.datetime,
    by: int | None,
) -> list[str]:
    """Apply changed fields and record a CORRECTED event naming the fields (never the values)."""
    changed: list[str] = []
    for name, value in changes.items():
        if name == "full_name":
            member.full_name = value
            member.name_folded = fold(value)
            member.name_sort = sort_key(value)
        elif name == "birth":
            day, approx = value
            member.birth_date = None if approx else day
            member.birth_year = day.year
            member.birth_approx = approx
        elif name == "cccd":
            sealed = crypto.seal_id(value) if isinstance(value, str) else value
            member.cccd_enc = sealed.blob if sealed else None
            member.cccd_index = sealed.index if sealed else None
        elif name == "categories":
            member.categories = sorted(value)
        elif name == "phone":
            set_phone(member, value)
        elif name in ("is_core", "ethnicity", "religion"):
            setattr(member, name, value)
        else:
            raise ValueError(f"unknown member field {name}")
        changed.append(name)
    if changed:
        detail = {"fields": sorted(changed)}
        await record_event(s, member, EventKind.CORRECTED, on, now, by, detail=detail)
    return changed


async def erase(
    s: AsyncSession, member: Member, on: dt.date, now: dt.datetime, by: int | None
) -> None:
    """Remove her personal fields; keep the events and the anonymous counts."""
    member.full_name = None
    member.name_folded = ""
    member.name_sort = ""
    member.birth_date = None
    set_phone(member, None)
    member.cccd_enc = None
    member.cccd_index = None
    member.ethnicity = None
    member.religion = None
    member.categories = [c for c in member.categories if c not in SENSITIVE_CATEGORIES]
    member.erased_at = now
    for consent in await consents_of(s, member.id):
        if consent.withdrawn_at is None:
            consent.withdrawn_at = now
    await record_event(s, member, EventKind.ERASED, on, now, by)


async def in_subtree(s: AsyncSession, unit: OrgUnit) -> list[tuple[Member, OrgUnit]]:
    """Every member (not erased) of every branch under `unit`, by branch then name."""
    stmt = (
        select(Member, OrgUnit)
        .join(OrgUnit, OrgUnit.id == Member.branch_id)
        .where(OrgUnit.path.startswith(unit.path), Member.erased_at.is_(None))
        .order_by(OrgUnit.path, Member.name_sort, Member.id)
    )
    return [(m, u) for m, u in (await s.execute(stmt)).all()]


async def names_in(s: AsyncSession, branch_ids: list[int], text: str, limit: int = 50) -> list[str]:
    """Full names of members of these branches holding every word typed, accents ignored
    (to offer the accented spelling of a name typed without accents)."""
    where = [Member.branch_id.in_(branch_ids), Member.erased_at.is_(None), *_matches(text)]
    stmt = select(Member.full_name).where(*where).limit(limit)
    return [n for n in (await s.scalars(stmt)).all() if n]
