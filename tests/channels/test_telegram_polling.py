"""Telegram: polling through network loss and restarts, blocked users, group chats, mapping."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from telegram import Bot, Update

from bot.channels.outbound import Address, Unreachable
from bot.channels.telegram import TelegramChannel
from bot.channels.telegram_wire import Me, to_incoming
from bot.core.types import ChatKind, Reply
from storage.models import ChannelIdentity
from tests.channels.harness import TG_SECRET, TG_TOKEN, start_telegram
from tests.channels.test_contract import new_invite
from tests.channels.wire import TelegramSide, TelegramUser, WireChat
from tests.fakes.server import ManualClock
from tests.fakes.telegram import FakeTelegram, Sent
from tests.support.chat_fixtures import World

POLLING = pytest.mark.parametrize("mode", ["polling"])
ME = Me(123456, "chihoi_test_bot")


async def identity(world: World, chat_id: int) -> ChannelIdentity:
    async with world.session() as s:
        stmt = select(ChannelIdentity).where(ChannelIdentity.external_id == str(chat_id))
        return (await s.scalars(stmt)).one()


async def test_network_loss_and_restart_neither_lose_nor_repeat_an_update(
    world: World, telegram_server: tuple[FakeTelegram, str], manual: ManualClock
) -> None:
    fake, url = telegram_server
    fake.reset(clock=manual)
    fake.limits = False
    bot = fake.add_bot(TG_TOKEN)
    first, stop = await start_telegram(
        world.engine, world.maker, url, "polling", sleep=manual.sleep
    )
    hello = fake.message(42, "xin chào")
    await fake.push(bot, hello)
    await first.progress.wait_for(1)
    await stop()
    # Killed before a getUpdates with a higher offset reached Telegram: it still holds `hello`.
    bot.updates[:] = [hello]

    fake.failures["getUpdates"] = [502, 502]  # and the network is down for a while
    again = fake.message(42, "chào")
    await fake.push(bot, again)
    second, stop = await start_telegram(
        world.engine, world.maker, url, "polling", sleep=manual.sleep
    )
    await second.progress.wait_for(2)  # `hello` (again) and `again`
    await stop()
    texts = [m.text for m in fake.to_chat(42)]
    assert len(texts) == 2 and all("mã mời" in t for t in texts)  # one reply per update, not 3
    assert len(manual.slept) == 2  # two back-offs for the two failed polls


async def test_a_bad_token_stops_the_channel_without_crashing(
    world: World, telegram_server: tuple[FakeTelegram, str]
) -> None:
    fake, url = telegram_server
    fake.reset()
    channel = TelegramChannel(
        Bot("999:unknown", base_url=f"{url}/bot"), world.engine, world.maker, secret=TG_SECRET
    )
    assert await channel.start() is False
    await channel.close()


@pytest.fixture
async def telegram_any_db(
    db_world: World, telegram_server: tuple[FakeTelegram, str], manual: ManualClock
) -> AsyncIterator[TelegramSide]:
    fake, url = telegram_server
    fake.reset(clock=manual)
    bot = fake.add_bot(TG_TOKEN)
    channel, stop = await start_telegram(
        db_world.engine, db_world.maker, url, "polling", sleep=manual.sleep, clock=db_world.clock
    )
    yield TelegramSide(fake, bot, channel, "polling", db_world)
    await stop()


async def test_a_blocked_user_becomes_unreachable_until_she_writes_again(
    telegram_any_db: TelegramSide,
) -> None:
    side = telegram_any_db
    user = TelegramUser(side, 5550002)
    code = await new_invite(side.world)
    await WireChat(user).script([("user", code), ("bot", "Chào mừng"), ("bot", "Chị muốn làm gì")])
    side.fake.blocked.add(str(user.chat_id))
    with pytest.raises(Unreachable):
        await side.channel.deliver(Address("telegram", "123456", str(user.chat_id)), Reply("nhắc"))
    assert (await identity(side.world, user.chat_id)).unreachable
    side.fake.blocked.clear()
    await user.say("menu")
    assert not (await identity(side.world, user.chat_id)).unreachable


@POLLING
async def test_blocking_the_bot_is_noticed_from_the_membership_update(
    telegram: TelegramSide, tg_user: TelegramUser
) -> None:
    code = await new_invite(telegram.world)
    await WireChat(tg_user).script([("user", code), ("bot", "Chào mừng"), ("bot", "Chị muốn")])
    await tg_user.send(telegram.fake.kicked(telegram.bot, tg_user.chat_id))
    assert (await identity(telegram.world, tg_user.chat_id)).unreachable


@POLLING
async def test_in_a_group_only_what_is_addressed_to_the_bot_is_answered(
    telegram: TelegramSide,
) -> None:
    fake, group = telegram.fake, -1001234
    user = TelegramUser(telegram, group)

    async def say(text: str, **kw: object) -> None:
        await user.send(fake.message(group, text, user_id=777, chat_type="supergroup", **kw))  # type: ignore[arg-type]

    await say("Mai họp lúc 8 giờ nhé các chị")
    await say("/help@someotherbot")
    assert fake.to_chat(group) == []
    await say("@chihoi_test_bot giúp với")
    await say("cảm ơn", reply_to=telegram.bot)
    assert len(fake.to_chat(group)) == 2


def _update(data: dict[str, object]) -> Update:
    return Update.de_json(data, None)


def test_mapping_of_private_group_and_button_updates() -> None:
    fake = FakeTelegram()
    bot = fake.add_bot(TG_TOKEN)
    private = to_incoming(_update(fake.message(42, "/start AB3D-7KXZ", name="Lan")), "123456", ME)
    assert private is not None
    assert (private.chat_id, private.user_id, private.text) == ("42", "42", "/start AB3D-7KXZ")
    assert (private.chat_kind, private.display_name, private.caps.buttons) == (
        ChatKind.PRIVATE, "Lan", True
    )  # fmt: skip
    assert private.sent_at.tzinfo is not None

    group = fake.message(-5, "/lienket@Chihoi_Test_Bot AB3D", user_id=9, chat_type="group")
    inc = to_incoming(_update(group), "123456", ME)
    assert inc is not None
    assert (inc.chat_kind, inc.addressed, inc.text, inc.user_id) == (
        ChatKind.GROUP, True, "/lienket AB3D", "9"
    )  # fmt: skip

    shown = Sent("sendMessage", "42", "menu", [("A", "3.1")], {}, 77)
    press = to_incoming(_update(fake.press(bot, shown, "3.1")), "123456", ME, clock=_fixed)
    assert press is not None
    assert (press.choice, press.text, press.chat_id, press.sent_at) == ("3.1", None, "42", _fixed())


def _fixed() -> dt.datetime:
    return dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)
