"""Semi-annual report pushes through the scheduler's sweep (bot.scheduler.sweep.sweep).

Chairs get their commune's report the day after the review deadline (11 June, 26 November),
province officers the province's a week later; each exactly once whatever the number of
sweeps, within a grace window, never at night, and naming no member.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.domain.enums import RoleKind
from bot.domain.rules import Rules
from bot.reports.pushes import ReportComposer
from bot.scheduler.sweep import sweep
from storage.db import transaction
from storage.models import Member, Outbox
from storage.repositories import members, org, people
from tests.scheduler.support import local
from tests.support.chat_fixtures import World

COMMUNE, PROVINCE = "report_commune", "report_province"
QP_BRANCHES = ["Chi hội Thôn Đông", "Chi hội Thôn Tây", "Chi hội Làng Nam"]
HT_BRANCHES = ["Chi hội Khu phố Ba Đình", "Chi hội Khu phố Lê Lợi"]


async def add_chair(world: World) -> None:
    """Cúc, chair of the second demo commune, on the web chat as "cuc"."""
    async with transaction(world.maker) as s:
        unit = await org.by_code(s, "TH-HT")
        assert unit is not None
        person = await people.create_person(s, "Đỗ Thị Cúc", world.clock())
        await people.link_identity(s, person.id, "web", "sim", "cuc", "cuc", world.clock())
        await people.grant_role(s, person.id, unit.id, RoleKind.COMMUNE_CHAIR)


async def pushes(world: World) -> list[Outbox]:
    """The queued pushes, each payload composed as the sender would when it is due."""
    composer = ReportComposer(Rules())
    async with world.session() as s:
        stmt = select(Outbox).where(Outbox.kind.in_([COMMUNE, PROVINCE])).order_by(Outbox.key)
        rows = list((await s.scalars(stmt)).all())
        for r in rows:
            assert r.payload["text"] == ""  # the text is written at send time
            r.payload = await composer(s, r.payload, r.not_before)
        s.expunge_all()
    return rows


def summary(rows: list[Outbox]) -> list[tuple[str, str, str]]:
    """(kind, chat, period) of each push."""
    return [(r.kind, r.chat_id, r.key.split("|")[1]) for r in rows]


async def sweep_days(
    world: World, days: list[tuple[int, int, int]], hours: tuple[int, ...]
) -> None:
    for y, m, d in days:
        for h in hours:
            await sweep(world.maker, local(y, m, d, h), Rules(), world.engine.registry)


async def test_chairs_on_26_november_officers_a_week_later_once(db_world: World) -> None:
    await add_chair(db_world)
    # Nothing before the day after the deadline (and nothing for the first half any more).
    await sweep_days(db_world, [(2026, 11, 24), (2026, 11, 25)], (8, 20))
    assert await pushes(db_world) == []
    # Every sweep of the push day and the next days: each chair once.
    await sweep_days(db_world, [(2026, 11, 26), (2026, 11, 27), (2026, 12, 2)], (8, 13, 20))
    rows = await pushes(db_world)
    assert summary(rows) == [(COMMUNE, "hong", "2026-H2"), (COMMUNE, "cuc", "2026-H2")]
    by_chat = {r.chat_id: r for r in rows}
    hong, cuc = by_chat["hong"].payload["text"], by_chat["cuc"].payload["text"]
    assert hong.startswith("Báo cáo 6 tháng cuối năm 2026 – Hội LHPN xã Quảng Phú\n")
    assert "(số liệu đến ngày 26/11/2026)" in hong
    # The branches' deadline (20/11) and the commune's own (25/11), both in the report.
    assert "Rà soát hội viên: 0/3 chi hội đã xác nhận (0 chi hội đúng hạn 20/11/2026)" in hong
    assert "Cập nhật phần mềm quản lý hội viên: chưa xác nhận (hạn 25/11/2026) ⚠️" in hong
    assert all(b in hong for b in QP_BRANCHES) and not any(b in hong for b in HT_BRANCHES)
    assert cuc.startswith("Báo cáo 6 tháng cuối năm 2026 – Hội LHPN phường Hạc Thành\n")
    assert all(b in cuc for b in HT_BRANCHES) and not any(b in cuc for b in QP_BRANCHES)
    assert hong.endswith('Chị gõ "báo cáo" để xem chi tiết, nhận file Excel hoặc biểu đồ.')
    assert {r.not_before for r in rows} == {local(2026, 11, 26, 8)}
    # The province officer a week after the chairs, once over the days of grace.
    await sweep_days(db_world, [(2026, 12, 3), (2026, 12, 4), (2026, 12, 9)], (8, 20))
    rows = await pushes(db_world)
    assert summary(rows)[2:] == [(PROVINCE, "thu", "2026-H2")]
    text = rows[2].payload["text"]
    assert text.startswith("Báo cáo 6 tháng cuối năm 2026 – Hội LHPN tỉnh Thanh Hóa\n")
    assert "Hội LHPN xã Quảng Phú" in text and "Hội LHPN phường Hạc Thành" in text
    assert rows[2].not_before == local(2026, 12, 3, 8)
    # After the grace window, and on the next half-year's other days: nothing new.
    await sweep_days(db_world, [(2026, 12, 10), (2027, 1, 5), (2027, 3, 31)], (8,))
    assert len(await pushes(db_world)) == 3


async def test_june_pushes_the_first_half(world: World) -> None:
    await sweep_days(world, [(2026, 6, 10)], (8, 20))
    assert await pushes(world) == []
    await sweep_days(world, [(2026, 6, 11), (2026, 6, 12)], (8,))
    rows = await pushes(world)
    assert summary(rows) == [(COMMUNE, "hong", "2026-H1")]
    assert (
        rows[0].payload["text"].startswith("Báo cáo 6 tháng đầu năm 2026 – Hội LHPN xã Quảng Phú")
    )
    assert "(0 chi hội đúng hạn 05/06/2026)" in rows[0].payload["text"]
    await sweep_days(world, [(2026, 6, 18)], (8,))
    assert summary(await pushes(world))[1:] == [(PROVINCE, "thu", "2026-H1")]


async def test_a_missed_push_day_is_caught_up_within_the_grace_window(world: World) -> None:
    # The sweeps were down from 26 November: the 2 December sweep still sends the chair's
    # report (with figures up to that day); from 3 December on, only the officer's is due.
    await sweep_days(world, [(2026, 12, 2)], (8,))
    rows = await pushes(world)
    assert summary(rows) == [(COMMUNE, "hong", "2026-H2")]
    assert "(số liệu đến ngày 02/12/2026)" in rows[0].payload["text"]


async def test_too_late_for_the_chair_in_time_for_the_officer(world: World) -> None:
    await sweep_days(world, [(2026, 12, 3)], (8,))
    assert summary(await pushes(world)) == [(PROVINCE, "thu", "2026-H2")]


async def test_a_night_sweep_holds_the_report_until_seven(world: World) -> None:
    await sweep(world.maker, local(2026, 11, 26, 0, 30), Rules(), world.engine.registry)
    (row,) = await pushes(world)
    assert row.not_before == local(2026, 11, 26, 7)
    await sweep(world.maker, local(2026, 12, 3, 22, 15), Rules(), world.engine.registry)
    province = [r for r in await pushes(world) if r.kind == PROVINCE]
    assert [r.not_before for r in province] == [local(2026, 12, 4, 7)]


async def test_pushed_reports_name_no_member(world: World) -> None:
    async with world.session() as s:
        rows = [(m.full_name, members.phone_of(m)) for m in (await s.scalars(select(Member))).all()]
    private = [v for row in rows for v in row if v]
    assert len(private) > 40
    await sweep_days(world, [(2026, 11, 26), (2026, 12, 3)], (8,))
    texts = [r.payload["text"] for r in await pushes(world)]
    assert len(texts) == 2
    for value in private:
        assert not any(value in t for t in texts), value
