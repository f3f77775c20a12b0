"""Member spreadsheets through the CLI: template, all-or-nothing import, --skip-bad, export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sheets.members import IMPORT_COLUMNS
from storage import crypto
from storage.models import Audit, Consent, Member
from storage.repositories import members, org
from tests.members.support import cli, in_db, seeded

NOW = dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)
HEADERS = [c.header for c in IMPORT_COLUMNS]


@pytest.fixture
def url(sqlite_url: str) -> str:
    seeded(sqlite_url, NOW)
    return sqlite_url


def workbook(path: Path, rows: list[dict[str, Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    for row in rows:
        ws.append([row.get(c.key, "") for c in IMPORT_COLUMNS])
    wb.save(path)
    return path


def row(name: str, birth: Any, **kw: Any) -> dict[str, Any]:
    return {"full_name": name, "birth": birth, "consent": "có", "joined_on": "cũ", **kw}


async def _count(s: AsyncSession) -> int:
    return int(await s.scalar(select(func.count(Member.id))) or 0)


async def _by_name(s: AsyncSession) -> dict[str, Member]:
    return {m.full_name or "": m for m in (await s.scalars(select(Member))).all()}


def test_the_template_explains_every_column_and_imports_as_is(url: str, tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    assert cli(url, "members", "template", "--out", str(path)).exit_code == 0
    wb = load_workbook(path)
    assert [c.value for c in wb["Hội viên"][1]] == HEADERS
    guide = [r[0] for r in wb["Hướng dẫn"].iter_rows(min_row=2, values_only=True)]
    assert all(h in guide for h in HEADERS)
    before = in_db(url, _count)
    result = cli(url, "members", "import", str(path), "--branch", "TH-QP-03")
    assert result.exit_code == 0, result.output
    assert "imported 3 member(s)" in result.output
    assert in_db(url, _count) == before + 3
    found = in_db(url, _by_name)
    mai = found["Lò Thị Mai"]
    assert (mai.birth_year, mai.birth_approx, mai.ethnicity) == (1960, True, "Thái")
    assert mai.categories == ["elderly", "ethnic_minority"] and mai.joined_on == dt.date(2020, 6, 1)
    assert members.phone_of(found["Trần Thị Hoa"]) is None


BAD = [
    row("Lê Thị Một", "01/01/2009"),  # 17 years old
    row("Lê Thị Hai", "05/03/1990", phone="09123456"),
    row("Lê Thị Ba", "05/03/1990", cccd="038185001234"),  # the ID says 1985
    {"full_name": "Lê Thị Bốn", "birth": "1980", "joined_on": "2000"},  # consent not stated
    row("Lê Thị Năm", "1980", consent="không", phone="0912345678"),
    row("Lê Thị Sáu", "05/03/2030"),
    row("Lê Thị Bảy", "05/03/1990", cccd="038190001234"),
    row("Lê Thị Tám", "06/03/1990", cccd="038190001234"),  # same ID as the row above
    row("Lê Thị Chín", "1975", categories="theo tôn giáo"),  # no sensitive-data consent
]


def test_bad_rows_are_all_reported_and_nothing_is_written(url: str, tmp_path: Path) -> None:
    path = workbook(tmp_path / "bad.xlsx", [row("Lê Thị Tốt", "05/03/1990"), *BAD])
    before = in_db(url, _count)
    result = cli(url, "members", "import", str(path), "--branch", "TH-QP-01")
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.startswith("row ")]
    assert [ln.split(":")[0] for ln in lines] == [f"row {n}" for n in (3, 4, 5, 6, 7, 8, 10, 11)]
    assert "17 tuổi" in lines[0] and "10 chữ số" in lines[1] and "sinh năm 1985" in lines[2]
    assert "Đồng ý lưu thông tin" in lines[3] and "Số điện thoại" in lines[4]
    assert "chưa tới" in lines[5] and "dòng 9" in lines[6] and "nhạy cảm" in lines[7].lower()
    assert "nothing was imported" in result.output
    assert in_db(url, _count) == before


def test_skip_bad_imports_the_good_rows_and_writes_the_bad_ones(url: str, tmp_path: Path) -> None:
    path = workbook(tmp_path / "mixed.xlsx", [row("Lê Thị Tốt", "05/03/1990"), *BAD])
    errors = tmp_path / "loi.xlsx"
    before = in_db(url, _count)
    result = cli(
        url,
        "members",
        "import",
        str(path),
        "--branch",
        "TH-QP-01",
        "--skip-bad",
        "--errors",
        str(errors),
    )
    assert result.exit_code == 0, result.output
    assert "imported 2 member(s)" in result.output  # Tốt, and Bảy (whose ID row 9 holds first)
    assert in_db(url, _count) == before + 2
    ws = load_workbook(errors).active
    got = list(ws.iter_rows(values_only=True))
    assert got[0][:3] == ("Dòng", "Lỗi", "Họ và tên")
    assert [r[0] for r in got[1:]] == [3, 4, 5, 6, 7, 8, 10, 11]
    assert got[1][2] == "Lê Thị Một" and "17 tuổi" in got[1][1]


def test_export_shows_vietnamese_dates_and_masks_ids(url: str, tmp_path: Path) -> None:
    path = workbook(
        tmp_path / "in.xlsx",
        [
            row("Đinh Thị Ngọc", "05/03/1990", phone="912345678", cccd=38190001234, core="có"),
            row("Đinh Thị Yến", "1950", consent="không"),
        ],
    )
    assert cli(url, "members", "import", str(path), "--branch", "TH-QP-02").exit_code == 0
    out = tmp_path / "out.xlsx"
    result = cli(url, "members", "export", "--unit", "TH-QP", "--out", str(out))
    assert result.exit_code == 0, result.output
    ws = load_workbook(out).active
    header = [c.value for c in ws[1]]
    assert header[:5] == ["Mã hội viên", "Chi hội", "Tổ", "Họ và tên", "Ngày sinh"]
    rows = {r[3].value: r for r in ws.iter_rows(min_row=2)}
    ngoc = rows["Đinh Thị Ngọc"]
    assert ngoc[1].value == "Chi hội Thôn Tây"
    assert ngoc[4].value.date() == dt.date(1990, 3, 5) and ngoc[4].number_format == "DD/MM/YYYY"
    assert ngoc[5].value == "0912345678"  # the leading 0 Excel dropped is back
    assert ngoc[6].value == "038******234"
    assert ngoc[8].value == "có" and ngoc[9].value == "đang sinh hoạt"
    assert rows["Đinh Thị Yến"][4].value == "1950" and rows["Đinh Thị Yến"][6].value is None
    assert ws.max_row - 1 == in_db(url, _count_th_qp)
    full = tmp_path / "full.xlsx"
    cli(url, "members", "export", "--unit", "TH-QP-02", "--with-cccd", "--out", str(full))
    rows = {r[3]: r for r in load_workbook(full).active.iter_rows(min_row=2, values_only=True)}
    assert rows["Đinh Thị Ngọc"][6] == "038190001234"
    assert full.stat().st_mode & 0o777 == 0o600  # full ID numbers: the owner alone reads them
    actions = in_db(url, _export_audits)
    assert actions == [False, True]


async def _count_th_qp(s: AsyncSession) -> int:
    unit = await org.by_code(s, "TH-QP")
    assert unit is not None
    return len(await members.in_subtree(s, unit))


async def _export_audits(s: AsyncSession) -> list[bool]:
    stmt = select(Audit).where(Audit.action == "members_exported").order_by(Audit.id)
    return [bool(a.detail["with_cccd"]) for a in (await s.scalars(stmt)).all()]


def test_imported_consents_and_ids_are_stored_like_the_chat_stores_them(
    url: str, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "c.xlsx", [row("Mai Thị Đào", "05/03/1990", cccd="038190001234")])
    assert cli(url, "members", "import", str(path), "--branch", "TH-QP-01").exit_code == 0

    async def check(s: AsyncSession) -> None:
        m = (await s.scalars(select(Member).where(Member.full_name == "Mai Thị Đào"))).one()
        assert m.cccd_enc is not None and crypto.decrypt_id(m.cccd_enc) == "038190001234"
        purposes = (await s.scalars(select(Consent.purpose).where(Consent.member_id == m.id))).all()
        assert list(purposes) == ["membership"]

    in_db(url, check)
    again = cli(url, "members", "import", str(path), "--branch", "TH-QP-01")
    assert again.exit_code == 1 and "cùng họ tên và ngày sinh" in again.output
    elsewhere = cli(url, "members", "import", str(path), "--branch", "TH-HT-02")
    assert elsewhere.exit_code == 1 and "đã được ghi ở Chi hội Thôn Đông" in elsewhere.output
