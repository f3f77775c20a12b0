"""Issue 19 item 2: the Official Account channel against the fake OA platform."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import func, select
from starlette.applications import Starlette

from bot.channels.outbound import Address, SendError, Transports
from bot.channels.send_outcomes import FallBack
from bot.channels.zalo_oa import render
from bot.core.types import Choice, Reply
from bot.domain.enums import RoleKind
from bot.scheduler.channel_choice import Steering
from bot.scheduler.sender import Sender
from storage.db import transaction
from storage.models import ChannelIdentity, OaContact, OaInbox, Outbox, Person
from storage.repositories import oa_state, org, outbox, people
from tests.channels.oa_side import OaSide, OaUser, make_channel, store_pair
from tests.channels.test_contract import conversation, linked
from tests.fakes.server import ManualClock, serve
from tests.fakes.zalo_oa import FakeZaloOa
from tests.scheduler.support import FakeTime
from tests.support.chat_fixtures import World


@pytest.fixture(scope="module")
async def oa_server() -> AsyncIterator[tuple[FakeZaloOa, str]]:
    fake = FakeZaloOa()
    running = await serve(fake.app)
    yield fake, running.url
    await running.stop()


@pytest.fixture
async def oa(world: World, oa_server: tuple[FakeZaloOa, str]) -> AsyncIterator[OaSide]:
    fake, url = oa_server
    fake.reset(ManualClock(world.clock().timestamp()))
    await store_pair(world, fake)
    channel = make_channel(fake, url, world)
    hook = await serve(Starlette(routes=channel.routes()))
    http = httpx.AsyncClient(timeout=10)
    yield OaSide(fake, channel, world, hook, http)
    await http.aclose()
    await channel.close()
    await hook.stop()


async def inbox_rows(world: World) -> int:
    async with world.session() as s:
        return int(await s.scalar(select(func.count()).select_from(OaInbox)) or 0)


async def test_unsigned_or_wrongly_signed_events_get_403_and_nothing_is_processed(
    oa: OaSide,
) -> None:
    body = oa.fake.event("u-1", "xin chào")
    raw, headers = oa.fake.signed(body)
    assert await oa.post(raw, {"Content-Type": "application/json"}) == 403
    bad = dict(headers, **{"X-ZEvent-Signature": "mac=" + "0" * 64})
    assert await oa.post(raw, bad) == 403
    tampered = raw.replace(b"xin ch", b"XIN CH")
    assert await oa.post(tampered, headers) == 403  # signed for another body
    assert await inbox_rows(oa.world) == 0
    # Zalo's URL check when the webhook is saved: an unsigned {} gets 200, nothing queued.
    assert await oa.post(b"{}", {"Content-Type": "application/json"}) == 200
    assert await inbox_rows(oa.world) == 0
    assert await oa.post(raw, headers) == 200
    assert await inbox_rows(oa.world) == 1


async def test_a_redelivered_event_is_handled_once(oa: OaSide) -> None:
    body = oa.fake.event("u-2", "xin chào", msg_id="abc123")
    raw, headers = oa.fake.signed(body)
    assert await oa.post(raw, headers) == 200
    assert await oa.post(raw, headers) == 200  # Zalo retries when unsure
    assert await oa.channel.drain() == 1
    assert len(oa.fake.to_user("u-2")) == 1  # one answer ("mã mời")
    assert "mã mời" in oa.fake.to_user("u-2")[0].text
    async with oa.world.session() as s:
        contact = await s.get(OaContact, (oa.fake.oa_id, "u-2"))
    assert contact is not None  # her 48 h / 7-day window runs from this message


async def test_onboard_register_and_log_a_meeting_through_the_oa(oa: OaSide) -> None:
    user = OaUser(oa, "u-lan-oa")
    await conversation(oa.world, user)
    sent = oa.fake.to_user("u-lan-oa")
    assert any(m.buttons for m in sent)  # Zalo users get buttons here
    assert all(len(m.buttons) <= 5 and len(m.text) <= 2000 for m in sent)
    identity = await linked(oa.world, "zalo_oa", "u-lan-oa")
    assert identity.bot_id == oa.fake.oa_id
    async with oa.world.session() as s:
        person = await s.get(Person, identity.person_id)
    assert person is not None and person.display_name == "Lan"  # her name from user/detail


def test_replies_split_at_2000_with_buttons_on_the_last_part() -> None:
    lines = "\n".join("dòng " + "x" * 90 for _ in range(50))  # ~4,800 characters
    choices = tuple(Choice(f"k{i}", f"Mục {i}") for i in range(3))
    parts, buttons = render(Reply(lines, choices), 5)
    assert len(parts) == 3 and all(len(p) <= 2000 for p in parts)
    assert [b.payload for b in buttons] == ["#c:k0", "#c:k1", "#c:k2"]
    many = tuple(Choice(f"k{i}", f"Mục {i}") for i in range(7))
    parts, buttons = render(Reply("Chọn", many), 5)
    assert buttons == [] and "7. Mục 6" in parts[0]  # more than 5: the numbered list


async def test_an_expired_access_token_is_refreshed_once_and_saved_first(oa: OaSide) -> None:
    """The access token lives 25 h; 23 h later (2 h left, under the 3 h margin) the next
    send refreshes first: one refresh, the new pair stored, the old refresh token dead."""
    user = OaUser(oa, "u-3")
    await user.say("xin chào")
    oa.world.clock.advance(hours=23)
    oa.fake.clock.advance(23 * 3600)
    await user.say("xin chào")
    assert oa.fake.refreshes == 1
    assert len(oa.fake.to_user("u-3")) == 2
    assert oa.channel.keeper.refreshes == 1
    # -216 from the API (token revoked): refreshed once, the send retried once.
    oa.fake.inject.append(-216)
    await user.say("xin chào")
    assert oa.fake.refreshes == 2 and len(oa.fake.to_user("u-3")) == 3


async def test_a_refused_refresh_alerts_the_admins_once(oa: OaSide) -> None:

    async with transaction(oa.world.maker) as s:
        thu = await people.find_person(s, "web", "sim", "thu")
        unit = await org.by_code(s, "TH")
        assert thu and unit
        await people.grant_role(s, thu.id, unit.id, RoleKind.ADMIN)
    oa.fake.refresh.clear()  # every refresh token is now dead (an admin revoked the app)
    oa.world.clock.advance(hours=24)
    oa.fake.clock.advance(24 * 3600)
    oa.fake.user("u-4", last_interaction=oa.fake.clock())
    address = Address("zalo_oa", oa.fake.oa_id, "u-4")
    for _ in range(2):
        with pytest.raises(SendError):
            await oa.channel.deliver(address, Reply("nhắc việc"))
    async with oa.world.session() as s:
        alerts = (await s.scalars(select(Outbox).where(Outbox.kind == "alert"))).all()
        pair = await oa_state.token(s, oa.fake.oa_id)
    assert len(alerts) == 1 and "chihoi zalo oa-token" in alerts[0].payload["text"]
    assert pair is not None and pair.failed


async def test_outside_the_7_day_window_the_send_falls_back(oa: OaSide) -> None:
    oa.fake.user("u-5", last_interaction=oa.fake.clock() - 8 * 86400)
    with pytest.raises(FallBack):
        await oa.channel.deliver(Address("zalo_oa", oa.fake.oa_id, "u-5"), Reply("nhắc việc"))
    async with oa.world.session() as s:
        assert await s.scalar(select(func.count()).select_from(ChannelIdentity)) >= 5


async def test_a_reminder_inside_the_window_goes_by_the_oa_with_its_buttons(oa: OaSide) -> None:
    """Lan wrote to the OA yesterday: her reminder goes out through /message/cs, free
    (within 48 h), with its two actions as buttons carrying the choice keys."""
    user = OaUser(oa, "u-6")
    await user.say("xin chào")
    async with transaction(oa.world.maker) as s:
        lan = await people.find_person(s, "web", "sim", "lan")
        assert lan is not None
        await people.link_identity(
            s, lan.id, "zalo_oa", oa.fake.oa_id, "u-6", "u-6", oa.world.clock()
        )
        payload = {"text": "Chi hội chưa sinh hoạt quý này",
                   "choices": [["go:log_meeting", "Ghi sinh hoạt"], ["snooze", "Nhắc lại sau 3 ngày"]]}  # fmt: skip
        await outbox.enqueue(s, "r-oa", "meeting_due", "zalo_oa", oa.fake.oa_id, "u-6", payload,
                             oa.world.clock(), person_id=lan.id)  # fmt: skip
    transports = Transports()
    transports.add(oa.channel)
    clock = FakeTime(oa.world.clock())
    steer = Steering(oa.world.maker, transports, clock=clock)
    sender = Sender(
        oa.world.maker, transports, clock=clock, sleep=clock.sleep, quiet=None, steer=steer
    )
    report = await sender.drain()
    assert report.sent == 1
    last = oa.fake.to_user("u-6")[-1]
    assert last.text.startswith("Chi hội chưa sinh hoạt quý này")
    assert [(b["title"], b["payload"]) for b in last.buttons] == [
        ("Ghi sinh hoạt", "#c:go:log_meeting"),
        ("Nhắc lại sau 3 ngày", "#c:snooze"),
    ]
