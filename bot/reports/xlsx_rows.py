"""Rows of a big sheet written as SpreadsheetML text, spliced into a workbook openpyxl saved.

openpyxl spends ~13 µs a cell (a cell object, its style looked up and hashed, an XML
element), 2 s for a province's ~170,000 cells. The data rows here are plain: numbers, text
and one of a few styles that openpyxl registered (`style_id`), so they are written as text
straight away (~1 µs a cell), and openpyxl still writes the rest of the workbook: styles,
sheet settings, print setup, the title and header rows.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

from openpyxl.utils import get_column_letter

# Characters XML 1.0 cannot hold (openpyxl refuses them; here they are dropped).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_END = b"</sheetData>"


def _text(value: str) -> str:
    if _ILLEGAL.search(value):
        value = _ILLEGAL.sub("", value)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f"<t{space}>{value}</t>"


class SheetRows:
    """Rows appended after the ones openpyxl wrote (`first_row` is the next row number)."""

    def __init__(self, first_row: int, columns: int) -> None:
        self.row = first_row
        self.letters = [get_column_letter(c) for c in range(1, columns + 1)]
        self.parts: list[str] = []

    def append(self, values: Sequence[Any], styles: Sequence[int]) -> None:
        """One row: `values[i]` in column i with style id `styles[i]` (0: none)."""
        r = self.row
        out = [f'<row r="{r}">']
        for letter, value, style in zip(self.letters, values, styles, strict=False):
            s = f' s="{style}"' if style else ""
            if value is None or value == "":  # as openpyxl writes them: no value
                if style:
                    out.append(f'<c r="{letter}{r}"{s}/>')
            elif isinstance(value, str):
                out.append(f'<c r="{letter}{r}"{s} t="inlineStr"><is>{_text(value)}</is></c>')
            elif isinstance(value, bool):
                out.append(f'<c r="{letter}{r}"{s} t="b"><v>{int(value)}</v></c>')
            else:
                out.append(f'<c r="{letter}{r}"{s} t="n"><v>{value!r}</v></c>')
        out.append("</row>")
        self.parts.append("".join(out))
        self.row += 1

    def xml(self) -> bytes:
        return "".join(self.parts).encode()


def splice(data: bytes, sheets: Iterable[tuple[int, SheetRows]]) -> bytes:
    """The workbook `data` with each (n, rows) written at the end of sheet n's data
    (xl/worksheets/sheet{n}.xml, n from 1), every other part copied unchanged."""
    extra = {f"xl/worksheets/sheet{n}.xml": rows.xml() for n, rows in sheets}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=5) as dst,
    ):
        for info in src.infolist():
            body = src.read(info.filename)
            more = extra.get(info.filename)
            if more:
                at = body.rindex(_SHEET_END)
                body = body[:at] + more + body[at:]
            dst.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=5)
    return out.getvalue()
