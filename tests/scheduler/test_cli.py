"""`chihoi jobs`: one sweep and drain at a given time; failed sends listed for admins."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.cli import app
from bot.domain.enums import OutboxStatus
from storage import db
from storage.db import transaction
from storage.models import Outbox
from storage.repositories import outbox as repo
from tests.scheduler.support import local
from tests.support import databases
from tests.support.chat_fixtures import World

runner = CliRunner()


def rows_of(url: str) -> list[Outbox]:
    """The outbox, read in a thread of its own (the CLI runs its own event loop)."""

    async def read() -> list[Outbox]:
        engine = db.make_engine(url)
        async with db.make_sessionmaker(engine)() as s:
            rows = list((await s.scalars(select(Outbox).order_by(Outbox.id))).all())
        await engine.dispose()
        return rows

    return databases.run(read)


@pytest.fixture
def cli_world(world: World, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> World:
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOTS"):
        monkeypatch.delenv(name, raising=False)
    return world


def test_run_once_sweeps_then_drains(cli_world: World) -> None:
    result = runner.invoke(app, ["jobs", "run-once", "--at", "2026-03-18T08:00+07:00"])
    assert result.exit_code == 0, result.output
    assert "sweep 2026-03-18: 4 new messages (leader_visit 1, meeting_due 3)" in result.stdout
    assert "outbox: sent 4, retry later 0, failed 0" in result.stdout
    again = runner.invoke(app, ["jobs", "run-once", "--at", "2026-03-18T15:00+07:00"])
    assert "sweep 2026-03-18: 0 new messages (none)" in again.stdout


def test_run_once_at_night_waits_for_morning(cli_world: World, sqlite_url: str) -> None:
    result = runner.invoke(app, ["jobs", "run-once", "--at", "2026-03-17T22:00"])
    assert result.exit_code == 0, result.output
    assert "outbox: sent 0" in result.stdout
    rows = rows_of(sqlite_url)
    assert rows and {r.not_before for r in rows} == {local(2026, 3, 18, 7)}


def test_failed_sends_are_listed_without_their_text(cli_world: World, sqlite_url: str) -> None:
    async def fail_one() -> None:
        engine = db.make_engine(sqlite_url)
        async with transaction(db.make_sessionmaker(engine)) as s:
            at = local(2026, 3, 17)
            await repo.enqueue(s, "x|1", "meeting_due", "zalo", "z1", "99", {"text": "Bí mật"}, at)
            row = (await s.scalars(select(Outbox))).one()
            row.status, row.attempts, row.last_error = OutboxStatus.FAILED, 5, "SendError: zalo 500"
        await engine.dispose()

    databases.run(fail_one)
    result = runner.invoke(app, ["jobs", "failed"])
    assert result.exit_code == 0, result.output
    assert "failed 1" in result.stdout
    assert "meeting_due\tzalo\t-\t5\t" in result.stdout and "SendError: zalo 500" in result.stdout
    assert "Bí mật" not in result.stdout
    retried = runner.invoke(app, ["jobs", "retry"])
    assert "requeued 1 messages" in retried.stdout
    (row,) = rows_of(sqlite_url)
    assert row.status == OutboxStatus.PENDING and row.attempts == 0


def test_a_bad_time_is_one_line(cli_world: World) -> None:
    result = runner.invoke(app, ["jobs", "run-once", "--at", "tomorrow"])
    assert result.exit_code == 1
    assert "--at: expected an ISO time" in result.stderr
