"""Issue 19 item 1: the Bot Platform in production: both webhook body shapes, media and
protected accounts answered kindly, polling flagged as development, ids shared across bots."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.channels.zalo_client import parse_update
from storage.db import transaction
from storage.models import ChannelIdentity
from storage.repositories import people
from tests.channels.wire import ZaloSide, ZaloUser

POLLING = pytest.mark.parametrize("mode", ["polling"])
WEBHOOK = pytest.mark.parametrize("mode", ["webhook"])


def media(fake_message: dict[str, object], event: str) -> dict[str, object]:
    body = dict(fake_message)
    message = dict(body["message"])  # type: ignore[call-overload]
    message.pop("text")
    body["message"], body["event_name"] = message, event
    return body


@WEBHOOK
async def test_the_webhook_takes_flat_and_wrapped_bodies(
    zalo: ZaloSide, zalo_user: ZaloUser
) -> None:
    flat = zalo.fake.message(zalo_user.chat_id, "giúp")
    wrapped = {"ok": True, "result": zalo.fake.message(zalo_user.chat_id, "giúp")}
    assert parse_update(flat) is not None and parse_update(wrapped) is not None
    await zalo_user.send(flat)
    await zalo_user.send(wrapped)
    assert len(zalo_user.seen()) == 2
    assert zalo_user.seen()[0] == zalo_user.seen()[1]


@POLLING
@pytest.mark.parametrize(
    ("event", "words"),
    [
        ("message.image.received", "ảnh"),
        ("message.sticker.received", "Cảm ơn"),
        ("message.voice.received", "tin nhắn thoại"),
        ("message.file.received", "gõ"),
        ("message.unsupported.received", "tài khoản được bảo vệ"),
    ],
)
async def test_every_event_kind_gets_a_kind_answer(
    zalo: ZaloSide, zalo_user: ZaloUser, event: str, words: str
) -> None:
    await zalo_user.send(media(zalo.fake.message(zalo_user.chat_id, "x"), event))
    seen = zalo_user.seen()
    assert len(seen) == 1
    assert words in seen[0]
    assert "chưa hiểu" not in seen[0]  # not the "I did not understand" of a typed message


@POLLING
async def test_media_in_a_group_is_not_answered(zalo: ZaloSide) -> None:
    group = zalo.fake.message("g-1", "x", user_id="u-9", group=True)
    before = zalo.channel.progress.count
    await zalo.fake.push(zalo.bot, media(group, "message.image.received"))
    await zalo.channel.progress.wait_for(before + 1)
    assert zalo.fake.to_chat("g-1") == []


@POLLING
async def test_polling_is_flagged_as_development_mode(
    zalo: ZaloSide, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="chihoi.zalo")
    assert await zalo.channel.start()
    assert "zalo_polling_is_development_mode" in [r.getMessage() for r in caplog.records]


@POLLING
async def test_a_person_known_on_another_bot_is_found_on_this_one(
    zalo: ZaloSide, zalo_user: ZaloUser
) -> None:
    """ZALO_SHARED_USER_IDS: Lan linked on bot 111 writes to bot 987654 with the same id."""
    world = zalo.world
    async with transaction(world.maker) as s:
        lan = await people.find_person(s, "web", "sim", "lan")
        assert lan is not None
        await people.link_identity(
            s, lan.id, "zalo", "111", zalo_user.chat_id, zalo_user.chat_id, world.clock()
        )
    zalo.channel.shared_ids = False
    await zalo_user.say("menu")
    assert "Người mới" in zalo_user.seen()[-1] or "mã mời" in zalo_user.seen()[-1]
    zalo.channel.shared_ids = True
    await zalo_user.say("menu")
    assert "Thôn Đông" in zalo_user.seen()[-1]
    async with world.session() as s:
        bots = (
            await s.scalars(
                select(ChannelIdentity.bot_id).where(
                    ChannelIdentity.external_id == zalo_user.chat_id
                )
            )
        ).all()
    assert sorted(bots) == ["111", "987654"]
