"""The dues, fund and assessment report (issue 17): for a branch head her branch, for a
chair her commune's branches, for a province its communes; in chat and as Excel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, PROVINCE_ROLES, Ctx
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _
from bot.core.lazy import lazy
from bot.core.types import Attachment, Reply
from bot.reports.dues_text import report
from storage.repositories import dues_overview

if TYPE_CHECKING:
    from bot.reports import dues_excel
else:  # openpyxl loads with the first workbook, not with the bot
    dues_excel = lazy("bot.reports.dues_excel")


async def show(ctx: Ctx) -> list[Reply]:
    units = [r.unit for r in ctx.roles]
    if not units:
        return [Reply(_("Reports are for branch, commune and province officers."))]
    top = min(units, key=lambda u: (u.path.count("/"), u.path))
    o = await dues_overview.overview(ctx.session, top, ctx.today.year, ctx.today)
    data = dues_excel.overview_workbook(o)
    name = f"hoi-phi-quy-xep-loai-{top.code}-{o.year}.xlsx"
    return [Reply(report(o), attachment=Attachment("document", name, data))]


FEATURE = Feature(
    name="dues_report",
    menu=[
        MenuEntry(
            "dues_report",
            N_("Dues, fund and grades report"),
            show,
            roles=COMMUNE_ROLES | PROVINCE_ROLES,
            words=("bao cao hoi phi", "bao cao quy", "bao cao xep loai"),
            order=61,
        ),
        # branch heads open it by its words, so their numbered menu stays short
        MenuEntry(
            "dues_report_branch",
            N_("Dues, fund and grades report"),
            show,
            roles=BRANCH_ROLES,
            words=("bao cao hoi phi", "bao cao quy", "bao cao xep loai"),
            order=62,
            listed=False,
        ),
    ],
)
