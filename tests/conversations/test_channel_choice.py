"""Issue 19 item 4: her preferred channel (a chat screen and the sender's choice), the
fallback order per message kind, and the admins' figures per channel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select, update

from bot.channels.zalo_config import ZaloSettings, order_for, parse_order
from bot.channels.zalo_quota import BotQuota
from bot.domain import rules as R
from bot.domain.enums import OutboxStatus, RoleKind
from bot.scheduler.channel_choice import ELSEWHERE, Steering
from storage.db import transaction
from storage.models import Outbox
from storage.repositories import channel_quota, org, outbox, people, person_contacts
from tests.scheduler.support import FakeTime, Recorder, local, sender, transports
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

T0 = local(2026, 3, 20, 9)
VN = dt.timezone(dt.timedelta(hours=7))


@dataclass
class Bot(Recorder):
    quota: BotQuota | None = None


async def lan_on(world: World, *links: tuple[str, str, str]) -> int:
    async with transaction(world.maker) as s:
        lan = await people.find_person(s, "web", "sim", "lan")
        assert lan is not None
        for channel, bot, chat in links:
            await people.link_identity(s, lan.id, channel, bot, chat, chat, T0)
        return lan.id


async def test_she_chooses_where_reminders_reach_her(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    lan_id = await lan_on(world, ("telegram", "123", "t-lan"), ("zalo", "b1", "z-lan"))
    lan = chat_as("lan")
    await lan.script([
        ("user", "kênh nhận tin"), ("bot", "Chị muốn nhận tin nhắc việc qua kênh nào trước?"),
        ("pick", "Telegram"), ("bot", "gửi qua Telegram trước"),
    ])  # fmt: skip
    async with world.session() as s:
        assert (await person_contacts.contact(s, lan_id)).preferred == "telegram"
    await lan.script([
        ("user", "kênh nhận tin"), ("bot", "kênh nào trước"),
        ("pick", "Mọi ứng dụng"), ("bot", "mọi ứng dụng chị dùng"),
    ])  # fmt: skip
    async with world.session() as s:
        assert (await person_contacts.contact(s, lan_id)).preferred is None


@pytest.mark.parametrize("caps", ["text"], indirect=True)
async def test_admins_see_sent_failed_and_quota_left_per_channel(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    """Telegram: 2 sent, 1 failed this month; Zalo bot b1: 2,990 of 3,000 used → 10 left."""
    async with transaction(world.maker) as s:
        thu = await people.find_person(s, "web", "sim", "thu")
        province = await org.by_code(s, "TH")
        assert thu and province
        await people.grant_role(s, thu.id, province.id, RoleKind.ADMIN)
        for i, status in enumerate(["sent", "sent", "failed"]):
            await outbox.enqueue(
                s, f"k{i}", "test", "telegram", "123", "c", {"text": "x"}, world.clock()
            )
            await s.execute(
                update(Outbox).where(Outbox.key == f"k{i}").values(status=OutboxStatus(status))
            )
        await channel_quota.add(s, "zalo", "b1", "2026-03", world.clock(), 2990, quota=3000)
    thu_chat = chat_as("thu")
    await thu_chat.script([
        ("user", "tin theo kênh"), ("bot", "Telegram: đã gửi 2, lỗi 1, đang chờ 0"),
    ])  # fmt: skip
    assert "bot b1: đã dùng 2.990, còn 10" in thu_chat.text()


async def test_only_her_preferred_channel_gets_the_reminder(world: World) -> None:
    lan_id = await lan_on(world, ("telegram", "123", "t-lan"), ("zalo", "b1", "z-lan"))
    clock = FakeTime(T0)
    tg, zl = Recorder(clock, "telegram", "123"), Bot(clock, "zalo", "b1")
    zl.quota = BotQuota(world.maker, "b1", 3000, 80, VN, clock=clock)
    async with transaction(world.maker) as s:
        await person_contacts.set_preferred(s, lan_id, "zalo", T0)
        for channel, bot, chat in (("telegram", "123", "t-lan"), ("zalo", "b1", "z-lan")):
            await outbox.enqueue(s, f"r|{channel}", R.MEETING_DUE, channel, bot, chat,
                                 {"text": "nhắc"}, T0, person_id=lan_id)  # fmt: skip
    steer = Steering(world.maker, transports(tg, zl), clock=clock)
    await sender(world.maker, clock, tg, zl, steer=steer).drain()
    assert [d.chat_id for d in zl.sent] == ["z-lan"] and tg.sent == []
    async with world.session() as s:
        skipped = await s.scalar(select(Outbox).where(Outbox.key == "r|telegram"))
    assert skipped is not None and skipped.last_error == ELSEWHERE
    # Her Zalo bot has used its month: the preference cannot be kept, Telegram carries it.
    await zl.quota.count(3000)
    async with transaction(world.maker) as s:
        for channel, bot, chat in (("telegram", "123", "t-lan"), ("zalo", "b1", "z-lan")):
            await outbox.enqueue(s, f"r2|{channel}", R.MEETING_DUE, channel, bot, chat,
                                 {"text": "nhắc 2"}, T0, person_id=lan_id)  # fmt: skip
    await sender(world.maker, clock, tg, zl, steer=steer).drain()
    assert [d.text for d in tg.sent] == ["nhắc 2"] and len(zl.sent) == 1


def test_the_fallback_order_is_set_per_message_kind() -> None:
    z = ZaloSettings(CHIHOI_CHANNEL_ORDER="default=zalo,telegram,zns;digest=telegram,zalo")
    assert order_for(z.order, R.MEETING_DUE) == ("zalo", "telegram", "zns")
    assert order_for(z.order, R.DIGEST) == ("telegram", "zalo")
    with pytest.raises(ValueError, match="unknown channel"):
        parse_order("default=zalo,fax")
    with pytest.raises(ValueError):
        ZaloSettings(ZNS_TEMPLATES='{"meeting_due": {"params": {}}}')
