"""Issue 21, item 3: how a sheet is set up for printing (bot/reports/print_setup.py)."""

from __future__ import annotations

from openpyxl import Workbook

from bot.reports import print_setup


def test_wrapped_lines_count_words_as_a_column_wraps_them() -> None:
    # A 14-wide column holds 14 characters a line (14 × 1.1, less one for the padding).
    assert print_setup.wrapped_lines("Mã", 14) == 1
    assert print_setup.wrapped_lines("Hội viên hiện có", 14) == 2  # "Hội viên hiện" + "có"
    assert print_setup.wrapped_lines("Quý 3/2026: chi hội đã sinh hoạt", 14) == 3
    assert print_setup.wrapped_lines("a\nb", 30) == 2
    assert print_setup.wrapped_lines("x" * 30, 14) == 3  # a long word breaks inside


def test_the_header_row_is_as_tall_as_its_longest_header() -> None:
    headers = ["Mã", "Hội viên hiện có", "Quý 3/2026: chi hội đã sinh hoạt"]
    assert print_setup.header_height(headers, [14, 14, 14]) == 3 * 15 + 3
    assert print_setup.header_height(["Mã"], [14]) == 18


def test_narrow_sheets_print_portrait_wide_ones_landscape_with_a_footer() -> None:
    wb = Workbook()
    narrow, wide = wb.active, wb.create_sheet("rộng")
    for ws, widths in ((narrow, [14, 34, 30]), (wide, [14, 34, 30, *[14] * 6])):
        print_setup.prepare(
            ws,
            widths=widths,
            header_row=2,
            headers=["Mã", "Đơn vị", "Trực thuộc"],
            unit="Hội LHPN xã A & B",
            period="6 tháng cuối năm 2026",
            page_label="Trang",
        )
    assert narrow.page_setup.orientation == "portrait"
    assert wide.page_setup.orientation == "landscape"
    for ws in (narrow, wide):
        assert ws.page_setup.paperSize == 9  # A4
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == "$2:$2"
        assert ws.oddFooter.left.text == "Hội LHPN xã A && B"  # "&" alone starts a code
        assert ws.oddFooter.center.text == "6 tháng cuối năm 2026"
        assert ws.oddFooter.right.text == "Trang &P/&N"
