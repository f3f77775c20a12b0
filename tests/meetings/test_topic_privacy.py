"""Issue 15.4: one branch's topic naming a member with a slash-separated CCCD is never
offered to another branch and never reaches a group chat (bot.domain.pii, one check)."""

from __future__ import annotations

import datetime as dt
import re

from bot.domain.enums import MeetingKind
from storage.db import transaction
from storage.repositories import groups, meetings, members, org
from tests.meetings.support import outbox_rows
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

LEAK = "Thăm chị Lê Ngọc Huệ bị ốm, CCCD 038/188/001/234"
PHONE_TOPIC = "Gọi chị Tư 0912/345/678 để hỏi thăm"
SAFE = "Tiết kiệm nuôi heo đất"
PERSONAL = ("Huệ", "Hue", "038", "188", "234", "0912", "345", "678")


async def _thon_tay_used_the_topics(world: World) -> None:
    """Thôn Tây (another branch of the commune) used the leaking topics more than any other."""
    async with transaction(world.maker) as s:
        tay = await org.by_code(s, "TH-QP-02")
        dong = await org.by_code(s, "TH-QP-01")
        assert tay is not None and dong is not None
        await members.add_member(s, tay.id, "Lê Ngọc Huệ", dt.date(2020, 1, 1), world.clock())
        used = [LEAK, LEAK, LEAK, PHONE_TOPIC, PHONE_TOPIC, SAFE]
        for i, topic in enumerate(used):
            await meetings.add_meeting(
                s,
                unit_id=tay.id,
                held_on=dt.date(2026, 1, 5) + dt.timedelta(days=7 * i),
                kind=MeetingKind.THEMED,
                present_count=5,
                now=world.clock(),
                topic=topic,
            )
        await groups.link(s, dong.id, "web", "sim", "grp-dong", None, world.clock())


async def test_a_topic_with_a_name_and_a_slashed_cccd_is_never_offered(
    world: World, chat: Chat
) -> None:
    await _thon_tay_used_the_topics(world)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("user", "8"),
            ("bot", "đúng chưa"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa mục nào"),
            ("pick", "Chủ đề"),
            ("bot", "Chủ đề là gì"),
        ]
    )
    offered = chat.text()
    assert SAFE in offered
    assert not [p for p in PERSONAL if p in offered], offered
    await chat.script(
        [
            ("pick", SAFE),
            ("bot", f"Chủ đề: {SAFE}"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã lưu"),
        ]
    )
    assert "đã ẩn" not in chat.text()  # a clean topic needs no private note
    [row] = await outbox_rows(world, "meeting_summary")
    assert f"Chủ đề: {SAFE}." in row.payload["text"]


async def test_the_same_topic_typed_again_never_reaches_the_group(world: World, chat: Chat) -> None:
    await _thon_tay_used_the_topics(world)
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("user", "8"),
            ("bot", "đúng chưa"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa mục nào"),
            ("pick", "Chủ đề"),
            ("bot", "Chủ đề là gì"),
            ("user", LEAK),
            ("bot", "Chủ đề: Thăm chị Lê Ngọc Huệ"),  # her own screen shows what she typed
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã lưu"),
        ]
    )
    assert "em đã ẩn chủ đề" in chat.text()  # told privately, in her own chat
    [row] = await outbox_rows(world, "meeting_summary")
    text = row.payload["text"]
    assert "Chủ đề: (chủ đề có thông tin cá nhân, đã ẩn)." in text
    assert not [p for p in PERSONAL if p in text], text
    assert not re.search(r"\d{3}\D?\d{3}\D?\d{3}", text)
