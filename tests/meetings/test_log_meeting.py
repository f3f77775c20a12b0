"""Logging a branch meeting by chat, in both profiles: few replies, forgiving input, safe saves."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy import select

from bot.domain.enums import MeetingForm, MeetingKind
from storage.db import transaction
from storage.models import Audit, Person
from storage.repositories import org
from tests.meetings.support import grow_branch, meetings_of
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def test_head_count_meeting_takes_four_replies_from_the_menu(
    world: World, chat: Chat
) -> None:
    await grow_branch(world, "TH-QP-01", 20)  # 30 members
    await chat.say("menu")
    before = len([t for t in chat.transcript if t.startswith("user:")])
    await chat.script(
        [
            ("pick", "Ghi sinh hoạt chi hội"),
            ("bot", "Chi hội Thôn Đông sinh hoạt ngày nào?"),
            ("pick", "Hôm nay"),
            ("bot", "Có bao nhiêu hội viên dự?"),
            ("user", "22"),
            ("bot", "Có mặt: 22/30 hội viên (73,3%)"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã lưu buổi sinh hoạt ngày 20/03/2026"),
        ]
    )
    replies = len([t for t in chat.transcript if t.startswith("user:")]) - before
    assert replies == 4
    text = chat.text()
    assert "Có mặt 22/30 hội viên: 73,3%" in text
    assert "Quý 1/2026: chi hội đã sinh hoạt định kỳ ✓" in text
    assert "dưới 2/3" not in text
    [meeting] = await meetings_of(world, "TH-QP-01")
    assert (meeting.held_on, meeting.kind, meeting.present_count) == (
        dt.date(2026, 3, 20),
        MeetingKind.REGULAR,
        22,
    )
    assert meeting.leader_present is False and meeting.source_update
    async with world.session() as s:
        actions = (await s.scalars(select(Audit.action).where(Audit.entity_id == meeting.id))).all()
    assert "meeting_logged" in actions


async def test_words_for_the_day_and_the_count(world: World, chat: Chat) -> None:
    await grow_branch(world, "TH-QP-01", 20)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("user", "hôm qua"),
            ("bot", "Ngày 19/03/2026 chi hội có 30 hội viên"),
            ("user", "hai mươi hai"),
            ("bot", "Ngày: 19/03/2026"),
            ("user", "đúng"),
            ("bot", "Đã lưu"),
        ]
    )
    [meeting] = await meetings_of(world, "TH-QP-01")
    assert (meeting.held_on, meeting.present_count) == (dt.date(2026, 3, 19), 22)


async def test_a_day_in_the_future_or_before_the_branch_existed_is_refused(
    world: World, chat: Chat
) -> None:
    async with transaction(world.maker) as s:
        unit = await org.by_code(s, "TH-QP-01")
        assert unit is not None
        unit.founded_on = dt.date(2026, 3, 10)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("user", "25/3/2026"),
            ("bot", "Ngày 25/03/2026 chưa tới"),
            ("user", "5/3"),
            ("bot", "Chi hội thành lập ngày 10/03/2026"),
            ("user", "12/3"),
            ("bot", "Có bao nhiêu hội viên dự?"),
            ("user", "nhiều lắm"),
            ("bot", "Chị gõ một con số"),
            ("user", "45"),
            (
                "bot",
                "Ngày đó Chi hội Thôn Đông có 10 hội viên, chị ghi 45 người dự. Đúng không chị?",
            ),
            ("pick", "Sửa lại số người dự"),
            ("bot", "Có bao nhiêu hội viên dự?"),
            ("user", "0"),
            ("bot", "Chị ghi 0/10 hội viên dự, chưa tới 1/3. Đúng không chị?"),
            ("pick", "Sửa lại số người dự"),
            ("bot", "Có bao nhiêu hội viên dự?"),
            ("user", "9"),
            ("bot", "Ngày: 12/03/2026"),
            ("user", "huỷ"),
            ("bot", "Đã huỷ"),
        ]
    )
    assert await meetings_of(world, "TH-QP-01") == []


async def test_below_two_thirds_gets_a_gentle_flag_and_a_tip(world: World, chat: Chat) -> None:
    await grow_branch(world, "TH-QP-01", 20)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("user", "19"),
            ("bot", "19/30 hội viên (63,3%)"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "dưới 2/3 số hội viên. Gợi ý"),
        ]
    )


async def test_a_member_who_joined_after_the_meeting_is_not_counted(
    world: World, chat: Chat
) -> None:
    await grow_branch(world, "TH-QP-01", 5, joined_on=dt.date(2026, 3, 15))  # 10 before, 15 after
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("user", "10/3"),
            ("bot", "Ngày 10/03/2026 chi hội có 10 hội viên"),
            ("user", "12"),
            ("bot", "chị ghi 12 người dự. Đúng không chị?"),
            ("pick", "Sửa lại số người dự"),
            ("bot", "Ngày 10/03/2026 chi hội có 10 hội viên"),
            ("user", "8"),
            ("bot", "Có mặt: 8/10 hội viên (80%)"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Có mặt 8/10 hội viên: 80%"),
        ]
    )


async def test_the_same_update_delivered_twice_logs_one_meeting(world: World, chat: Chat) -> None:
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("user", "8"),
            ("bot", "Thông tin đã đúng chưa?"),
        ]
    )
    final = chat.incoming(text="đúng", update_id="tg-777")
    first = await chat.send(final)
    again = await chat.send(final)
    assert "Đã lưu" in first[0].text
    assert again == []
    assert len(await meetings_of(world, "TH-QP-01")) == 1


async def test_a_message_delivered_hours_late_keeps_the_users_day(world: World, chat: Chat) -> None:
    world.clock.set_local(2026, 3, 20, 23, 50)
    await chat.script([("user", "ghi sinh hoạt"), ("bot", "Hôm nay (20/03)")])
    typed = chat.incoming(text="hôm kia")  # written on Friday 20/03: Wednesday 18/03
    world.clock.set_local(2026, 3, 21, 3, 0)  # delivered after midnight
    await chat.send(typed)
    assert "Ngày 18/03/2026 chi hội có" in chat.text()
    late = dataclasses.replace(chat.incoming(text="8"), sent_at=typed.sent_at)
    await chat.send(late)
    await chat.script([("user", "đúng"), ("bot", "Đã lưu buổi sinh hoạt ngày 18/03/2026")])


async def test_a_second_meeting_on_the_same_day_is_asked_about(world: World, chat: Chat) -> None:
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("user", "8"),
            ("bot", "Thông tin đã đúng chưa?"),
            ("user", "đúng"),
            ("bot", "Đã lưu"),
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "Đây là một buổi khác trong cùng ngày"),
            ("pick", "Không, chọn ngày khác"),
            ("bot", "ngày nào"),
            ("user", "20/3"),
            ("bot", "Đây là một buổi khác trong cùng ngày"),
            ("pick", "Đúng, buổi khác"),
            ("bot", "bao nhiêu"),
            ("user", "6"),
            ("bot", "Ngày: 20/03/2026"),
            ("user", "đúng"),
            ("bot", "Đã lưu"),
        ]
    )
    assert [m.present_count for m in await meetings_of(world, "TH-QP-01")] == [8, 6]


async def test_kind_topic_leader_and_note_are_corrected_from_the_summary(
    world: World, chat: Chat
) -> None:
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("user", "8"),
            ("bot", "Loại: định kỳ"),
            ("pick", "Sửa một mục"),
            ("bot", "Chị muốn sửa mục nào?"),
            ("pick", "Loại sinh hoạt"),
            ("bot", "Buổi sinh hoạt thuộc loại nào?"),
            ("pick", "chuyên đề"),
            ("bot", "Loại: chuyên đề"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa mục nào"),
            ("pick", "Chủ đề"),
            ("bot", "Chủ đề là gì?"),
            ("user", "Phòng chống bạo lực gia đình"),
            ("bot", "Chủ đề: Phòng chống bạo lực gia đình"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa mục nào"),
            ("pick", "Lãnh đạo Hội xã dự"),
            ("bot", "Lãnh đạo Hội xã nào đã dự?"),
            ("pick", "Phạm Thị Hồng"),
            ("bot", "Lãnh đạo Hội xã dự: Phạm Thị Hồng"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa mục nào"),
            ("pick", "Hình thức"),
            ("bot", "Buổi sinh hoạt tổ chức theo hình thức nào?"),
            ("pick", "gián tiếp"),
            ("bot", "Hình thức: gián tiếp (qua nhóm Zalo, Facebook)"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa mục nào"),
            ("pick", "Ghi chú"),
            ("bot", "ghi chú ngắn"),
            ("user", "Mời cán bộ y tế xã nói chuyện"),
            ("bot", "Ghi chú: Mời cán bộ y tế xã"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Quý 1/2026: chi hội chưa có buổi sinh hoạt định kỳ"),
        ]
    )
    [m] = await meetings_of(world, "TH-QP-01")
    assert (m.kind, m.form, m.topic, m.leader_present) == (
        MeetingKind.THEMED,
        MeetingForm.INDIRECT,
        "Phòng chống bạo lực gia đình",
        True,
    )
    async with world.session() as s:
        hong = await s.get(Person, m.leader_id)
    assert hong is not None and hong.display_name == "Phạm Thị Hồng"
    assert m.note == "Mời cán bộ y tế xã nói chuyện"
