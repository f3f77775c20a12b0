"""`make demo` shows issue 17, and `chihoi dues` prints the same figures."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from bot.cli import app
from bot.core.i18n import language
from bot.reports.dues_text import report
from bot.seeding import demo
from storage.db import transaction
from storage.repositories import dues_overview, org
from tests.support.chat_fixtures import World

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_the_demo_has_dues_funds_grades_and_pairs(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(maker) as s:
        await demo.seed(s, NOW, random.Random(7))
        await demo.seed_history(s, NOW, TZ, random.Random(11))
    async with maker() as s:
        th = await org.by_code(s, "TH")
        qp1 = await org.by_code(s, "TH-QP-01")
        assert th is not None and qp1 is not None
        o = await dues_overview.overview(s, th, 2026, NOW.date())
        branch = await dues_overview.overview(s, qp1, 2026, NOW.date())
    with language("vi"):
        text = report(o)
        own = report(branch)
    assert "Hội LHPN xã Quảng Phú" in text and "Xếp loại:" in text
    (line,) = branch.branches
    assert line.rate == 36_000 and line.partial == 1 and line.paid > 0 and line.exempt > 0
    # 1.500.000 in, 300.000 out, 200.000 in and reversed: 1.200.000
    assert line.fund_balance == 1_200_000
    assert line.approved and line.grade is not None and line.brought == 1
    assert "đã duyệt" in own and "Phụ nữ được hội viên vận động vào Hội (1+1): 1" in own
    no_core = [b.name for b in o.branches if b.core == 0]
    assert "Chi hội Khu phố Lê Lợi" in no_core


@pytest.fixture
def cli_db(world: World, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The demo organisation behind DATABASE_URL."""
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    return sqlite_url


def test_the_cli_sets_a_rate_and_prints_the_report(cli_db: str, tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["dues", "rate", "--unit", "TH-QP", "--amount", "-5k"])
    assert bad.exit_code == 1 and "not an amount of money (negative)" in bad.output
    huge = runner.invoke(app, ["dues", "rate", "--unit", "TH-QP", "--amount", "20tr"])
    assert huge.exit_code == 1 and "over 10000000" in huge.output
    ok = runner.invoke(
        app, ["dues", "rate", "--unit", "TH-QP", "--amount", "48k", "--elderly", "0"]
    )
    assert ok.exit_code == 0, ok.output
    out = tmp_path / "dues.xlsx"
    shown = runner.invoke(app, ["dues", "report", "--unit", "TH-QP", "--out", str(out)])
    assert shown.exit_code == 0, shown.output
    assert "Hội phí, quỹ và xếp loại" in shown.output and out.stat().st_size > 0
    wrong = runner.invoke(app, ["dues", "rubric", "--unit", "TH", "--weights", "meetings=40"])
    assert wrong.exit_code == 1 and "weights add up to 100" in wrong.output
    right = runner.invoke(
        app, ["dues", "rubric", "--unit", "TH", "--year", "2026", "--weights", "meetings=35,self=0"]
    )
    assert right.exit_code == 0 and "saved the 2026 rubric of TH" in right.output
    book = runner.invoke(app, ["dues", "fund", "--unit", "TH-QP-01"])
    assert book.exit_code == 0 and "Quỹ chi hội năm" in book.output
