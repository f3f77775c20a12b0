"""Member lists as communes keep them: a title block, their own headers, extra columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.calendar import RECORDS_BEGAN
from bot.domain.enums import EventKind, Residence
from storage.models import Member, MemberEvent
from tests.members.support import cli, in_db, seeded

NOW = dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)
OFFICIAL_HEADER = [
    "STT",
    "Họ tên",
    "Ngày tháng năm sinh",
    "SĐT",
    "CMND",
    "Ngày kết nạp",
    "Đồng ý lưu thông tin",
    "Cư trú",
    "Ghi chú",
    "Quê quán",
]


@pytest.fixture
def url(sqlite_url: str) -> str:
    seeded(sqlite_url, NOW)
    return sqlite_url


def official(path: Path, rows: list[list[Any]]) -> Path:
    """A list as a commune keeps it: a merged title, a blank line, then the header."""
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH HỘI VIÊN CHI HỘI THÔN ĐÔNG"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(OFFICIAL_HEADER))
    ws.append(["(Kèm theo báo cáo 6 tháng đầu năm 2026)"])
    ws.append([])
    ws.append(OFFICIAL_HEADER)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


ROWS: list[list[Any]] = [
    [1, "Vi Thị Cũ", dt.datetime(1970, 5, 2), "0912345678", "", "cũ", "có", "", "", "Hà Nam"],
    [2, "Vi Thị Năm", 1975, "", "", 2010, "có", "tạm trú dưới 6 tháng", "", ""],
    [3, "Vi Thị Mới", "05/03/1990", "", "", "02/03/2026", "có", "thường trú", "", ""],
    [4, "Vi Thị Quên", "1980", "", "", "không nhớ", "không", "vắng", "chuyển đi?", ""],
]


async def _vi(s: AsyncSession) -> dict[str, tuple[Any, ...]]:
    found: dict[str, tuple[Any, ...]] = {}
    for m in (await s.scalars(select(Member).where(Member.full_name.like("Vi Thị%")))).all():
        joined = await s.scalar(
            select(MemberEvent.occurred_on).where(
                MemberEvent.member_id == m.id, MemberEvent.kind == EventKind.JOINED
            )
        )
        found[m.full_name or ""] = (m.joined_on, m.joined_approx, m.residence, joined)
    return found


def test_an_official_list_imports_with_its_mapping_shown_first(url: str, tmp_path: Path) -> None:
    path = official(tmp_path / "ds.xlsx", ROWS)
    dry = cli(url, "members", "import", str(path), "--branch", "TH-QP-01", "--dry-run")
    assert dry.exit_code == 0, dry.output
    lines = dry.output.splitlines()
    assert lines[0] == "header row 4; columns:"
    assert "  Họ tên -> Họ và tên" in lines
    assert "  Ngày tháng năm sinh -> Ngày sinh" in lines
    assert "  SĐT -> Số điện thoại" in lines and "  CMND -> Số CCCD" in lines
    assert "  Ngày kết nạp -> Ngày vào Hội" in lines and "  Cư trú -> Cư trú" in lines
    assert "ignored column(s): STT, Ghi chú, Quê quán" in lines
    assert "dry run: 4 good row(s), 0 bad; nothing imported" in dry.output
    assert in_db(url, _vi) == {}
    done = cli(url, "members", "import", str(path), "--branch", "TH-QP-01")
    assert done.exit_code == 0, done.output
    assert done.output.index("Họ tên -> Họ và tên") < done.output.index("imported 4 member(s)")
    assert in_db(url, _vi) == {
        "Vi Thị Cũ": (None, False, Residence.PERMANENT, RECORDS_BEGAN),
        "Vi Thị Năm": (dt.date(2010, 1, 1), True, Residence.TEMPORARY_SHORT, dt.date(2010, 1, 1)),
        "Vi Thị Mới": (dt.date(2026, 3, 2), False, Residence.PERMANENT, dt.date(2026, 3, 2)),
        "Vi Thị Quên": (None, False, Residence.AWAY, RECORDS_BEGAN),
    }


def test_an_empty_joining_cell_is_a_row_error_not_today(url: str, tmp_path: Path) -> None:
    rows: list[list[Any]] = [
        [1, "Vi Thị Trống", "1970", "", "", "", "có", "", "", ""],
        [2, "Vi Thị Nhỏ", "05/03/1990", "", "", "2005", "có", "", "", ""],
        [3, "Vi Thị Tạm", "1970", "", "", "cũ", "có", "tạm trú", "", ""],
        [4, "Vi Thị Tốt", "1970", "", "", "đã là hội viên", "có", "", "", ""],
    ]
    path = official(tmp_path / "loi.xlsx", rows)
    dry = cli(url, "members", "import", str(path), "--branch", "TH-QP-01", "--dry-run")
    assert dry.exit_code == 1
    errors = [ln for ln in dry.output.splitlines() if ln.startswith("row ")]
    assert [e.split(":")[0] for e in errors] == ["row 5", "row 6", "row 7"]
    assert 'Ngày vào Hội: Chưa có ngày vào Hội: chị ghi ngày, năm, hoặc "cũ"' in errors[0]
    assert "chưa đủ 18 tuổi" in errors[1]
    assert "Cư trú" in errors[2] and "dưới 6 tháng" in errors[2]
    assert "dry run: 1 good row(s), 3 bad; nothing imported" in dry.output
    assert in_db(url, _vi) == {}


def test_a_list_without_a_header_row_or_the_joining_column_is_refused(
    url: str, tmp_path: Path
) -> None:
    wb = Workbook()
    wb.active.append(["DANH SÁCH HỘI VIÊN"])
    wb.active.append(["Họ và tên", "Ngày sinh", "Đồng ý lưu thông tin"])
    wb.save(tmp_path / "thieu.xlsx")
    got = cli(url, "members", "import", str(tmp_path / "thieu.xlsx"), "--branch", "TH-QP-01")
    assert got.exit_code != 0 and "missing column(s): Ngày vào Hội" in got.output
    wb = Workbook()
    wb.active.append(["DANH SÁCH HỘI VIÊN"])
    wb.save(tmp_path / "trong.xlsx")
    got = cli(url, "members", "import", str(tmp_path / "trong.xlsx"), "--branch", "TH-QP-01")
    assert got.exit_code != 0 and "no header row with a column Họ và tên" in got.output


def test_the_export_shows_joining_years_and_before_records(url: str, tmp_path: Path) -> None:
    path = official(tmp_path / "ds.xlsx", ROWS)
    assert cli(url, "members", "import", str(path), "--branch", "TH-QP-01").exit_code == 0
    out = tmp_path / "out.xlsx"
    assert cli(url, "members", "export", "--unit", "TH-QP-01", "--out", str(out)).exit_code == 0
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    joined, lives = header.index("Ngày vào Hội"), header.index("Cư trú")
    rows = {r[3]: (r[joined], r[lives]) for r in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["Vi Thị Cũ"] == ("trước khi có sổ", "Thường trú")
    assert rows["Vi Thị Năm"] == ("2010", "Tạm trú dưới 6 tháng")
    assert rows["Vi Thị Mới"][0] == dt.datetime(2026, 3, 2)
