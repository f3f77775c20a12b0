"""What the meeting dialogs share: kind names, whose branches, edits, the confirm summary."""

from __future__ import annotations

import datetime as dt

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, Ctx
from bot.core.dialogs import Option, Values
from bot.core.i18n import N_, Msg, _, format_date, format_pct, tr
from bot.domain.enums import Level, MeetingKind
from handlers import meetings_ticks
from storage.models import Meeting, OrgUnit
from storage.repositories import meetings, member_counts, org

# Branch officers log their own meetings; commune officers may log one they attended.
LOG_ROLES = BRANCH_ROLES | COMMUNE_ROLES
EDIT_WINDOW = dt.timedelta(days=7)

KIND_NAMES: dict[MeetingKind, Msg] = {
    MeetingKind.REGULAR: N_("regular (quarterly)"),
    MeetingKind.THEMED: N_("themed"),
    MeetingKind.JOINT: N_("joint, with another organisation"),
}


async def loggable_branches(ctx: Ctx) -> list[OrgUnit]:
    """Branches the person looks after: her own, and every branch of a commune she serves."""
    found: dict[int, OrgUnit] = {}
    for unit in ctx.units_for(LOG_ROLES):
        if unit.level == Level.BRANCH:
            found[unit.id] = unit
        else:
            for branch in await org.subtree(ctx.session, unit, Level.BRANCH):
                found[branch.id] = branch
    return sorted(found.values(), key=lambda u: u.path)


async def branch_of(ctx: Ctx, values: Values) -> OrgUnit:
    unit = await org.by_id(ctx.session, values["branch_id"])
    if unit is None:
        raise LookupError("branch vanished during the dialog")
    return unit


async def branch_options(ctx: Ctx) -> list[Option]:
    return [Option(u.id, u.name) for u in await loggable_branches(ctx)]


async def editable(ctx: Ctx, meeting: Meeting) -> bool:
    """Current, of a branch the person covers, and first logged within the last 7 days."""
    if meeting.superseded_by is not None:
        return False
    unit = await org.by_id(ctx.session, meeting.unit_id)
    if unit is None or not ctx.covers(unit):
        return False
    return ctx.now - await meetings.first_logged_at(ctx.session, meeting) <= EDIT_WINDOW


async def meeting_values(ctx: Ctx, meeting: Meeting) -> Values:
    """Answers of the log dialog for an existing meeting: it opens at the summary."""
    here, away = await meetings.attendance(ctx.session, meeting.id)
    present: object = {"ticked": here} if here or away else meeting.present_count
    return {
        "branch_id": meeting.unit_id,
        "held_on": meeting.held_on,
        "same_day": meeting.held_on,
        "kind": meeting.kind.value,
        "topic": meeting.topic,
        "present": present,
        "ticked": set(here),
        "leader": meeting.leader_present,
        "note": meeting.note,
        "replaces": meeting.id,
    }


async def present_of(ctx: Ctx, values: Values) -> tuple[int, list[int], list[int]]:
    """(count, present ids, absent ids) as the meeting would be saved."""
    present = values["present"]
    if isinstance(present, dict):
        people = [mid for mid, _name in await meetings_ticks.roster(ctx, values)]
        chosen = set(present["ticked"])
        here = [m for m in people if m in chosen]
        return len(here), here, [m for m in people if m not in chosen]
    return int(present), [], []


async def summary(ctx: Ctx, values: Values) -> str:
    unit = await branch_of(ctx, values)
    day: dt.date = values["held_on"]
    count, _here, _away = await present_of(ctx, values)
    total = await member_counts.members_on(ctx.session, unit.id, day)
    if values.get("replaces"):
        head = _("Correcting the meeting of {branch}:").format(branch=unit.name)
    else:
        head = _("Meeting of {branch}:").format(branch=unit.name)
    none = _("(none)")
    attend = (
        _("{present} of {total} members ({rate})").format(
            present=count, total=total, rate=format_pct(count / total)
        )
        if total
        else _("{present} members").format(present=count)
    )
    lines = [
        head,
        _("• Date: {date}").format(date=format_date(day)),
        _("• Kind: {kind}").format(kind=tr(KIND_NAMES[MeetingKind(values["kind"])])),
        _("• Topic: {topic}").format(topic=values.get("topic") or none),
        _("• Present: {attend}").format(attend=attend),
        _("• Commune leader attended: {yes}").format(yes=_("yes") if values["leader"] else _("no")),
        _("• Note: {note}").format(note=values.get("note") or none),
    ]
    if not values.get("replaces"):
        lines.append(
            _('To change the kind, topic, commune leader or note, choose "Correct a field".')
        )
    return "\n".join(lines)
