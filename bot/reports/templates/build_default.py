"""Build the default Word report templates (report.vi.docx, report.en.docx) beside this file.

    PYTHONPATH=. .venv/bin/python -m bot.reports.templates.build_default

The layout follows the Union's documents (Decree 30/2020/NĐ-CP as its offices apply it, and
the seeds' plans): the issuing body top left (the body above it, then the issuer in bold),
the national Union top right, the number and the place-and-date line, the title, the
chapters, and the signature block with "Nơi nhận". Times New Roman 13, A4, margins
20/20/30/15 mm. A province copies report.vi.docx, edits it in Word (keeping the {{ }} and
{% %} tags it wants), and points CHIHOI_REPORT_TEMPLATE_DIR at its folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from bot.core.i18n import LANGUAGES, _, language

HERE = Path(__file__).resolve().parent
FONT = "Times New Roman"
CENTER, JUSTIFY, LEFT = (
    WD_ALIGN_PARAGRAPH.CENTER,
    WD_ALIGN_PARAGRAPH.JUSTIFY,
    WD_ALIGN_PARAGRAPH.LEFT,
)


def _para(
    where: Any,
    text: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    size: float = 13,
    align: Any = LEFT,
    indent: bool = False,
    after: float = 0,
    underline: bool = False,
) -> Any:
    p = where.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(0), Pt(after)
    fmt.first_line_indent = Cm(1) if indent else Cm(0)
    if text:
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        run.font.size = Pt(size)
    return p


def _cell_para(cell: Any, text: str, **kw: Any) -> Any:
    """The cell's first (empty) paragraph used for the first line, new ones after it."""
    if len(cell.paragraphs) == 1 and not cell.paragraphs[0].text and not cell._tc.xpath(".//w:r"):
        cell._tc.remove(cell.paragraphs[0]._p)
    return _para(cell, text, **kw)


def set_widths(table: Any, widths: Sequence[Any]) -> None:
    """Column widths that both Word (cell widths) and LibreOffice (the grid) follow."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def _no_borders(table: Any) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    table._tbl.tblPr.append(borders)


def _rule(where: Any, width: str = "————") -> None:
    """The short line under a heading block (a few em dashes, centred)."""
    _para(where, width, size=9, align=CENTER, after=2)


def _base_style(doc: Any) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(13)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.line_spacing = 1.1
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)


def _header(doc: Any) -> None:
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _no_borders(table)
    set_widths(table, (Cm(7), Cm(9.5)))
    left, right = table.rows[0].cells
    _cell_para(left, "{%p if issuer_parent %}", size=13)
    _cell_para(left, "{{ issuer_parent }}", align=CENTER, size=13)
    _cell_para(left, "{%p endif %}", size=13)
    _cell_para(left, "{{ issuer }}", bold=True, align=CENTER, size=13)
    _rule(left, "————")
    _cell_para(right, "{{ national }}", bold=True, align=CENTER, size=13)
    _rule(right, "——————")
    number, date = table.rows[1].cells
    _cell_para(number, _("No.:        /BC-HPN"), align=CENTER, size=13)
    _cell_para(date, "{{ place_date }}", italic=True, align=CENTER, size=13)


def _body(doc: Any) -> None:
    _para(doc, "", after=6)
    _para(doc, "{{ title }}", bold=True, size=14, align=CENTER)
    _para(doc, "{{ subject }}", bold=True, size=14, align=CENTER)
    _rule(doc, "——————")
    _para(doc, "{{ intro }}", align=JUSTIFY, indent=True, after=6)
    _para(doc, "{%p if has_data %}")
    _para(doc, _("I. RESULTS OF THE MEMBERSHIP WORK"), bold=True, after=3)
    _para(doc, "{%p for sec in sections %}")
    heading = _para(doc, "{{ sec.heading }}", bold=True, indent=True, after=2)
    heading.paragraph_format.keep_with_next = True  # never alone at the foot of a page
    _para(doc, "{%p for line in sec.lines %}")
    _para(doc, "- {{ line }}", align=JUSTIFY, indent=True, after=2)
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if sec.table %}")
    _para(doc, "{{p sec.table }}")
    _para(doc, "{%p endif %}")
    _para(doc, "{%p endfor %}")
    _para(doc, "{%p if footnote %}")
    _para(doc, "{{ footnote }}", italic=True, size=11, align=JUSTIFY, after=6)
    _para(doc, "{%p endif %}")
    _para(doc, _("II. UNITS NEEDING ATTENTION"), bold=True, after=3)
    _para(doc, "{%p if attention %}")
    _attention_table(doc)
    _para(doc, "{%p else %}")
    _para(doc, _("No unit below needs particular attention in this period."), indent=True)
    _para(doc, "{%p endif %}")
    _para(doc, "{%p else %}")
    _para(doc, "{{ no_data }}", align=JUSTIFY, indent=True, after=6)
    _para(doc, "{%p endif %}")
    _para(doc, _("III. PROPOSALS"), bold=True, after=3)
    _para(doc, "." * 120, align=JUSTIFY)
    _para(doc, "." * 120, align=JUSTIFY, after=6)
    closing = _para(doc, "{{ closing }}", align=JUSTIFY, indent=True, after=12)
    closing.paragraph_format.keep_with_next = True


def _attention_table(doc: Any) -> None:
    table = doc.add_table(rows=3, cols=3)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = (Cm(1.3), Cm(5.2), Cm(9.5))
    heads = (_("No."), _("Unit"), _("Situation"))
    for cell, head, width in zip(table.rows[0].cells, heads, widths, strict=True):
        _cell_para(cell, head, bold=True, align=CENTER, size=12)
        cell.width = width
    loop, row = table.rows[1].cells, table.rows[2].cells
    # docxtpl row loop: the first and last rows hold only the tags and are dropped.
    _cell_para(loop[0], "{%tr for a in attention %}", size=12)
    _cell_para(row[0], "{{ a.no }}", align=CENTER, size=12)
    _cell_para(row[1], "{{ a.name }}", size=12)
    _cell_para(row[2], "{{ a.issue }}", size=12)
    end = table.add_row().cells
    _cell_para(end[0], "{%tr endfor %}", size=12)
    set_widths(table, widths)
    _row_flag(table.rows[0], "w:tblHeader")


def _row_flag(row: Any, flag: str) -> None:
    """w:tblHeader (repeat on every page) or w:cantSplit (keep the row on one page)."""
    el = OxmlElement(flag)
    el.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(el)


def _signature(doc: Any) -> None:
    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    set_widths(table, (Cm(8), Cm(8.5)))
    _row_flag(table.rows[0], "w:cantSplit")  # the signature never parts from its title
    left, right = table.rows[0].cells
    _cell_para(left, _("Recipients:"), bold=True, italic=True, size=12)
    _cell_para(left, "{%p for to in recipients %}", size=11)
    _cell_para(left, "- {{ to }}", size=11)
    _cell_para(left, "{%p endfor %}", size=11)
    _cell_para(right, "{{ signer.on_behalf }}", bold=True, align=CENTER, size=13)
    _cell_para(right, "{{ signer.title }}", bold=True, align=CENTER, size=13)
    for _i in range(4):
        _cell_para(right, "", size=13)
    _cell_para(right, "{{ signer.name }}", bold=True, align=CENTER, size=13)


def build(lang: str, out: Path) -> Path:
    with language(lang):
        doc = Document()
        _base_style(doc)
        _header(doc)
        _body(doc)
        _signature(doc)
    doc.save(str(out))
    return out


def main() -> None:
    for lang in LANGUAGES:
        print("wrote", build(lang, HERE / f"report.{lang}.docx"))


if __name__ == "__main__":
    main()
