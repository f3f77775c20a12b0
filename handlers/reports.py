"""Reports in chat, by role: a branch head her branch, a chair her commune, an officer her province.

The report opens on the person's widest unit; "see details" pages through the units
below, worst first, and any of them opens the same report one level down. The Excel file
and the charts come as attachments. No report ever names a member.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Any

from bot.core.context import Ctx, Slot
from bot.core.dialogs import Ask, Choose, Dialog, Option, Retry, Stay, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, current_language
from bot.core.lazy import lazy
from bot.core.types import Attachment, Reply
from bot.domain.calendar import CURRENT_TERM, Period, Term, Year, half_of, quarter_of
from bot.domain.enums import RoleKind
from bot.domain.textkeys import fold
from bot.reports import text as report_text
from bot.reports.docx_sections import TemplateError
from bot.reports.labels import label
from storage.models import OrgUnit
from storage.repositories import measures, org

if TYPE_CHECKING:
    from bot.reports import charts, docx_report, excel
else:  # matplotlib, openpyxl and docxtpl load with the first chart, workbook or document
    charts, excel = lazy("bot.reports.charts"), lazy("bot.reports.excel")
    docx_report = lazy("bot.reports.docx_report")

log = logging.getLogger("chihoi.reports")
PAGE = 8
NEXT_WORDS = {"tiep", "trang sau", "sau", "xem tiep", "next", "more", ">"}
DETAIL, EXCEL, CHART, UP, PERIOD = "detail", "excel", "chart", "up", "period"
WORD = "word"
REPORT_ROLES = frozenset(RoleKind)


def _top_unit(ctx: Ctx) -> OrgUnit | None:
    """The widest unit the person has a role for (a role covers its whole subtree)."""
    units = [r.unit for r in ctx.roles]
    return min(units, key=lambda u: (u.path.count("/"), u.path)) if units else None


_ROLLUP: Slot[measures.Rollup] = Slot("report")


async def _rollup(ctx: Ctx, values: Values) -> measures.Rollup:
    """The figures of the unit on screen, computed once per turn."""

    async def measure() -> measures.Rollup:
        unit = await org.by_id(ctx.session, values["unit"])
        period = measures.parse_period(values["period"]) or half_of(ctx.today)
        assert unit is not None
        day = min(ctx.today, period.last_day)
        return await measures.measure(ctx.session, unit, period, day, ctx.rules)

    return await ctx.memo.get(_ROLLUP, (values["unit"], values["period"]), measure)


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    top = _top_unit(ctx)
    if top is None:
        return Retry(_("Reports are for branch, commune and province officers."))
    unit = await org.by_id(ctx.session, values.get("unit", top.id))
    if unit is None or not ctx.covers(unit):
        unit = top
    values.setdefault("top", top.id)
    values["unit"] = unit.id
    values.setdefault("period", half_of(ctx.today).key)
    return None


async def _report_prompt(ctx: Ctx, values: Values) -> str:
    r = await _rollup(ctx, values)
    return report_text.report(r, values["unit"])


async def _actions(ctx: Ctx, values: Values) -> list[Option]:
    r = await _rollup(ctx, values)
    options = []
    if r.children(values["unit"]):
        options.append(Option(DETAIL, N_("See details")))
    options += [
        Option(EXCEL, N_("Send the Excel file")),
        Option(WORD, N_("Send the Word report")),
        Option(CHART, N_("Charts")),
        Option(PERIOD, N_("Another period")),
    ]
    if values["unit"] != values["top"]:
        options.append(Option(UP, N_("Up one level")))
    return options


def periods(today: dt.date, term: Term = CURRENT_TERM) -> list[Period]:
    """The periods offered: this and the three previous half-years, this and the last
    quarter, this and last year, and the term (000 §IV.2: reports every 6 months, every
    year; mid-term and final reviews)."""
    halves = [half_of(today)]
    while len(halves) < 4:
        halves.append(halves[-1].previous())
    quarter = quarter_of(today)
    return [*halves, quarter, quarter.previous(), Year(today.year), Year(today.year - 1), term]


async def _period_prompt(ctx: Ctx, values: Values) -> str:
    return _("Which period?")


async def _period_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(p.key, label(p)) for p in periods(ctx.today, ctx.rules.targets.term)]


def _page(values: Values) -> int:
    pick = values.get("pick")
    if isinstance(pick, str) and pick.startswith("page:"):
        return int(pick[5:])
    return int(values.get("page", 0))


async def _list_prompt(ctx: Ctx, values: Values) -> str:
    r = await _rollup(ctx, values)
    text, _shown, more = report_text.page_of_children(r, values["unit"], _page(values), PAGE)
    if more:
        text += "\n" + _('Type "next" for more.')
    return text


async def _list_options(ctx: Ctx, values: Values) -> list[Option]:
    r = await _rollup(ctx, values)
    page = _page(values)
    _text, shown, more = report_text.page_of_children(r, values["unit"], page, PAGE)
    options = [Option(f"unit:{u.id}", u.name) for u in shown]
    if more:
        options.append(Option(f"page:{page + 1}", N_("Next page")))
    if page > 0:
        options.append(Option(f"page:{page - 1}", N_("Previous page")))
    options.append(Option("report", N_("Back to the report")))
    return options


def _turn_page(picked: Any, ctx: Ctx, values: Values) -> Any:
    """A page button keeps the list open: on Telegram the next page replaces the pressed one."""
    return Stay(picked) if str(picked).startswith("page:") else picked


def _next_page(text: str, ctx: Ctx, values: Values) -> Stay | Retry:
    if fold(text) in NEXT_WORDS:
        return Stay(f"page:{_page(values) + 1}")
    return Retry(_('Please choose a unit by its number, or type "next".'))


async def _done(ctx: Ctx, values: Values) -> list[Reply]:
    keep = {"top": values["top"], "period": values["period"]}
    action, pick = values.get("action"), str(values.get("pick", ""))
    if action == DETAIL and pick.startswith("unit:"):
        ctx.begin("report", {**keep, "unit": int(pick[5:])})
    elif action == DETAIL:
        ctx.begin("report", {**keep, "unit": values["unit"]})
    elif action == UP:
        r = await _rollup(ctx, values)
        parent = r.root.parent_id
        ctx.begin("report", {**keep, "unit": parent if parent is not None else values["unit"]})
    elif action == PERIOD:
        ctx.begin("report", {**keep, "unit": values["unit"], "period": values["new_period"]})
    elif action == EXCEL:
        return [await excel_reply(ctx, values)]
    elif action == CHART:
        return await chart_replies(ctx, values)
    elif action == WORD:
        return [await word_reply(ctx, values)]
    return []


def _file_stem(r: measures.Rollup) -> str:
    return f"bao-cao-{r.root.code}-{r.period.key}".lower()


async def excel_reply(ctx: Ctx, values: Values) -> Reply:
    r = await _rollup(ctx, values)
    data = excel.workbook(r)
    caption = _("Report for the {period} – {unit}").format(period=label(r.period), unit=r.root.name)
    attachment = Attachment("document", _file_stem(r) + ".xlsx", data, caption)
    return Reply(_("Here is the report as an Excel file."), attachment=attachment)


async def word_reply(ctx: Ctx, values: Values) -> Reply:
    """The report to print and sign (.docx); Zalo gets a download link (bot/channels/files.py)."""
    r = await _rollup(ctx, values)
    try:
        word = await docx_report.build_report_docx(
            ctx.session, r, values["unit"], issued_on=ctx.today, lang=current_language()
        )
    except TemplateError:
        log.exception("word_report_failed")  # the reason names a template field, no person
        return Reply(
            _("Sorry, the Word report cannot be made right now: its template has an error.")
        )
    attachment = Attachment("document", word.filename, word.data, word.caption)
    return Reply(
        _("Here is the report as a Word document, ready to print and sign."), attachment=attachment
    )


async def chart_replies(ctx: Ctx, values: Values) -> list[Reply]:
    r = await _rollup(ctx, values)
    text = charts.caption(r)
    out: list[Reply] = []
    for suffix, png in await charts.report_charts(ctx.session, r):
        # The first message carries the summary; each photo says what it shows.
        caption = charts.chart_caption(r, suffix)
        name = f"{_file_stem(r)}-{suffix}.png"
        reply_text = caption if out else text
        out.append(Reply(reply_text, attachment=Attachment("photo", name, png, caption)))
    return out


REPORT = Dialog(
    "report",
    steps=[
        Choose("action", _report_prompt, _actions, when=lambda v: "action" not in v),
        Ask(
            "pick",
            _list_prompt,
            parse=_next_page,
            options=_list_options,
            on_pick=_turn_page,
            replaces=True,  # "See details" shows the units in the report's message (Telegram)
            when=lambda v: v.get("action") == DETAIL,
        ),
        Choose(
            "new_period",
            _period_prompt,
            _period_options,
            when=lambda v: v.get("action") == PERIOD,
        ),
    ],
    on_done=_done,
    on_start=_start,
    help=N_(
        'Choose "See details" for the units below, "Another period", or ask for the Excel file, '
        "the Word report or charts."
    ),
)


FEATURE = Feature(
    name="reports",
    dialogs=[REPORT],
    menu=[
        MenuEntry(
            "reports",
            N_("Reports"),
            REPORT,
            roles=REPORT_ROLES,
            words=("bao cao", "xem bao cao", "report", "reports"),
            order=50,
        )
    ],
)
