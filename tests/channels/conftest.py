"""Fake Telegram and Zalo servers (real HTTP, one per test session) and channels wired to them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from storage import crypto
from tests.channels.harness import TG_TOKEN, ZALO_TOKEN, start_telegram, start_zalo
from tests.channels.wire import TelegramSide, TelegramUser, ZaloSide, ZaloUser
from tests.fakes.server import ManualClock, serve
from tests.fakes.telegram import FakeTelegram
from tests.fakes.zalo import FakeZalo
from tests.support.chat_fixtures import World

DATA_KEY = "test-data-key-channels-0123456789abc"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # PTB 22 itself reads the int form of RetryAfter.retry_after while building the error.
    for item in items:
        if "tests/channels/" in str(item.path):
            item.add_marker(pytest.mark.filterwarnings("ignore::DeprecationWarning:telegram"))


@pytest.fixture(autouse=True)
def data_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Members carry sealed ID numbers: a known key for these tests."""
    monkeypatch.setenv("CHIHOI_DATA_KEY", DATA_KEY)
    crypto.reset()
    yield DATA_KEY
    crypto.reset()


@pytest.fixture(scope="session")
async def telegram_server() -> AsyncIterator[tuple[FakeTelegram, str]]:
    fake = FakeTelegram()
    running = await serve(fake.app)
    yield fake, running.url
    await fake.aclose()
    await running.stop()


@pytest.fixture(scope="session")
async def zalo_server() -> AsyncIterator[tuple[FakeZalo, str]]:
    fake = FakeZalo()
    running = await serve(fake.app)
    yield fake, running.url
    await fake.aclose()
    await running.stop()


@pytest.fixture
def manual() -> ManualClock:
    """The fakes' rate-limit clock; the channels' back-off sleeps move it instead of waiting."""
    return ManualClock()


@pytest.fixture(params=["polling", "webhook"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def telegram(
    world: World, telegram_server: tuple[FakeTelegram, str], mode: str, manual: ManualClock
) -> AsyncIterator[TelegramSide]:
    fake, url = telegram_server
    fake.reset(clock=manual)
    fake.require_https = False  # our test server has no certificate
    bot = fake.add_bot(TG_TOKEN)
    channel, stop = await start_telegram(
        world.engine, world.maker, url, mode, sleep=manual.sleep, clock=world.clock
    )
    yield TelegramSide(fake, bot, channel, mode, world)
    await stop()


@pytest.fixture
async def zalo(
    world: World, zalo_server: tuple[FakeZalo, str], mode: str, manual: ManualClock
) -> AsyncIterator[ZaloSide]:
    fake, url = zalo_server
    fake.reset(clock=manual)
    fake.require_https = False
    bot = fake.add_bot(ZALO_TOKEN)
    channel, stop = await start_zalo(
        world.engine, world.maker, url, mode, sleep=manual.sleep, with_files=True
    )
    yield ZaloSide(fake, bot, channel, mode, world)
    await stop()


@pytest.fixture
def tg_user(telegram: TelegramSide) -> TelegramUser:
    return TelegramUser(telegram, 5550001)


@pytest.fixture
def zalo_user(zalo: ZaloSide) -> ZaloUser:
    return ZaloUser(zalo, "6ede9afa0001")
