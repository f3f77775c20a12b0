"""Group chats: linked with a one-time code by someone covering the unit; totals only, no names."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import select

from bot.core.types import ChatKind
from storage.db import transaction
from storage.models import LinkCode
from storage.repositories import groups, org
from tests.meetings.support import grow_branch, member_names_and_phones, outbox_rows
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

CODE = re.compile(r"/lienket ([A-Z0-9]{4}-[A-Z0-9]{4})")


def in_group(chat: Chat, group: str = "grp-1") -> Chat:
    return Chat(
        chat.engine, chat.caps, chat.user, chat.clock, chat_kind=ChatKind.GROUP, chat_id=group
    )


async def link_code(chat: Chat) -> str:
    await chat.script(
        [
            ("user", "kết nối nhóm"),
            ("bot", "Để kết nối nhóm chat của Chi hội Thôn Đông"),
        ]
    )
    found = CODE.search(chat.text())
    assert found is not None
    return found.group(1)


async def test_branch_head_links_her_group_and_it_gets_a_summary_without_names(
    world: World, chat: Chat, chat_as: Callable[[str], Chat]
) -> None:
    await grow_branch(world, "TH-QP-01", 20)  # members with phones
    code = await link_code(chat)
    group = in_group(chat)
    await group.script(
        [
            ("user", "Chào các chị, tối nay họp nhé"),  # chatter: the bot stays silent
            ("user", f"/lienket {code}"),
            ("bot", "Nhóm đã được kết nối với Chi hội Thôn Đông"),
        ]
    )
    await chat.script(
        [
            ("user", "ghi sinh hoạt"),
            ("bot", "ngày nào"),
            ("pick", "Hôm nay"),
            ("bot", "bao nhiêu"),
            ("user", "22"),
            ("bot", "Thông tin đã đúng chưa?"),
            ("pick", "Sửa một mục"),
            ("bot", "sửa mục nào"),
            ("pick", "Chủ đề"),
            ("bot", "Chủ đề là gì"),
            ("user", "Nuôi dạy con tốt"),
            ("bot", "Chủ đề: Nuôi dạy con tốt"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã gửi tóm tắt ngắn (không có tên) vào nhóm chat"),
        ]
    )
    [row] = await outbox_rows(world, "meeting_summary")
    assert (row.channel, row.chat_id, row.payload["group"]) == ("web", "grp-1", True)
    text = row.payload["text"]
    assert "Chi hội Thôn Đông đã sinh hoạt ngày 20/03/2026." in text
    assert "Chủ đề: Nuôi dạy con tốt." in text
    assert "Có mặt 22/30 hội viên (73,3%)." in text
    assert "Cảm ơn các chị đã tham gia!" in text
    personal = await member_names_and_phones(world, "TH-QP-01")
    assert len(personal) == 50  # 30 names, 20 phones
    assert not [p for p in personal if p in text]
    assert not re.search(r"\d{9,}", text)


async def test_a_topic_naming_a_member_stays_out_of_the_group(world: World, chat: Chat) -> None:
    async with transaction(world.maker) as s:
        unit = await org.by_code(s, "TH-QP-01")
        assert unit is not None
        await groups.link(s, unit.id, "web", "sim", "grp-9", None, world.clock())
    names = await member_names_and_phones(world, "TH-QP-01")
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
            ("user", f"Thăm chị {names[0]} ốm"),
            ("bot", "Chủ đề: Thăm chị"),
            ("pick", "Đúng, lưu lại"),
            ("bot", "Đã lưu"),
        ]
    )
    assert "em đã ẩn chủ đề" in chat.text()  # she is told privately why
    [row] = await outbox_rows(world, "meeting_summary")
    assert names[0] not in row.payload["text"]
    assert "Chủ đề: (chủ đề có thông tin cá nhân, đã ẩn)." in row.payload["text"]


async def test_only_someone_covering_the_unit_can_link(
    world: World, chat: Chat, chat_as: Callable[[str], Chat]
) -> None:
    code = await link_code(chat)
    await in_group(chat_as("hoa")).script(
        [  # head of another branch
            ("user", f"/lienket {code}"),
            ("bot", "Chỉ chi hội trưởng, chi hội phó hoặc cán bộ Hội xã"),
        ]
    )
    await in_group(chat_as("stranger")).script(
        [
            ("user", f"/link {code}"),
            ("bot", "Chỉ chi hội trưởng"),
        ]
    )
    await in_group(chat_as("hong")).script(
        [  # the commune chair covers the branch
            ("user", f"/link@chihoi_bot {code}"),
            ("bot", "kết nối với Chi hội Thôn Đông"),
        ]
    )
    await in_group(chat, "grp-2").script(
        [  # used codes do not work twice
            ("user", f"/lienket {code}"),
            ("bot", "Mã này không đúng hoặc đã hết hạn"),
        ]
    )


async def test_an_expired_or_wrong_code_is_refused_and_guessing_is_limited(
    world: World, chat: Chat
) -> None:
    code = await link_code(chat)
    world.clock.advance(hours=25)
    group = in_group(chat)
    await group.script([("user", f"/lienket {code}"), ("bot", "đã hết hạn")])
    for _ in range(4):
        await group.script([("user", "/lienket ABCD-2345"), ("bot", "không đúng")])
    await group.script([("user", "/lienket"), ("bot", "Chị gửi /lienket kèm mã")])
    fresh = await link_code(chat)
    await group.script([("user", f"/lienket {fresh}"), ("bot", "chờ một giờ")])


async def test_in_a_group_the_bot_answers_commands_and_mentions_only(
    world: World, chat: Chat
) -> None:
    group = in_group(chat)
    assert await group.say("hôm nay ai mang loa?") == []
    await group.script([("user", "/help"), ("bot", "chỉ gửi tóm tắt ngắn sau mỗi buổi")])
    mention = group.incoming(text="@chihoi làm gì vậy?", addressed=True)
    replies = await group.send(mention)
    assert "/lienket MÃ" in replies[0].text
    code = await link_code(chat)
    await group.script(
        [
            ("user", f"/lienket {code}"),
            ("bot", "kết nối"),
            ("user", "/giup"),
            ("bot", "Nhóm đang kết nối với Chi hội Thôn Đông"),
            ("user", "/huylienket"),
            ("bot", "Đã huỷ kết nối"),
            ("user", "/unlink"),
            ("bot", "chưa kết nối"),
        ]
    )


async def test_a_commune_officer_chooses_which_unit_to_link(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    hong = chat_as("hong")
    await hong.script(
        [
            ("user", "kết nối nhóm"),
            ("bot", "Nhóm chat này của đơn vị nào?"),
            ("pick", "Làng Nam"),
            ("bot", "Để kết nối nhóm chat của Chi hội Làng Nam"),
        ]
    )
    async with world.session() as s:
        unit = await org.by_code(s, "TH-QP-03")
        assert unit is not None
        [code] = (await s.scalars(select(LinkCode))).all()
    assert code.unit_id == unit.id and code.used_at is None


async def test_the_link_command_in_a_private_chat_explains_where_it_goes(chat: Chat) -> None:
    await chat.script([("user", "/lienket ABCD-2345"), ("bot", "trong nhóm chat")])
