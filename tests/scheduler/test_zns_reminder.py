"""Issue 19 item 3: a reminder that chat cannot carry goes out as a ZNS template to the
phone of a woman who consented, and still stops once the task is done.

Lan's only chat is the OA; she last wrote 10 days ago, so the OA's 7-day window is closed
(ZALO-OA.md §4) and the meeting reminder goes by ZNS: template tpl-meeting with her name,
her branch and the quarter's last day (31/03/2026 for 2026-Q1)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.channels.outbound import Transports
from bot.channels.zalo_config import TemplateParam, ZaloSettings
from bot.channels.zalo_oa_client import OaClient
from bot.channels.zalo_oa_tokens import TokenKeeper
from bot.channels.zns import ZnsTransport
from bot.domain import rules as R
from bot.domain.enums import MeetingKind, OutboxStatus, RoleKind
from bot.scheduler import channel_choice
from bot.scheduler.due import obsolete
from bot.scheduler.limits import Limits
from bot.scheduler.sender import Sender
from storage.db import transaction
from storage.models import Outbox
from storage.repositories import channel_quota, oa_state, org, outbox, people, person_contacts
from tests.fakes.server import serve
from tests.fakes.zalo_oa import FakeZaloOa
from tests.fakes.zns import FakeZns
from tests.scheduler.support import FakeTime, add_meeting, local
from tests.support.chat_fixtures import World

T0 = local(2026, 3, 20, 9)
TEMPLATES = {
    R.MEETING_DUE: {
        "template_id": "tpl-meeting",
        "params": {"ten": "name", "chi_hoi": {"from": "unit", "max": 60}, "han": "deadline"},
    }
}


@dataclass
class Zns:
    fake: FakeZns
    oa: FakeZaloOa
    clock: FakeTime
    sender: Sender
    lan: int
    branch: int


@pytest.fixture
async def zns(world: World) -> AsyncIterator[Zns]:
    oa = FakeZaloOa()
    fake = FakeZns(oa)
    fake.template("tpl-meeting", ten=30, chi_hoi=60, han=10)
    running = await serve(oa.app)
    clock = FakeTime(T0)
    oa.reset()
    oa.clock = lambda: clock().timestamp()  # type: ignore[assignment,method-assign]
    z = ZaloSettings(
        ZALO_OA_ID=oa.oa_id, ZALO_OA_APP_ID=oa.app_id, ZALO_OA_APP_SECRET=oa.app_secret,
        ZNS_API_URL=f"{running.url}/business", ZNS_TEMPLATES=json.dumps(TEMPLATES),
    )  # fmt: skip
    client = OaClient(oa.app_id, oa.app_secret, api_url=f"{running.url}/openapi",
                      oauth_url=f"{running.url}/oauth/v4")  # fmt: skip
    keeper = TokenKeeper(world.maker, client, oa.oa_id, clock=clock)
    transport = ZnsTransport(
        client, keeper, world.maker, z, dt.timezone(dt.timedelta(hours=7)), clock=clock
    )
    transports = Transports()
    transports.add(transport)
    access, refresh = oa.issue()
    async with transaction(world.maker) as s:
        await oa_state.save_token(s, oa.oa_id, access, refresh, T0 + dt.timedelta(hours=25), T0)
        lan = await people.find_person(s, "web", "sim", "lan")
        thu = await people.find_person(s, "web", "sim", "thu")
        branch = await org.by_code(s, "TH-QP-01")
        province = await org.by_code(s, "TH")
        assert lan and thu and branch and province
        await people.grant_role(s, thu.id, province.id, RoleKind.ADMIN)
        await people.mark_unreachable(s, "web", "sim", "lan")
        await people.link_identity(s, lan.id, "zalo_oa", oa.oa_id, "u-lan", "u-lan", T0)
        await oa_state.touch(s, oa.oa_id, "u-lan", T0 - dt.timedelta(days=10))
        await person_contacts.set_phone(s, lan.id, "0912345678", True, T0)
    steer = channel_choice.build(world.maker, transports, dt.timezone(dt.timedelta(hours=7)), z)
    steer.clock = clock
    sender = Sender(
        world.maker, transports, limits={"zns": Limits(per_second=100.0)}, clock=clock,
        sleep=clock.sleep, quiet=None, obsolete=obsolete, steer=steer,
    )  # fmt: skip
    yield Zns(fake, oa, clock, sender, lan.id, branch.id)
    await client.aclose()
    await running.stop()


async def remind(world: World, zns: Zns, key: str = "r1") -> int:
    check = {"what": "meeting", "period": "2026-Q1", "unit": zns.branch}
    async with transaction(world.maker) as s:
        await outbox.enqueue(
            s, key, R.MEETING_DUE, "zalo_oa", zns.oa.oa_id, "u-lan",
            {"text": "Chi hội chưa sinh hoạt quý này", "check": check}, zns.clock(),
            person_id=zns.lan,
        )  # fmt: skip
        row = await s.scalar(select(Outbox.id).where(Outbox.key == key))
    assert row is not None
    return int(row)


async def row_of(world: World, row_id: int) -> Outbox:
    async with world.session() as s:
        found = await s.get(Outbox, row_id)
    assert found is not None
    return found


async def test_outside_the_oa_window_the_reminder_goes_by_zns(world: World, zns: Zns) -> None:
    row_id = await remind(world, zns)
    await zns.sender.drain()
    assert [(m.phone, m.template_id, m.data) for m in zns.fake.sent] == [
        ("84912345678", "tpl-meeting",
         {"ten": "Nguyễn Thị Lan", "chi_hoi": "Chi hội Thôn Đông", "han": "31/03/2026"}),
    ]  # fmt: skip
    row = await row_of(world, row_id)
    assert (row.status, row.channel) == (OutboxStatus.SENT, "zns")
    assert zns.fake.sent[0].tracking_id == f"chihoi-{row_id}"
    async with world.session() as s:
        usage = await channel_quota.get(s, "zns", zns.oa.oa_id, "2026-03-20")
    assert usage is not None
    assert (usage.quota, usage.remaining) == (500, 499)  # read from the answer


async def test_at_night_it_waits_for_7_and_stops_if_the_meeting_is_logged(
    world: World, zns: Zns
) -> None:
    zns.clock.set(local(2026, 3, 20, 23))
    row_id = await remind(world, zns)
    await zns.sender.drain()
    assert zns.fake.sent == []
    row = await row_of(world, row_id)
    assert row.status == OutboxStatus.PENDING
    assert row.not_before == local(2026, 3, 21, 7)  # the night ban ends at 07:00
    await add_meeting(world.maker, "TH-QP-01", dt.date(2026, 3, 20), MeetingKind.REGULAR)
    zns.clock.set(local(2026, 3, 21, 7))
    await zns.sender.drain()
    assert zns.fake.sent == []  # the task got done: the reminder stopped
    assert (await row_of(world, row_id)).last_error == outbox.SKIPPED


async def test_an_exhausted_daily_quota_defers_to_tomorrow(world: World, zns: Zns) -> None:
    zns.fake.remaining = 1
    first = await remind(world, zns, "r1")
    second = await remind(world, zns, "r2")
    await zns.sender.drain()
    assert len(zns.fake.sent) == 1
    sent = {r.id: r for r in [await row_of(world, first), await row_of(world, second)]}
    waiting = [r for r in sent.values() if r.status == OutboxStatus.PENDING]
    assert len(waiting) == 1 and waiting[0].not_before == local(2026, 3, 21, 7)
    zns.fake.remaining = 0
    zns.clock.set(local(2026, 3, 21, 7))
    # A new day: our own record says nothing of today, the platform says -144: tomorrow again.
    await zns.sender.drain()
    assert (await row_of(world, waiting[0].id)).not_before == local(2026, 3, 22, 7)


async def test_a_too_long_parameter_fails_the_row_and_tells_the_admins(
    world: World, zns: Zns
) -> None:
    assert zns.sender.steer is not None
    zns.sender.steer.templates[R.MEETING_DUE].params["chi_hoi"] = TemplateParam("unit", 5)
    row_id = await remind(world, zns)
    await zns.sender.drain()
    assert zns.fake.sent == []
    row = await row_of(world, row_id)
    assert row.status == OutboxStatus.FAILED and "the template allows 5" in (row.last_error or "")
    async with world.session() as s:
        alerts = (await s.scalars(select(Outbox).where(Outbox.kind == "alert"))).all()
    assert len(alerts) == 1 and "ZNS_TEMPLATES" in alerts[0].payload["text"]


async def test_an_unapproved_template_is_given_up_and_the_admins_told(
    world: World, zns: Zns
) -> None:
    zns.fake.templates["tpl-meeting"].status = "PENDING_REVIEW"
    row_id = await remind(world, zns)
    await zns.sender.drain()
    row = await row_of(world, row_id)
    assert row.status == OutboxStatus.FAILED and "-131" in (row.last_error or "")
    await zns.sender.drain()  # nothing retried forever
    assert (await row_of(world, row_id)).attempts == 1
    async with world.session() as s:
        alerts = (await s.scalars(select(Outbox).where(Outbox.kind == "alert"))).all()
    assert len(alerts) == 1 and "tpl-meeting" in alerts[0].payload["text"]


async def test_without_consent_no_zns_goes_out(world: World, zns: Zns) -> None:
    async with transaction(world.maker) as s:
        await person_contacts.withdraw_phone_consent(s, zns.lan, zns.clock())
    row_id = await remind(world, zns)
    await zns.sender.drain()
    assert zns.fake.sent == []
    assert (await row_of(world, row_id)).channel == "zalo_oa"
