"""The Word report of a unit and period: figures measured, signer looked up, template filled.

`build_report_docx` is what every place offering the report calls (the CLI, the chat's
"Gửi báo cáo Word", the pushed semi-annual report, the dashboard's downloads).

Clubs (bot/reports/docx_clubs.py), dues and the assessment (bot/reports/docx_dues.py) are
listed below. Adding a section: write a provider
`async def my_section(s, r: Rollup, unit_id: int) -> Section | None` in the feature's own
module (returning None when it has nothing for the period; use `Section("dues", _("Fund
and dues"), lines, SectionTable(...))` from bot/reports/docx_sections.py) and add it to
`SECTION_PROVIDERS` below: one line. The default template shows every section in order,
numbered after the core ones; a province template can also name it (`{% if dues %}`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.i18n import _, language
from bot.core.lazy import lazy
from bot.domain.enums import Level, RoleKind
from bot.domain.rules import Rules
from bot.reports import docx_context
from bot.reports.docx_clubs import clubs_section
from bot.reports.docx_context import Issue
from bot.reports.docx_dues import assessment_section, dues_section
from bot.reports.docx_sections import Section
from bot.reports.labels import label
from storage.repositories import measures, org, signers
from storage.repositories.measures import Rollup
from storage.sessions import Session

if TYPE_CHECKING:
    from bot.reports import docx_render
else:  # docxtpl and Jinja2 load with the first document, not with the bot
    docx_render = lazy("bot.reports.docx_render")

SectionProvider = Callable[[Session, Rollup, int], Awaitable[Section | None]]

# Later features' sections, in the order they print (after members, coverage, meetings,
# attendance, leaders' visits and the review).
SECTION_PROVIDERS: list[SectionProvider] = [clubs_section, dues_section, assessment_section]

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SIGNER_ROLES = {
    Level.BRANCH: (RoleKind.BRANCH_HEAD,),
    Level.COMMUNE: (RoleKind.COMMUNE_CHAIR,),
}


@dataclass(frozen=True)
class WordReport:
    filename: str
    data: bytes
    caption: str


async def issue_of(
    s: Session,
    r: Rollup,
    unit_id: int,
    issued_on: dt.date,
    providers: Sequence[SectionProvider] | None = None,
) -> Issue:
    """The signer's name, the body above, and the later features' sections."""
    unit = r.units[unit_id]
    name = await signers.role_holder_name(s, unit_id, SIGNER_ROLES.get(unit.level, ()))
    parent = r.units.get(unit.parent_id) if unit.parent_id is not None else None
    if parent is None and unit.parent_id is not None:
        above = await org.by_id(s, unit.parent_id)
        parent_name = above.name if above is not None else ""
    else:
        parent_name = parent.name if parent is not None else ""
    extra = []
    for provider in SECTION_PROVIDERS if providers is None else providers:
        section = await provider(s, r, unit_id)
        if section is not None:
            extra.append(section)
    return Issue(issued_on, name, parent_name, extra)


def file_name(r: Rollup, unit_id: int) -> str:
    return f"bao-cao-{r.units[unit_id].code}-{r.period.key}.docx".lower()


async def build_report_docx(
    s: Session,
    r: Rollup,
    unit_id: int,
    *,
    issued_on: dt.date,
    lang: str = "vi",
    template_dir: str | None = None,
) -> WordReport:
    """The Word report of `unit_id` (in `r`, a roll-up containing it) to print and sign.

    Raises docx_render.TemplateError (a one-line reason) when the template cannot be filled.
    """
    with language(lang):  # the sections' texts too
        issue = await issue_of(s, r, unit_id, issued_on)
        fields = docx_context.context(r, unit_id, issue)
        data = docx_render.render(fields, lang, template_dir)
        caption = _("Report for the {period} – {unit}").format(
            period=label(r.period), unit=r.units[unit_id].name
        )
    return WordReport(file_name(r, unit_id), data, caption)


async def measure_and_build(
    s: Session,
    unit_code: str,
    period_key: str,
    as_of: dt.date,
    rules: Rules,
    *,
    issued_on: dt.date | None = None,
    lang: str = "vi",
) -> WordReport:
    """For callers holding only a unit code and a period key (the dashboard)."""
    unit = await org.by_code(s, unit_code)
    period = measures.parse_period(period_key)
    if unit is None or period is None:
        raise LookupError(f"no unit {unit_code} or no period {period_key}")
    r = await measures.measure(s, unit, period, min(as_of, period.last_day), rules)
    return await build_report_docx(s, r, unit.id, issued_on=issued_on or as_of, lang=lang)
