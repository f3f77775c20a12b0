"""Meeting and group-link queries on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

from bot.domain.calendar import Quarter
from bot.domain.enums import EventKind, MeetingKind
from storage.db import transaction
from storage.models import MemberEvent
from storage.repositories import groups, meetings, member_counts, members, org
from tests.support.chat_fixtures import World

NOW = dt.datetime(2026, 4, 2, 2, 0, tzinfo=dt.UTC)


async def test_members_are_counted_as_of_the_meeting_day(db_world: World) -> None:
    async with transaction(db_world.maker) as s:
        unit = await org.by_code(s, "TH-QP-01")
        assert unit is not None
        before = await member_counts.members_on(s, unit.id, dt.date(2026, 3, 10))
        late = await members.add_member(s, unit.id, "Lò Thị Muộn", dt.date(2026, 3, 15), NOW)
        gone = (await meetings.roster_on(s, unit.id, dt.date(2026, 3, 10)))[0][0]
        s.add(
            MemberEvent(
                member_id=gone,
                kind=EventKind.LEFT,
                occurred_on=dt.date(2026, 3, 12),
                unit_id=unit.id,
                detail={},
                recorded_at=NOW,
            )
        )
        await s.flush()
        on_meeting_day = await meetings.roster_on(s, unit.id, dt.date(2026, 3, 10))
        assert (
            len(on_meeting_day)
            == before
            == await member_counts.members_on(s, unit.id, dt.date(2026, 3, 10))
        )
        assert late.id not in {mid for mid, _n in on_meeting_day}
        later = {mid for mid, _n in await meetings.roster_on(s, unit.id, dt.date(2026, 3, 20))}
        assert late.id in later and gone not in later
        assert len(later) == await member_counts.members_on(s, unit.id, dt.date(2026, 3, 20))


async def test_quarter_facts_split_at_the_quarter_and_ignore_replaced_rows(db_world: World) -> None:
    async with transaction(db_world.maker) as s:
        unit = await org.by_code(s, "TH-QP-02")
        assert unit is not None
        march = await meetings.add_meeting(
            s,
            unit_id=unit.id,
            held_on=dt.date(2026, 3, 31),
            kind=MeetingKind.REGULAR,
            present_count=9,
            now=NOW,
        )
        april = await meetings.add_meeting(
            s,
            unit_id=unit.id,
            held_on=dt.date(2026, 4, 1),
            kind=MeetingKind.THEMED,
            present_count=9,
            now=NOW,
            leader_present=True,
        )
        q1, q2 = Quarter(2026, 1), Quarter(2026, 2)
        facts = await meetings.quarter_facts(s, [unit.id], [q1, q2])
        assert (facts[(unit.id, q1)].regular_held, facts[(unit.id, q1)].leader_attended) == (
            True,
            False,
        )
        assert (facts[(unit.id, q2)].regular_held, facts[(unit.id, q2)].leader_attended) == (
            False,
            True,
        )
        # Correcting the March meeting to a themed one leaves Q1 without a regular meeting.
        fixed = await meetings.add_meeting(
            s,
            unit_id=unit.id,
            held_on=dt.date(2026, 3, 31),
            kind=MeetingKind.THEMED,
            present_count=9,
            now=NOW + dt.timedelta(days=2),
        )
        await meetings.supersede(s, march, fixed)
        assert not await meetings.held_regular_meeting(s, unit.id, q1)
        assert await meetings.count_current(s, [unit.id]) == 2
        assert [m.id for m in await meetings.recent(s, [unit.id], 5)] == [april.id, fixed.id]
        assert await meetings.first_logged_at(s, fixed) == NOW
        days = await meetings.meeting_days(s, [unit.id], dt.date(2026, 3, 1), dt.date(2026, 4, 30))
        assert days == {(unit.id, dt.date(2026, 3, 31)), (unit.id, dt.date(2026, 4, 1))}
        assert (
            await meetings.meeting_days(
                s, [unit.id], dt.date(2026, 4, 1), dt.date(2026, 4, 1), except_id=april.id
            )
            == set()
        )


async def test_top_topics_of_the_commune(db_world: World) -> None:
    async with transaction(db_world.maker) as s:
        commune = await org.by_code(s, "TH-QP")
        other = await org.by_code(s, "TH-HT-01")
        assert commune is not None and other is not None
        branches = await org.children(s, commune.id)
        topics = [
            "An toàn giao thông",
            "an toan giao thong",
            "Nuôi con khỏe",
            "Nuôi con khỏe",
            "Phòng chống bạo lực gia đình",
            "Sức khỏe sinh sản",
            "Tiết kiệm",
            "Tiết kiệm",
            "Tiết kiệm",
            "Kỹ năng số",
        ]
        for i, topic in enumerate(topics):
            await meetings.add_meeting(
                s,
                unit_id=branches[i % 3].id,
                held_on=dt.date(2026, 1, 1) + dt.timedelta(days=i),
                kind=MeetingKind.THEMED,
                present_count=5,
                now=NOW,
                topic=topic,
            )
        await meetings.add_meeting(  # another commune's topics are not offered
            s,
            unit_id=other.id,
            held_on=dt.date(2026, 2, 1),
            kind=MeetingKind.THEMED,
            present_count=5,
            now=NOW,
            topic="Chợ phiên",
        )
        top = await meetings.top_topics(s, commune)
    assert top[:3] == ["Tiết kiệm", "Nuôi con khỏe", "an toan giao thong"]
    assert len(top) == 5 and "Chợ phiên" not in top


async def test_group_links_and_codes(db_world: World) -> None:
    async with transaction(db_world.maker) as s:
        a = await org.by_code(s, "TH-QP-01")
        b = await org.by_code(s, "TH-QP-02")
        assert a is not None and b is not None
        code = await groups.create_link_code(s, a.id, 1, NOW, dt.timedelta(hours=24))
        assert await groups.take_link_code(s, code.lower(), NOW) is not None
        assert await groups.take_link_code(s, code, NOW + dt.timedelta(hours=25)) is None
        await groups.link(s, a.id, "telegram", "b1", "-100", 1, NOW)
        await groups.link(s, b.id, "telegram", "b1", "-100", 1, NOW)  # relinking moves it
        assert await groups.groups_of(s, a.id) == []
        assert [g.chat_id for g in await groups.groups_of(s, b.id)] == ["-100"]
        assert await groups.unlink(s, "telegram", "b1", "-100")
        assert await groups.find(s, "telegram", "b1", "-100") is None
