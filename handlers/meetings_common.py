"""What the meeting dialogs share: kind and form names, whose branches and tổ, edits, the
confirm summary."""

from __future__ import annotations

import datetime as dt

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, Ctx
from bot.core.dialogs import Option, Values
from bot.core.i18n import N_, Msg, _, format_date, format_pct, tr
from bot.domain.enums import Level, MeetingForm, MeetingKind
from handlers import meetings_ticks
from storage.models import Meeting, OrgUnit
from storage.repositories import meetings, org, unit_figures
from storage.repositories.unit_figures import RosterBase

# Branch officers log their own meetings; commune officers may log one they attended.
LOG_ROLES = BRANCH_ROLES | COMMUNE_ROLES
EDIT_WINDOW = dt.timedelta(days=7)

KIND_NAMES: dict[MeetingKind, Msg] = {
    MeetingKind.REGULAR: N_("regular (quarterly)"),
    MeetingKind.THEMED: N_("themed"),
    MeetingKind.JOINT: N_("joint, with another organisation"),
}
FORM_NAMES: dict[MeetingForm, Msg] = {
    MeetingForm.DIRECT: N_("direct"),
    MeetingForm.INDIRECT: N_("indirect (through a Zalo or Facebook group)"),
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


async def groups_of(ctx: Ctx, branch_id: int) -> list[OrgUnit]:
    """The branch's tổ, in the order they were set up (paths sort "10" before "9")."""
    units = await org.children(ctx.session, branch_id)
    return sorted((u for u in units if u.level == Level.GROUP), key=lambda u: u.id)


def unit_id_of(values: Values) -> int:
    """The unit the meeting is logged for: the chosen tổ, else the branch."""
    return int(values.get("group_id") or values["branch_id"])


async def unit_of(ctx: Ctx, values: Values) -> OrgUnit:
    unit = await org.by_id(ctx.session, unit_id_of(values))
    if unit is None:
        raise LookupError("unit vanished during the dialog")
    return unit


async def meeting_name(ctx: Ctx, unit: OrgUnit) -> str:
    """A branch's name, or "tổ (branch)" for a tổ, as the messages name a meeting's unit."""
    if unit.level != Level.GROUP or unit.parent_id is None:
        return unit.name
    branch = await org.by_id(ctx.session, unit.parent_id)
    return f"{unit.name} ({branch.name})" if branch else unit.name


async def base_of(ctx: Ctx, values: Values) -> RosterBase:
    """Entered members and register total on the meeting day, with a total just typed in the
    dialog (saved only with the meeting) taking the stored one's place."""
    found = await unit_figures.roster_base(ctx.session, unit_id_of(values), values["held_on"])
    if values.get("stated") and not values.get("group_id"):
        return RosterBase(found.entered, int(values["stated"]))
    return found


def leader_value(meeting: Meeting) -> object:
    """The leader answer of a saved meeting: her id, True for an unnamed one, else None."""
    if meeting.leader_id is not None:
        return meeting.leader_id
    return True if meeting.leader_present else None


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
    unit = await org.by_id(ctx.session, meeting.unit_id)
    in_group = unit is not None and unit.level == Level.GROUP and unit.parent_id is not None
    return {
        "branch_id": unit.parent_id if in_group and unit else meeting.unit_id,
        "group_id": meeting.unit_id if in_group else None,
        "held_on": meeting.held_on,
        "same_day": meeting.held_on,
        "kind": meeting.kind.value,
        "form": meeting.form.value,
        "topic": meeting.topic,
        "present": present,
        "ticked": set(here),
        "count_ok": True,  # the count was settled when it was first saved
        "leader": leader_value(meeting),
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


async def leader_name(ctx: Ctx, leader: object) -> str:
    if leader is None or leader is False:
        return _("no")
    if isinstance(leader, bool):
        return _("yes")
    names = await meetings.person_names(ctx.session, [int(str(leader))])
    return names.get(int(str(leader))) or _("yes")


def roster_line(base: RosterBase) -> str | None:
    """ "đã nhập 12/80 hội viên" while the entered roster is short of the register."""
    if not base.incomplete:
        return None
    msg = _("The member list has {entered}/{total} members of the register entered so far.")
    return msg.format(entered=base.entered, total=base.stated)


async def summary(ctx: Ctx, values: Values) -> str:
    unit = await unit_of(ctx, values)
    name = await meeting_name(ctx, unit)
    day: dt.date = values["held_on"]
    count, _here, _away = await present_of(ctx, values)
    base = await base_of(ctx, values)
    total = base.base
    if values.get("replaces"):
        head = _("Correcting the meeting of {branch}:").format(branch=name)
    else:
        head = _("Meeting of {branch}:").format(branch=name)
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
        _("• Form: {form}").format(form=tr(FORM_NAMES[MeetingForm(values["form"])])),
        _("• Topic: {topic}").format(topic=values.get("topic") or none),
        _("• Present: {attend}").format(attend=attend),
        _("• Commune leader attended: {yes}").format(
            yes=await leader_name(ctx, values.get("leader"))
        ),
        _("• Note: {note}").format(note=values.get("note") or none),
    ]
    if (line := roster_line(base)) is not None:
        lines.append(line)
    if not values.get("replaces"):
        lines.append(
            _('To change the kind, form, topic, commune leader or note, choose "Correct a field".')
        )
    return "\n".join(lines)
