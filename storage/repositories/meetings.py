"""Branch meetings and attendance: logging, edits that keep the original, quarterly facts."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import Quarter
from bot.domain.enums import MeetingForm, MeetingKind, RoleKind
from bot.domain.pii import is_personal
from bot.domain.textkeys import fold
from storage.models import Attendance, Meeting, Member, MemberEvent, OrgUnit, Person, Role
from storage.repositories import name_marks
from storage.repositories.member_counts import delta

# Topics offered as choices are taken from this many recent meetings of the commune.
_TOPIC_SAMPLE = 400


@dataclass(frozen=True, slots=True)
class QuarterFacts:
    """What rules 1 and 3 ask of one unit in one quarter."""

    regular_held: bool
    leader_attended: bool
    meetings: int


def _current() -> ColumnElement[bool]:
    # An edited meeting stays as history; only the newest version counts.
    return Meeting.superseded_by.is_(None)


def regular_meeting_in(
    first: dt.date | ColumnElement[dt.date], last: dt.date | ColumnElement[dt.date]
) -> ColumnElement[bool]:
    """The meeting row is a current regular meeting held between the days (inclusive): what
    DOMAIN rule 1 asks of a branch or group each quarter. Dates or bound parameters.

    The form does not matter: a regular meeting held through a Zalo or Facebook group (an
    indirect form, 000 §III.2.3) counts as one held in a hall."""
    return and_(
        Meeting.kind == MeetingKind.REGULAR, _current(), Meeting.held_on.between(first, last)
    )


async def add_meeting(
    s: AsyncSession,
    *,
    unit_id: int,
    held_on: dt.date,
    kind: MeetingKind,
    present_count: int,
    now: dt.datetime,
    form: MeetingForm = MeetingForm.DIRECT,
    topic: str | None = None,
    leader_present: bool = False,
    leader_id: int | None = None,
    note: str | None = None,
    logged_by: int | None = None,
    source_update: str | None = None,
    present_ids: Sequence[int] = (),
    absent_ids: Sequence[int] = (),
) -> Meeting:
    """Insert a meeting; with a tick-list, also one attendance row per member.

    A named leader implies `leader_present`, so the two never disagree."""
    meeting = Meeting(
        unit_id=unit_id,
        held_on=held_on,
        kind=kind,
        form=form,
        topic=topic or None,
        present_count=present_count,
        leader_present=leader_present or leader_id is not None,
        leader_id=leader_id,
        note=note or None,
        logged_by=logged_by,
        logged_at=now,
        source_update=source_update,
    )
    s.add(meeting)
    await s.flush()
    for member_id in present_ids:
        s.add(Attendance(meeting_id=meeting.id, member_id=member_id, present=True))
    for member_id in absent_ids:
        s.add(Attendance(meeting_id=meeting.id, member_id=member_id, present=False))
    await s.flush()
    return meeting


async def supersede(s: AsyncSession, old: Meeting, new: Meeting) -> None:
    """Point the original at its correction; the original row is never changed otherwise."""
    old.superseded_by = new.id
    await s.flush()


async def get(s: AsyncSession, meeting_id: int) -> Meeting | None:
    return await s.get(Meeting, meeting_id)


async def on_day(s: AsyncSession, unit_id: int, day: dt.date) -> list[Meeting]:
    """Current meetings of a unit on one day."""
    stmt = select(Meeting).where(Meeting.unit_id == unit_id, Meeting.held_on == day, _current())
    return list((await s.scalars(stmt.order_by(Meeting.id))).all())


async def meeting_days(
    s: AsyncSession,
    unit_ids: Sequence[int],
    first: dt.date,
    last: dt.date,
    except_id: int | None = None,
) -> set[tuple[int, dt.date]]:
    """(unit, day) pairs with a current meeting between two days, leaving out one meeting."""
    if not unit_ids:
        return set()
    stmt = select(Meeting.unit_id, Meeting.held_on).where(
        Meeting.unit_id.in_(unit_ids), Meeting.held_on.between(first, last), _current()
    )
    if except_id is not None:
        stmt = stmt.where(Meeting.id != except_id)
    return {(u, d) for u, d in (await s.execute(stmt)).all()}


async def recent(
    s: AsyncSession, unit_ids: Sequence[int], limit: int, offset: int = 0
) -> list[Meeting]:
    """Current meetings of the units (a branch and its tổ), newest first."""
    stmt = (
        select(Meeting)
        .where(Meeting.unit_id.in_(list(unit_ids)), _current())
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return list((await s.scalars(stmt)).all())


async def count_current(s: AsyncSession, unit_ids: Sequence[int]) -> int:
    stmt = select(func.count(Meeting.id)).where(Meeting.unit_id.in_(list(unit_ids)), _current())
    return int(await s.scalar(stmt) or 0)


async def held_regular_meeting(s: AsyncSession, unit_id: int, q: Quarter) -> bool:
    """True if the unit held a regular meeting in q (DOMAIN rule 1)."""
    return unit_id in await held_regular(s, q, [unit_id])


async def quarter_facts(
    s: AsyncSession, unit_ids: Sequence[int], quarters: Sequence[Quarter]
) -> dict[tuple[int, Quarter], QuarterFacts]:
    """Regular meeting held / commune leader attended, per unit and quarter, in one query."""
    out = {(u, q): QuarterFacts(False, False, 0) for u in unit_ids for q in quarters}
    if not unit_ids or not quarters:
        return out
    first = min(q.first_day for q in quarters)
    last = max(q.last_day for q in quarters)
    flags = []
    for q in quarters:
        in_q = Meeting.held_on.between(q.first_day, q.last_day)
        flags += [
            func.max(case((regular_meeting_in(q.first_day, q.last_day), 1), else_=0)),
            func.max(case((and_(in_q, Meeting.leader_present), 1), else_=0)),
            func.sum(case((in_q, 1), else_=0)),
        ]
    stmt = (
        select(Meeting.unit_id, *flags)
        .where(Meeting.unit_id.in_(unit_ids), Meeting.held_on.between(first, last), _current())
        .group_by(Meeting.unit_id)
    )
    for unit_id, *row in (await s.execute(stmt)).all():
        for i, q in enumerate(quarters):
            regular, leader, count = row[3 * i : 3 * i + 3]
            out[(unit_id, q)] = QuarterFacts(bool(regular), bool(leader), int(count or 0))
    return out


async def top_topics(s: AsyncSession, unit: OrgUnit, limit: int = 5) -> list[str]:
    """The most used topics of recent meetings under `unit` (the commune), most used first.

    A topic naming a member or holding an ID or phone number is never offered: it was typed
    in one branch and would be shown to every branch, and posted to their group chats."""
    stmt = (
        select(Meeting.topic)
        .join(OrgUnit, OrgUnit.id == Meeting.unit_id)
        .where(OrgUnit.path.startswith(unit.path), Meeting.topic.is_not(None), _current())
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(_TOPIC_SAMPLE)
    )
    marks = await name_marks.of_commune(s, unit)
    counts: Counter[str] = Counter()
    spelling: dict[str, str] = {}
    order: dict[str, int] = {}
    for i, topic in enumerate((await s.scalars(stmt)).all()):
        if not topic or not topic.strip() or is_personal(topic, marks):
            continue
        key = fold(topic)
        counts[key] += 1
        spelling.setdefault(key, topic.strip())  # the newest spelling wins
        order.setdefault(key, i)
    ranked = sorted(counts, key=lambda k: (-counts[k], order[k]))
    return [spelling[k] for k in ranked[:limit]]


async def attendance(s: AsyncSession, meeting_id: int) -> tuple[list[int], list[int]]:
    """(present, absent) member ids of a tick-list meeting; both empty for a head count."""
    stmt = select(Attendance.member_id, Attendance.present).where(
        Attendance.meeting_id == meeting_id
    )
    present: list[int] = []
    absent: list[int] = []
    for member_id, here in (await s.execute(stmt)).all():
        (present if here else absent).append(member_id)
    return sorted(present), sorted(absent)


async def roster_on(
    s: AsyncSession, unit_id: int, day: dt.date, group_id: int | None = None
) -> list[tuple[int, str]]:
    """(member id, name) of the branch's members at the end of `day`, in Vietnamese name
    order; with `group_id`, only those of that tổ (as `unit_figures.entered_on` counts them).

    Membership comes from events, as `member_counts.members_on` counts it; a member who
    joined after `day` is not listed.
    """
    net = (
        select(MemberEvent.member_id.label("mid"))
        .where(MemberEvent.unit_id == unit_id, MemberEvent.occurred_on <= day)
        .group_by(MemberEvent.member_id)
        .having(func.sum(delta()) > 0)
        .subquery()
    )
    stmt = (
        select(Member.id, Member.full_name)
        .join(net, net.c.mid == Member.id)
        .order_by(Member.name_sort, Member.id)
    )
    if group_id is not None:
        stmt = stmt.where(Member.group_id == group_id)
    return [(mid, name or "") for mid, name in (await s.execute(stmt)).all()]


async def member_names(s: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    wanted = list(ids)
    if not wanted:
        return {}
    stmt = select(Member.id, Member.full_name).where(Member.id.in_(wanted))
    return {mid: name or "" for mid, name in (await s.execute(stmt)).all()}


async def first_logged_at(s: AsyncSession, meeting: Meeting) -> dt.datetime:
    """When the original of an edited meeting was logged (the edit window starts there)."""
    current = meeting
    for _hop in range(100):  # an edit chain is short; the bound only guards against a cycle
        stmt = select(Meeting).where(Meeting.superseded_by == current.id)
        before = (await s.scalars(stmt)).first()
        if before is None:
            break
        current = before
    return current.logged_at


async def held_regular(
    s: AsyncSession, q: Quarter, units: Collection[int] | None = None
) -> set[int]:
    """Units with a regular meeting held in `q` (edited meetings count once, as edited)."""
    stmt = select(Meeting.unit_id).distinct().where(regular_meeting_in(q.first_day, q.last_day))
    if units is not None:
        stmt = stmt.where(Meeting.unit_id.in_(list(units)))
    return set((await s.scalars(stmt)).all())


async def leader_visited(s: AsyncSession, q: Quarter) -> set[int]:
    """Units whose meeting in `q` the commune leader attended."""
    stmt = (
        select(Meeting.unit_id)
        .distinct()
        .where(
            Meeting.leader_present.is_(True),
            Meeting.superseded_by.is_(None),
            Meeting.held_on.between(q.first_day, q.last_day),
        )
    )
    return set((await s.scalars(stmt)).all())


LEADER_ROLES = (RoleKind.COMMUNE_CHAIR, RoleKind.COMMUNE_OFFICER)


async def commune_leaders(s: AsyncSession, commune_id: int) -> list[tuple[int, str]]:
    """(person id, name) of the commune's chair first, then its vice chairs and officers."""
    first = case((Role.kind == RoleKind.COMMUNE_CHAIR, 0), else_=1)
    stmt = (
        select(Person.id, Person.display_name, func.min(first))
        .join(Role, Role.person_id == Person.id)
        .where(Role.unit_id == commune_id, Role.kind.in_(LEADER_ROLES))
        .group_by(Person.id, Person.display_name)
        .order_by(func.min(first), Person.display_name, Person.id)
    )
    return [(pid, name) for pid, name, _rank in (await s.execute(stmt)).all()]


async def leaders_at(s: AsyncSession, unit_ids: Sequence[int], q: Quarter) -> dict[int, list[str]]:
    """Per unit: names of the commune leaders recorded at its current meetings in `q`."""
    if not unit_ids:
        return {}
    stmt = (
        select(Meeting.unit_id, Person.display_name)
        .distinct()
        .join(Person, Person.id == Meeting.leader_id)
        .where(
            Meeting.unit_id.in_(list(unit_ids)),
            _current(),
            Meeting.held_on.between(q.first_day, q.last_day),
        )
        .order_by(Meeting.unit_id, Person.display_name)
    )
    out: dict[int, list[str]] = {}
    for uid, name in (await s.execute(stmt)).all():
        out.setdefault(uid, []).append(name)
    return out


async def person_names(s: AsyncSession, ids: Iterable[int]) -> dict[int, str]:
    wanted = list(ids)
    if not wanted:
        return {}
    stmt = select(Person.id, Person.display_name).where(Person.id.in_(wanted))
    return {pid: name for pid, name in (await s.execute(stmt)).all()}
