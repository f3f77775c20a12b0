"""Fill a Word template (docxtpl: a .docx with Jinja tags) with a report's fields.

The default templates ship in bot/reports/templates (report.vi.docx, report.en.docx, made by
`python -m bot.reports.templates.build_default`). A province puts its own, edited in Word,
in the folder `CHIHOI_REPORT_TEMPLATE_DIR` names: `report.<lang>.docx`, or `report.docx`
for every language (else its report.vi.docx). A template that names a field the report does not have, or a tag Word
broke, fails with one line naming it (`TemplateError`), never with a half-filled document.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate
from docxtpl.subdoc import Subdoc
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, UndefinedError

from bot.reports.docx_context import FIELDS
from bot.reports.docx_sections import SectionTable

TEMPLATE_DIR_ENV = "CHIHOI_REPORT_TEMPLATE_DIR"
DEFAULT_DIR = Path(__file__).resolve().parent / "templates"
TABLE_FONT = Pt(12)


class TemplateError(Exception):
    """The report template cannot be filled; the message is one line naming why."""


def template_path(lang: str, folder: str | None = None) -> Path:
    """The province's template for `lang` (or for all languages), else the shipped one."""
    chosen = folder if folder is not None else os.environ.get(TEMPLATE_DIR_ENV, "")
    if chosen:
        base = Path(chosen)
        if not base.is_dir():
            raise TemplateError(f"{TEMPLATE_DIR_ENV}: {base} is not a folder")
        # Its own language's template, one for all, else its Vietnamese one.
        for name in (f"report.{lang}.docx", "report.docx", "report.vi.docx"):
            if (base / name).is_file():
                return base / name
        raise TemplateError(f"{TEMPLATE_DIR_ENV}: no report.{lang}.docx or report.docx in {base}")
    shipped = DEFAULT_DIR / f"report.{lang}.docx"
    return shipped if shipped.is_file() else DEFAULT_DIR / "report.vi.docx"


def _environment() -> Environment:
    # StrictUndefined: `{{ unit.nmae }}` fails naming it instead of printing nothing.
    return Environment(undefined=StrictUndefined, autoescape=True)


def unknown_fields(tpl: DocxTemplate, known: Iterable[str] = FIELDS) -> list[str]:
    """Top-level names the template uses that the report does not provide."""
    used = tpl.get_undeclared_template_variables(_environment())
    return sorted(set(used) - set(known))


def _table(tpl: DocxTemplate, table: SectionTable) -> Subdoc:
    """A bordered table, header row bold and repeated across pages."""
    sub = tpl.new_subdoc()
    grid = sub.add_table(rows=1, cols=len(table.headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
        _write(cell, text, bold=True, center=True)
    _repeat_header(grid.rows[0])
    for row in table.rows:
        cells = grid.add_row().cells
        for i, (cell, text) in enumerate(zip(cells, row, strict=True)):
            _write(cell, text, center=i > 0 and len(text) < 24)
    if table.widths_cm:
        set_widths(grid, [Cm(w) for w in table.widths_cm])
    return sub


def set_widths(table: Any, widths: Sequence[Any]) -> None:
    """Column widths that both Word (cell widths) and LibreOffice (the grid) follow."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = width


def _write(cell: Any, text: str, bold: bool = False, center: bool = False) -> None:
    para = cell.paragraphs[0]
    run = para.add_run(text)
    run.bold = bold
    run.font.size = TABLE_FONT
    para.paragraph_format.space_before = para.paragraph_format.space_after = Pt(2)
    para.paragraph_format.first_line_indent = Cm(0)
    if center:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    else:
        para.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _repeat_header(row: Any) -> None:
    props = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    props.append(flag)


def _with_tables(tpl: DocxTemplate, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields with each section's table made a Word table (a docxtpl Subdoc)."""
    made: dict[int, dict[str, Any]] = {}

    def convert(section: Any) -> Any:
        if not isinstance(section, dict):
            return section
        if id(section) not in made:
            table = section.get("table")
            made[id(section)] = {
                **section,
                "table": _table(tpl, table) if isinstance(table, SectionTable) else None,
            }
        return made[id(section)]

    out = {key: convert(value) for key, value in fields.items()}
    out["sections"] = [convert(s) for s in fields.get("sections", [])]
    return out


def render(fields: Mapping[str, Any], lang: str, folder: str | None = None) -> bytes:
    """The filled template as .docx bytes; TemplateError (one line) if it cannot be."""
    path = template_path(lang, folder)
    try:
        tpl = DocxTemplate(str(path))
        unknown = unknown_fields(tpl, fields.keys())
        if unknown:
            raise TemplateError(f"{path.name}: unknown field {', '.join(unknown)}")
        tpl.render(_with_tables(tpl, fields), _environment(), autoescape=True)
    except TemplateSyntaxError as exc:
        where = f"{path.name}: broken tag"
        raise TemplateError(f"{where} ({exc.message})") from None
    except UndefinedError as exc:
        raise TemplateError(f"{path.name}: unknown field: {exc.message}") from None
    except (OSError, KeyError, ValueError) as exc:
        raise TemplateError(f"{path.name}: cannot be read as a Word template ({exc})") from None
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()
