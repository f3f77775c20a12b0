"""`chihoi clubs list|report|erase-incoming` on the demo organisation; bad input is one line.

Plain sync tests: the CLI runs its own event loop (asyncio.run)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bot.cli import app
from storage import db
from storage.db import transaction
from storage.models import IncomingWoman
from storage.repositories import clubs, migrants, org
from tests.support import databases
from tests.support.chat_fixtures import World

runner = CliRunner()


@pytest.fixture
def cli_db(world: World, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    async def go() -> None:
        engine = db.make_engine(sqlite_url)
        async with transaction(db.make_sessionmaker(engine)) as s:
            qp = await org.by_code(s, "TH-QP")
            assert qp is not None
            club = await clubs.add_club(
                s,
                qp.id,
                "CLB Nữ công nhân",
                "club",
                ["worker"],
                dt.date(2025, 1, 1),
                "commune",
                None,
                None,
                world.clock(),
            )
            await clubs.set_outside(s, club, 4, dt.date(2026, 3, 20), None, world.clock())
            await migrants.add_incoming(
                s,
                qp.id,
                "Lò Thị Sen",
                "Sơn La",
                dt.date(2026, 2, 1),
                None,
                False,
                club.id,
                None,
                world.clock(),
            )
        await engine.dispose()

    databases.run(go)
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def test_list_and_report_with_its_sheet(cli_db: str, tmp_path: Path) -> None:
    listed = runner.invoke(app, ["clubs", "list", "TH"])
    assert listed.exit_code == 0
    assert listed.stdout.endswith("TH-QP\tCLB Nữ công nhân\tworker\t0\t4\n")
    out = tmp_path / "th.xlsx"
    shown = runner.invoke(app, ["clubs", "report", "TH", "--xlsx", str(out)])
    assert shown.exit_code == 0 and "Chị em được tập hợp: 4" in shown.stdout
    assert load_workbook(out).sheetnames == ["Doi tuong dac thu"]
    bad = runner.invoke(app, ["clubs", "report", "XX"])
    assert (bad.exit_code, bad.stdout) == (1, "") and "no unit with code XX" in bad.stderr


def test_erase_incoming_clears_her_details(cli_db: str) -> None:
    done = runner.invoke(app, ["clubs", "erase-incoming", "1", "--yes"])
    assert done.exit_code == 0

    async def read() -> tuple[str | None, str | None]:
        engine = db.make_engine(cli_db)
        async with db.make_sessionmaker(engine)() as s:
            qp = await org.by_code(s, "TH-QP")
            assert qp is not None
            rows = await migrants.incoming_of(s, [qp.id])
            assert rows == []  # erased rows are no longer listed
            row = await s.get(IncomingWoman, 1)
            assert row is not None
            got = (row.full_name, row.home_place)
        await engine.dispose()
        return got

    assert databases.run(read) == (None, None)
