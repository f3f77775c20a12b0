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
from html import escape
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined, TemplateSyntaxError, UndefinedError

from bot.reports.docx_context import FIELDS
from bot.reports.docx_sections import SectionTable, TemplateError

TEMPLATE_DIR_ENV = "CHIHOI_REPORT_TEMPLATE_DIR"
DEFAULT_DIR = Path(__file__).resolve().parent / "templates"
TABLE_HALF_POINTS = 24  # 12 pt
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


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
    return sorted(_used_names(str(tpl.template_file), tpl) - set(known))


_used: dict[tuple[str, int, int], frozenset[str]] = {}


def _used_names(path: str, tpl: DocxTemplate) -> frozenset[str]:
    """The template's names, read once per version of the file (reading costs ~0.2 s)."""
    stat = Path(path).stat()
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _used:
        _used[key] = frozenset(tpl.get_undeclared_template_variables(_environment()))
    return _used[key]


class WordXml(str):
    """Ready-made WordprocessingML that the template inserts as it is (`{{p sec.table }}`)."""

    def __html__(self) -> str:
        return str(self)


TWIPS_PER_CM = 567
TEXT_WIDTH_CM = 16.5  # A4 less the 3 cm and 1.5 cm side margins of the default template
_BORDER = '<w:{edge} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
_BORDERS = "".join(
    _BORDER.format(edge=e) for e in ("top", "left", "bottom", "right", "insideH", "insideV")
)


def table_xml(table: SectionTable) -> WordXml:
    """A section's table as WordprocessingML: its own borders (a province's template may
    lack the "Table Grid" style), fixed column widths, the header row bold and repeated on
    every page. Written as text: building it through python-docx cost ~0.1 s a table."""
    count = len(table.headers)
    widths = list(table.widths_cm) or [TEXT_WIDTH_CM / count] * count
    twips = [round(w * TWIPS_PER_CM) for w in widths]
    grid = "".join(f'<w:gridCol w:w="{t}"/>' for t in twips)
    rows = [_row(table.headers, twips, header=True)]
    rows += [_row(row, twips, header=False) for row in table.rows]
    return WordXml(
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{_BORDERS}</w:tblBorders>'
        f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        + "".join(rows)
        + "</w:tbl>"
    )


def _row(cells: Sequence[str], twips: Sequence[int], *, header: bool) -> str:
    props = (
        "<w:trPr><w:tblHeader/><w:cantSplit/></w:trPr>"
        if header
        else "<w:trPr><w:cantSplit/></w:trPr>"
    )
    out = []
    for i, (text, width) in enumerate(zip(cells, twips, strict=True)):
        center = header or (i > 0 and len(text) < 24)
        run_props = f'{"<w:b/>" if header else ""}<w:sz w:val="{TABLE_HALF_POINTS}"/>'
        out.append(
            f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr>'
            f'<w:spacing w:before="40" w:after="40"/><w:ind w:firstLine="0"/>'
            f'<w:jc w:val="{"center" if center else "left"}"/></w:pPr><w:r><w:rPr>{run_props}'
            f'</w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p></w:tc>'
        )
    return f"<w:tr>{props}{''.join(out)}</w:tr>"


def _with_tables(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields with each section's table made a Word table."""
    made: dict[int, dict[str, Any]] = {}

    def convert(section: Any) -> Any:
        if not isinstance(section, dict):
            return section
        if id(section) not in made:
            table = section.get("table")
            made[id(section)] = {
                **section,
                "table": table_xml(table) if isinstance(table, SectionTable) else None,
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
        tpl.render(_with_tables(fields), _environment(), autoescape=True)
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
