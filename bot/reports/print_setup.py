"""Page setup that makes a worksheet print as an office prints it: A4, fitted to the page
width, header rows repeated, header rows tall enough for their wrapped text, and a footer
with the unit, the period and the page number."""

# Works on normal and streamed (write-only) sheets alike: everything here is sheet-level
# settings and row heights, which a streamed sheet takes as long as they are set before
# its rows are written.

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from openpyxl.worksheet.worksheet import Worksheet

# Printable width of A4 after the margins below: portrait ≈ 190 mm ≈ 103 column-width units
# (one unit ≈ 1.85 mm at 100%), landscape ≈ 277 mm ≈ 150. Columns up to 120 units print
# portrait at 85% or more; anything wider prints landscape.
PORTRAIT_UNITS = 120
MARGIN_INCH = 0.4
# Calibri 11 bold writes about 1.1 characters per width unit; 15 points per line of text.
LINE_POINTS = 15.0
CHARS_PER_UNIT = 1.1


def wrapped_lines(text: str, width: float) -> int:
    """Lines `text` takes in a column `width` units wide (greedy word wrap)."""
    room = max(1, math.floor(width * CHARS_PER_UNIT) - 1)
    lines = 0
    for paragraph in str(text).split("\n"):
        used = 0
        lines += 1
        for word in paragraph.split():
            need = len(word) if used == 0 else used + 1 + len(word)
            if need <= room:
                used = need
                continue
            if used:
                lines += 1
            used = len(word)
            while used > room:  # a word longer than the column breaks inside
                lines += 1
                used -= room
    return max(lines, 1)


def header_height(headers: Sequence[str], widths: Sequence[float]) -> float:
    """Row height (points) showing every header of the row whole."""
    lines = max(
        (wrapped_lines(h, w) for h, w in zip(headers, widths, strict=False) if h), default=1
    )
    return lines * LINE_POINTS + 3


def _escape(text: str) -> str:
    return text.replace("&", "&&")  # "&" starts a header/footer code


def prepare(
    ws: Any,
    *,
    widths: Sequence[float],
    header_row: int,
    headers: Sequence[str],
    unit: str,
    period: str,
    page_label: str,
    first_header_row: int | None = None,
) -> None:
    """Set up `ws` for printing; call before writing rows to a streamed sheet.

    Args:
        widths: the column widths as set on the sheet.
        header_row: the (last) header row, repeated on every page with any above it
            from `first_header_row`.
        headers: the texts of that row, to size its height.
        unit, period: printed in the footer, left and centre.
        page_label: "Trang" / "Page", before "&P/&N" on the right of the footer.
    """
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    portrait = sum(widths) <= PORTRAIT_UNITS
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages down as the rows need
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = MARGIN_INCH
    ws.page_margins.top, ws.page_margins.bottom = 0.5, 0.6
    ws.page_margins.footer = 0.25
    ws.print_options.horizontalCentered = True
    first = first_header_row or header_row
    ws.print_title_rows = f"{first}:{header_row}"
    ws.row_dimensions[header_row].height = header_height(headers, widths)
    footer = ws.oddFooter
    footer.left.text, footer.left.size = _escape(unit), 9
    footer.center.text, footer.center.size = _escape(period), 9
    footer.right.text, footer.right.size = f"{_escape(page_label)} &P/&N", 9
