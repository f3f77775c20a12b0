"""Telegram over the fake Bot API: webhook secret, flood control, errors, splitting, groups."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest

from bot.channels.outbound import Address, SendError, Unreachable
from bot.channels.telegram import TelegramChannel
from bot.core.types import Attachment, Choice, Reply
from storage.db import transaction
from storage.models import ProcessedUpdate
from storage.repositories import people
from tests.channels.harness import TG_TOKEN
from tests.channels.wire import TelegramSide, TelegramUser, WireChat
from tests.fakes.server import ManualClock
from tests.support.chat_fixtures import World

POLLING = pytest.mark.parametrize("mode", ["polling"])
WEBHOOK = pytest.mark.parametrize("mode", ["webhook"])


def address(user: TelegramUser) -> Address:
    return Address("telegram", "123456", str(user.chat_id))


async def processed(world: World) -> int:
    async with world.session() as s:
        return int(await s.scalar(select(func.count()).select_from(ProcessedUpdate)) or 0)


@WEBHOOK
async def test_webhook_is_registered_with_secret_and_kinds(telegram: TelegramSide) -> None:
    hook = telegram.bot.webhook
    assert hook is not None
    assert hook["url"].endswith("/telegram/123456")
    assert hook["secret_token"] == "test-secret_123"
    assert hook["allowed_updates"] == ["message", "callback_query", "my_chat_member"]
    assert hook["drop_pending_updates"] is False


@WEBHOOK
@pytest.mark.parametrize("secret", ["wrong-secret", ""])
async def test_a_webhook_call_without_the_secret_is_refused_and_ignored(
    telegram: TelegramSide, tg_user: TelegramUser, secret: str
) -> None:
    update = telegram.fake.message(tg_user.chat_id, "xin chào")
    assert await telegram.fake.post_webhook(telegram.bot, update, secret=secret) == 403
    assert await processed(telegram.world) == 0
    assert telegram.fake.sent == []
    assert telegram.channel.progress.count == 0


@POLLING
async def test_a_button_from_an_old_menu_says_it_expired(
    telegram: TelegramSide, tg_user: TelegramUser
) -> None:
    chat = WireChat(tg_user)
    await chat.script([("user", "xin chào"), ("bot", "mã mời")])
    async with transaction(telegram.world.maker) as s:
        person = await people.create_person(s, "Lan", telegram.world.clock())
        await people.link_identity(
            s, person.id, "telegram", "123456", str(tg_user.chat_id), str(tg_user.chat_id),
            telegram.world.clock(),
        )  # fmt: skip
    await chat.script([("user", "menu"), ("bot", "Chị muốn làm gì")])
    old = telegram.fake.to_chat(tg_user.chat_id)[-1]
    await chat.script([("user", "menu"), ("bot", "Chị muốn làm gì")])
    await tg_user.send(telegram.fake.press(telegram.bot, old, old.buttons[0][1]))
    await chat.script([("bot", "Danh mục này đã cũ"), ("bot", "Chị muốn làm gì")])
    assert len(telegram.fake.answered) == 1  # the spinner stops even for a stale button


@POLLING
async def test_long_text_is_split_on_lines_and_every_value_escaped(
    telegram: TelegramSide, tg_user: TelegramUser
) -> None:
    lines = [f'{i:04d} <Chi hội> Tom & Jerry\'s "nhà" <b>' for i in range(160)]  # ~6,000 chars
    await telegram.channel.deliver(address(tg_user), Reply("\n".join(lines)))
    sent = telegram.fake.to_chat(tg_user.chat_id)
    assert len(sent) == 2
    assert all(len(m.text) <= 4096 for m in sent)
    assert "\n".join(m.text for m in sent).split("\n") == lines  # nothing lost, cut between lines


@POLLING
@pytest.mark.filterwarnings("ignore:Please use 'Bot.sendMessage'")
async def test_the_fake_refuses_what_telegram_refuses(telegram: TelegramSide) -> None:
    url = telegram.channel.bot.base_url.removesuffix(TG_TOKEN)
    async with Bot(TG_TOKEN, base_url=url) as raw:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await raw.send_message(1, "Tom <Jerry>", parse_mode="HTML")
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await raw.send_message(1, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
            await raw.send_message(1, "hi", reply_markup=_markup("k" * 65))
        with pytest.raises(BadRequest, match=r"(?i)unknown parameter"):
            await raw.send_message(1, "hi", api_kwargs={"colour": "red"})
        with pytest.raises(BadRequest, match=r"(?i)parameter chat_id is required"):
            await raw.do_api_request("sendMessage", api_kwargs={"text": "hi"})
        telegram.fake.require_https = True
        with pytest.raises(BadRequest, match=r"(?i)https url must be provided"):
            await raw.set_webhook("http://bot.example.org/telegram/123456")


def _markup(data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton("a", callback_data=data)]])


@POLLING
async def test_choices_become_buttons_and_oversized_keys_are_refused_here_first(
    telegram: TelegramSide, tg_user: TelegramUser
) -> None:
    reply = Reply("Chọn ngôn ngữ.", (Choice("7.0", "Tiếng Việt"), Choice("7.1", "English")))
    await telegram.channel.deliver(address(tg_user), reply)
    assert telegram.fake.to_chat(tg_user.chat_id)[-1].buttons == [
        ("Tiếng Việt", "7.0"), ("English", "7.1")
    ]  # fmt: skip
    with pytest.raises(ValueError, match="64-byte"):
        await telegram.channel.deliver(address(tg_user), Reply("x", (Choice("é" * 33, "a"),)))


@POLLING
async def test_flood_control_is_waited_out_exactly(
    telegram: TelegramSide, tg_user: TelegramUser, manual: ManualClock
) -> None:
    for n in range(3):
        await telegram.channel.deliver(address(tg_user), Reply(f"tin {n}"))
    assert [m.text for m in telegram.fake.to_chat(tg_user.chat_id)] == ["tin 0", "tin 1", "tin 2"]
    assert manual.slept == [1.0, 1.0]  # retry_after from each 429, nothing more
    assert [c.status for c in telegram.fake.calls if c.method == "sendMessage"] == [
        200, 429, 200, 429, 200
    ]  # fmt: skip


@POLLING
async def test_thirty_messages_a_second_per_bot(
    telegram: TelegramSide, manual: ManualClock
) -> None:
    for chat in range(1, 32):
        await telegram.channel.deliver(Address("telegram", "123456", str(chat)), Reply("nhắc"))
    assert len(telegram.fake.sent) == 31
    assert manual.slept == [1.0]  # the 31st waited once


@POLLING
async def test_server_errors_are_retried_with_jittered_backoff(
    telegram: TelegramSide, tg_user: TelegramUser, manual: ManualClock
) -> None:
    telegram.fake.failures["sendMessage"] = [502, 500]
    await telegram.channel.deliver(address(tg_user), Reply("xin chào"))
    assert [m.text for m in telegram.fake.to_chat(tg_user.chat_id)] == ["xin chào"]
    first, second = manual.slept
    assert 0.5 <= first <= 1.0 and 1.0 <= second <= 2.0


@POLLING
async def test_bad_requests_are_not_retried(telegram: TelegramSide, tg_user: TelegramUser) -> None:
    telegram.fake.failures["sendMessage"] = [400]
    with pytest.raises(SendError) as caught:
        await telegram.channel.deliver(address(tg_user), Reply("x"))
    assert caught.value.permanent
    telegram.fake.gone.add("777")
    with pytest.raises(Unreachable):
        await telegram.channel.deliver(Address("telegram", "123456", "777"), Reply("x"))
    assert len([c for c in telegram.fake.calls if c.method == "sendMessage"]) == 2


@POLLING
async def test_attachments_go_as_document_or_photo(
    telegram: TelegramSide, tg_user: TelegramUser, manual: ManualClock
) -> None:
    telegram.fake.limits = False
    sheet = Attachment("document", "bao-cao.xlsx", b"PK\x03\x04data", caption="Báo cáo <quý 1>")
    chart = Attachment("photo", "bieu-do.png", b"\x89PNG....")
    await telegram.channel.deliver(address(tg_user), Reply("Đây là báo cáo.", attachment=sheet))
    await telegram.channel.deliver(address(tg_user), Reply("", attachment=chart))
    text, document, photo = telegram.fake.to_chat(tg_user.chat_id)
    assert (text.method, text.text) == ("sendMessage", "Đây là báo cáo.")
    assert (document.method, document.file, document.text) == (
        "sendDocument", ("bao-cao.xlsx", b"PK\x03\x04data"), "Báo cáo <quý 1>"
    )  # fmt: skip
    assert (photo.method, photo.file) == ("sendPhoto", ("bieu-do.png", b"\x89PNG...."))


@POLLING
async def test_a_channel_delivers_for_the_sender_without_being_started(
    telegram: TelegramSide, tg_user: TelegramUser
) -> None:
    """`chihoi jobs run-once` registers transports but starts no polling loop."""
    base = telegram.channel.bot.base_url.removesuffix(TG_TOKEN)
    idle = TelegramChannel(
        Bot(TG_TOKEN, base_url=base), telegram.world.engine, telegram.world.maker, secret="s"
    )
    await idle.deliver(address(tg_user), Reply("Nhắc: chi hội chưa sinh hoạt quý này."))
    assert [m.text for m in telegram.fake.to_chat(tg_user.chat_id)] == [
        "Nhắc: chi hội chưa sinh hoạt quý này."
    ]
    await idle.close()


@POLLING
async def test_length_is_counted_as_telegram_does(
    telegram: TelegramSide, tg_user: TelegramUser
) -> None:
    telegram.fake.limits = False
    hearts = "🌸" * 3000  # one line of 3,000 characters, 6,000 UTF-16 units
    await telegram.channel.deliver(address(tg_user), Reply(hearts))
    assert "".join(m.text for m in telegram.fake.to_chat(tg_user.chat_id)) == hearts
