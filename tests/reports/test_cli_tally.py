"""`chihoi report tally --check | --rebuild`: differences listed with exit 1, then rebuilt.

Plain sync tests: the CLI runs its own event loop (asyncio.run).
"""

from __future__ import annotations

import sqlite3
from contextlib import closing

import pytest
from typer.testing import CliRunner

from bot.cli import app
from storage import db
from tests.support.chat_fixtures import World

runner = CliRunner()


@pytest.fixture
def cli_db(world: World, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo organisation (seeded on 20/03/2026) behind DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def _sql(url: str, statement: str) -> list[tuple[object, ...]]:
    path = db.sqlite_path(url)
    assert path is not None
    with closing(sqlite3.connect(path)) as conn, conn:
        return conn.execute(statement).fetchall()


def test_check_lists_a_wrong_figure_and_rebuild_mends_it(cli_db: str) -> None:
    result = runner.invoke(app, ["report", "tally", "--check"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "kept figures equal a recount" in result.stdout

    [(unit_id,)] = _sql(cli_db, "SELECT min(id) FROM org_unit WHERE level = 'branch'")
    _sql(
        cli_db,
        "INSERT INTO meeting (unit_id, held_on, kind, form, present_count, leader_present, "
        f"logged_at) VALUES ({unit_id}, '2026-03-02', 'regular', 'direct', 9, 0, "
        "'2026-03-02 03:00:00.000000')",
    )
    figures = _sql(cli_db, "SELECT unit_id, present FROM meeting_figure")
    assert figures == [(unit_id, 9)]  # written by the meeting's trigger
    # a figure row with no meeting behind it, as a load with the triggers off could leave
    _sql(
        cli_db,
        f"INSERT INTO meeting_figure VALUES (999999, {unit_id}, '2026-02-01', 1, 0, 5, 10, 0)",
    )
    result = runner.invoke(app, ["report", "tally", "--check"])
    assert result.exit_code == 1
    assert f"meeting figures 2026 unit {unit_id}: kept (" in result.stdout
    assert "1 kept figure(s) differ from a recount" in result.stderr

    result = runner.invoke(app, ["report", "tally", "--rebuild"])
    assert result.exit_code == 0, result.stdout + result.stderr
    assert "rebuilt the kept figures" in result.stdout
    assert _sql(cli_db, "SELECT unit_id, present FROM meeting_figure") == figures
    assert runner.invoke(app, ["report", "tally", "--check"]).exit_code == 0


def test_check_and_rebuild_together_is_refused(cli_db: str) -> None:
    result = runner.invoke(app, ["report", "tally", "--check", "--rebuild"])
    assert result.exit_code == 1
    assert "choose --check or --rebuild" in result.stderr
