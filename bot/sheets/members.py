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
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from bot.domain.textkeys import fold
from bot.reports import print_setup

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
    Column(
        "joined_on",
        "Ngày vào Hội",
        'Bắt buộc: ngày/tháng/năm (05/03/2015), chỉ năm (2015), hoặc "cũ" / "không nhớ" '
        "nếu là hội viên từ trước khi có sổ (không tính là hội viên mới). Không để trống.",
        14,
    ),
    Column(
        "residence",
        "Cư trú",
        "Không bắt buộc (để trống: thường trú). thường trú / tạm trú từ 6 tháng / "
        "tạm trú dưới 6 tháng / vắng",
        16,
    ),
]
REQUIRED = ("full_name", "birth", "consent", "joined_on")
# Headers officers' own lists use for the same columns (compared accent- and case-blind).
VARIANTS: dict[str, tuple[str, ...]] = {
    "full_name": ("Họ tên", "Họ và tên hội viên", "Họ tên hội viên"),
    "birth": ("Ngày tháng năm sinh", "Năm sinh", "Sinh ngày", "Ngày sinh năm sinh"),
    "phone": ("SĐT", "Điện thoại", "Số ĐT", "Số điện thoại di động"),
    "cccd": ("CCCD", "CMND", "CCCD/CMND", "Số CMND", "Số định danh", "Số định danh cá nhân"),
    "group": ("Tổ hội", "Tổ phụ nữ"),
    "categories": ("Đối tượng",),
    "core": ("Hội viên nòng cốt",),
    "consent": ("Đồng ý",),
    "ethnicity": ("Dân tộc thiểu số",),
    "joined_on": ("Ngày kết nạp", "Năm vào Hội", "Năm kết nạp", "Ngày vào hội năm vào hội"),
    "residence": ("Nơi cư trú", "Tình trạng cư trú"),
}
# Headers read and deliberately left out (row numbers, notes).
IGNORED = ("STT", "TT", "Số TT", "Số thứ tự", "Ghi chú")
HEADER_SEARCH_ROWS = 30
ERROR_HEADER = "Lỗi"
LINE_HEADER = "Dòng"
_SAMPLES: list[dict[str, str]] = [
    {
        "full_name": "Nguyễn Thị Lan",
        "birth": "05/03/1985",
        "phone": "0912345678",
        "cccd": "038185001234",
        "categories": "tiểu thương",
        "core": "có",
        "consent": "có",
        "joined_on": "15/01/2024",
    },
    {
        "full_name": "Lò Thị Mai",
        "birth": "1960",
        "categories": "cao tuổi, dân tộc thiểu số",
        "core": "không",
        "consent": "có",
        "sensitive": "có",
        "ethnicity": "Thái",
        "joined_on": "01/06/2020",
        "residence": "tạm trú từ 6 tháng",
    },
    {"full_name": "Trần Thị Hoa", "birth": "1972", "consent": "không", "joined_on": "cũ"},
]
SAMPLE_ROWS = [[r.get(c.key, "") for c in IMPORT_COLUMNS] for r in _SAMPLES]


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
    guide.append(["", "Xoá các dòng mẫu trước khi nhập."])
    guide.append(
        [
            "",
            "Dòng tên cột có thể nằm dưới tên danh sách. Tên cột quen dùng cũng được: Họ tên, "
            "Ngày tháng năm sinh, Năm sinh, SĐT, Điện thoại, CMND, Số định danh, Ngày kết nạp. "
            "Cột STT, Ghi chú và các cột khác được bỏ qua.",
        ]
    )
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


@dataclass(frozen=True)
class Sheet:
    """A member list as read: its rows, and how its columns were understood."""

    rows: list[tuple[int, dict[str, str]]]
    header_line: int
    # (header as written in the file, the template column it was read as)
    mapping: list[tuple[str, str]]
    ignored: list[str]


def _header_keys() -> dict[str, Column | None]:
    keys: dict[str, Column | None] = {fold(h): None for h in IGNORED}
    for col in IMPORT_COLUMNS:
        for header in (col.header, *VARIANTS.get(col.key, ())):
            keys[fold(header)] = col
    return keys


HEADER_KEYS = _header_keys()


def column_for(header: str) -> tuple[bool, Column | None]:
    """(known?, the column a header names); a header may add words: "Đồng ý (có/không)"."""
    key = fold(header)
    if key in HEADER_KEYS:
        return True, HEADER_KEYS[key]
    starts = [k for k in HEADER_KEYS if len(k) >= 6 and key.startswith(k + " ")]
    if starts:
        return True, HEADER_KEYS[max(starts, key=len)]
    return False, None


def _is_header(cells: Sequence[Any]) -> bool:
    cols = {column_for(str(c))[1] for c in cells if c is not None and str(c).strip()}
    keys = {c.key for c in cols if c is not None}
    return "full_name" in keys and len(keys) >= 2


def _mapping(header: Sequence[Any]) -> tuple[list[Column | None], list[tuple[str, str]], list[str]]:
    cols: list[Column | None] = []
    mapping: list[tuple[str, str]] = []
    ignored: list[str] = []
    for cell in header:
        text = " ".join(str(cell).split()) if cell is not None else ""
        col = column_for(text)[1] if text else None
        if col is not None and col in cols:
            raise SheetError(f"two columns are read as {col.header}: rename one of them")
        cols.append(col)
        if col is not None:
            mapping.append((text, col.header))
        elif text:
            ignored.append(text)
    return cols, mapping, ignored


def read_sheet(path: Path) -> Sheet:
    """The member list of the first sheet, its header row found by content below any title."""
    if not path.exists():
        raise SheetError(f"{path}: no such file")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise SheetError(f"{path.name}: expected an .xlsx file")
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1)
        header_line = 0
        for line, cells in rows:
            if _is_header(cells):
                header_line = line
                cols, mapping, ignored = _mapping(cells)
                break
            if line >= HEADER_SEARCH_ROWS:
                break
        if not header_line:
            raise SheetError(
                f"no header row with a column {IMPORT_COLUMNS[0].header} found in the first "
                f"{HEADER_SEARCH_ROWS} rows"
            )
        missing = [c.header for c in IMPORT_COLUMNS if c.key in REQUIRED and c not in cols]
        if missing:
            raise SheetError(f"missing column(s): {', '.join(missing)}")
        out: list[tuple[int, dict[str, str]]] = []
        for line, raw in rows:
            row = {c.key: "" for c in IMPORT_COLUMNS}
            for col, value in zip(cols, raw, strict=False):
                if col is not None:
                    row[col.key] = _cell_text(value, col)
            if any(row.values()):
                out.append((line, row))
        return Sheet(out, header_line, mapping, ignored)
    finally:
        wb.close()


def read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(row number as Excel shows it, {column key: text}) for every non-empty row."""
    return read_sheet(path).rows


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
    ("Ngày vào Hội", 14),
    ("Cư trú", 18),
]


def write_export(
    path: Path, title: str, rows: Sequence[Sequence[Any]], as_of: dt.date | None = None
) -> None:
    """Rows in EXPORT_HEADERS order; dates become date cells shown dd/mm/yyyy. Printed on A4
    landscape fitted to the width, the header repeated, `title` and `as_of` in the footer."""
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31] or "Hội viên"
    headers, widths = [h for h, _w in EXPORT_HEADERS], [w for _h, w in EXPORT_HEADERS]
    _style_header(ws, headers, widths)
    for cell in ws[1]:
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    listed = "Danh sách hội viên"
    if as_of is not None:
        listed += f" đến ngày {as_of.strftime('%d/%m/%Y')}"
    print_setup.prepare(
        ws,
        widths=widths,
        header_row=1,
        headers=headers,
        unit=title,
        period=listed,
        page_label="Trang",
    )
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, dt.date):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str) and cell.value.isdigit():
                cell.number_format = TEXT_FORMAT
    wb.save(path)
