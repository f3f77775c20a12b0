"""Issue 21: the Word report to sign, read back with python-docx (no office suite needed).

The figures are the worked example's (tests/reports/test_worked_example.py, Hội LHPN xã
Mẫu, first half of 2026 up to 30/06/2026), computed there by hand:
    members 24 (+3 since 21 at the start), new members 4 this year against 6 to date (66,7%),
    coverage 38/70 = 54,3% (numerator 19 in branches and tổ + 5 in the special base + 16
    aggregate counts − 2 not resident), roster 11/40 entered in 1 branch, regular meetings
    Q1 2/3 branches and 0/2 tổ, Q2 2/3 branches and 1/2 tổ, attendance 84,4% (3 of 4 meetings
    reached two thirds), a commune leader at 1 of 3 branches in Q2.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from docx import Document
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.i18n import language
from bot.domain.calendar import HalfYear
from bot.domain.enums import Level, RoleKind
from bot.domain.rules import Rules
from bot.reports import docx_context, docx_render
from bot.reports.docx_render import TemplateError
from bot.reports.docx_report import build_report_docx, issue_of
from bot.reports.docx_sections import Section, SectionTable
from storage.db import transaction
from storage.models import OrgUnit
from storage.repositories import measures, members, org, people
from tests.reports.test_worked_example import build

D = dt.date
NOW = dt.datetime(2026, 6, 30, 3, 0, tzinfo=dt.UTC)
H1 = HalfYear(2026, 1)
ISSUED = D(2026, 7, 2)


def words(data: bytes) -> list[str]:
    """Every paragraph of the document, table cells included, in order."""
    doc = Document(io.BytesIO(data))
    out: list[str] = []
    for block in doc.element.body.iter():
        if block.tag.endswith("}p"):
            text = "".join(t.text or "" for t in block.iter() if t.tag.endswith("}t"))
            if text.strip():
                out.append(text.strip())
    return out


@pytest.fixture
async def commune(maker: async_sessionmaker[AsyncSession]) -> dict[str, OrgUnit]:
    async with transaction(maker) as s:
        return await build(s)


async def _word(
    maker: async_sessionmaker[AsyncSession], unit: OrgUnit, folder: str | None = None
) -> bytes:
    async with maker() as s:
        r = await measures.measure(s, unit, H1, D(2026, 6, 30), Rules())
        word = await build_report_docx(
            s, r, unit.id, issued_on=ISSUED, lang="vi", template_dir=folder
        )
    assert word.filename == f"bao-cao-{unit.code.lower()}-2026-h1.docx"
    return word.data


async def test_the_report_holds_the_worked_example_in_the_unions_layout(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    text = words(await _word(maker, commune["WX"]))
    # Issuing body (the body above it first), national Union, number and date lines.
    assert text[:6] == [
        "HỘI LHPN TỈNH MẪU",
        "HỘI LHPN XÃ MẪU",
        "————",
        "HỘI LIÊN HIỆP PHỤ NỮ VIỆT NAM",
        "——————",
        "Số:        /BC-HPN",
    ]
    assert text[6] == "Mẫu, ngày 02 tháng 7 năm 2026"
    assert "BÁO CÁO" in text
    assert "Kết quả công tác hội viên 6 tháng đầu năm 2026" in text
    joined = "\n".join(text)
    # The figures, as prose ...
    assert "- Hội viên: 24 (+3 so với đầu kỳ)" in text
    assert "- Kết nạp mới: 4 hội viên từ đầu năm, chỉ tiêu 6 (66,7%)" in text
    assert "- Tỷ lệ tập hợp*: 54,3% (chưa đạt, cần ≥ 60%)" in text
    assert "- Dự sinh hoạt: bình quân 84,4%; 3/4 buổi đạt 2/3 hội viên" in text
    assert "- Lãnh đạo Hội xã dự sinh hoạt: 1/3 chi hội trong Quý 2/2026" in text
    assert "- Sinh hoạt định kỳ Quý 1/2026: 0/2 tổ (0%)" in text
    assert "✅" not in joined and "⚠️" not in joined  # a printed report states, it does not flag
    # ... and tables: numerator, denominator, roster completeness, quarters.
    for row in (
        ["Hội viên hiện có", "24"],
        ["Kết nạp từ đầu năm", "4", "chỉ tiêu 6 (đạt 66,7%)"],
        ["Hội viên được tính (tử số)", "38"],
        ["Phụ nữ từ 18 tuổi (mẫu số)", "70"],
        ["Tỷ lệ tập hợp", "54,3%", "chỉ tiêu 65%"],
        ["Danh sách đã nhập", "11/40"],
        ["Quý 2/2026", "2/3 (66,7%)", "1/2 (50%)", "1/3 (33,3%)"],
    ):
        i = text.index(row[0], text.index("1. Hội viên"))
        assert text[i : i + len(row)] == row
    # Units needing attention, then the signature block with "Nơi nhận".
    attention = text.index("II. CÁC ĐƠN VỊ CẦN QUAN TÂM")
    assert text[attention + 4 : attention + 6] == ["1", "Chi hội Thôn Hai"]
    assert "Nơi nhận:" in text
    assert "- Ban Thường vụ Hội LHPN tỉnh Mẫu (để báo cáo);" in text
    assert "- Đảng ủy xã Mẫu (để báo cáo);" in text
    assert text[-2:] == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"]


async def test_the_chair_signs_by_her_role_and_a_missing_chair_leaves_the_name_empty(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    # The worked example's chair attends meetings but holds no role: no name to sign.
    text = words(await _word(maker, commune["WX"]))
    assert text[-2:] == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"]
    async with transaction(maker) as s:
        chair = await people.create_person(s, "Lò Thị Chủ Tịch", NOW)
        await people.grant_role(s, chair.id, commune["WX"].id, RoleKind.COMMUNE_CHAIR)
    text = words(await _word(maker, commune["WX"]))
    assert text[-3:] == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH", "Lò Thị Chủ Tịch"]
    # A branch's report is signed by its head ("CHI HỘI TRƯỞNG"), dated at its commune.
    text = words(await _word(maker, commune["WX-1"]))
    assert text[:2] == ["HỘI LHPN XÃ MẪU", "CHI HỘI THÔN MỘT"]
    assert "Mẫu, ngày 02 tháng 7 năm 2026" in text
    assert text[-1] == "CHI HỘI TRƯỞNG"


async def test_a_period_with_no_data_says_so(maker: async_sessionmaker[AsyncSession]) -> None:
    async with transaction(maker) as s:
        province = await org.add_unit(s, "NP", "Hội LHPN tỉnh Mới", Level.PROVINCE, None)
        unit = await org.add_unit(s, "NX", "Hội LHPN xã Mới", Level.COMMUNE, province)
    text = words(await _word(maker, unit))
    assert (
        "Hội LHPN xã Mới chưa có số liệu 6 tháng đầu năm 2026: đến ngày 30/06/2026 chưa "
        "nhập hội viên nào, chưa ghi buổi sinh hoạt nào."
    ) in text
    assert "I. KẾT QUẢ CÔNG TÁC HỘI VIÊN" not in text and "Nội dung" not in text
    assert text[-2:] == ["TM. BAN THƯỜNG VỤ", "CHỦ TỊCH"]


async def test_no_member_is_named(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    async with transaction(maker) as s:
        branch = await org.by_code(s, "WX-1")
        assert branch is not None
        await members.add_member(
            s, branch.id, "Hà Thị Riêng Tư", D(2026, 4, 1), NOW, phone="0912345678"
        )
    joined = "\n".join(words(await _word(maker, commune["WX"])))
    assert "- Hội viên: 25 (+4 so với đầu kỳ)" in joined
    for secret in ("Riêng Tư", "Hà Thị", "0912345678", "912345678"):
        assert secret not in joined


def _template_with(tmp_path: Path, extra: str, name: str = "report.vi.docx") -> Path:
    """The shipped template with one more paragraph, as a province would edit it."""
    doc = Document(str(docx_render.DEFAULT_DIR / "report.vi.docx"))
    doc.add_paragraph(extra)
    folder = tmp_path / "mau-tinh"
    folder.mkdir(exist_ok=True)
    doc.save(str(folder / name))
    return folder


async def test_a_provinces_template_replaces_the_default(
    maker: async_sessionmaker[AsyncSession],
    commune: dict[str, OrgUnit],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = _template_with(tmp_path, "Mẫu của tỉnh: {{ unit.code }} – {{ as_of }}", "report.docx")
    monkeypatch.setenv(docx_render.TEMPLATE_DIR_ENV, str(folder))
    text = words(await _word(maker, commune["WX"]))
    assert text[-1] == "Mẫu của tỉnh: WX – 30/06/2026"


@pytest.mark.parametrize(
    ("tag", "message"),
    [
        ("{{ chair_phone }}", "report.vi.docx: unknown field chair_phone"),
        (
            "{{ signer.phone }}",
            "report.vi.docx: unknown field: 'dict object' has no attribute 'phone'",
        ),
        ("{% if unit %}", "report.vi.docx: broken tag"),
    ],
)
async def test_an_unknown_field_fails_in_one_line_naming_it(
    maker: async_sessionmaker[AsyncSession],
    commune: dict[str, OrgUnit],
    tmp_path: Path,
    tag: str,
    message: str,
) -> None:
    folder = _template_with(tmp_path, tag)
    with pytest.raises(TemplateError) as caught:
        await _word(maker, commune["WX"], str(folder))
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_a_missing_template_folder_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"CHIHOI_REPORT_TEMPLATE_DIR: .* is not a folder"):
        docx_render.template_path("vi", str(tmp_path / "none"))
    with pytest.raises(TemplateError, match=r"no report\.vi\.docx or report\.docx in"):
        docx_render.template_path("vi", str(tmp_path))


async def test_a_later_feature_adds_its_section(
    maker: async_sessionmaker[AsyncSession], commune: dict[str, OrgUnit]
) -> None:
    """How clubs, dues or the assessment add themselves: a provider returns a Section."""

    async def dues(s: object, r: measures.Rollup, unit_id: int) -> Section | None:
        table = SectionTable(["Nội dung", "Số tiền"], [["Hội phí đã thu", "1.200.000"]])
        return Section("dues", "Quỹ Hội, hội phí", ["Thu hội phí: 20/24 hội viên"], table)

    async def nothing(s: object, r: measures.Rollup, unit_id: int) -> Section | None:
        return None

    async with maker() as s:
        r = await measures.measure(s, commune["WX"], H1, D(2026, 6, 30), Rules())
        issue = await issue_of(s, r, commune["WX"].id, ISSUED, providers=[nothing, dues])
    with language("vi"):
        fields = docx_context.context(r, commune["WX"].id, issue)
        data = docx_render.render(fields, "vi")
    assert fields["dues"]["heading"] == "7. Quỹ Hội, hội phí"
    assert fields["clubs"] is None and fields["assessment"] is None
    text = words(data)
    i = text.index("7. Quỹ Hội, hội phí")
    assert text[i + 1 : i + 6] == [
        "- Thu hội phí: 20/24 hội viên",
        "Nội dung",
        "Số tiền",
        "Hội phí đã thu",
        "1.200.000",
    ]
