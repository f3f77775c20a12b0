"""Reports in chat (handlers/reports.py): scoped by role, paged, any period, files attached.

Driven through the engine with the demo organisation (tests/support/chat_fixtures.py) in
both profiles: Telegram-like buttons and Zalo-like numbered text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.domain.calendar import HalfYear
from bot.domain.enums import Level, MeetingKind
from bot.domain.rules import Rules
from bot.domain.textkeys import fold
from bot.reports import charts
from storage.db import transaction
from storage.models import Meeting, Member
from storage.repositories import measures, members, org
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

PNG = b"\x89PNG\r\n\x1a\n"
QP_BRANCHES = ["Chi hội Thôn Đông", "Chi hội Thôn Tây", "Chi hội Làng Nam"]
HT_BRANCHES = ["Chi hội Khu phố Ba Đình", "Chi hội Khu phố Lê Lợi"]


async def meeting(world: World, code: str, on: dt.date, present: int, leader: bool = False) -> None:
    async with transaction(world.maker) as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        s.add(
            Meeting(
                unit_id=unit.id,
                held_on=on,
                kind=MeetingKind.REGULAR,
                present_count=present,
                leader_present=leader,
                logged_at=world.clock(),
            )
        )


async def population(world: World, code: str, women: int) -> None:
    async with transaction(world.maker) as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        await org.set_population(s, unit.id, 2019, women)


async def personal_data(world: World) -> list[str]:
    """Every member's name, given name alone and phone (the things a report must not show)."""
    async with transaction(world.maker) as s:
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        for i in range(3):  # members with phones too
            await members.add_member(
                s,
                branch.id,
                f"Đinh Thị Riêng{i}",
                dt.date(2020, 1, 1),
                world.clock(),
                phone=f"091234567{i}",
            )
    async with world.session() as s:
        rows = [(m.full_name, members.phone_of(m)) for m in (await s.scalars(select(Member))).all()]
    out = [v for row in rows for v in row if v]
    assert len(out) > 50
    return out


def positions(text: str, names: list[str]) -> list[int]:
    folded = fold(text)
    found = [folded.find(fold(n)) for n in names]
    assert all(p >= 0 for p in found), (names, text)
    return found


def all_text(chat: Chat) -> str:
    return "\n".join(chat.transcript)


async def test_a_branch_head_sees_her_branch_only(world: World, chat: Chat) -> None:
    await meeting(world, "TH-QP-01", dt.date(2026, 2, 14), 6)
    await chat.script(
        [("user", "báo cáo"), ("bot", "Báo cáo 6 tháng đầu năm 2026 – Chi hội Thôn Đông")]
    )
    text = chat.text()
    assert "Sinh hoạt định kỳ Quý 1/2026: đã sinh hoạt" in text
    assert "(số liệu đến ngày 20/03/2026)" in text
    for other in ["Thôn Tây", "Làng Nam", "Quảng Phú", "Hạc Thành", "Thanh Hóa"]:
        assert other not in text
    labels = [c.label for c in chat.last[0].choices]
    assert "Xem chi tiết" not in labels and "Lên cấp trên" not in labels
    assert {"Gửi file Excel", "Biểu đồ", "Kỳ khác"} <= set(labels)


async def test_a_commune_chair_sees_her_branches_worst_first(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    # Thôn Đông met with a leader and good attendance, Làng Nam met without a leader and
    # poorly, Thôn Tây did not meet: worst first is Tây, Nam, Đông.
    await meeting(world, "TH-QP-01", dt.date(2026, 2, 14), 9, leader=True)
    await meeting(world, "TH-QP-03", dt.date(2026, 3, 1), 2)
    chair = chat_as("hong")
    await chair.script(
        [("user", "báo cáo"), ("bot", "Báo cáo 6 tháng đầu năm 2026 – Hội LHPN xã Quảng Phú")]
    )
    text = chair.text()
    assert "Sinh hoạt định kỳ Quý 1/2026: 2/3 chi hội (66,7%)" in text
    assert "Lãnh đạo Hội xã dự sinh hoạt: 1/3 chi hội trong Quý 1/2026" in text
    tay, nam, dong = positions(text, ["Thôn Tây", "Làng Nam", "Thôn Đông"])
    assert tay < nam < dong
    assert "1. Chi hội Thôn Tây: chưa sinh hoạt quý này" in text
    for other in [*HT_BRANCHES, "Hạc Thành"]:
        assert other not in text


async def test_a_province_officer_sees_her_communes_and_zooms_in(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    await population(world, "TH-QP", 40)  # ~29 members of 40: target met
    officer = chat_as("thu")
    await officer.script(
        [("user", "báo cáo"), ("bot", "Báo cáo 6 tháng đầu năm 2026 – Hội LHPN tỉnh Thanh Hóa")]
    )
    text = officer.text()
    ht, qp = positions(text, ["phường Hạc Thành: tập hợp", "xã Quảng Phú: tập hợp"])
    assert ht < qp  # weak before met
    assert "(yếu, dưới 50%)" in text and "(đạt, ≥ 60%)" in text
    for branch in QP_BRANCHES + HT_BRANCHES:
        assert branch not in text
    await officer.script(
        [
            ("pick", "Xem chi tiết"),
            ("bot", "Các đơn vị của Hội LHPN tỉnh Thanh Hóa, cần quan tâm trước (1–2/2)"),
            ("pick", "Quảng Phú"),
            ("bot", "Báo cáo 6 tháng đầu năm 2026 – Hội LHPN xã Quảng Phú"),
            ("pick", "Xem chi tiết"),
            ("bot", "(1–3/3)"),
            ("pick", "Làng Nam"),
            ("bot", "Báo cáo 6 tháng đầu năm 2026 – Chi hội Làng Nam"),
            ("pick", "Lên cấp trên"),
            ("bot", "Báo cáo 6 tháng đầu năm 2026 – Hội LHPN xã Quảng Phú"),
            ("pick", "Lên cấp trên"),
            ("bot", "Báo cáo 6 tháng đầu năm 2026 – Hội LHPN tỉnh Thanh Hóa"),
        ]
    )
    # At her own unit there is nothing above to go to.
    assert "Lên cấp trên" not in [c.label for c in officer.last[0].choices]


async def test_details_page_through_many_branches(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    async with transaction(world.maker) as s:
        commune = await org.by_code(s, "TH-QP")
        assert commune is not None
        for i in range(10):
            await org.add_unit(s, f"TH-QP-X{i:02d}", f"Chi hội Xóm {i:02d}", Level.BRANCH, commune)
    # Every new branch met (ranked after the three old ones, which did not).
    for i in range(10):
        await meeting(world, f"TH-QP-X{i:02d}", dt.date(2026, 3, 2), 0)
    chair = chat_as("hong")
    await chair.script(
        [
            ("user", "báo cáo"),
            ("bot", "Hội LHPN xã Quảng Phú"),
            ("pick", "Xem chi tiết"),
            ("bot", "cần quan tâm trước (1–8/13)"),
        ]
    )
    first = chair.text()
    assert 'Gõ "tiếp" để xem thêm.' in first
    assert chair.last[0].edit == chair.caps.buttons  # the list replaces the report (Telegram)
    assert "Xóm 07" not in first and "Xóm 04" in first
    await chair.script([("user", "tiếp"), ("bot", "(9–13/13)")])
    second = chair.text()
    assert "9. Chi hội Xóm 05" in second and "13. Chi hội Xóm 09" in second
    assert "để xem thêm" not in second
    assert not chair.last[0].edit  # she typed: the page comes as a new message
    await chair.script([("pick", "Trang trước"), ("bot", "(1–8/13)")])
    # A page button (Telegram) replaces the list it was on; a typed number sends a new one.
    assert chair.last[0].edit == chair.caps.buttons
    await chair.script(
        [
            ("pick", "Trang sau"),
            ("bot", "(9–13/13)"),
            ("pick", "Xóm 09"),
            ("bot", "Báo cáo 6 tháng đầu năm 2026 – Chi hội Xóm 09"),
        ]
    )
    assert "Sinh hoạt định kỳ Quý 1/2026: đã sinh hoạt" in chair.text()


async def test_the_period_can_be_chosen(world: World, chat: Chat) -> None:
    await meeting(world, "TH-QP-01", dt.date(2025, 11, 20), 7)
    await chat.script(
        [
            ("user", "báo cáo"),
            ("bot", "Sinh hoạt định kỳ Quý 1/2026: chưa"),
            ("pick", "Kỳ khác"),
            ("bot", "kỳ nào"),
        ]
    )
    offered = [c.label for c in chat.last[0].choices]
    assert offered[:4] == [
        "6 tháng đầu năm 2026",
        "6 tháng cuối năm 2025",
        "6 tháng đầu năm 2025",
        "6 tháng cuối năm 2024",
    ]
    assert {"Quý 1/2026", "Quý 4/2025"} <= set(offered)
    await chat.script(
        [
            ("pick", "6 tháng cuối năm 2025"),
            ("bot", "Báo cáo 6 tháng cuối năm 2025 – Chi hội Thôn Đông"),
        ]
    )
    text = chat.text()
    assert "(số liệu đến ngày 31/12/2025)" in text
    assert "Sinh hoạt định kỳ Quý 3/2025: chưa" in text
    assert "Sinh hoạt định kỳ Quý 4/2025: đã sinh hoạt" in text
    # A quarter works too, and the files follow the chosen period.
    await chat.script(
        [("pick", "Kỳ khác"), ("bot", "kỳ nào"), ("pick", "Quý 4/2025"), ("bot", "Quý 4/2025")]
    )
    assert "Sinh hoạt định kỳ Quý 4/2025: đã sinh hoạt" in chat.text()
    await chat.pick("Gửi file Excel")
    attachment = chat.last[0].attachment
    assert attachment is not None and attachment.filename == "bao-cao-th-qp-01-2025-q4.xlsx"


async def test_a_year_and_the_term_can_be_chosen(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    await meeting(world, "TH-QP-01", dt.date(2025, 11, 20), 7)
    chair = chat_as("hong")
    await chair.script(
        [("user", "báo cáo"), ("bot", "Quảng Phú"), ("pick", "Kỳ khác"), ("bot", "kỳ nào")]
    )
    offered = [c.label for c in chair.last[0].choices]
    assert offered[6:9] == ["cả năm 2026", "cả năm 2025", "nhiệm kỳ 2022–2027"]
    await chair.script(
        [("pick", "cả năm 2025"), ("bot", "Báo cáo cả năm 2025 – Hội LHPN xã Quảng Phú")]
    )
    text = chair.text()
    assert "(số liệu đến ngày 31/12/2025)" in text
    # a year lists its four quarters, branches apart from tổ
    assert "Sinh hoạt định kỳ Quý 4/2025: 1/3 chi hội (33,3%) ⚠️" in text
    await chair.script(
        [
            ("pick", "Kỳ khác"),
            ("bot", "kỳ nào"),
            ("pick", "nhiệm kỳ 2022–2027"),
            ("bot", "Báo cáo nhiệm kỳ 2022–2027 – Hội LHPN xã Quảng Phú"),
        ]
    )
    text = chair.text()
    assert "hội viên trong nhiệm kỳ, chỉ tiêu 75 " in text  # 15 a year × 5 (000 §II.2)
    assert "Sinh hoạt định kỳ Quý 1/2026: 0/3 chi hội (0%) ⚠️" in text  # the last 4 quarters
    assert "Quý 1/2025" not in text


async def test_excel_and_charts_come_as_attachments(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    await population(world, "TH-QP", 40)
    chair = chat_as("hong")
    await chair.script(
        [
            ("user", "báo cáo"),
            ("bot", "Hội LHPN xã Quảng Phú"),
            ("pick", "Gửi file Excel"),
            ("bot", "file Excel"),
        ]
    )
    (reply,) = chair.last
    assert reply.text == "Đây là báo cáo dạng file Excel ạ."
    assert reply.attachment is not None
    assert reply.attachment.kind == "document"
    assert reply.attachment.filename == "bao-cao-th-qp-2026-h1.xlsx"
    assert "Báo cáo 6 tháng đầu năm 2026 – Hội LHPN xã Quảng Phú" in reply.attachment.caption
    wb = load_workbook(io.BytesIO(reply.attachment.data))
    assert wb.sheetnames[:2] == ["Hội viên", "Tỷ lệ tập hợp"]
    names = [row[1] for row in wb["Hội viên"].iter_rows(min_row=3, values_only=True)]
    assert names == ["Hội LHPN xã Quảng Phú", *QP_BRANCHES]  # tree order

    # Coverage by unit needs units with a women-18+ figure: communes, so a province.
    officer = chat_as("thu")
    await officer.script(
        [
            ("user", "báo cáo"),
            ("bot", "Hội LHPN tỉnh Thanh Hóa"),
            ("pick", "Biểu đồ"),
            ("bot", "tỷ lệ tập hợp"),
            ("bot", "8 quý"),
        ]
    )
    coverage, trend = officer.last
    for r in (coverage, trend):
        assert r.attachment is not None and r.attachment.kind == "photo"
        assert r.attachment.data.startswith(PNG)
    assert coverage.attachment is not None and trend.attachment is not None
    assert coverage.attachment.filename == "bao-cao-th-2026-h1-tap-hop.png"
    assert trend.attachment.filename == "bao-cao-th-2026-h1-sinh-hoat.png"
    # The caption is a link-free summary (Zalo shows a photo with its caption only).
    assert coverage.text == (
        # 54 members of 40 + 58 women
        "Hội LHPN tỉnh Thanh Hóa: tỷ lệ tập hợp 55,1% (chỉ tiêu ≥ 60%); 1 đơn vị dưới 50%; "
        "kết nạp 0/15; 0% chi hội sinh hoạt Quý 1/2026"
    )
    # Each photo's caption says what that chart shows, and only that.
    assert coverage.attachment.caption == (
        "Hội LHPN tỉnh Thanh Hóa: tỷ lệ tập hợp theo đơn vị, 6 tháng đầu năm 2026: "
        "1/2 đơn vị đạt chỉ tiêu ≥ 60%"
    )
    assert "http" not in coverage.text + trend.text
    assert trend.attachment.caption == "Sinh hoạt định kỳ trong 8 quý gần nhất"


async def test_a_branch_gets_the_trend_chart_only(world: World, chat: Chat) -> None:
    await chat.script(
        [
            ("user", "báo cáo"),
            ("bot", "Chi hội Thôn Đông"),
            ("pick", "Biểu đồ"),
            ("bot", "Chi hội Thôn Đông:"),
        ]
    )
    (reply,) = chat.last
    assert reply.attachment is not None and reply.attachment.data.startswith(PNG)
    assert reply.attachment.filename.endswith("-sinh-hoat.png")
    assert reply.text.startswith("Chi hội Thôn Đông: ")


async def test_a_commune_chair_gets_attendance_by_branch_and_the_trend(
    world: World, chat_as: Callable[[str], Chat]
) -> None:
    # Branches hold no women-18+ figure, so the by-unit chart of a commune is attendance.
    await meeting(world, "TH-QP-01", dt.date(2026, 2, 14), 9, leader=True)
    await meeting(world, "TH-QP-03", dt.date(2026, 3, 1), 2)
    chair = chat_as("hong")
    await chair.script(
        [
            ("user", "báo cáo"),
            ("bot", "Hội LHPN xã Quảng Phú"),
            ("pick", "Biểu đồ"),
            ("bot", "Hội LHPN xã Quảng Phú:"),
            ("bot", "8 quý"),
        ]
    )
    attendance, trend = chair.last
    assert attendance.attachment is not None and trend.attachment is not None
    assert attendance.attachment.filename == "bao-cao-th-qp-2026-h1-du-sinh-hoat.png"
    assert trend.attachment.filename == "bao-cao-th-qp-2026-h1-sinh-hoat.png"
    assert attendance.attachment.data.startswith(PNG)

    async with world.session() as s:
        commune = await org.by_code(s, "TH-QP")
        assert commune is not None
        r = await measures.measure(s, commune, HalfYear(2026, 1), world.clock().date(), Rules())
    fig = charts.attendance_figure(r, commune.id)
    assert fig is not None
    (ax,) = fig.axes
    # Worst at the bottom; Thôn Tây logged no meeting: an empty bar below them all.
    assert [t.get_text().replace("\n", " ") for t in ax.get_yticklabels()] == [
        "Chi hội Thôn Tây",
        "Chi hội Làng Nam",
        "Chi hội Thôn Đông",
    ]
    none, low, high = (p.get_width() for p in ax.patches)
    assert none == 0 and "chưa sinh hoạt" in [t.get_text() for t in ax.texts]
    assert low < 2 / 3 < high
    assert [line.get_xdata()[0] for line in ax.lines] == [pytest.approx(2 / 3)]
    assert "1 đơn vị chưa ghi buổi sinh hoạt nào" in ax.get_xlabel()


async def test_no_report_names_a_member(world: World, chat_as: Callable[[str], Chat]) -> None:
    private = await personal_data(world)
    await meeting(world, "TH-QP-01", dt.date(2026, 2, 14), 9, leader=True)
    for user in ("lan", "hong", "thu"):
        c = chat_as(user)
        await c.say("báo cáo")
        if user != "lan":
            await c.pick("Xem chi tiết")
            await c.pick("Chi hội Thôn Đông" if user == "hong" else "Quảng Phú")
        await c.pick("Biểu đồ")
        await c.say("báo cáo")
        await c.pick("Gửi file Excel")
        assert c.last[0].attachment is not None
        wb = load_workbook(io.BytesIO(c.last[0].attachment.data))
        cells = " ".join(
            str(v) for ws in wb for row in ws.iter_rows(values_only=True) for v in row if v
        )
        seen = all_text(c) + cells
        for value in private:
            assert value not in seen, value


async def test_reports_on_both_backends(db_world: World) -> None:
    """The same flow on PostgreSQL: a chair's report, its details and the Excel file."""
    from bot.core.types import ZALO_CAPS

    await meeting(db_world, "TH-QP-02", dt.date(2026, 1, 9), 8, leader=True)
    chair = Chat(db_world.engine, ZALO_CAPS, "hong", db_world.clock)
    await chair.script(
        [
            ("user", "báo cáo"),
            ("bot", "Sinh hoạt định kỳ Quý 1/2026: 1/3 chi hội (33,3%)"),
            ("user", "xem chi tiết"),
            ("bot", "(1–3/3)"),
            ("user", "3"),
            ("bot", "Báo cáo 6 tháng đầu năm 2026 – Chi hội Thôn Tây"),
            ("user", "gửi file excel"),
            ("bot", "file Excel"),
        ]
    )
    assert chair.last[0].attachment is not None
    assert chair.last[0].attachment.data.startswith(b"PK")
