"""Today is Vietnam's day whatever the machine's zone (issue 13: a UTC server said 01/12).

The process runs in America/Los_Angeles (15 hours behind Vietnam in December) and "now" is
2026-12-01T19:50Z: 02:50 on 2 December in Vietnam, 11:50 on 1 December on the machine.
Lan registers a member in chat; the CLI report then says "đến ngày 02/12/2026" and counts her.

Plain sync test for the CLI (it runs its own event loop); the chat runs in an async fixture.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.cli import common as cli_common
from storage import crypto
from storage.repositories import member_counts, org
from tests.members.conftest import TEST_KEY
from tests.members.test_register import FULL
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

NOW = dt.datetime(2026, 12, 1, 19, 50, tzinfo=dt.UTC)
VN_DAY = dt.date(2026, 12, 2)


@pytest.fixture
def far_zone(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's own zone far from Vietnam's (restored afterwards)."""
    monkeypatch.setenv("TZ", "America/Los_Angeles")
    time.tzset()
    assert dt.datetime.fromtimestamp(NOW.timestamp()).date() == dt.date(2026, 12, 1)
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def data_key(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A known data key, so the CCCD of the registration can be sealed."""
    monkeypatch.setenv("CHIHOI_DATA_KEY", TEST_KEY)
    crypto.reset()
    yield
    crypto.reset()


@pytest.fixture
async def registered_at_night(
    far_zone: None, data_key: None, world: World, chat: Chat
) -> tuple[int, int]:
    """Lan registers Trần Thị Bích at 02:50 Vietnam time; (members on 1/12, on 2/12)."""
    world.clock.now = NOW
    await chat.script(FULL)
    async with world.session() as s:
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        before = await member_counts.members_on(s, branch.id, dt.date(2026, 12, 1))
        after = await member_counts.members_on(s, branch.id, VN_DAY)
    return before, after


def test_chat_and_cli_report_count_vietnam_s_day(
    registered_at_night: tuple[int, int],
    sqlite_url: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before, after = registered_at_night
    # Registered on Vietnam's 2 December, not the machine's 1 December.
    assert after == before + 1
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setattr(cli_common, "utc_now", lambda: NOW)
    result = CliRunner().invoke(app, ["report", "show", "--unit", "TH-QP-01"])
    assert result.exit_code == 0, result.stderr
    assert "6 tháng cuối năm 2026" in result.stdout
    assert "(số liệu đến ngày 02/12/2026)" in result.stdout
    assert f"Hội viên: {after} " in result.stdout


def test_the_tally_command_builds_vietnam_s_half_years(
    far_zone: None, world: World, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 31/12 16:30Z is already 1 January in Vietnam: the new half-year's tally is built.
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setattr(
        cli_common, "utc_now", lambda: dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC)
    )
    assert os.environ["TZ"] == "America/Los_Angeles"
    result = CliRunner().invoke(app, ["report", "tally"])
    assert result.exit_code == 0, result.stderr
    assert "2026-12-31" in result.stdout
