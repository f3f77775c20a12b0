"""\"Branch meetings\": the last meetings with their rates and the last 4 quarters' compliance.

Pages turn by buttons; a press ends the dialog and `_done` opens it again on the new
page (a picked option never reaches a parser, so it cannot keep the dialog on its step).
"""

from __future__ import annotations

from typing import Any

from bot.core.context import COMMUNE_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Dialog, Option, Retry, Values
from bot.core.i18n import N_, _, format_date, format_pct, period_label, tr
from bot.core.types import Reply
from bot.domain.calendar import last_quarters, quarter_of
from bot.domain.enums import MeetingForm
from handlers.meetings_common import (
    FORM_NAMES,
    KIND_NAMES,
    branch_options,
    editable,
    groups_of,
    loggable_branches,
    meeting_values,
)
from handlers.meetings_feedback import below_two_thirds
from storage.models import Meeting
from storage.repositories import meetings, org, unit_figures

HISTORY_NAME = "meeting_history"
LOG = "log_meeting"
PER_PAGE = 5


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    if "branch_id" not in values:
        units = await loggable_branches(ctx)
        if not units:
            return Retry(_("You do not look after a branch."))
        if len(units) == 1:
            values["branch_id"] = units[0].id
    return None


async def _branch_prompt(ctx: Ctx, values: Values) -> str:
    """For commune officers: this quarter across the commune, then which branch to open."""
    units = await loggable_branches(ctx)
    q = quarter_of(ctx.today)
    facts = await meetings.quarter_facts(ctx.session, [u.id for u in units], [q])
    held = sum(1 for u in units if facts[(u.id, q)].regular_held)
    led = sum(1 for u in units if facts[(u.id, q)].leader_attended)
    lines = []
    if ctx.units_for(COMMUNE_ROLES):
        msg = _(
            "{quarter}: {held} of {total} branches held their regular meeting; a commune "
            "leader attended {led} of them."
        )
        lines.append(msg.format(quarter=period_label(q), held=held, total=len(units), led=led))
    lines.append(_("Which branch do you want to see?"))
    return "\n".join(lines)


async def _branch_choices(ctx: Ctx, values: Values) -> list[Option]:
    return await branch_options(ctx)


def _line(m: Meeting, total: int, group: str | None) -> str:
    kind = tr(KIND_NAMES[m.kind])
    if total:
        attend = _("{present}/{total} ({rate})").format(
            present=m.present_count,
            total=total,
            rate=format_pct(min(m.present_count, total) / total),
        )
    else:
        attend = _("{present} present").format(present=m.present_count)
    where = [group] if group else []  # which tổ, on a branch that has tổ
    # the usual form goes unsaid; a meeting held through a Zalo or Facebook group says so
    form = [tr(FORM_NAMES[m.form])] if m.form == MeetingForm.INDIRECT else []
    parts = [format_date(m.held_on), *where, kind, *form, attend]
    if m.leader_present:
        parts.append(_("commune leader came"))
    if below_two_thirds(m.present_count, total):
        parts.append(_("⚠ below 2/3"))
    return " · ".join(parts)


async def _page_prompt(ctx: Ctx, values: Values) -> str:
    s = ctx.session
    unit = await org.by_id(s, values["branch_id"])
    name = unit.name if unit else ""
    group_names = {g.id: g.name for g in await groups_of(ctx, values["branch_id"])}
    ids = [values["branch_id"], *group_names]
    count = await meetings.count_current(s, ids)
    pages = max(1, -(-count // PER_PAGE))
    page = min(int(values.get("page", 0)), pages - 1)
    rows = await meetings.recent(s, ids, PER_PAGE, page * PER_PAGE)
    if rows:
        head = _("Meetings of {branch} (page {page} of {pages}):")
        lines = [head.format(branch=name, page=page + 1, pages=pages)]
        for m in rows:
            total = await unit_figures.rate_base(s, m.unit_id, m.held_on)
            where = group_names.get(m.unit_id) or (_("whole branch") if group_names else None)
            lines.append(_line(m, total, where))
    else:
        lines = [_("No meeting of {branch} has been logged yet.").format(branch=name)]
    quarters = last_quarters(ctx.today, 4)
    facts = await meetings.quarter_facts(s, ids, quarters)
    lines.append(_("The last 4 quarters:"))
    for q in quarters:
        f = facts[(values["branch_id"], q)]
        regular = _("regular meeting ✓") if f.regular_held else _("regular meeting ✗")
        leader = _("commune leader ✓") if f.leader_attended else _("commune leader ✗")
        parts = [regular, leader]
        if group_names:  # each tổ owes its own regular meeting (rule 1)
            met = sum(1 for g in group_names if facts[(g, q)].regular_held)
            parts.append(_("groups met {done}/{total}").format(done=met, total=len(group_names)))
        lines.append(f"{period_label(q)}: {' · '.join(parts)}")
    return "\n".join(lines)


async def _page_choices(ctx: Ctx, values: Values) -> list[Option]:
    s = ctx.session
    ids = [values["branch_id"], *(g.id for g in await groups_of(ctx, values["branch_id"]))]
    count = await meetings.count_current(s, ids)
    pages = max(1, -(-count // PER_PAGE))
    page = min(int(values.get("page", 0)), pages - 1)
    out: list[Option] = []
    if page < pages - 1:
        out.append(Option(["p", page + 1], N_("Older ▶")))
    if page > 0:
        out.append(Option(["p", page - 1], N_("◀ Newer")))
    for m in await meetings.recent(s, ids, PER_PAGE, page * PER_PAGE):
        if await editable(ctx, m):
            label = _("Correct the meeting of {date}").format(date=m.held_on.strftime("%d/%m"))
            out.append(Option(["e", m.id], label))
    out.append(Option(["x"], N_("Done")))
    return out


async def _done(ctx: Ctx, values: Values) -> list[Reply]:
    action: list[Any] = list(values.pop("act", None) or ["x"])
    if action[0] == "p":
        values["page"] = int(action[1])
        ctx.begin(HISTORY_NAME, values)
        return []
    if action[0] == "e":
        meeting = await meetings.get(ctx.session, int(action[1]))
        if meeting is None or not await editable(ctx, meeting):
            return [Reply(_("That meeting can no longer be corrected."), notice=True)]
        ctx.begin(LOG, await meeting_values(ctx, meeting))
        return []
    return [Reply(_("All right."))]


HISTORY = Dialog(
    HISTORY_NAME,
    steps=[
        Choose("branch_id", _branch_prompt, _branch_choices, when=lambda v: "branch_id" not in v),
        Ask("act", _page_prompt, options=_page_choices, when=lambda v: "act" not in v),
    ],
    on_done=_done,
    on_start=_start,
    help=N_(
        "This shows the meetings logged for the branch, newest first, with the share of "
        "members who came, and whether each of the last 4 quarters had its regular meeting "
        "and a visit from a commune leader."
    ),
)

DIALOGS = [HISTORY]
