"""The members a rate is taken of (rate_base), tổ membership, the meeting form and the named
leader, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.domain.calendar import Quarter
from bot.domain.enums import Level, MeetingForm, MeetingKind, RoleKind
from storage.db import transaction
from storage.models import Member, Person, Role
from storage.repositories import meetings, member_counts, members, org, unit_figures
from tests.support.chat_fixtures import World

NOW = dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)
D = dt.date


async def test_rate_base_is_the_register_total_until_the_roster_reaches_it(
    db_world: World,
) -> None:
    async with transaction(db_world.maker) as s:
        unit = await org.by_code(s, "TH-QP-01")
        assert unit is not None
        entered = await member_counts.members_on(s, unit.id, D(2026, 3, 20))
        assert entered == 10
        assert await unit_figures.rate_base(s, unit.id, D(2026, 3, 20)) == 10  # nothing stated
        await unit_figures.state_total(s, unit.id, D(2026, 3, 10), 12, None, NOW)
        await s.flush()
        base = await unit_figures.roster_base(s, unit.id, D(2026, 3, 20))
        assert (base.entered, base.stated, base.base, base.incomplete) == (10, 12, 12, True)
        # A day before any total was stated takes the first one stated after it.
        assert await unit_figures.rate_base(s, unit.id, D(2026, 3, 1)) == 12
        for i in range(3):  # the roster grows past the register: the total retires itself
            await members.add_member(s, unit.id, f"Lò Thị Thêm{i}", D(2026, 3, 15), NOW)
        base = await unit_figures.roster_base(s, unit.id, D(2026, 3, 20))
        assert (base.base, base.incomplete) == (13, False)
        assert await unit_figures.rate_base(s, unit.id, D(2026, 3, 14)) == 12


async def test_a_tổ_counts_the_branch_members_that_name_it(db_world: World) -> None:
    async with transaction(db_world.maker) as s:
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        group = await org.add_unit(s, "TH-QP-01-T1", "Tổ 1", Level.GROUP, branch)
        stmt = select(Member).where(Member.branch_id == branch.id).order_by(Member.id)
        for m in list((await s.scalars(stmt)).all())[:4]:
            m.group_id = group.id
        late = await members.add_member(
            s, branch.id, "Lò Thị Muộn", D(2026, 3, 15), NOW, group_id=group.id
        )
        await s.flush()
        assert await unit_figures.rate_base(s, group.id, D(2026, 3, 10)) == 4
        assert await unit_figures.rate_base(s, group.id, D(2026, 3, 20)) == 5
        roster = await meetings.roster_on(s, branch.id, D(2026, 3, 20), group.id)
        assert len(roster) == 5 and late.id in {mid for mid, _n in roster}
        # The branch's register total is the branch's; the tổ keeps its own count.
        await unit_figures.state_total(s, branch.id, D(2026, 3, 1), 80, None, NOW)
        assert await unit_figures.rate_base(s, group.id, D(2026, 3, 20)) == 5
        assert await unit_figures.rate_base(s, branch.id, D(2026, 3, 20)) == 80


async def test_a_regular_meeting_held_through_a_zalo_group_makes_the_quarter(
    db_world: World,
) -> None:
    q = Quarter(2026, 1)
    async with transaction(db_world.maker) as s:
        unit = await org.by_code(s, "TH-QP-02")
        assert unit is not None
        assert not await meetings.held_regular_meeting(s, unit.id, q)
        themed = await meetings.add_meeting(
            s,
            unit_id=unit.id,
            held_on=D(2026, 2, 1),
            kind=MeetingKind.THEMED,
            form=MeetingForm.INDIRECT,
            present_count=5,
            now=NOW,
        )
        assert themed.form == MeetingForm.INDIRECT
        assert not await meetings.held_regular_meeting(s, unit.id, q)  # kind decides, not form
        await meetings.add_meeting(
            s,
            unit_id=unit.id,
            held_on=D(2026, 2, 10),
            kind=MeetingKind.REGULAR,
            form=MeetingForm.INDIRECT,
            present_count=8,
            now=NOW,
        )
        assert await meetings.held_regular_meeting(s, unit.id, q)
        facts = await meetings.quarter_facts(s, [unit.id], [q])
        assert facts[(unit.id, q)].regular_held


async def test_the_named_leader_keeps_leader_present_in_step(db_world: World) -> None:
    q = Quarter(2026, 1)
    async with transaction(db_world.maker) as s:
        commune = await org.by_code(s, "TH-QP")
        unit = await org.by_code(s, "TH-QP-03")
        assert commune is not None and unit is not None
        vice = Person(display_name="Đỗ Thị Vân", created_at=NOW)
        s.add(vice)
        await s.flush()
        s.add(Role(person_id=vice.id, unit_id=commune.id, kind=RoleKind.COMMUNE_OFFICER))
        await s.flush()
        leaders = await meetings.commune_leaders(s, commune.id)
        assert [name for _id, name in leaders] == ["Phạm Thị Hồng", "Đỗ Thị Vân"]  # chair first
        m = await meetings.add_meeting(
            s,
            unit_id=unit.id,
            held_on=D(2026, 3, 2),
            kind=MeetingKind.REGULAR,
            present_count=6,
            now=NOW,
            leader_id=vice.id,
        )
        assert m.leader_present is True and m.leader_id == vice.id
        assert await meetings.leaders_at(s, [unit.id], q) == {unit.id: ["Đỗ Thị Vân"]}
        assert unit.id in await meetings.leader_visited(s, q)
