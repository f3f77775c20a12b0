"""Reminders and pushes in the simulator's chat (issue 14.8): what the sender delivered is
listed as delivered, rendered as the person's channel shows it, and its button is a normal
turn; cancelled rows are never "sent"; a report push is written at send time."""

from __future__ import annotations

from typing import Any

import httpx

from bot.domain.rules import Rules
from bot.reports.pushes import composers
from bot.scheduler.due import obsolete
from bot.scheduler.sweep import sweep
from storage.db import transaction
from storage.repositories import outbox
from tests.scheduler.support import FakeTime, Recorder, local, sender
from tests.support.chat_fixtures import World
from tests.web.test_api import say


async def items(client: httpx.AsyncClient, user: str, profile: str) -> list[dict[str, Any]]:
    response = await client.get("/api/outbox", params={"user": user, "profile": profile})
    assert response.status_code == 200
    rows: list[dict[str, Any]] = response.json()
    return rows


async def test_a_delivered_reminder_is_in_the_chat_and_its_button_works(
    client: httpx.AsyncClient, world: World
) -> None:
    now = local(2026, 3, 17, 8)
    await sweep(world.maker, now, Rules(), world.engine.registry)
    clock = FakeTime(now)
    report = await sender(world.maker, clock, Recorder(clock), obsolete=obsolete).drain()
    assert report.sent >= 1
    (item,) = [i for i in await items(client, "lan", "buttons") if i["kind"] == "meeting_due"]
    assert (item["state"], item["at_local"]) == ("delivered", "17/03/2026 08:00")
    part = item["parts"][-1]
    assert part["text"].startswith("Chi hội Thôn Đông chưa ghi buổi sinh hoạt định kỳ")
    labels = {c["key"]: c["label"] for c in part["choices"]}
    assert set(labels) == {"go:log_meeting", "go:snooze"}
    # Zalo style: the same message as text, no buttons, and the words to type in it.
    (zalo,) = [i for i in await items(client, "lan", "text") if i["kind"] == "meeting_due"]
    assert zalo["parts"][-1]["choices"] == []
    assert '"ghi sinh hoạt"' in zalo["parts"][-1]["text"]
    # Pressing the button is an ordinary turn: the meeting dialog opens.
    replies = await say(client, "lan", "buttons", choice="go:log_meeting")
    assert "Chi hội Thôn Đông sinh hoạt ngày nào" in replies[0]["text"]


async def test_a_reminder_skipped_because_done_is_cancelled_not_sent(
    client: httpx.AsyncClient, world: World
) -> None:
    now = world.clock()
    async with transaction(world.maker) as s:
        await outbox.enqueue(s, "k1", "meeting_due", "web", "sim", "lan", {"text": "Nhắc"}, now)
        (row,) = [r for r in await outbox.for_chat(s, "web", "lan", 5) if r.kind == "meeting_due"]
        await outbox.mark_skipped(s, [row.id])
    (item,) = await items(client, "lan", "buttons")
    assert item["status"] == "sent" and item["state"] == "cancelled"


async def test_a_queued_report_has_no_text_until_it_is_sent(
    client: httpx.AsyncClient, world: World
) -> None:
    rules = Rules()
    now = local(2026, 11, 26, 2, 18)
    await sweep(world.maker, now, rules, world.engine.registry)
    (queued,) = [i for i in await items(client, "hong", "text") if i["kind"] == "report_commune"]
    assert (queued["state"], queued["composed_later"]) == ("scheduled", True)
    assert queued["due_local"] == "26/11/2026 07:00"
    clock = FakeTime(local(2026, 11, 26, 7))
    await sender(world.maker, clock, Recorder(clock), composers=composers(rules)).drain()
    (sent,) = [i for i in await items(client, "hong", "text") if i["kind"] == "report_commune"]
    assert sent["state"] == "delivered" and not sent["composed_later"]
    assert sent["parts"][0]["text"].startswith("Báo cáo 6 tháng cuối năm 2026")
