"""Issue 19 item 1: a Zalo bot's monthly allowance. Admins are told at 80% and at 100%;
from 100% routine reminders on that bot are folded into the commune chair's digest while
escalations still go out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from bot.channels.zalo_quota import BotQuota
from bot.domain import rules as R
from bot.domain.enums import OutboxStatus, RoleKind
from bot.scheduler.channel_choice import FOLDED, Steering, compose_digest
from storage.db import transaction
from storage.models import FoldedReminder, Outbox
from storage.repositories import org, outbox, people
from tests.scheduler.support import FakeTime, Recorder, local, sender, transports
from tests.support.chat_fixtures import World

VN = dt.timezone(dt.timedelta(hours=7))
T0 = local(2026, 3, 20, 9)


@dataclass
class ZaloBot(Recorder):
    quota: BotQuota | None = None


async def setup(world: World) -> tuple[int, int, int]:
    """Thu is an admin (alerts reach her in the simulator); Lan writes on Zalo bot b1 only."""
    async with transaction(world.maker) as s:
        thu = await people.find_person(s, "web", "sim", "thu")
        lan = await people.find_person(s, "web", "sim", "lan")
        branch = await org.by_code(s, "TH-QP-01")
        commune = await org.by_code(s, "TH-QP")
        assert thu and lan and branch and commune
        await people.grant_role(s, thu.id, commune.id, RoleKind.ADMIN)
        await people.link_identity(s, lan.id, "zalo", "b1", "z-lan", "z-lan", T0)
        await people.mark_unreachable(s, "web", "sim", "lan")
        return lan.id, branch.id, commune.id


async def alerts(world: World) -> list[str]:
    async with world.session() as s:
        rows = (await s.scalars(select(Outbox).where(Outbox.kind == "alert"))).all()
    return [r.payload["text"] for r in rows]


async def test_admins_are_told_at_80_and_100_percent_once(world: World) -> None:
    """Quota 5, warning at 80%: the 4th send (4/5 = 80%) and the 5th (100%) each tell the
    admins once; a 6th and a second process's count tell nobody again."""
    await setup(world)
    clock = FakeTime(T0)
    quota = BotQuota(world.maker, "b1", 5, 80, VN, clock=clock)
    for _ in range(3):
        await quota.count()
    assert await alerts(world) == []
    await quota.count()
    assert len(await alerts(world)) == 1
    assert "4 trên 5 tin" in (await alerts(world))[0]
    await quota.count()
    assert quota.exhausted
    texts = await alerts(world)
    assert len(texts) == 2 and "chỉ gửi tin trả lời" in texts[1]
    other = BotQuota(world.maker, "b1", 5, 80, VN, clock=clock)
    await other.count()
    assert await other.refresh() == 6
    assert len(await alerts(world)) == 2


async def test_at_100_percent_routine_reminders_fold_into_the_digest(world: World) -> None:
    lan, branch, commune = await setup(world)
    clock = FakeTime(T0)
    quota = BotQuota(world.maker, "b1", 2, 80, VN, clock=clock)
    await quota.count(2)
    bot = ZaloBot(clock, channel="zalo", bot_id="b1", quota=quota)
    check = {"what": "meeting", "period": "2026-Q1", "unit": branch}
    async with transaction(world.maker) as s:
        for kind in (R.MEETING_DUE, R.MEETING_LATE):
            await outbox.enqueue(
                s, f"{kind}|q|lan", kind, "zalo", "b1", "z-lan",
                {"text": kind, "check": check}, T0, person_id=lan,
            )  # fmt: skip
    steer = Steering(world.maker, transports(bot), clock=clock)
    report = await sender(world.maker, clock, bot, steer=steer).drain()
    assert [d.text for d in bot.sent] == [R.MEETING_LATE]  # the escalation went out
    assert report.skipped == 1
    async with world.session() as s:
        due = await s.scalar(select(Outbox).where(Outbox.kind == R.MEETING_DUE))
        folded = (await s.scalars(select(FoldedReminder))).all()
    assert due is not None and due.status == OutboxStatus.SENT and due.sent_at is None
    assert due.last_error == FOLDED
    assert [(f.kind, f.unit_id) for f in folded] == [(R.MEETING_DUE, branch)]
    # The chair's next digest names the branch, once.
    payload = {"text": "Tuần này…", "period": f"2026-W12/{commune}"}
    async with transaction(world.maker) as s:
        first = await compose_digest(s, payload, T0)
        again = await compose_digest(s, payload, T0)
    assert "Chi hội Thôn Đông" in first["text"] and "hết lượt tin" in first["text"]
    assert again == payload
