"""Reminders in the chat: the action opens its dialog, snoozing once, muting the digest.

Delivery here is the web simulator's; a reminder's buttons carry "go:<menu entry>" keys
(tapped on Telegram), and its text says what to type (Zalo has no buttons).
"""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.core.types import TELEGRAM_CAPS, ZALO_CAPS, Capabilities
from bot.domain import rules as R
from bot.domain.rules import Rules
from bot.scheduler.sweep import sweep
from storage.models import Outbox
from storage.repositories import conversations
from tests.scheduler.support import Delivered, FakeTime, Recorder, local, sender
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def run_day(world: World, y: int, m: int, d: int, h: int = 8, mi: int = 0) -> list[Delivered]:
    """The scheduler's day: a sweep at h:mi local, then the sender drains; what went out."""
    moment = local(y, m, d, h, mi)
    world.clock.set_local(y, m, d, h, mi)
    clock = FakeTime(moment)
    web = Recorder(clock)
    await sweep(world.maker, moment, Rules(), registry=world.engine.registry)
    await sender(world.maker, clock, web).drain()
    world.clock.set_local(y, m, d, h + 1, mi)  # people answer an hour later
    return web.sent


def to(sent: list[Delivered], chat_id: str) -> list[Delivered]:
    return [d for d in sent if d.chat_id == chat_id]


async def act(chat: Chat, msg: Delivered, key: str, index: int) -> None:
    """Use the reminder's action the way this profile would: tap it, or type its words."""
    if chat.caps.buttons:
        await chat.send(chat.incoming(choice=key))
    else:
        words = re.findall(r'"([^"]+)"', msg.text)
        await chat.say(words[index])


async def dialog_of(world: World, user: str) -> str | None:
    async with world.maker() as s:
        state = await conversations.get_state(s, "web", "sim", user)
    return state.get("dialog")


async def test_the_reminder_opens_the_meeting_dialog(world: World, chat: Chat) -> None:
    (msg,) = to(await run_day(world, 2026, 3, 17), "lan")
    assert msg.text.startswith(
        "Chi hội Thôn Đông chưa ghi buổi sinh hoạt định kỳ nào trong Quý 1/2026. "
        "Còn 14 ngày nữa là hết quý (31/03/2026)."
    )
    assert 'Chị gõ "ghi sinh hoạt" để làm ngay, hoặc "nhắc lại sau"' in msg.text
    assert msg.keys == ("go:log_meeting", "go:snooze")
    await chat.say("xin chào")  # at the menu, with its numbered choices on offer
    await act(chat, msg, "go:log_meeting", 0)
    assert "Chi hội Thôn Đông sinh hoạt ngày nào" in chat.text()
    assert await dialog_of(world, "lan") == "log_meeting"


async def test_a_tap_opens_the_dialog_even_in_the_middle_of_another(world: World) -> None:
    lan = Chat(world.engine, TELEGRAM_CAPS, "lan", world.clock)
    await run_day(world, 2026, 3, 17)
    await lan.say("ngôn ngữ")
    assert await dialog_of(world, "lan") == "language"
    await lan.send(lan.incoming(choice="go:log_meeting"))
    assert "sinh hoạt ngày nào" in lan.text()
    assert await dialog_of(world, "lan") == "log_meeting"


async def test_snooze_once_then_the_reminder_comes_back_once(world: World, chat: Chat) -> None:
    (msg,) = to(await run_day(world, 2026, 3, 17), "lan")
    await act(chat, msg, "go:snooze", 1)
    assert "Em sẽ nhắc lại chị vào ngày 21/03/2026" in chat.text()
    for day in (18, 19, 20):
        assert to(await run_day(world, 2026, 3, day), "lan") == []
    (again,) = to(await run_day(world, 2026, 3, 21), "lan")
    assert "Còn 10 ngày nữa là hết quý" in again.text
    await act(chat, again, "go:snooze", 1)
    assert "đã hoãn lời nhắc này một lần rồi" in chat.text()
    for day in (22, 23, 24, 25):
        assert to(await run_day(world, 2026, 3, day), "lan") == []
    (last,) = to(await run_day(world, 2026, 3, 26), "lan")
    assert "Còn 5 ngày nữa" in last.text
    async with world.maker() as s:
        keys = (await s.scalars(select(Outbox.key).where(Outbox.chat_id == "lan"))).all()
    assert [k.rsplit("|", 1)[1] for k in keys] == ["d14", "again", "d5"]


async def test_a_step_due_during_a_snooze_comes_after_it_instead(world: World) -> None:
    mai = Chat(world.engine, TELEGRAM_CAPS, "mai", world.clock)
    await run_day(world, 2026, 3, 17)
    world.clock.set_local(2026, 3, 24, 9)
    await mai.send(mai.incoming(choice="go:snooze"))  # until 27/03 09:00
    for day in (25, 26, 27):
        assert to(await run_day(world, 2026, 3, day), "mai") == []
    (late,) = to(await run_day(world, 2026, 3, 28), "mai")
    assert "Còn 3 ngày nữa" in late.text
    assert to(await run_day(world, 2026, 3, 29), "mai") == []


async def test_nothing_to_snooze(world: World) -> None:
    hoa = Chat(world.engine, TELEGRAM_CAPS, "hoa", world.clock)
    await hoa.script([("user", "nhắc lại sau"), ("bot", "không có lời nhắc nào gần đây")])


async def test_snoozing_is_not_a_menu_line_but_its_words_work(world: World) -> None:
    hoa = Chat(world.engine, ZALO_CAPS, "hoa", world.clock)
    (menu,) = await hoa.say("menu")
    labels = [c.label for c in menu.choices]
    assert "Ghi sinh hoạt chi hội" in labels
    assert "Nhắc lại sau" not in labels
    (answer, *_rest) = await hoa.say("nhac lai sau")
    assert "không có lời nhắc nào gần đây" in answer.text


def digests(sent: list[Delivered]) -> list[Delivered]:
    return [d for d in to(sent, "hong") if "go:digest_toggle" in d.keys]


async def test_the_chair_mutes_and_unmutes_the_weekly_digest(
    world: World, caps: Capabilities
) -> None:
    hong = Chat(world.engine, caps, "hong", world.clock)
    (digest,) = digests(await run_day(world, 2026, 3, 23, 7, 30))
    assert digest.text.startswith("Tuần 16/03/2026 – 22/03/2026, Hội LHPN xã Quảng Phú:")
    assert "Chi hội chưa sinh hoạt định kỳ trong Quý 1/2026: 3 (Chi hội Thôn Đông" in digest.text
    assert digest.keys == ("go:digest_toggle",)
    await hong.script([("user", "bản tin tuần"), ("bot", "Đã tắt bản tin tuần")])
    assert digests(await run_day(world, 2026, 3, 30, 7, 30)) == []
    await hong.script([("user", "bản tin tuần"), ("bot", "Đã bật lại bản tin tuần")])
    assert len(digests(await run_day(world, 2026, 4, 6, 7, 30))) == 1


async def test_escalations_cannot_be_snoozed_or_muted(world: World) -> None:
    (late,) = [d for d in to(await run_day(world, 2026, 4, 1), "hong") if "đã kết thúc" in d.text]
    assert late.text.startswith(
        "Quý 1/2026 đã kết thúc. 3 chi hội của Hội LHPN xã Quảng Phú chưa ghi buổi sinh hoạt"
    )
    assert "go:snooze" not in late.keys and "go:digest_toggle" not in late.keys
    assert R.MEETING_LATE not in R.SNOOZABLE | R.MUTABLE
