"""`make demo` shows issue 13: the demo organisation's report has every new figure."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import language
from bot.domain.calendar import Year
from bot.domain.rules import Rules
from bot.reports import text as report_text
from bot.seeding import demo
from storage.db import transaction
from storage.repositories import measures, org

NOW = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


async def test_the_demo_report_shows_every_figure_of_issue_13(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    async with transaction(maker) as s:
        await demo.seed(s, NOW, random.Random(7))
        await demo.seed_history(s, NOW, TZ, random.Random(11))
    async with maker() as s:
        qp = await org.by_code(s, "TH-QP")
        assert qp is not None
        r = await measures.measure(s, qp, Year(2026), NOW.date(), Rules())
    with language("vi"):
        text = report_text.report(r, qp.id)
    f = r.of(qp.id)
    assert (f.agg_trade_union, f.agg_armed_forces, f.agg_member_org, f.agg_club_only) == (
        5,
        2,
        3,
        2,
    )
    assert (f.base_members, f.uncounted, f.population, f.tracking) == (7, 1, 70, 74)
    assert "+ 7 ở cơ sở Hội đặc thù + 12 số tổng hợp − 1 tạm trú dưới 6 tháng hoặc vắng mặt" in text
    assert "Số theo dõi (năm 2025): 74, không dùng để tính tỷ lệ" in text
    assert "Chỉ tiêu tập hợp nhiệm kỳ 2022–2027: ≥ 90%" in text
    assert "Sinh hoạt định kỳ Quý 3/2026: 1/1 tổ (100%) ✅" in text
    assert "Chợ Quảng Phú: " in text  # the special base among the units below
    async with maker() as s:
        ht = await org.by_code(s, "TH-HT")
        assert ht is not None
        r = await measures.measure(s, ht, Year(2026), NOW.date(), Rules())
    f = r.of(ht.id)
    assert (f.roster_incomplete, f.roster_stated) == (1, 60)
    with language("vi"):
        assert "Danh sách: 1 chi hội chưa nhập đủ (đã nhập" in report_text.report(r, ht.id)
