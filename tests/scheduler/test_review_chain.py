"""The review chain with lead time (rule 7, 004 §II.1.1, issue 13 item 8).

Branches confirm by 5 June (the commune's 10 June less CHIHOI_REVIEW_LEAD_DAYS = 5); the
chair of Quảng Phú (Hồng) is then reminded to confirm "đã cập nhật vào phần mềm quản lý hội
viên" until she does or 10 June passes; on 11 June the province officer (Thu) hears of the
communes that did not. Reports show both deadlines.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.core.i18n import language
from bot.domain.calendar import HalfYear
from bot.domain.rules import Rules
from bot.reports import text as report_text
from storage.models import Audit, Person, Review
from storage.repositories import measures, org
from tests.scheduler.support import add_review, local
from tests.scheduler.test_reminder_chat import act, run_day, to
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

H1 = HalfYear(2026, 1)


def software(sent: list) -> list:  # type: ignore[type-arg]
    return [d for d in sent if "go:software_update" in d.keys]


async def test_branch_reminders_and_escalation_follow_the_branch_deadline(world: World) -> None:
    # 20 days before 5 June, not before 10 June.
    assert to(await run_day(world, 2026, 5, 15), "lan") == []
    (first,) = to(await run_day(world, 2026, 5, 16), "lan")
    assert "Hạn 05/06/2026, còn 20 ngày" in first.text
    # The chair hears of late branches the day after the branches' deadline.
    late = [d for d in to(await run_day(world, 2026, 6, 6), "hong") if "Đã quá hạn" in d.text]
    assert len(late) == 1 and "(05/06/2026)" in late[0].text


async def test_the_chair_is_reminded_until_she_confirms_the_software_update(
    world: World, chat_as: object
) -> None:
    await add_review(world.maker, "TH-QP-01", "2026-H1", local(2026, 6, 1, 10))
    assert software(await run_day(world, 2026, 6, 5)) == []  # the branches' day
    (msg,) = software(to(await run_day(world, 2026, 6, 6), "hong"))
    assert msg.text.startswith(
        "Hội LHPN xã Quảng Phú, rà soát hội viên 6 tháng đầu năm 2026: Hội xã cần cập nhật "
        "phần mềm quản lý hội viên trước hạn 10/06/2026, còn 4 ngày."
    )
    assert "Các chi hội chưa xác nhận danh sách: Chi hội Thôn Tây, Chi hội Làng Nam." in msg.text
    hong: Chat = chat_as("hong")  # type: ignore[operator]
    await act(hong, msg, "go:software_update", 0)
    assert "1/3 chi hội đã xác nhận danh sách (hạn 05/06/2026)" in hong.text()
    assert "Chưa xác nhận: Chi hội Thôn Tây, Chi hội Làng Nam" in hong.text()
    assert (
        "Hạn cập nhật phần mềm quản lý hội viên là ngày 10/06/2026. Chị đã cập nhật xong chưa?"
        in hong.text()
    )
    await hong.script([
        ("pick", "Đã cập nhật xong"),
        ("bot", "Em cảm ơn chị! Em đã ghi: Hội LHPN xã Quảng Phú cập nhật xong phần mềm quản lý hội viên, rà soát 6 tháng đầu năm 2026."),
    ])  # fmt: skip
    async with world.maker() as s:
        commune = await org.by_code(s, "TH-QP")
        assert commune is not None
        row = (await s.scalars(select(Review).where(Review.unit_id == commune.id))).one()
        who = (await s.scalars(select(Person).where(Person.id == row.confirmed_by))).one()
        audit = (
            await s.scalars(select(Audit).where(Audit.action == "software_update_confirmed"))
        ).one()
    assert (row.period, row.changes) == (
        "2026-H1",
        {"software": True, "branches": 3, "branches_confirmed": 1},
    )
    assert who.display_name == "Phạm Thị Hồng" and audit.entity_id == commune.id
    # No more reminders for her; the province hears only of Hạc Thành (no chair to confirm).
    assert software(await run_day(world, 2026, 6, 8)) == []
    assert software(await run_day(world, 2026, 6, 10)) == []
    (prov,) = [d for d in to(await run_day(world, 2026, 6, 11), "thu") if "phần mềm" in d.text]
    assert prov.text.startswith(
        "Rà soát hội viên 6 tháng đầu năm 2026: 1 Hội xã chưa xác nhận cập nhật phần mềm quản "
        "lý hội viên trước hạn 10/06/2026: Hội LHPN phường Hạc Thành."
    )
    # The chair's status screen and the reports show both deadlines.
    await hong.script([("user", "rà soát hội viên"), ("bot", "(hạn 05/06/2026)")])
    assert (
        "✓ Cập nhật phần mềm quản lý hội viên: đã xác nhận ngày 06/06/2026 (hạn 10/06/2026)"
        in hong.text()
    )
    async with world.maker() as s:
        province = await org.by_code(s, "TH")
        assert province is not None
        rollup = await measures.measure(s, province, H1, dt.date(2026, 6, 30), Rules())
    with language("vi"):
        commune_lines = report_text.unit_lines(rollup, rollup.units[commune.id])
        province_lines = report_text.unit_lines(rollup, rollup.root)
    assert "Rà soát hội viên: 1/3 chi hội đã xác nhận (1 chi hội đúng hạn 05/06/2026)" in "\n".join(
        commune_lines
    )
    assert (
        "Cập nhật phần mềm quản lý hội viên: đã xác nhận ngày 06/06/2026 (hạn 10/06/2026) ✅"
        in commune_lines
    )
    assert (
        "Cập nhật phần mềm quản lý hội viên: 1/2 Hội xã đã xác nhận (hạn 10/06/2026) ⚠️"
        in province_lines
    )


async def test_not_yet_writes_nothing_and_the_reminders_go_on(
    world: World, chat_as: object
) -> None:
    world.clock.set_local(2026, 6, 7, 9)
    hong: Chat = chat_as("hong")  # type: ignore[operator]
    await hong.script([
        ("user", "cập nhật phần mềm"),
        ("bot", "0/3 chi hội đã xác nhận danh sách (hạn 05/06/2026)"),
        ("pick", "Chưa, để sau"),
        ("bot", "Dạ, em sẽ nhắc lại chị trước ngày 10/06/2026."),
    ])  # fmt: skip
    async with world.maker() as s:
        assert (await s.scalars(select(Review))).all() == []
    assert len(software(to(await run_day(world, 2026, 6, 8), "hong"))) == 1


async def test_a_branch_head_cannot_confirm_for_the_commune(chat: Chat) -> None:
    # Not on her menu: the words lead back to it.
    await chat.script([("user", "cập nhật phần mềm"), ("bot", "Chị muốn làm gì")])
    assert "Xác nhận cập nhật phần mềm" not in chat.text()


async def test_after_the_national_deadline_a_confirmed_half_moves_on(
    world: World, chat_as: object
) -> None:
    await add_review(world.maker, "TH-QP", "2026-H1", local(2026, 6, 9, 10))
    world.clock.set_local(2026, 11, 1, 9)
    hong: Chat = chat_as("hong")  # type: ignore[operator]
    await hong.script([
        ("user", "cập nhật phần mềm"),
        ("bot", "Hội LHPN xã Quảng Phú, rà soát hội viên 6 tháng cuối năm 2026:"),
    ])  # fmt: skip


async def test_reports_show_the_commune_s_confirmation_on_both_backends(db_world: World) -> None:
    # Confirmed at 23:30 on 10 June in Vietnam (16:30 UTC): on the day, so on time.
    await add_review(db_world.maker, "TH-QP", "2026-H1", local(2026, 6, 10, 23, 30))
    await add_review(db_world.maker, "TH-QP-01", "2026-H1", local(2026, 6, 6, 0, 30))
    # Hạc Thành confirmed a day late.
    await add_review(db_world.maker, "TH-HT", "2026-H1", local(2026, 6, 11, 8))
    async with db_world.maker() as s:
        commune = await org.by_code(s, "TH-QP")
        late = await org.by_code(s, "TH-HT")
        assert commune is not None and late is not None
        rollup = await measures.measure(s, commune, H1, dt.date(2026, 6, 30), Rules())
        both = await measures.measure(s, late, H1, dt.date(2026, 6, 30), Rules())
    with language("vi"):
        lines = report_text.unit_lines(rollup, rollup.root)
        late_lines = report_text.unit_lines(both, both.root)
    assert rollup.software == {commune.id: dt.date(2026, 6, 10)}
    assert (
        "Cập nhật phần mềm quản lý hội viên: đã xác nhận ngày 11/06/2026 (hạn 10/06/2026) ⚠️"
        in late_lines
    )
    # Thôn Đông confirmed just after midnight on 6 June: a day after the branches' deadline.
    assert "Rà soát hội viên: 1/3 chi hội đã xác nhận (0 chi hội đúng hạn 05/06/2026) ⚠️" in lines
    assert (
        "Cập nhật phần mềm quản lý hội viên: đã xác nhận ngày 10/06/2026 (hạn 10/06/2026) ✅"
        in lines
    )
