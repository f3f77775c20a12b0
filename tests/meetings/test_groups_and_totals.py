"""Tổ meetings, the register total and doubtful head counts, in both profiles.

Demo: Thôn Đông (TH-QP-01, head Lan) has 10 entered members; here 3 of them are put in
Tổ 1 and 2 in Tổ 2. Hồng chairs the commune Quảng Phú.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select

from bot.core.types import ZALO_CAPS
from bot.domain.enums import Level
from storage.db import transaction
from storage.models import Audit, Meeting, Member, RosterTotal
from storage.repositories import org
from tests.meetings.support import branch_id, meetings_of
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

TODAY = dt.date(2026, 3, 20)


async def add_groups(world: World) -> dict[str, int]:
    """Tổ 1 gets the branch's first 3 members, Tổ 2 the next 2; 5 are in no tổ."""
    async with transaction(world.maker) as s:
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        t1 = await org.add_unit(s, "TH-QP-01-T1", "Tổ 1", Level.GROUP, branch)
        t2 = await org.add_unit(s, "TH-QP-01-T2", "Tổ 2", Level.GROUP, branch)
        stmt = select(Member).where(Member.branch_id == branch.id).order_by(Member.id)
        members = list((await s.scalars(stmt)).all())
        for m in members[:3]:
            m.group_id = t1.id
        for m in members[3:5]:
            m.group_id = t2.id
        return {"Tổ 1": t1.id, "Tổ 2": t2.id}


async def test_a_tổ_meeting_is_logged_with_one_more_reply(world: World, chat: Chat) -> None:
    ids = await add_groups(world)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "Đây là buổi sinh hoạt của cả Chi hội Thôn Đông hay của một tổ, chị?"),
        ]
    )
    labels = [c.label for c in chat.last[0].choices]
    assert labels == ["Cả chi hội", "Tổ 1", "Tổ 2"]
    await chat.script(
        [
            ("pick", "Tổ 1"),
            ("bot", "Tổ 1 sinh hoạt ngày nào?"),
            ("pick", "Hôm nay"),
            ("bot", "Ngày 20/03/2026, Tổ 1 có 3 hội viên."),
            ("user", "5"),  # more than the tổ has: asked once
            ("bot", "Ngày đó Tổ 1 (Chi hội Thôn Đông) có 3 hội viên, chị ghi 5 người dự."),
            ("pick", "Sửa lại số người dự"),
            ("bot", "Tổ 1 có 3 hội viên"),
            ("user", "3"),
            ("bot", "Sinh hoạt của Tổ 1 (Chi hội Thôn Đông):"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã lưu buổi sinh hoạt ngày 20/03/2026 của Tổ 1 (Chi hội Thôn Đông)."),
        ]
    )
    assert "Có mặt 3/3 hội viên: 100%" in chat.text()
    assert "Quý 1/2026: Tổ 1 đã sinh hoạt định kỳ ✓" in chat.text()
    async with world.session() as s:
        [m] = (await s.scalars(select(Meeting))).all()
    assert (m.unit_id, m.present_count) == (ids["Tổ 1"], 3)
    # The branch's own meeting: "Cả chi hội", rated on all 10 members.
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "hay của một tổ"),
            ("pick", "Cả chi hội"),
            ("bot", "Chi hội Thôn Đông sinh hoạt ngày nào?"),
            ("user", "hôm qua"),
            ("bot", "Ngày 19/03/2026 chi hội có 10 hội viên."),
            ("user", "8"),
            ("bot", "Có mặt: 8/10 hội viên (80%)"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Có mặt 8/10 hội viên: 80%"),
            ("user", "xem sinh hoạt"),
            ("bot", "20/03/2026 · Tổ 1 · định kỳ · 3/3 (100%)"),
        ]
    )
    assert "19/03/2026 · cả chi hội · định kỳ · 8/10 (80%)" in chat.text()
    assert "Quý 1/2026: sinh hoạt định kỳ ✓ · lãnh đạo xã dự ✗ · tổ đã sinh hoạt 1/2" in chat.text()
    assert [m.present_count for m in await meetings_of(world, "TH-QP-01")] == [8]
    # A tổ meeting is corrected from the history like any other; the correction stays the tổ's.
    await chat.script(
        [
            ("pick", "Sửa buổi ngày 20/03"),
            ("bot", "Sửa buổi sinh hoạt của Tổ 1 (Chi hội Thôn Đông):"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa mục nào"),
            ("pick", "Số người có mặt"),
            ("bot", "Ngày 20/03/2026, Tổ 1 có 3 hội viên."),
            ("user", "2"),
            ("bot", "Có mặt: 2/3 hội viên (66,7%)"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã lưu phần sửa cho buổi sinh hoạt ngày 20/03/2026."),
        ]
    )
    async with world.session() as s:
        rows = (await s.scalars(select(Meeting).order_by(Meeting.id))).all()
    assert [(m.unit_id, m.present_count, m.superseded_by is None) for m in rows] == [
        (ids["Tổ 1"], 3, False),
        (await branch_id(world, "TH-QP-01"), 8, True),
        (ids["Tổ 1"], 2, True),
    ]


async def test_the_register_total_from_the_menu_then_the_meeting(world: World, chat: Chat) -> None:
    await chat.script(
        [
            ("user", "sĩ số theo sổ"),
            ("bot", "Chi hội Thôn Đông mới nhập 10 hội viên.\nTheo sổ, chi hội có bao nhiêu"),
            ("user", "8"),
            ("bot", "Chi hội đã nhập 10 hội viên, nên sĩ số theo sổ không thể ít hơn (8)."),
            ("user", "80 người"),
            ("bot", "Chi hội Thôn Đông có 80 hội viên theo sổ."),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã lưu: Chi hội Thôn Đông có 80 hội viên theo sổ."),
        ]
    )
    assert "Danh sách chi hội đã nhập 10/80 hội viên theo sổ." in chat.text()
    unit_id = await branch_id(world, "TH-QP-01")
    async with world.session() as s:
        totals = (await s.execute(select(RosterTotal.as_of, RosterTotal.total))).all()
        audited = (await s.scalars(select(Audit.action).where(Audit.entity_id == unit_id))).all()
    assert [tuple(t) for t in totals] == [(TODAY, 80)]
    assert "roster_total.set" in audited
    # A count above the 10 entered is fine up to the register's 80.
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "Theo sổ, chi hội có 80 hội viên (đã nhập 10)."),
            ("user", "sáu mươi"),
            ("bot", "Có mặt: 60/80 hội viên (75%)"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Có mặt 60/80 hội viên: 75%."),
        ]
    )
    assert "đã nhập 10/80 hội viên" in chat.text()
    # Above every known total: asked once, and she gives a new register total instead.
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("user", "hôm qua"),
            ("bot", "Có bao nhiêu hội viên dự?"),
            ("user", "95"),
            ("bot", "Chi hội Thôn Đông có 80 hội viên theo sổ, chị ghi 95 người dự. Đúng không"),
            ("pick", "Nhập sĩ số theo sổ"),
            ("bot", "Theo sổ, chi hội có bao nhiêu hội viên?"),
            ("user", "100"),
            ("bot", "Có bao nhiêu hội viên dự?"),
            ("user", "95"),
            ("bot", "Có mặt: 95/100 hội viên (95%)"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Có mặt 95/100 hội viên: 95%."),
        ]
    )
    async with world.session() as s:
        totals = (
            await s.execute(
                select(RosterTotal.as_of, RosterTotal.total).order_by(RosterTotal.as_of)
            )
        ).all()
    assert [tuple(t) for t in totals] == [(TODAY - dt.timedelta(days=1), 100), (TODAY, 80)]


async def test_a_count_above_every_total_can_be_confirmed(world: World, chat: Chat) -> None:
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "Có bao nhiêu hội viên dự?"),
            ("user", "12"),
            ("bot", "Ngày đó Chi hội Thôn Đông có 10 hội viên, chị ghi 12 người dự. Đúng không"),
            ("pick", "Đúng rồi"),
            ("bot", "Có mặt: 12/10 hội viên"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã lưu"),
        ]
    )
    [m] = await meetings_of(world, "TH-QP-01")
    assert m.present_count == 12


async def test_a_branch_with_no_member_entered_is_asked_its_total_first(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    async with transaction(world.maker) as s:
        commune = await org.by_code(s, "TH-QP")
        await org.add_unit(s, "TH-QP-04", "Chi hội Xóm Mới", Level.BRANCH, commune)
    hong = chat_as("hong")
    await hong.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "Buổi sinh hoạt của chi hội nào?"),
            ("pick", "Xóm Mới"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "Chi hội Xóm Mới chưa nhập hội viên nào."),
            ("user", "0"),
            ("bot", "Chị gõ số hội viên giúp em, ví dụ: 80."),
            ("user", "ba mươi"),
            ("bot", "Theo sổ, chi hội có 30 hội viên (đã nhập 0)."),
            ("user", "25"),
            ("bot", "Lãnh đạo Hội xã dự: Phạm Thị Hồng"),  # she logs one she attended
            ("pick", "Đúng, lưu lại"),
            ("bot", "Có mặt 25/30 hội viên: 83,3%."),
        ]
    )
    [m] = await meetings_of(world, "TH-QP-04")
    assert m.leader_present and m.leader_id is not None
    async with world.session() as s:
        assert (await s.scalars(select(RosterTotal.total))).all() == [30]


async def test_a_low_count_is_asked_about_once(world: World, chat: Chat) -> None:
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "Có bao nhiêu hội viên dự?"),
            ("user", "3"),
            ("bot", "Chị ghi 3/10 hội viên dự, chưa tới 1/3. Đúng không chị?"),
            ("pick", "Đúng rồi"),
            ("bot", "Có mặt: 3/10 hội viên (30%)"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "dưới 2/3"),
        ]
    )
    [m] = await meetings_of(world, "TH-QP-01")
    assert m.present_count == 3


async def test_on_zalo_a_typed_1_is_asked_about_not_taken_silently(world: World) -> None:
    chat = Chat(world.engine, ZALO_CAPS, "lan", world.clock)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("user", "1"),
            ("bot", "Có bao nhiêu hội viên dự?"),
        ]
    )
    # Lettered: a choice like any other, while "1" stays a head count.
    assert "\na. Đánh dấu tên theo danh sách" in chat.text()
    await chat.script(
        [
            ("user", "1"),
            ("bot", "Chị ghi 1 người dự. Đúng không chị?"),
            ("pick", "Đánh dấu tên"),
            ("bot", "Chị gõ số thứ tự những người có mặt"),
            ("user", "1-9"),
            ("bot", "Có mặt: 9/10 hội viên (90%)"),
        ]
    )
