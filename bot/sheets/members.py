"""Member spreadsheets: the import template, reading rows, error and export workbooks."""

# Headers are fixed Vietnamese text: they are a file format commune staff fill in and
# re-import, so they do not follow the operator's language setting.

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.domain.textkeys import fold

DATE_FORMAT = "DD/MM/YYYY"
TEXT_FORMAT = "@"
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="FCE4EC")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    note: str
    width: int = 18
    # Digits that Excel would turn into numbers (and drop the leading 0) are kept as text.
    text: bool = False
    pad: tuple[int, ...] = ()


IMPORT_COLUMNS = [
    Column("full_name", "Họ và tên", "Bắt buộc. Ví dụ: Nguyễn Thị Lan", 26),
    Column("birth", "Ngày sinh", "Bắt buộc. ngày/tháng/năm (05/03/1985) hoặc chỉ năm (1985)", 14),
    Column("phone", "Số điện thoại", "Không bắt buộc. Di động 10 số, ví dụ 0912345678", 16, True),
    Column("cccd", "Số CCCD", "Không bắt buộc. CCCD 12 số hoặc CMND cũ 9 số", 16, True, (9, 12)),
    Column("group", "Tổ", "Chỉ khi chi hội có tổ: tên hoặc mã tổ", 16),
    Column(
        "categories",
        "Nhóm",
        "Cách nhau bằng dấu phẩy: cao tuổi, khuyết tật, công nhân, tiểu thương, "
        "theo tôn giáo, dân tộc thiểu số",
        28,
    ),
    Column("core", "Nòng cốt", "có / không (để trống: không)", 10),
    Column(
        "consent",
        "Đồng ý lưu thông tin",
        "Bắt buộc: có / không. Không: chỉ lưu họ tên và năm sinh, các cột khác để trống",
        12,
    ),
    Column(
        "sensitive",
        "Đồng ý dữ liệu nhạy cảm",
        "có nếu chị ấy đồng ý ghi dân tộc, tôn giáo (bắt buộc khi điền các cột đó)",
        12,
    ),
    Column("ethnicity", "Dân tộc", "Chỉ khi đồng ý dữ liệu nhạy cảm. Ví dụ: Tày", 12),
    Column("religion", "Tôn giáo", "Chỉ khi đồng ý dữ liệu nhạy cảm. Ví dụ: Công giáo", 12),
    Column("joined_on", "Ngày vào Hội", "Không bắt buộc, ngày/tháng/năm (để trống: hôm nay)", 14),
]
REQUIRED = ("full_name", "birth", "consent")
ERROR_HEADER = "Lỗi"
LINE_HEADER = "Dòng"
SAMPLE_ROWS = [
    [
        "Nguyễn Thị Lan",
        "05/03/1985",
        "0912345678",
        "038185001234",
        "",
        "tiểu thương",
        "có",
        "có",
        "",
        "",
        "",
        "",
    ],
    [
        "Lò Thị Mai",
        "1960",
        "",
        "",
        "",
        "cao tuổi, dân tộc thiểu số",
        "không",
        "có",
        "có",
        "Thái",
        "",
        "01/06/2020",
    ],
    ["Trần Thị Hoa", "1972", "", "", "", "", "", "không", "", "", "", ""],
]


class SheetError(Exception):
    """The file cannot be read as a member list (missing file or columns)."""


def _style_header(ws: Any, headers: Sequence[str], widths: Sequence[int]) -> None:
    ws.append(list(headers))
    for i, width in enumerate(widths, 1):
        cell = ws.cell(row=1, column=i)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"


def write_template(path: Path) -> None:
    """A workbook with the import columns, sample rows and a sheet explaining each column."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Hội viên"
    _style_header(ws, [c.header for c in IMPORT_COLUMNS], [c.width for c in IMPORT_COLUMNS])
    for row in SAMPLE_ROWS:
        ws.append(row)
    for i, col in enumerate(IMPORT_COLUMNS, 1):
        if col.text:
            for r in range(2, 1001):
                ws.cell(row=r, column=i).number_format = TEXT_FORMAT
    guide = wb.create_sheet("Hướng dẫn")
    _style_header(guide, ["Cột", "Cách điền"], [26, 90])
    for col in IMPORT_COLUMNS:
        guide.append([col.header, col.note])
    guide.append(["", "Xoá các dòng mẫu trước khi nhập. Dòng 1 là tiêu đề, không đổi tên cột."])
    wb.save(path)


def _cell_text(value: Any, col: Column | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        # A number cell lost the leading 0 of an ID (038… -> 38…): put it back.
        for width in col.pad if col else ():
            if len(digits) == width - 1:
                return digits.zfill(width)
        return digits
    return str(value).strip()


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(row number as Excel shows it, {column key: text}) for every non-empty row."""
    if not path.exists():
        raise SheetError(f"{path}: no such file")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise SheetError(f"{path.name}: expected an .xlsx file")
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise SheetError("the file is empty")
        by_header = {fold(c.header): c for c in IMPORT_COLUMNS}
        cols = [by_header.get(fold(str(h or ""))) for h in header]
        missing = [c.header for c in IMPORT_COLUMNS if c.key in REQUIRED and c not in cols]
        if missing:
            raise SheetError(f"missing column(s): {', '.join(missing)}")
        out: list[tuple[int, dict[str, str]]] = []
        for line, raw in enumerate(rows, start=2):
            row = {c.key: "" for c in IMPORT_COLUMNS}
            for col, value in zip(cols, raw, strict=False):
                if col is not None:
                    row[col.key] = _cell_text(value, col)
            if any(row.values()):
                out.append((line, row))
        return out
    finally:
        wb.close()


def write_errors(path: Path, bad: Sequence[tuple[int, dict[str, str], str]]) -> None:
    """The bad rows as they were, with their row number and reason, to fix and import again."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Dòng lỗi"
    headers = [LINE_HEADER, ERROR_HEADER, *(c.header for c in IMPORT_COLUMNS)]
    _style_header(ws, headers, [8, 50, *(c.width for c in IMPORT_COLUMNS)])
    for line, row, reason in bad:
        ws.append([line, reason, *(row.get(c.key, "") for c in IMPORT_COLUMNS)])
        for i, col in enumerate(IMPORT_COLUMNS, 3):
            if col.text:
                ws.cell(row=ws.max_row, column=i).number_format = TEXT_FORMAT
    wb.save(path)


EXPORT_HEADERS = [
    ("Mã hội viên", 12),
    ("Chi hội", 26),
    ("Tổ", 16),
    ("Họ và tên", 26),
    ("Ngày sinh", 12),
    ("Số điện thoại", 14),
    ("Số CCCD", 16),
    ("Nhóm", 30),
    ("Nòng cốt", 10),
    ("Tình trạng", 16),
    ("Ngày vào Hội", 12),
]


def write_export(path: Path, title: str, rows: Sequence[Sequence[Any]]) -> None:
    """Rows in EXPORT_HEADERS order; dates become date cells shown dd/mm/yyyy."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31] or "Hội viên"
    _style_header(ws, [h for h, _w in EXPORT_HEADERS], [w for _h, w in EXPORT_HEADERS])
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str) and cell.value.isdigit():
                cell.number_format = TEXT_FORMAT
    wb.save(path)
