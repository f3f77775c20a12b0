"""Counting club members once, the audience report in chat and in Excel, and erasure."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from bot.core.i18n import language
from bot.domain import audiences
from bot.domain.calendar import Year
from bot.domain.rules import Rules
from bot.reports import audiences_chart, audiences_excel
from bot.reports.audiences import report_text
from storage.db import transaction
from storage.repositories import (
    audience_report,
    clubs,
    measures,
    members,
    migrants,
    org,
    privacy,
)
from tests.clubs.support import add_club, roster, send_away
from tests.support.chat_fixtures import World

DAY = dt.date(2026, 3, 20)


async def _coverage(world: World) -> tuple[int, int]:
    async with world.session() as s:
        qp = await org.by_code(s, "TH-QP")
        assert qp is not None
        f = (await measures.measure(s, qp, Year(2026), DAY, Rules())).of(qp.id)
        return f.covered_members, f.population


async def test_a_member_in_a_club_and_a_branch_is_counted_once(db_world: World) -> None:
    """Worked example (demo data, 20/03/2026). Quảng Phú's branches hold 10 (Thôn Đông) +
    11 (Thôn Tây) + 8 (Làng Nam) = 29 members; its 2019 figure is 45 women aged 18+, so
    coverage is 29/45 = 64.4%. A club links 2 members of Thôn Đông and 1 of Thôn Tây (one of
    them also in a second club) and counts 3 women in no branch. The members are already in
    their branches: the numerator becomes 29 + 3 = 32 (71.1%), not 29 + 3 + 3 + 1 = 36. The
    report's "women reached" is 3 distinct members + 3 outside = 6."""
    world = db_world  # SQLite and PostgreSQL
    assert await _coverage(world) == (29, 45)
    first = await add_club(world, "CLB Nữ công nhân", ["worker"])
    second = await add_club(world, "CLB Dưỡng sinh", ["elderly"])
    east, west = await roster(world, "TH-QP-01"), await roster(world, "TH-QP-02")
    async with transaction(world.maker) as s:
        club = await clubs.by_id(s, first)
        other = await clubs.by_id(s, second)
        assert club is not None and other is not None
        for m in (east[0], east[1], west[0]):
            assert await clubs.link(s, club, m.id, DAY, None, world.clock())
        assert await clubs.link(s, other, east[0].id, DAY, None, world.clock())
        assert await clubs.set_outside(s, club, 3, DAY, None, world.clock()) == 3
    assert await _coverage(world) == (32, 45)
    async with world.session() as s:
        qp = await org.by_code(s, "TH-QP")
        assert qp is not None
        r = await audience_report.gather(s, qp, DAY)
    assert (r.linked, r.outside, r.reached, r.clubs_total) == (3, 3, 6, 2)
    assert r.clubs_by_audience == {"worker": 1, "elderly": 1}
    assert r.without_model == []  # a worker club is a model for a hard-to-reach group


async def test_the_report_flags_communes_without_a_model_and_reads_back_from_excel(
    world: World,
) -> None:
    club_id = await add_club(world, "CLB Nữ công nhân", ["worker"])
    away = (await roster(world, "TH-HT-01"))[0]
    await send_away(world, away.id, dt.date(2025, 6, 1))
    async with transaction(world.maker) as s:
        qp = await org.by_code(s, "TH-QP")
        assert qp is not None
        for club in (club_id, None):
            await migrants.add_incoming(
                s, qp.id, "Lò Thị Sen", "Sơn La", DAY, None, False, club, None, world.clock()
            )
    async with world.session() as s:
        th = await org.by_code(s, "TH")
        assert th is not None
        r = await audience_report.gather(s, th, DAY)
    with language("vi"):
        text = report_text(r)
        data = audiences_excel.workbook(r)
        png = audiences_chart.chart(r)
    assert "⚠ Chưa có mô hình cho nhóm phụ nữ khó tập hợp: Hội LHPN phường Hạc Thành" in text
    assert "Hội viên đi làm ăn xa: 1" in text
    assert "Chị em nơi khác đến sống ở đây: 2 (1 đã được mời vào CLB)" in text
    assert 'Chỉ tiêu (000 §II.2): 0/10 CLB cho nhóm "Công nhân lao động", 2026' in text
    assert png.startswith(b"\x89PNG")
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [audiences_excel.SHEET]
    rows = list(wb[audiences_excel.SHEET].iter_rows(values_only=True))
    header = rows[1]
    assert header[:3] == ("Đơn vị", "Hội viên", "Phụ nữ trẻ (dưới 35 tuổi)")
    by_name = {row[0]: row for row in rows[2:] if row and row[0]}
    qp, ht = by_name["Hội LHPN xã Quảng Phú"], by_name["Hội LHPN phường Hạc Thành"]
    assert (qp[1], qp[-1], ht[-1]) == (29, 1, 0)  # members, clubs
    young = header.index("Phụ nữ trẻ (dưới 35 tuổi)")
    assert by_name["Tổng"][young] == r.total("young") == qp[young] + ht[young]
    migrant = header.index("Đi làm ăn xa")
    assert (ht[migrant], qp[migrant]) == (1, 0)
    assert ("Chưa có mô hình cho nhóm khó tập hợp", "Hội LHPN phường Hạc Thành") in [
        r[:2] for r in rows
    ]


async def test_erasing_a_member_removes_her_club_links_and_where_she_works(
    world: World,
) -> None:
    club_id = await add_club(world, "CLB Nữ công nhân", ["worker"])
    m = (await roster(world, "TH-QP-01"))[0]
    await send_away(world, m.id, dt.date(2025, 6, 1))
    async with transaction(world.maker) as s:
        club = await clubs.by_id(s, club_id)
        assert club is not None
        await clubs.link(s, club, m.id, DAY, None, world.clock())
        await migrants.save_info(
            s, m.id, "Hàn Quốc", dt.date(2025, 6, 1), None, True, None, world.clock()
        )
        await migrants.add_visit(s, m.id, dt.date(2025, 9, 1), None, world.clock())
    async with transaction(world.maker) as s:
        data = await privacy.export(s, m.id, world.clock())
        assert data is not None
        assert data["clubs"] == [{"club": "CLB Nữ công nhân", "linked_on": "2026-03-20"}]
        assert data["working_far_away"]["destination"] == "Hàn Quốc"
        assert await privacy.erase(s, m.id, DAY, world.clock())
    async with world.session() as s:
        assert await clubs.linked(s, club_id) == []
        assert await migrants.info(s, m.id) is None
        assert await migrants.visits_of(s, m.id) == [dt.date(2025, 9, 1)]  # no personal value


async def test_age_bands_counted_by_the_database_follow_the_domain_rule(db_world: World) -> None:
    """On 20/03/2026: born 21/03/1991 is 34 (young), 20/03/1991 is 35 (not); a year alone
    compares years: 1992 gives 34 (young), 1991 gives 35 (not); born 20/03/1966 is 60
    (elderly), 1966 alone 60 (elderly), 1967 alone 59 (not). The report, counted in SQL,
    must agree member by member with bot/domain/audiences.py on both backends."""
    world = db_world
    births = [
        (dt.date(1991, 3, 21), False),
        (dt.date(1991, 3, 20), False),
        (dt.date(1992, 1, 1), True),
        (dt.date(1991, 1, 1), True),
        (dt.date(1966, 3, 20), False),
        (dt.date(1966, 1, 1), True),
        (dt.date(1967, 1, 1), True),
    ]
    async with transaction(world.maker) as s:
        branch = await org.by_code(s, "TH-QP-03")
        assert branch is not None
        for i, (born, approx) in enumerate(births):
            await members.add_member(
                s,
                branch.id,
                f"Thử Thị Số{i}",
                DAY,
                world.clock(),
                birth_date=born,
                birth_approx=approx,
                categories=["migrant_worker"] if i == 0 else (),
            )
    async with world.session() as s:
        qp = await org.by_code(s, "TH-QP")
        assert qp is not None
        r = await audience_report.gather(s, qp, DAY)
        everyone = [m for m, _u in await members.in_subtree(s, qp)]
    expected: dict[str, int] = {}
    for m in everyone:
        for code in audiences.audiences_of(m.categories, m.birth_date, DAY, approx=m.birth_approx):
            expected[code] = expected.get(code, 0) + 1
    got = {a.code: r.total(a.code) for a in audiences.AUDIENCES if r.total(a.code)}
    assert got == expected
    assert got["worker"] == 1  # the old merged flag counts as a worker
