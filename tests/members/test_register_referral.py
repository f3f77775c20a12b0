"""Who brought her in, asked while registering a woman who joins now (issue 17 item 4): a
member of the commune found by part of her name, chosen by number when several match, or
skipped; never asked for a member who was already one."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Member
from storage.repositories import pairs
from tests.members.support import member_named
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

UP_TO_KIND = [
    ("user", "thêm hội viên"),
    ("bot", "đồng ý"),
    ("pick", "Có, chị ấy đồng ý"),
    ("bot", "Họ và tên"),
    ("user", "trần thị bích"),
    ("bot", "Ngày sinh"),
    ("user", "05/03/1990"),
    ("bot", "mới kết nạp"),
]
NEW = [
    *UP_TO_KIND,
    ("pick", "Hội viên mới kết nạp"),
    ("bot", "Số điện thoại"),
    ("pick", "Bỏ qua"),
    ("bot", "Số căn cước"),
    ("pick", "Bỏ qua"),
    ("bot", "thuộc nhóm nào"),
]


async def _cucs(world: World) -> list[tuple[int, str]]:
    async with world.maker() as s:
        stmt = select(Member.id, Member.full_name).where(Member.name_folded.contains("cuc"))
        return [(i, n or "") for i, n in (await s.execute(stmt.order_by(Member.name_sort)))]


async def test_a_new_member_names_who_brought_her(world: World, chat: Chat) -> None:
    """Several members of the commune are called Cúc: she is offered by number; the second
    one picked is the one recorded, in the same save as the new member."""
    cucs = await _cucs(world)
    assert len(cucs) >= 2  # the demo commune has more than one Cúc
    await chat.script([*NEW, ("user", "0"), ("bot", "vận động chị ấy vào Hội")])
    await chat.say("chị cúc")
    assert "Có mấy hội viên tên như vậy" in chat.text()
    assert f"{cucs[1][1]} (Chi hội" in chat.text()  # numbered on Zalo, a button on Telegram
    await chat.script([
        ("user", "2"),
        ("bot", f"Người vận động: {cucs[1][1]}"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu hội viên Trần Thị Bích"),
    ])  # fmt: skip
    assert "Ai vận động" not in chat.text()  # the old after-save hint is gone
    m = await member_named(world, "Trần Thị Bích")
    async with world.maker() as s:
        assert await pairs.brought_by_of(s, m.id) == cucs[1][0]


async def test_skipped_or_unknown_names_record_nobody(world: World, chat: Chat) -> None:
    await chat.script([*NEW, ("user", "0"), ("bot", "vận động")])
    await chat.say("zzz")
    assert 'Trong xã không có hội viên nào tên có "zzz"' in chat.text()
    await chat.script([
        ("user", "không"),
        ("bot", "Người vận động: không ghi"),
        ("pick", "Đúng, lưu"),
        ("bot", "Đã lưu hội viên"),
    ])  # fmt: skip
    m = await member_named(world, "Trần Thị Bích")
    async with world.maker() as s:
        assert await pairs.brought_by_of(s, m.id) is None


async def test_a_member_from_before_is_not_asked(world: World, chat: Chat) -> None:
    await chat.script([
        *UP_TO_KIND,
        ("user", "2015"),
        ("bot", "Số điện thoại"),
        ("pick", "Bỏ qua"),
        ("bot", "Số căn cước"),
        ("pick", "Bỏ qua"),
        ("bot", "thuộc nhóm nào"),
        ("user", "0"),
        ("bot", "Thông tin đã đúng chưa?"),
    ])  # fmt: skip
    assert "Người vận động" not in chat.text()
