"""Issue 21, item 4: the files opened in a real office suite (LibreOffice, headless), printed
to PDF, their pages counted and their text read back (poppler's pdftotext).

The figures are the worked example's (tests/reports/test_worked_example.py; see
tests/reports/test_docx.py for the hand count): Hội LHPN xã Mẫu, first half of 2026, members
24, coverage 38/70 = 54,3%, roster 11/40, attendance 84,4%, 1 of 3 branches visited in Q2;
with the clubs, dues and assessment of tests/reports/features.py (hand count in
tests/reports/test_docx_features.py): 2 clubs, 180.000 đ collected, the 2025 assessment.
Outside CI the tests skip, saying why, when soffice or pdftotext is missing; under CI=true
they fail instead (.ci/run installs libreoffice-writer-nogui, libreoffice-calc-nogui and
poppler-utils).
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import language
from bot.domain.calendar import HalfYear
from bot.domain.enums import Level
from bot.domain.rules import Rules
from bot.reports import excel
from bot.reports.docx_report import build_report_docx
from bot.sheets import members as member_sheet
from handlers import members_files
from storage import db
from storage.db import transaction
from storage.models import OrgUnit
from storage.repositories import measures, members, org
from tests.reports.features import add_features
from tests.reports.test_worked_example import build

D = dt.date
NOW = dt.datetime(2026, 6, 30, 3, 0, tzinfo=dt.UTC)
H1 = HalfYear(2026, 1)
TOOLS = ("soffice", "pdftotext", "pdfinfo")


def need_office() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    reason = f"{', '.join(missing)} not installed (LibreOffice headless, poppler-utils)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"required under CI=true: {reason}")
    pytest.skip(reason)


def to_pdf(files: list[Path], work: Path) -> list[Path]:
    """Each file printed to PDF by LibreOffice, with a profile of its own (so parallel runs,
    and a user's open LibreOffice, do not share one)."""
    out = work / "pdf"
    profile = (work / "lo-profile").as_uri()
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation={profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, files),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdfs = [out / f.with_suffix(".pdf").name for f in files]
    assert all(p.exists() for p in pdfs), [p.name for p in pdfs if not p.exists()]
    return pdfs


def pages(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    found = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert found is not None
    return int(found.group(1))


def text_of(pdf: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-layout"]
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    done = subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True)
    return done.stdout


def flat(text: str) -> str:
    """The text with its layout spaces squeezed (columns and line breaks become one space)."""
    return " ".join(text.split())


@pytest.fixture
def office() -> None:
    need_office()


@pytest.fixture
async def commune(
    office: None, sqlite_url: str
) -> AsyncIterator[tuple[async_sessionmaker[AsyncSession], dict[str, OrgUnit]]]:
    engine = db.make_engine(sqlite_url)
    maker = db.make_sessionmaker(engine)
    async with transaction(maker) as s:
        units = await build(s)
        await add_features(s, units)
    yield maker, units
    await engine.dispose()


async def test_the_word_report_prints_with_its_title_unit_figures_and_signature(
    commune: tuple[async_sessionmaker[AsyncSession], dict[str, OrgUnit]], tmp_path: Path
) -> None:
    maker, units = commune
    async with maker() as s:
        r = await measures.measure(s, units["WX"], H1, D(2026, 6, 30), Rules())
        word = await build_report_docx(s, r, units["WX"].id, issued_on=D(2026, 7, 2))
    path = tmp_path / word.filename
    path.write_bytes(word.data)
    (pdf,) = to_pdf([path], tmp_path)
    assert 1 <= pages(pdf) <= 3
    text = flat(text_of(pdf))
    for expected in (
        "HỘI LHPN TỈNH MẪU",
        "HỘI LHPN XÃ MẪU",
        "HỘI LIÊN HIỆP PHỤ NỮ VIỆT NAM",
        "Số: /BC-HPN",
        "Mẫu, ngày 02 tháng 7 năm 2026",
        "BÁO CÁO Kết quả công tác hội viên 6 tháng đầu năm 2026",
        "Hội viên: 24 (+3 so với đầu kỳ)",
        "Kết nạp mới: 4 hội viên từ đầu năm, chỉ tiêu 6 (66,7%)",
        "Tỷ lệ tập hợp*: 54,3%",
        "Hội viên được tính (tử số) 38",
        "Phụ nữ từ 18 tuổi (mẫu số) 70",
        "Danh sách đã nhập 11/40",
        "Dự sinh hoạt: bình quân 84,4%; 3/4 buổi đạt 2/3 hội viên",
        "Lãnh đạo Hội xã dự sinh hoạt: 1/3 chi hội trong Quý 2/2026",
        # The sections issues 16 and 17 add, after the core ones.
        "7. Câu lạc bộ và các đối tượng phụ nữ đặc thù",
        "Câu lạc bộ, mô hình: 2 (Câu lạc bộ 1; Mô hình 1)",
        "8. Hội phí và quỹ chi hội",
        "đã thu 180.000 đ/552.000 đ",
        "9. Đánh giá, xếp loại năm và hội viên nòng cốt",
        "Đánh giá chi hội năm 2025: 3/3 chi hội",
        "II. CÁC ĐƠN VỊ CẦN QUAN TÂM",
        "Chi hội Thôn Hai",
        "TM. BAN THƯỜNG VỤ",
        "CHỦ TỊCH",
        "Nơi nhận:",
    ):
        assert expected in text, expected
    # The signature block is not split from its title across pages.
    last = flat(text_of(pdf, pages(pdf)))
    assert "TM. BAN THƯỜNG VỤ" in last and "Nơi nhận:" in last


async def test_every_report_sheet_prints_fitted_with_its_header_and_footer(
    commune: tuple[async_sessionmaker[AsyncSession], dict[str, OrgUnit]], tmp_path: Path
) -> None:
    maker, units = commune
    async with maker() as s:
        r = await measures.measure(s, units["WX"], H1, D(2026, 6, 30), Rules())
    with language("vi"):
        data = excel.workbook(r)
    wb = load_workbook(io.BytesIO(data))
    # Wrapped headers get the lines they need: "Quý 1/2026: chi hội đã sinh hoạt" in a
    # 14-wide column takes 3 lines ("Quý 1/2026:", "chi hội đã", "sinh hoạt"): 3 × 15 + 3.
    assert wb["Sinh hoạt"].row_dimensions[2].height == 48
    assert wb["Hội viên"].print_title_rows == "$2:$2"
    assert wb["Hội viên"].page_setup.orientation == "landscape"
    # Every sheet is one printed page (a commune has few rows), so one page per sheet.
    sheets = len(wb.sheetnames)
    path = tmp_path / "bao-cao-wx.xlsx"
    path.write_bytes(data)
    (pdf,) = to_pdf([path], tmp_path)
    assert pages(pdf) == sheets
    for page in range(1, sheets + 1):
        text = flat(text_of(pdf, page))
        assert "Hội LHPN xã Mẫu" in text
        assert "6 tháng đầu năm 2026" in text
        assert f"Trang {page}/{sheets}" in text
    coverage = flat(text_of(pdf, wb.sheetnames.index("Tỷ lệ tập hợp") + 1))
    assert "54,3% (chưa đạt, cần ≥ 60%)" in coverage


async def test_the_members_export_of_a_30_member_branch_fits_one_page_width(
    office: None, sqlite_url: str, tmp_path: Path
) -> None:
    engine = db.make_engine(sqlite_url)
    maker = db.make_sessionmaker(engine)
    async with transaction(maker) as s:
        province = await org.add_unit(s, "MP", "Hội LHPN tỉnh Mẫu", Level.PROVINCE, None)
        commune = await org.add_unit(s, "MX", "Hội LHPN xã Mẫu", Level.COMMUNE, province)
        branch = await org.add_unit(s, "MX-1", "Chi hội Thôn Một", Level.BRANCH, commune)
        for i in range(30):
            await members.add_member(
                s,
                branch.id,
                f"Nguyễn Thị Hội Viên Số {i + 1:02d}",
                D(2020, 1, 1 + i % 28),
                NOW,
                birth_date=D(1970 + i, 3, 5),
                phone=f"09123456{i:02d}",
            )
        rows = await members_files.export_rows(s, branch, D(2026, 6, 30), with_cccd=False)
    await engine.dispose()
    assert len(rows) == 30
    path = tmp_path / "hoi-vien-MX-1.xlsx"
    member_sheet.write_export(path, "Chi hội Thôn Một", rows, D(2026, 6, 30))
    (pdf,) = to_pdf([path], tmp_path)
    # 30 rows and all 12 columns: one landscape page (before issue 21: 4 portrait pages,
    # the names on another page than "Mã hội viên").
    assert pages(pdf) == 1
    text = flat(text_of(pdf))
    for header in ("Mã hội viên", "Họ và tên", "Số điện thoại", "Ngày vào Hội", "Cư trú"):
        assert header in text
    assert "Nguyễn Thị Hội Viên Số 30" in text
    assert "Chi hội Thôn Một" in text and "Danh sách hội viên đến ngày 30/06/2026" in text
    assert "Trang 1/1" in text
