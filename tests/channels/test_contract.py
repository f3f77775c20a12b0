"""One conversation, through the real channel code, against each fake server in both modes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from bot.domain.enums import RoleKind
from handlers import FEATURES
from storage.db import transaction
from storage.models import ChannelIdentity
from storage.repositories import invites, org
from tests.channels.wire import TelegramSide, TelegramUser, User, WireChat, ZaloSide, ZaloUser
from tests.support.chat_fixtures import World

FEATURE_NAMES = {f.name for f in FEATURES}


async def new_invite(world: World, unit_code: str = "TH-QP-03") -> str:
    async with transaction(world.maker) as s:
        unit = await org.by_code(s, unit_code)
        assert unit is not None
        return await invites.create_invite(
            s, unit.id, RoleKind.BRANCH_HEAD, world.clock(), dt.timedelta(days=7)
        )


async def conversation(world: World, user: User) -> WireChat:
    """Onboard with an invite, walk a dialog with choices, cancel one; then the features
    present in this build (members, meetings) the same way a branch head would."""
    chat = WireChat(user)
    code = await new_invite(world)
    await chat.script([
        ("user", "xin chào"), ("bot", "mã mời"),
        ("user", code), ("bot", "chi hội trưởng của Chi hội Làng Nam"), ("bot", "Chị muốn làm gì"),
        ("pick", "Ngôn ngữ"), ("bot", "Chọn ngôn ngữ"),
        ("user", "hủy"), ("bot", "Đã huỷ"),
    ])  # fmt: skip
    if "members" in FEATURE_NAMES:
        await chat.script([
            ("user", "thêm hội viên"), ("bot", "có đồng ý để Hội lưu thông tin"),
            ("pick", "Có, chị ấy đồng ý"), ("bot", "Họ và tên"),
            ("user", "trần thị bích"), ("bot", "Ngày sinh"),
            ("user", "05/03/1990"), ("bot", "mới kết nạp"),
            ("pick", "Hội viên mới kết nạp"), ("bot", "Số điện thoại"),
            ("user", "0912 345 678"), ("bot", "Số căn cước"),
            ("user", "038 190 001 234"), ("bot", "thuộc nhóm nào"),
            ("user", "1"), ("bot", "vận động"),
            ("pick", "Bỏ qua"), ("bot", "Số CCCD: 038******234"),
            ("pick", "Đúng, lưu"), ("bot", "Đã lưu hội viên Trần Thị Bích"),
        ])  # fmt: skip
    if "meetings" in FEATURE_NAMES:
        await chat.script([
            ("user", "ghi sinh hoạt"), ("bot", "ngày nào"),
            ("user", "hôm qua"), ("bot", "Ngày 19/03/2026 chi hội có"),
            ("user", "6"), ("bot", "Ngày: 19/03/2026"),
            ("user", "đúng"), ("bot", "Đã lưu"),
        ])  # fmt: skip
    await chat.script([
        ("pick", "Ngôn ngữ"), ("bot", "Chọn ngôn ngữ"),
        ("pick", "English"), ("bot", "Language changed to English"),
    ])  # fmt: skip
    return chat


async def linked(world: World, channel: str, external_id: str) -> ChannelIdentity:
    async with world.session() as s:
        stmt = select(ChannelIdentity).where(
            ChannelIdentity.channel == channel, ChannelIdentity.external_id == external_id
        )
        return (await s.scalars(stmt)).one()


async def test_telegram_conversation(telegram: TelegramSide, tg_user: TelegramUser) -> None:
    await conversation(telegram.world, tg_user)
    fake = telegram.fake
    # What only the wire shows: HTML mode, buttons carrying the short keys, answered presses.
    sent = fake.to_chat(tg_user.chat_id)
    assert all(m.params.get("parse_mode") == "HTML" for m in sent)
    assert any(m.buttons for m in sent)
    assert all(0 < len(data.encode()) <= 64 for m in sent for _t, data in m.buttons)
    presses = [c for c in fake.calls if c.method == "answerCallbackQuery"]
    assert presses and all(c.status == 200 for c in presses)
    assert all(c.status in (200, 429) for c in fake.calls), [
        (c.method, c.status, c.description) for c in fake.calls if c.status not in (200, 429)
    ]
    identity = await linked(telegram.world, "telegram", str(tg_user.chat_id))
    assert identity.bot_id == "123456" and not identity.unreachable


async def test_zalo_conversation(zalo: ZaloSide, zalo_user: ZaloUser) -> None:
    await conversation(zalo.world, zalo_user)
    fake = zalo.fake
    sent = fake.to_chat(zalo_user.chat_id)
    assert any("\n1. " in m.text for m in sent)  # choices as a numbered list
    assert all(len(m.text) <= 2000 for m in sent)
    assert all(c.status in (200, 408) for c in fake.calls)
    identity = await linked(zalo.world, "zalo", zalo_user.chat_id)
    assert identity.bot_id == "987654"


@pytest.mark.parametrize("mode", ["polling"])
async def test_both_channels_serve_one_person(
    telegram: TelegramSide, tg_user: TelegramUser, zalo: ZaloSide, zalo_user: ZaloUser
) -> None:
    """Linked on Telegram, she links Zalo with a code and keeps her branch there."""
    tg = WireChat(tg_user)
    code = await new_invite(telegram.world)
    await tg.script([
        ("user", code), ("bot", "Chi hội Làng Nam"), ("bot", "Chị muốn làm gì"),
        ("pick", "ứng dụng khác"), ("bot", "gõ mã này"),
    ])  # fmt: skip
    last = tg_user.seen()[-1]
    link = next(w for w in last.split() if invites.looks_like_code(w.strip(".:")))
    await WireChat(zalo_user).script([
        ("user", link.strip(".:")), ("bot", "Chi hội Làng Nam"), ("bot", "Chị muốn làm gì"),
    ])  # fmt: skip
    tg_identity = await linked(telegram.world, "telegram", str(tg_user.chat_id))
    zalo_identity = await linked(zalo.world, "zalo", zalo_user.chat_id)
    assert tg_identity.person_id == zalo_identity.person_id
