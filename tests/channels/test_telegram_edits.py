"""Telegram edits the message a button was on (tick-list toggles, paging); Zalo sends anew."""

from __future__ import annotations

import pytest

from bot.channels.outbound import Address
from bot.core.types import Choice, Reply
from storage.repositories import meetings
from tests.channels.test_contract import new_invite
from tests.channels.wire import TelegramSide, TelegramUser, WireChat, ZaloSide, ZaloUser
from tests.meetings.support import branch_id, grow_branch
from tests.support.chat_fixtures import World

POLLING = pytest.mark.parametrize("mode", ["polling"])
BRANCH = "TH-QP-03"  # Chi hội Làng Nam, where the invite makes her branch head


async def thirty_members(world: World) -> None:
    unit = await branch_id(world, BRANCH)
    async with world.session() as s:
        have = len(await meetings.roster_on(s, unit, world.clock().date()))
    await grow_branch(world, BRANCH, 30 - have)


async def to_the_tick_list(world: World, chat: WireChat) -> None:
    await thirty_members(world)
    await chat.script([
        ("user", await new_invite(world, BRANCH)), ("bot", "Chi hội Làng Nam"),
        ("bot", "Chị muốn làm gì"),
        ("user", "ghi sinh hoạt"), ("bot", "ngày nào"),
        ("pick", "Hôm nay"), ("bot", "bao nhiêu"),
    ])  # fmt: skip


@POLLING
async def test_four_taps_on_a_30_member_list_edit_one_message(
    telegram: TelegramSide, tg_user: TelegramUser
) -> None:
    chat = WireChat(tg_user)
    await to_the_tick_list(telegram.world, chat)
    await chat.script([("pick", "Đánh dấu tên"), ("bot", "Trang 1/4; đã chọn 0/30")])
    before = len(telegram.fake.to_chat(tg_user.chat_id))
    for label in ("1. ", "2. ", "Trang sau", "9. "):
        await tg_user.pick(label)
    sent = telegram.fake.to_chat(tg_user.chat_id)
    assert len(sent) == before  # no list posted again
    lists = [m for m in sent if "Trang " in m.text and "đã chọn" in m.text]
    assert len(lists) == 1
    edits = telegram.fake.edits
    assert [e.method for e in edits] == ["editMessageText"] * 4
    assert {e.message_id for e in edits} == {lists[0].message_id}
    assert "Trang 2/4; đã chọn 3/30" in lists[0].text  # the message shows the latest state
    assert any(t.startswith("☑ 9. ") for t, _d in lists[0].buttons)
    assert all(c.status in (200, 429) for c in telegram.fake.calls if c.method.startswith("edit"))
    # The edited buttons still work: "Done" moves on with a new message.
    await tg_user.pick("Xong")
    assert "Có mặt: 3/30" in telegram.fake.to_chat(tg_user.chat_id)[-1].text


@POLLING
async def test_zalo_sends_every_screen_as_a_new_message(
    zalo: ZaloSide, zalo_user: ZaloUser
) -> None:
    chat = WireChat(zalo_user)
    await to_the_tick_list(zalo.world, chat)
    await chat.script([("user", "đánh dấu"), ("bot", "30. ")])
    before = len(zalo.fake.to_chat(zalo_user.chat_id))
    await chat.script([("user", "1 2 9"), ("bot", "Có mặt: 3/30")])
    assert len(zalo.fake.to_chat(zalo_user.chat_id)) == before + 1
    # A reply marked as an edit still goes as a new message on a channel that cannot edit.
    await zalo.channel.deliver(Address("zalo", "987654", zalo_user.chat_id), _list(9, True))
    assert len(zalo.fake.to_chat(zalo_user.chat_id)) == before + 2


def _list(serial: int, ticked: bool) -> Reply:
    mark = "☑" if ticked else "☐"
    choices = (Choice(f"{serial}.0", f"{mark} 1. Lan"), Choice(f"{serial}.1", "Xong"))
    return Reply("Trang 1/1", choices, edit=True)


@POLLING
async def test_unchanged_old_or_missing_messages(
    telegram: TelegramSide, tg_user: TelegramUser
) -> None:
    fake, channel = telegram.fake, telegram.channel
    address = Address("telegram", "123456", str(tg_user.chat_id))
    await channel.deliver(address, _list(1, False))
    first = fake.to_chat(tg_user.chat_id)[-1]
    # A second identical edit (a double tap): Telegram says "not modified"; nothing more is sent.
    await channel._reply([first.message_id], address, _list(2, True))
    await channel._reply([first.message_id], address, _list(2, True))
    refused = [c for c in fake.calls if c.method == "editMessageText" and c.status == 400]
    assert [c.description.split(":")[1].strip() for c in refused] == ["message is not modified"]
    assert len(fake.to_chat(tg_user.chat_id)) == 1 and len(fake.edits) == 1
    # Too old to edit, or not found: the screen is sent as a new message instead.
    fake.frozen.add(first.message_id)
    await channel._reply([first.message_id], address, _list(3, False))
    await channel._reply([999999], address, _list(4, True))
    sent = fake.to_chat(tg_user.chat_id)
    assert len(sent) == 3 and sent[-1].buttons[0][0] == "☑ 1. Lan"
    assert len(fake.edits) == 1
    # Another chat's message is never edited, even with its id.
    other = Address("telegram", "123456", "5550002")
    assert not await channel.sender.replace(other, sent[-1].message_id, _list(5, False))
    last_edit = [c for c in fake.calls if c.method == "editMessageText"][-1]
    assert last_edit.description == "Bad Request: message to edit not found"
