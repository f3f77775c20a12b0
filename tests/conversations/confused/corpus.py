"""The "confused user" corpus: for each prompt of each dialog, inputs an older branch head
actually types when she is unsure (accents dropped, typos, synonyms, global words, emoji,
out-of-range numbers, an answer to another question, near-empty messages), and what each
must lead to. Outcomes are explained in runner.py.

To extend: add a `Row(text, outcome)` to a prompt (`zalo=` when the numbered text profile
differs), or a new `Prompt` with the path that reaches it. `python -m
tests.conversations.confused.explore NAME` prints what the bot does now, row by row.

Demo data (bot/seeding/demo.py): Lan heads Chi hội Thôn Đông (10 members, no tổ); Hoa heads
Thôn Tây, given two tổ here; Hồng chairs the commune. The day is Friday 20/03/2026.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from bot.domain.enums import Level
from storage.db import transaction
from storage.models import Member
from storage.repositories import org
from tests.conversations.confused.runner import Prompt, Row
from tests.conversations.reply_counts import a_reminder
from tests.support.chat_fixtures import World

R = Row


async def two_groups(world: World) -> None:
    """Thôn Tây (Hoa) gets "Tổ 1" and "Tổ 2", with two members each."""
    async with transaction(world.maker) as s:
        branch = await org.by_code(s, "TH-QP-02")
        assert branch is not None
        t1 = await org.add_unit(s, "TH-QP-02-T1", "Tổ 1", Level.GROUP, branch)
        t2 = await org.add_unit(s, "TH-QP-02-T2", "Tổ 2", Level.GROUP, branch)
        stmt = select(Member).where(Member.branch_id == branch.id).order_by(Member.id)
        found = list((await s.scalars(stmt)).all())
        for m in found[:2]:
            m.group_id = t1.id
        for m in found[2:4]:
            m.group_id = t2.id


LOG = "log_meeting"
OPEN_LOG = "ghi sinh hoạt"
COUNT = (OPEN_LOG, ("pick", "Hôm nay"))
SUMMARY = (*COUNT, "7")
EDIT = (*SUMMARY, ("pick", "Sửa một mục"))
REGISTER = ("thêm hội viên", ("pick", "Có, chị ấy đồng ý"))
REG = "member_register"
BIRTH = (*REGISTER, "Trần Thị Bích")
KIND = (*BIRTH, "05/03/1990")
PHONE = (*KIND, ("pick", "Hội viên mới kết nạp"))
CCCD = (*PHONE, "0912345678")
TICKS = (*CCCD, ("pick", "Bỏ qua"))
REG_CONFIRM = (*TICKS, "0")
ENTER = ("nhập hội viên từ sổ",)
FIND = ("tìm hội viên",)
CARD = (*FIND, ("pick", "Xem cả danh sách"), "1")

# Global words, in the forms people type them; each prompt takes some of them.
HELP = R("giup", "hint")
HELP2 = R("hướng dẫn", "hint")
QMARK = R("???", "hint")
MENU = R("về menu", "menu")
EXIT = R("thoat", "menu")
CANCEL = R("huỷ", "menu")
CANCEL2 = R("thôi", "menu")
TO_LOG = R("ghi sinh hoat", f"open:{LOG}")
TO_REPORT = R("bao cao", "open:report")
ENGLISH = R("english", "language")
THUMB = R("👍", "hint")
PRAY = R("🙏", "hint")
DOTS = R("...", "hint")


def back(to: str) -> Row:
    return R("quay lai", to)


PROMPTS: list[Prompt] = [
    # --- the menu -------------------------------------------------------------------------
    Prompt(
        "menu",
        (),
        "-",
        (
            R("giúp", "hint"),
            R("ghi sinh hoat", f"open:{LOG}"),
            R("ghi sinh hoạt hôm qua", f"open:{LOG}"),
            R("them hoi vien", f"open:{REG}"),
            R("tim hoi vien", "open:member_find"),
            R("1", f"open:{LOG}"),
            R("99", "hint"),
            R("con mèo nhà em", "hint"),
            R("xin chao", "menu"),
            PRAY,
            ENGLISH,
            R("sĩ số", "open:roster_total"),
        ),
    ),
    # --- logging a meeting ----------------------------------------------------------------
    Prompt(
        "meeting: which group (tổ)",
        (OPEN_LOG,),
        f"{LOG}:group_id",
        (
            R("ca chi hoi", "step:held_on"),
            R("Cả chi hội", "step:held_on"),
            R("to 1", "step:held_on"),
            R("tổ 3", "hint"),
            R("to mot", "step:held_on"),
            R("hôm nay", "hint"),
            R("9", "hint"),
            R("cả hai tổ", "hint"),
            THUMB,
            HELP,
            CANCEL,
            back("menu"),
        ),
        user="hoa",
        setup=two_groups,
    ),
    Prompt(
        "meeting: day",
        (OPEN_LOG,),
        f"{LOG}:held_on",
        (
            R("hom qua", "step:present"),
            R("homqua", "step:present"),
            R("hôm kia", "step:present"),
            R("thứ bảy tuần trước", "step:present"),
            R("mùng 5 tháng 3", "step:present"),
            R("25/3", "asked"),
            R("29/2", "asked"),
            R("32/3", "hint"),
            R("ngày mai", "hint"),
            R("2026", "hint"),
            R("22", "asked"),
            R("sáng nay", "step:present"),
            THUMB,
            HELP,
            back("menu"),
            MENU,
        ),
    ),
    Prompt(
        "meeting: head count",
        COUNT,
        f"{LOG}:present",
        (
            R("tat ca", "step:confirm"),
            R("đủ cả", "step:confirm"),
            R("vang 3", "step:confirm"),
            R("chin nguoi", "step:confirm"),
            R("7 người có mặt", "step:confirm"),
            R("hăm hai", "step:count_ok"),
            R("0", "step:count_ok"),
            R("1", "step:count_ok"),
            R("-3", "hint"),
            R("a", "step:ticks"),
            R("đánh dấu tên", "step:ticks"),
            R("nhiều lắm", "hint"),
            R("hôm qua", "hint"),
            THUMB,
            HELP,
            back("step:held_on"),
            CANCEL,
        ),
    ),
    Prompt(
        "meeting: count check",
        (*COUNT, "0"),
        f"{LOG}:count_ok",
        (
            R("đúng", "step:confirm"),
            R("dung roi", "step:confirm"),
            R("ừ", "step:confirm"),
            R("1", "step:confirm"),
            R("sai", "step:present"),
            R("không", "step:present"),
            R("6", "step:confirm"),
            R("2", "step:present", zalo="step:present"),
            R("sửa", "step:present"),
            R("danh dau ten", "step:ticks"),
            R("👍", "step:confirm"),
            HELP,
            back("step:present"),
            MENU,
        ),
    ),
    Prompt(
        "meeting: tick-list",
        (*COUNT, ("pick", "Đánh dấu tên")),
        f"{LOG}:ticks",
        (
            R("1 3 15", "hint"),
            R("1 3 5", "step:confirm"),
            R("1-7", "step:confirm"),
            R("tat ca", "stay", zalo="step:confirm"),
            R("tất cả trừ 4 7", "step:confirm"),
            R("linh, hằng", "step:confirm"),
            R("lan, hang", "hint"),
            R("mai", "hint"),
            R("0", "hint"),
            R("xong", "hint"),
            R("👍", "hint"),
            HELP,
            back("step:present"),
            CANCEL,
        ),
    ),
    Prompt(
        "meeting: confirm",
        SUMMARY,
        f"{LOG}:confirm",
        (
            R("dung", "saved"),
            R("ok", "saved"),
            R("Đúng rồi em", "saved"),
            R("lưu", "saved"),
            R("sai", "edit"),
            R("sửa", "edit"),
            R("8", "hint"),
            R("chu de phong chong bao luc", "hint"),
            R("🙏", "hint"),
            HELP,
            back("step:present"),
            CANCEL2,
        ),
    ),
    Prompt(
        "meeting: which field to correct",
        EDIT,
        f"{LOG}:edit",
        (
            R("chu de", "step:topic"),
            R("ngay", "step:held_on"),
            R("so nguoi", "step:present"),
            R("hình thức", "step:form"),
            R("lanh dao", "step:leader"),
            R("ghi chú", "step:note"),
            R("99", "hint"),
            R("tên", "hint"),
            THUMB,
            HELP,
            back("step:confirm"),
            CANCEL,
        ),
    ),
    Prompt(
        "meeting: topic",
        (*EDIT, ("pick", "Chủ đề")),
        f"{LOG}:topic",
        (
            R("phong chong bao luc gia dinh", "step:confirm"),
            R("Vệ sinh an toàn thực phẩm", "step:confirm"),
            R("không có", "step:confirm"),
            R("x" * 400, "hint"),
            R("1", "step:confirm"),
            R("22", "step:confirm"),
            THUMB,
            HELP,
            back("edit"),
            CANCEL,
        ),
    ),
    Prompt(
        "meeting: commune leader",
        (*EDIT, ("pick", "Lãnh đạo")),
        f"{LOG}:leader",
        (
            R("khong co", "step:confirm"),
            R("không", "step:confirm"),
            R("chị Hồng", "step:confirm"),
            R("pham thi hong", "step:confirm"),
            R("có", "hint"),
            R("5", "hint"),
            R("bà Nga", "hint"),
            THUMB,
            HELP,
            back("edit"),
            CANCEL,
        ),
    ),
    Prompt(
        "meeting: form",
        (*EDIT, ("pick", "Hình thức")),
        f"{LOG}:form",
        (
            R("truc tiep", "step:confirm"),
            R("qua zalo", "step:confirm"),
            R("gián tiếp", "step:confirm"),
            R("online", "hint"),
            R("3", "hint"),
            R("họp ở nhà văn hoá", "hint"),
            THUMB,
            HELP,
            back("edit"),
            CANCEL,
        ),
    ),
    # --- the register total ---------------------------------------------------------------
    Prompt(
        "register total",
        ("sĩ số theo sổ",),
        "roster_total:total",
        (
            R("80", "step:confirm"),
            R("tám mươi", "step:confirm"),
            R("80 người", "step:confirm"),
            R("5", "hint"),
            R("0", "hint"),
            R("50000", "hint"),
            R("khoảng 80", "step:confirm"),
            R("không biết", "hint"),
            THUMB,
            HELP,
            back("menu"),
            CANCEL,
        ),
    ),
    # --- registering a member -------------------------------------------------------------
    Prompt(
        "register: consent",
        ("thêm hội viên",),
        f"{REG}:consent",
        (
            R("co", "step:name"),
            R("đồng ý", "step:name"),
            R("ừ", "step:name"),
            R("không", "step:name"),
            R("chị ấy không đồng ý", "step:name"),
            R("Nguyễn Thị Mai", "hint"),
            R("3", "hint"),
            R("👍", "step:name"),
            HELP,
            back("menu"),
            CANCEL,
        ),
    ),
    Prompt(
        "register: name",
        REGISTER,
        f"{REG}:name",
        (
            R("Trần Thị Bích", "step:birth"),
            R("nguyen thi lan", "asked"),
            R("tran thi bich", "asked"),
            R("ngày sinh", "hint"),
            R("05/03/1990", "hint"),
            R("0912345678", "hint"),
            R("Bích", "hint"),
            R("Chị Bích ở xóm trên hay đi chợ sớm", "hint"),
            THUMB,
            HELP,
            back("step:consent"),
            MENU,
            TO_LOG,
        ),
    ),
    Prompt(
        "register: date of birth",
        BIRTH,
        f"{REG}:birth",
        (
            R("5/3/1990", "step:joined"),
            R("1990", "step:joined"),
            R("ngày 5 tháng 3 năm 1990", "step:joined"),
            R("5/3/90", "step:joined"),
            R("2010", "hint"),
            R("5/3", "hint"),
            R("31/02/1990", "hint"),
            R("35 tuổi", "hint"),
            R("không nhớ", "hint"),
            THUMB,
            HELP,
            back("step:name"),
            CANCEL,
        ),
    ),
    Prompt(
        "register: new or existing member",
        KIND,
        f"{REG}:joined",
        (
            R("moi", "step:phone"),
            R("hội viên mới", "step:phone"),
            R("cu", "step:phone"),
            R("đã là hội viên", "step:joined_when"),
            R("2015", "step:phone"),
            R("5/3/2015", "step:phone"),
            R("25/3", "asked"),
            R("2005", "hint"),
            R("2030", "hint"),
            R("3", "hint"),
            THUMB,
            HELP,
            back("step:birth"),
            CANCEL,
        ),
    ),
    Prompt(
        "register: joining date of an existing member",
        (*KIND, ("pick", "Đã là hội viên")),
        f"{REG}:joined_when",
        (
            R("2015", "step:phone"),
            R("nam 2015", "step:phone"),
            R("khong nho", "step:phone"),
            R("5/3/2015", "step:phone"),
            R("15/12", "asked"),
            R("hôm qua", "step:phone"),
            R("25/3", "asked"),
            R("29/2", "asked"),
            R("2026", "hint"),
            R("2005", "hint"),
            R("lâu rồi", "hint"),
            THUMB,
            HELP,
            back("step:joined"),
            CANCEL,
        ),
    ),
    Prompt(
        "register: phone",
        PHONE,
        f"{REG}:phone",
        (
            R("0912345678", "step:cccd"),
            R("0912 345 678", "step:cccd"),
            R("+84912345678", "step:cccd"),
            R("không có", "step:cccd"),
            R("bo qua", "step:cccd"),
            R("091234567", "hint"),
            R("không nhớ", "step:cccd"),
            R("1990", "hint"),
            THUMB,
            HELP,
            back("step:joined"),
            CANCEL,
        ),
    ),
    Prompt(
        "register: ID number",
        CCCD,
        f"{REG}:cccd",
        (
            R("038190001234", "step:ticks"),
            R("038 190 001 234", "step:ticks"),
            R("bỏ qua", "step:ticks"),
            R("không có", "step:ticks"),
            R("12345", "hint"),
            R("038185001234", "hint"),
            R("0912345678", "hint"),
            THUMB,
            HELP,
            back("step:phone"),
            CANCEL,
        ),
    ),
    Prompt(
        "register: categories and residence",
        TICKS,
        f"{REG}:ticks",
        (
            R("0", "step:confirm"),
            R("1 3", "step:confirm"),
            R("không", "step:confirm"),
            R("1, 3", "step:confirm"),
            R("2", "hint"),
            R("8 9", "hint"),
            R("15", "hint"),
            R("cốt cán", "hint"),
            THUMB,
            HELP,
            back("step:cccd"),
            CANCEL,
        ),
    ),
    Prompt(
        "register: confirm",
        REG_CONFIRM,
        f"{REG}:confirm",
        (
            R("dung", "saved"),
            R("đúng rồi, lưu đi", "saved"),
            R("sai", "edit"),
            R("sai ngay sinh", "step:birth"),
            R("5", "hint"),
            R("Trần Thị Bích", "hint"),
            R("👍", "saved"),
            HELP,
            back("step:ticks"),
            CANCEL,
        ),
    ),
    Prompt(
        "register from the paper book: name",
        ENTER,
        "member_enter_existing:name",
        (
            R("Lê Thị Hạnh", "step:consent"),
            R("le thi hanh", "asked"),
            R("xong", "done"),
            R("het roi", "done"),
            R("ngày sinh", "hint"),
            R("1975", "hint"),
            R("12", "hint"),
            THUMB,
            HELP,
            back("menu"),
            CANCEL,
        ),
    ),
    Prompt(
        "register from the paper book: joining date",
        (*ENTER, "Lê Thị Hạnh", ("pick", "Có, chị ấy đồng ý"), "1970"),
        "member_enter_existing:joined_when",
        (
            R("1995", "step:phone"),
            R("không nhớ", "step:phone"),
            R("khong nho", "step:phone"),
            R("25/3", "asked"),
            R("1980", "hint"),
            R("2030", "hint"),
            R("lâu lắm rồi", "hint"),
            THUMB,
            HELP,
            back("step:birth"),
            CANCEL,
        ),
    ),
    # --- finding a member and recording a change -------------------------------------------
    Prompt(
        "find: name",
        FIND,
        "member_find:query",
        (
            R("cuc", "step:member"),
            R("lan", "hint"),
            R("nguyen", "step:member"),
            R("Nguyễn", "step:member"),
            R("zzz", "hint"),
            R("cả danh sách", "step:member"),
            R("tất cả", "step:member"),
            R("1", "step:member"),
            THUMB,
            HELP,
            back("menu"),
            CANCEL,
            TO_LOG,
        ),
    ),
    Prompt(
        "find: the list",
        (*FIND, ("pick", "Xem cả danh sách")),
        "member_find:member",
        (
            R("1", "open:member_change"),
            R("tiep", "stay"),
            R("xem tiếp", "stay"),
            R("99", "hint"),
            R("lan", "hint"),
            R("trang truoc", "hint"),
            THUMB,
            HELP,
            back("step:query"),
            CANCEL,
            TO_REPORT,
        ),
    ),
    Prompt(
        "change: what happened",
        CARD,
        "member_change:action",
        (
            R("chuyen di", "step:to_branch"),
            R("đã mất", "step:on"),
            R("mat", "step:on"),
            R("đi làm ăn xa", "step:on"),
            R("xin ra khoi hoi", "step:on"),
            R("sửa thông tin", "step:field"),
            R("nơi ở", "step:residence"),
            R("99", "hint"),
            THUMB,
            HELP,
            back("menu"),
            CANCEL,
        ),
    ),
    Prompt(
        "change: the day",
        (*CARD, ("pick", "Đã mất")),
        "member_change:on",
        (
            R("hôm qua", "step:confirm"),
            R("hom nay", "step:confirm"),
            R("10/3", "step:confirm"),
            R("25/3", "asked"),
            R("ngày mai", "hint"),
            R("1900", "hint"),
            R("tuần trước", "hint"),
            THUMB,
            HELP,
            back("step:action"),
            CANCEL,
        ),
    ),
    Prompt(
        "change: residence",
        (*CARD, ("pick", "Nơi cư trú")),
        "member_change:residence",
        (
            R("thuong tru", "step:confirm"),
            R("tạm trú", "asked"),
            R("vắng", "step:away_since"),
            R("đi xa", "step:away_since"),
            R("9", "hint"),
            R("hà nội", "hint"),
            THUMB,
            HELP,
            back("step:action"),
            CANCEL,
        ),
    ),
    Prompt(
        "change: which detail",
        (*CARD, ("pick", "Sửa thông tin")),
        "member_change:field",
        (
            R("ten", "step:new_name"),
            R("ngày sinh", "step:new_birth"),
            R("so dien thoai", "hint"),
            R("cccd", "hint"),
            R("9", "hint"),
            R("địa chỉ", "hint"),
            THUMB,
            HELP,
            back("step:action"),
            CANCEL,
        ),
    ),
    # --- a reminder's answers ---------------------------------------------------------------
    Prompt(
        "reminder: the answer",
        (),
        "-",
        (
            R("nhắc lại sau", "saved"),
            R("nhac lai sau", "saved"),
            R("để sau", "saved"),
            R("ghi sinh hoạt", f"open:{LOG}"),
            R("ghi sinh hoat", f"open:{LOG}"),
            R("ok", "hint"),
            R("đã họp rồi", "hint"),
            R("mai em ghi", "hint"),
            THUMB,
            HELP,
            MENU,
        ),
        today=dt.date(2026, 3, 17),
        setup=a_reminder,
    ),
    # --- reports ----------------------------------------------------------------------------
    Prompt(
        "report: what next",
        ("báo cáo",),
        "report:action",
        (
            R("excel", "done"),
            R("bieu do", "done"),
            R("xem chi tiết", "step:pick"),
            R("kỳ khác", "step:new_period"),
            R("99", "hint"),
            R("quý 1", "hint"),
            THUMB,
            HELP,
            back("menu"),
            CANCEL,
        ),
        user="hong",
    ),
    # --- settings ---------------------------------------------------------------------------
    Prompt(
        "settings: language",
        ("ngôn ngữ",),
        "language:lang",
        (
            R("tieng viet", "menu"),
            R("english", "language"),
            R("tiếng anh", "language"),
            R("2", "language"),
            R("anh", "hint"),
            R("tiếng Pháp", "hint"),
            R("9", "hint"),
            THUMB,
            HELP,
            back("menu"),
            CANCEL,
        ),
    ),
    Prompt(
        "settings: weekly digest",
        (),
        "-",
        (
            R("tắt bản tin tuần", "saved"),
            R("tat ban tin", "saved"),
            R("bật bản tin tuần", "done"),
            R("bản tin tuần", "saved"),
            R("tắt thông báo", "hint"),
            R("tắt hết", "hint"),
            R("bản tin", "saved"),
            THUMB,
            HELP,
            MENU,
        ),
        user="hong",
    ),
    # --- onboarding -------------------------------------------------------------------------
    Prompt(
        "onboarding: invite code",
        (),
        "stranger",
        (
            R("{code}", "saved"),
            R("{code_lower}", "saved"),
            R("/start {code}", "saved"),
            R("mã của em là {code}", "hint"),
            R("xin chào", "hint"),
            R("AB3D-7KXZ", "hint"),
            R("menu", "hint"),
            R("giúp", "hint"),
            R("123456", "hint"),
            THUMB,
        ),
        user="newcomer",
    ),
]
