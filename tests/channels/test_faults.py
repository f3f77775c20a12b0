"""One malformed update never stops a channel; crashed tasks restart; /health tells (issue 15.5)."""

from __future__ import annotations

import random

import httpx
import pytest

from bot.channels.retry import Backoff
from bot.channels.server import build_app
from bot.channels.supervise import DONE, DOWN, GaveUp, Health, supervise
from tests.channels.harness import ZALO_SECRET
from tests.channels.wire import TelegramSide, ZaloSide
from tests.fakes.server import ManualClock


@pytest.mark.parametrize("mode", ["polling"])
async def test_telegram_steps_over_an_update_it_cannot_read(telegram: TelegramSide) -> None:
    fake, bot = telegram.fake, telegram.bot
    broken = fake.message(701, "xin chào")
    del broken["message"]["date"]  # PTB cannot build a Message without it
    await fake.push(bot, broken)
    await fake.push(bot, fake.message(702, "xin chào"))
    await fake.wait(lambda: bool(fake.to_chat("702")), timeout=10)
    assert "mã mời" in fake.to_chat("702")[0].text
    assert telegram.channel.skipped == 1
    await fake.push(bot, fake.message(703, "xin chào"))  # polled with the offset past both
    await fake.wait(lambda: bool(fake.to_chat("703")), timeout=10)
    offsets = [c.params.get("offset") for c in fake.calls if c.method == "getUpdates"]
    assert any(o is not None and int(o) > broken["update_id"] for o in offsets)
    assert fake.to_chat("701") == []


@pytest.mark.parametrize("mode", ["polling"])
async def test_zalo_polling_steps_over_an_odd_update(zalo: ZaloSide) -> None:
    fake, bot = zalo.fake, zalo.bot
    odd = fake.message("z701", "xin chào")
    odd["message"]["chat"] = "weird"
    await fake.push(bot, odd)
    await fake.push(bot, fake.message("z702", "xin chào"))
    await fake.wait(lambda: bool(fake.to_chat("z702")), timeout=10)
    assert "mã mời" in fake.to_chat("z702")[0].text
    assert zalo.channel.client.skipped == 1


@pytest.mark.parametrize("mode", ["webhook"])
async def test_zalo_webhook_answers_bad_bodies_with_400_and_goes_on(zalo: ZaloSide) -> None:
    fake, bot = zalo.fake, zalo.bot
    assert bot.webhook is not None
    url, headers = bot.webhook["url"], {"X-Bot-Api-Secret-Token": ZALO_SECRET}
    async with httpx.AsyncClient() as http:
        for body in (b"{not json", b"\xff\xfe", b"[1, 2]", b"[" * 100_000 + b"]" * 100_000):
            response = await http.post(url, content=body, headers=headers)
            assert response.status_code == 400, body[:10]
    odd = fake.message("z703", "xin chào")
    odd["message"]["date"] = 10**30  # no such day
    odd["message"]["chat"] = {"id": "z703", "chat_type": ["?"]}
    assert await fake.post_webhook(bot, odd) == 200  # acknowledged, so not resent forever
    assert await fake.post_webhook(bot, fake.message("z704", "xin chào")) == 200
    assert "mã mời" in fake.to_chat("z704")[0].text


async def test_a_crashed_task_restarts_with_back_off_and_a_refused_one_shows_on_health() -> None:
    clock = ManualClock()
    backoff = Backoff(sleep=clock.sleep, rng=random.Random(1))
    health = Health()
    runs: list[int] = []

    async def flaky() -> None:
        runs.append(len(runs))
        if len(runs) < 3:
            raise RuntimeError("poll loop broke")

    await supervise("flaky", flaky, health, backoff)
    assert len(runs) == 3
    assert health.state["flaky"] == DONE and health.restarts["flaky"] == 2
    assert len(clock.slept) == 2 and all(s > 0 for s in clock.slept)  # backed off, twice

    async def refused() -> None:
        raise GaveUp("token refused")

    await supervise("telegram bot 1 (polling)", refused, health, backoff)
    assert health.state["telegram bot 1 (polling)"] == DOWN
    app = build_app(health=health)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://127.0.0.1"
    ) as c:
        response = await c.get("/health")
    assert response.status_code == 503
    assert response.json()["tasks"]["telegram bot 1 (polling)"] == "down"
