"""Residence per member: the change "Nơi cư trú", the card, and who coverage leaves out."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.domain.enums import EventKind, MemberStatus, Residence
from storage.models import Audit, MemberEvent
from storage.repositories import members, org, residence
from tests.members.test_changes import add, member, open_card
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def test_she_is_marked_away_from_a_date_and_the_card_shows_it(
    world: World, chat: Chat
) -> None:
    mid = await add(world, "TH-QP-01", "Phan Thị Vắng")
    await open_card(chat, "phan thi vang", "Phan Thị Vắng")
    assert "Vào Hội: 01/05/2024" in chat.text() and "Cư trú: Thường trú" in chat.text()
    await chat.script(
        [
            ("pick", "Nơi cư trú"),
            ("bot", "cư trú thế nào"),
            ("pick", "Vắng mặt ở địa phương"),
            ("bot", "từ ngày nào"),
            ("user", "1/4/2026"),
            ("bot", "chưa tới"),
            ("user", "01/02/2026"),
            ("bot", "Nơi cư trú của Phan Thị Vắng: Vắng mặt ở địa phương từ 01/02/2026"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    m = await member(world, mid)
    assert (m.residence, m.away_since, m.status) == (
        Residence.AWAY,
        dt.date(2026, 2, 1),
        MemberStatus.ACTIVE,
    )
    async with world.session() as s:
        events = (await s.scalars(select(MemberEvent).where(MemberEvent.member_id == mid))).all()
        assert [(e.kind, e.detail) for e in events][-1] == (
            EventKind.CORRECTED,
            {"fields": ["residence"]},
        )
        audit = (await s.scalars(select(Audit).where(Audit.action == "member_residence"))).one()
        assert audit.entity_id == mid
    await open_card(chat, "phan thi vang", "Phan Thị Vắng")
    assert "Cư trú: Vắng mặt ở địa phương từ 01/02/2026" in chat.text()
    await chat.script(
        [
            ("pick", "Nơi cư trú"),
            ("bot", "cư trú thế nào"),
            ("pick", "Tạm trú từ 6 tháng"),
            ("bot", "Tạm trú từ 6 tháng trở lên"),
            ("pick", "Đúng, lưu"),
            ("bot", "Đã lưu"),
        ]
    )
    m = await member(world, mid)
    assert (m.residence, m.away_since) == (Residence.TEMPORARY_LONG, None)


async def test_a_member_from_before_records_shows_so_on_her_card(world: World, chat: Chat) -> None:
    async with world.session() as s, s.begin():
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        for name, joined, approx in (
            ("Phan Thị Xưa", None, False),
            ("Phan Thị Năm", dt.date(2010, 1, 1), True),
        ):
            await members.add_member(
                s, branch.id, name, joined, world.clock(), joined_approx=approx, birth_year=1960
            )
    await open_card(chat, "phan thi xua", "Phan Thị Xưa")
    assert "Vào Hội: trước khi có sổ" in chat.text()
    await chat.script([("pick", "Không có gì, quay về"), ("bot", "không thay đổi gì")])
    await open_card(chat, "phan thi nam", "Phan Thị Năm")
    assert "Vào Hội: năm 2010 (chỉ biết năm)" in chat.text()


async def test_uncounted_residents_by_branch(db_world: World) -> None:
    now = db_world.clock()
    async with db_world.session() as s, s.begin():
        a = await org.by_code(s, "TH-QP-01")
        b = await org.by_code(s, "TH-QP-02")
        far = await org.by_code(s, "TH-HT-01")
        assert a is not None and b is not None and far is not None
        cases = [
            (a, Residence.TEMPORARY_SHORT, None),
            (a, Residence.AWAY, None),
            (a, Residence.TEMPORARY_LONG, None),  # counted
            (a, Residence.TEMPORARY_SHORT, "left"),  # no longer a member
            (b, Residence.AWAY, "migrant"),  # working far away still counts as a member
            (far, Residence.AWAY, None),  # another commune
        ]
        for i, (unit, where, what) in enumerate(cases):
            m = await members.add_member(s, unit.id, f"Cư Thị {i}", None, now, birth_year=1970)
            await residence.set_residence(s, m, where, None, dt.date(2026, 3, 1), now, None)
            if what == "left":
                await members.change_status(s, m, EventKind.LEFT, dt.date(2026, 3, 2), now, None)
            if what == "migrant":
                await members.change_status(
                    s, m, EventKind.MIGRATED, dt.date(2026, 3, 2), now, None
                )
        commune = await org.by_id(s, a.parent_id or 0)
        assert commune is not None
        path = commune.path
    async with db_world.session() as s:
        got = await residence.uncounted_by_unit(s, path)
    assert got == {a.id: 2, b.id: 1}


async def test_members_away_a_year_or_more_are_listed_for_the_review(db_world: World) -> None:
    now = db_world.clock()
    async with db_world.session() as s, s.begin():
        a = await org.by_code(s, "TH-QP-01")
        assert a is not None
        for name, since in (
            ("Xa Thị Lâu", dt.date(2025, 3, 20)),  # exactly 12 months on 20/03/2026
            ("Xa Thị Mới", dt.date(2025, 3, 21)),
            ("Xa Thị Không Rõ", None),
        ):
            m = await members.add_member(s, a.id, name, None, now, birth_year=1970)
            await residence.set_residence(
                s, m, Residence.AWAY, since, dt.date(2026, 3, 1), now, None
            )
        path = a.path
    async with db_world.session() as s:
        got = await residence.away_a_year(s, path, dt.date(2026, 3, 20))
    assert [m.full_name for m in got] == ["Xa Thị Lâu"]
