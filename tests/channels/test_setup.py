"""What `chihoi run` wires from the settings: routes, loops, transports, secrets, URLs."""

from __future__ import annotations

import re

from pydantic import SecretStr
from starlette.routing import Route

from bot.app import Runtime, Services, channels, configure
from bot.channels import telegram_wire, zalo
from bot.channels.retry import Again, Backoff, TooLongWait
from bot.channels.setup import telegram_base_url
from bot.config import Settings
from tests.fakes.server import ManualClock


def settings(url: str, **kw: object) -> Settings:
    values = {"database_url": url, "_env_file": None, **kw}
    return Settings(**values)  # type: ignore[arg-type]


def paths_of(services: Services) -> set[str]:
    return {r.path for r in services.routes if isinstance(r, Route)}


async def test_webhook_mode_routes_every_bot_and_registers_transports(sqlite_url: str) -> None:
    rt = Runtime.create(
        settings(
            sqlite_url,
            telegram_bot_token=SecretStr("123456:AAA"),
            telegram_webhook_url="https://bot.example.org",
            zalo_bots=SecretStr("111:aaa, 222:bbb"),
            zalo_webhook_url="https://bot.example.org/",
        )
    )
    other = Runtime.create(rt.settings)
    wired = configure(other)  # `chihoi run` gets the channels through configure()
    assert {"/telegram/123456", "/zalo/{bot_id}"} <= paths_of(wired)
    for close in wired.closers:
        await close()
    await other.close()
    services = channels(rt)
    assert {"/telegram/123456", "/zalo/{bot_id}", "/files/{token}/{name}"} <= paths_of(services)
    assert len(rt.transports) == 3
    assert rt.transports.get("zalo", "222") is not None
    assert rt.transports.get("telegram", "123456") is not None
    assert len(services.tasks) == 3 and len(services.closers) == 3
    assert any("webhook" in n for n in services.names)
    assert not any("AAA" in n or "bbb" in n for n in services.names)  # no token in output
    for close in services.closers:
        await close()
    await rt.close()


async def test_polling_mode_needs_no_routes(sqlite_url: str) -> None:
    rt = Runtime.create(settings(sqlite_url, zalo_bots=SecretStr("111:aaa")))
    services = channels(rt)
    assert services.routes == [] and len(services.tasks) == 1
    assert services.names == ["zalo bot 111 (polling)"]
    for close in services.closers:
        await close()
    await rt.close()


def test_api_url_and_secrets() -> None:
    assert telegram_base_url(None) == "https://api.telegram.org/bot"
    assert telegram_base_url("http://127.0.0.1:8081/") == "http://127.0.0.1:8081/bot"
    assert telegram_base_url("http://h/bot") == "http://h/bot"
    derived = telegram_wire.webhook_secret("123:abc", None)
    assert derived == telegram_wire.webhook_secret("123:abc", None)  # same in every process
    assert derived != telegram_wire.webhook_secret("123:abd", None)
    assert re.fullmatch(r"[A-Za-z0-9_-]{1,256}", derived)
    assert telegram_wire.webhook_secret("123:abc", "mine") == "mine"
    assert 8 <= len(zalo.webhook_secret("1:x", None)) <= 256


async def test_backoff_honours_the_platform_and_gives_up_on_long_waits() -> None:
    clock = ManualClock()
    backoff = Backoff(attempts=4, sleep=clock.sleep, max_wait=60)
    calls = 0

    async def flaky() -> str:
        nonlocal calls
        calls += 1
        if calls < 3:
            raise ConnectionError
        return "ok"

    assert await backoff.call(flaky, lambda e: Again()) == "ok"
    assert calls == 3 and len(clock.slept) == 2
    assert 0.5 <= clock.slept[0] <= 1.0 and 1.0 <= clock.slept[1] <= 2.0

    async def flood() -> str:
        raise ConnectionError

    try:
        await backoff.call(flood, lambda e: Again(after=120))
    except TooLongWait as exc:
        assert exc.seconds == 120
    else:
        raise AssertionError("a 2-minute wait must go back to the caller")
    calls = 0
    try:
        await backoff.call(flaky, lambda e: None)
    except ConnectionError:
        assert calls == 1  # not transient: no retry
