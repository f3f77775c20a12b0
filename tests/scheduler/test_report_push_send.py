"""Report pushes are composed when sent, not when queued (issue 14.8).

A night sweep queues the chair's semi-annual report at 02:18; it is held until quiet hours
end at 07:00. Branches that log meetings in between must be in the report she receives.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.domain.enums import OutboxStatus
from bot.domain.rules import Rules
from bot.reports.pushes import COMMUNE_PUSH, composers
from bot.scheduler.sweep import sweep
from storage.models import Outbox
from tests.scheduler.support import FakeTime, Recorder, add_meeting, local, sender
from tests.support.chat_fixtures import World


async def report_row(world: World) -> Outbox:
    async with world.session() as s:
        return (await s.scalars(select(Outbox).where(Outbox.kind == COMMUNE_PUSH))).one()


async def test_queued_at_night_sent_at_seven_with_the_figures_of_seven(world: World) -> None:
    rules = Rules()
    await sweep(world.maker, local(2026, 11, 26, 2, 18), rules, world.engine.registry)
    queued = await report_row(world)
    # The row says what to compute, not what to say.
    assert queued.payload["text"] == "" and queued.payload["compose"]["half"] == "2026-H2"
    assert queued.not_before == local(2026, 11, 26, 7)
    # Two of the three branches log their fourth-quarter meeting before the morning.
    await add_meeting(
        world.maker, "TH-QP-01", dt.date(2026, 11, 25), logged_at=local(2026, 11, 26, 5)
    )
    await add_meeting(
        world.maker, "TH-QP-02", dt.date(2026, 11, 25), logged_at=local(2026, 11, 26, 6)
    )
    clock = FakeTime(local(2026, 11, 26, 6, 59))
    web = Recorder(clock)
    send = sender(world.maker, clock, web, rules=rules, composers=composers(rules))
    assert (await send.drain()).sent == 0  # still quiet hours
    clock.set(local(2026, 11, 26, 7))
    assert (await send.drain()).sent >= 1  # the night's reminders go out with it
    (got,) = [d for d in web.sent if d.text.startswith("Báo cáo 6 tháng")]
    assert got.chat_id == "hong" and got.at - local(2026, 11, 26, 7) < dt.timedelta(minutes=1)
    assert "Sinh hoạt định kỳ Quý 4/2026: 2/3 chi hội (66,7%)" in got.text
    assert "Sinh hoạt định kỳ Quý 4/2026: 0/3" not in got.text
    # The row keeps what was sent (the simulator shows it; the spec is gone).
    row = await report_row(world)
    assert row.status == OutboxStatus.SENT and row.payload["text"] == got.text
    assert "compose" not in row.payload
