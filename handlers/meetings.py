"""Log a branch or tổ meeting in a few replies: (tổ,) date, head count or tick-list, confirm.

Kind, form, topic, commune leader and note start from defaults shown in the summary and are
changed with "Correct a field", so a head-count meeting of a branch without tổ takes four
replies from the menu; a branch with tổ answers one more (which of them met).
Every step asks only for what is still missing: the same dialog resumes after a
same-day answer and opens an edit straight at the summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _
from bot.core.types import Reply
from bot.domain.enums import Level, MeetingForm, MeetingKind
from bot.domain.textkeys import fold
from handlers import meetings_days as days
from handlers import meetings_feedback, meetings_history, meetings_roster, meetings_ticks
from handlers import meetings_steps as steps
from handlers.meetings_common import (
    KIND_NAMES,
    LOG_ROLES,
    branch_of,
    branch_options,
    editable,
    groups_of,
    loggable_branches,
    meeting_values,
    present_of,
    summary,
    unit_id_of,
    unit_of,
)
from handlers.scope import still_covers
from storage.repositories import audit, meetings, org, unit_figures

LOG = "log_meeting"
MAX_TEXT = 300


def _handoff(v: Values) -> bool:
    """The dialog ends early so `_done` can act on a same-day answer or a count check."""
    return v.get("same_day") in ("other", "edit") or v.get("count_ok") in _REDO


_REDO = (steps.FIX, steps.NEW_TOTAL, meetings_ticks.TICK)


def _missing(name: str) -> Callable[[Values], bool]:
    return lambda v: name not in v and not _handoff(v)


def _clash(v: Values) -> bool:
    if _handoff(v) or "held_on" not in v or v.get("same_day") == v["held_on"]:
        return False
    return days.day_key(unit_id_of(v), v["held_on"]) in set(v.get("taken") or ())


def _ticking(v: Values) -> bool:
    return v.get("present") == meetings_ticks.TICK and not _handoff(v)


def _choosing_group(v: Values) -> bool:
    return (
        "group_id" not in v
        and "branch_id" in v
        and v["branch_id"] in (v.get("with_groups") or ())
        and not _handoff(v)
    )


def _asking_total(v: Values) -> bool:
    """The register total, asked before the count when a branch has no member entered and no
    total stated (any number would pass unchecked), or when she chose to give it."""
    if _handoff(v) or "held_on" not in v or "stated" in v or v.get("group_id"):
        return False
    return bool(v.get("ask_total")) or v["branch_id"] in (v.get("no_roster") or ())


def _checking(v: Values) -> bool:
    return steps.doubtful(v) and not _handoff(v)


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    """Fill defaults once; runs again each time the dialog resumes, so it only adds."""
    units = await loggable_branches(ctx)
    if not units:
        return Retry(_("You do not look after a branch, so there is no meeting to log."))
    if len(units) == 1:
        values.setdefault("branch_id", units[0].id)
    values.setdefault("kind", MeetingKind.REGULAR.value)
    values.setdefault("form", MeetingForm.DIRECT.value)
    values.setdefault("topic", None)
    # A commune officer logs a meeting she attended: she is the leader unless she says not.
    values.setdefault("leader", ctx.person_id if ctx.units_for(COMMUNE_ROLES) else None)
    values.setdefault("note", None)
    if "with_groups" not in values:
        groups = {u.id: await groups_of(ctx, u.id) for u in units}
        values["with_groups"] = [b for b, gs in groups.items() if gs]
        values["no_roster"] = [u.id for u in units if not await _has_roster(ctx, u.id)]
        # The days offered as choices; a typed day is checked when it is read.
        yesterday = ctx.today - dt.timedelta(days=1)
        ids = [u.id for u in units] + [g.id for gs in groups.values() for g in gs]
        values["taken"] = await days.taken(ctx, values, ids, yesterday)
    return None


async def _has_roster(ctx: Ctx, branch_id: int) -> bool:
    """Members entered today, or a register total stated."""
    if await unit_figures.entered_on(ctx.session, branch_id, ctx.today):
        return True
    return await unit_figures.register_total(ctx.session, branch_id, ctx.today) is not None


async def _branch_choices(ctx: Ctx, values: Values) -> list[Option]:
    return await branch_options(ctx)


async def _group_prompt(ctx: Ctx, values: Values) -> str:
    unit = await branch_of(ctx, values)
    return _("Was it a meeting of the whole {branch}, or of one group?").format(branch=unit.name)


async def _topic_choices(ctx: Ctx, values: Values) -> list[Option]:
    unit = await branch_of(ctx, values)
    commune = await org.ancestor_at(ctx.session, unit, Level.COMMUNE)
    topics = await meetings.top_topics(ctx.session, commune or unit)
    return [*(Option(t, t) for t in topics), Option(None, N_("No topic"))]


def _parse_text(text: str, ctx: Ctx, values: Values) -> str | Retry:
    text = " ".join(text.split())
    if not fold(text):  # an emoji or dots is no topic or note
        return Retry(_("Please type it in words."))
    if len(text) > MAX_TEXT:
        return Retry(_("That is too long; please keep it under {n} characters.").format(n=MAX_TEXT))
    return text


KIND_OPTIONS = [Option(k.value, label) for k, label in KIND_NAMES.items()]


async def _done(ctx: Ctx, values: Values) -> list[Reply]:
    redo = values.get("count_ok")
    if redo in _REDO:
        for key in ("count_ok", "doubt", "present", "ticked"):
            values.pop(key, None)
        if redo == meetings_ticks.TICK:
            values["present"] = meetings_ticks.TICK
        elif redo == steps.NEW_TOTAL:
            values.pop("stated", None)
            values["ask_total"] = True
        ctx.begin(LOG, values)
        return []
    if values.get("same_day") == "other":
        for key in ("held_on", "same_day", "present", "ticked"):
            values.pop(key, None)
        ctx.begin(LOG, values)
        return []
    if values.get("same_day") == "edit":
        rows = await meetings.on_day(ctx.session, unit_id_of(values), values["held_on"])
        target = None
        for m in rows:
            if await editable(ctx, m):
                target = m
                break
        if target is None:
            return [Reply(_("That meeting can no longer be corrected."), notice=True)]
        ctx.begin(LOG, await meeting_values(ctx, target))
        return []
    return await _save(ctx, values)


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    s = ctx.session
    unit = await unit_of(ctx, values)
    if not ctx.covers(unit):
        return [Reply(_("You no longer look after this branch; nothing was saved."), notice=True)]
    count, here, away = await present_of(ctx, values)
    leader_present, leader_id = steps.leader_fields(values.get("leader"))
    fields: dict[str, Any] = dict(
        unit_id=unit.id,
        held_on=values["held_on"],
        kind=MeetingKind(values["kind"]),
        form=MeetingForm(values.get("form") or MeetingForm.DIRECT.value),
        topic=values.get("topic"),
        present_count=count,
        leader_present=leader_present,
        leader_id=leader_id,
        note=values.get("note"),
    )
    if values.get("stated"):  # the branch's register total, typed in this dialog
        await unit_figures.state_total(
            s, values["branch_id"], values["held_on"], int(values["stated"]), ctx.person_id, ctx.now
        )
    old = None
    if values.get("replaces"):
        old = await meetings.get(s, int(values["replaces"]))
        if old is None or not await editable(ctx, old):
            msg = _("That meeting can no longer be corrected (after 7 days, or already corrected).")
            return [Reply(msg, notice=True)]
        if await _unchanged(ctx, old, fields, here):
            return [Reply(_("Nothing was changed."))]
    meeting = await meetings.add_meeting(
        s,
        **fields,
        now=ctx.now,
        logged_by=ctx.person_id,
        source_update=ctx.incoming.update_id,
        present_ids=here,
        absent_ids=away,
    )
    if old is not None:
        await meetings.supersede(s, old, meeting)
        await audit.record(
            s, ctx.now, ctx.person_id, "meeting_edited", "meeting", meeting.id, {"replaces": old.id}
        )
    else:
        await audit.record(s, ctx.now, ctx.person_id, "meeting_logged", "meeting", meeting.id)
    return await meetings_feedback.after_save(ctx, unit, meeting, away, edited=old is not None)


async def _unchanged(ctx: Ctx, old: Any, fields: dict[str, Any], here: list[int]) -> bool:
    before, _away = await meetings.attendance(ctx.session, old.id)
    return all(getattr(old, k) == v for k, v in fields.items()) and sorted(here) == before


LOG_MEETING = Dialog(
    LOG,
    steps=[
        Choose(
            "branch_id",
            N_("Which branch was the meeting of?"),
            _branch_choices,
            when=_missing("branch_id"),
        ),
        Choose(
            "group_id", _group_prompt, steps.group_choices, when=_choosing_group, label=N_("Group")
        ),
        Ask(
            "held_on",
            days.date_prompt,
            parse=days.parse_date,
            options=days.date_choices,
            example=N_("For example: hôm nay, hôm qua, 5/3."),
            when=_missing("held_on"),
            label=N_("Date"),
        ),
        Choose("same_day", days.same_day_prompt, days.same_day_choices, when=_clash),
        Ask(
            "stated",
            steps.total_prompt,
            parse=steps.parse_total,
            example=N_("For example: 80, or tám mươi."),
            when=_asking_total,
            label=N_("Members in the register"),
        ),
        Ask(
            "present",
            steps.present_prompt,
            parse=steps.parse_present,
            options=steps.present_choices,
            number_selects=False,  # "1" is one person; the tick-list choice is lettered
            example=N_("For example: 22, or hai mươi hai."),
            when=_missing("present"),
            label=N_("Members present"),
        ),
        Ask(
            "ticks",
            meetings_ticks.prompt,
            parse=meetings_ticks.parse,
            options=meetings_ticks.options,
            on_pick=meetings_ticks.press,
            stores=False,
            when=_ticking,
        ),
        Ask(
            "count_ok",
            steps.check_prompt,
            parse=steps.parse_check,
            options=steps.check_choices,
            when=_checking,
        ),
        Choose(
            "kind",
            N_("What kind of meeting was it?"),
            KIND_OPTIONS,
            when=_missing("kind"),
            label=N_("Kind"),
        ),
        Choose(
            "form",
            N_("How was the meeting held?"),
            steps.FORM_OPTIONS,
            when=_missing("form"),
            label=N_("Form"),
        ),
        Ask(
            "topic",
            N_("What was the topic? Choose one used before, or type it."),
            parse=_parse_text,
            options=_topic_choices,
            example=N_("For example: Vệ sinh an toàn thực phẩm."),
            when=_missing("topic"),
            label=N_("Topic"),
        ),
        Choose(
            "leader",
            N_("Which commune Women's Union leader attended?"),
            steps.leader_choices,
            when=_missing("leader"),
            label=N_("Commune leader attended"),
        ),
        Ask(
            "note",
            N_('Type a short note, or choose "No note".'),
            parse=_parse_text,
            options=[Option(None, N_("No note"))],
            example=N_("For example: Mưa to, nhiều chị vắng."),
            when=_missing("note"),
            label=N_("Note"),
        ),
        Confirm(summary, when=lambda v: not _handoff(v)),
    ],
    on_done=_done,
    recheck=still_covers("branch_id", LOG_ROLES),
    on_start=_start,
    help=N_(
        "Log a meeting: choose the group if the branch has groups, then the day, then type "
        "how many members came (or tick their names), then check the summary and save."
    ),
)

FEATURE = Feature(
    name="meetings",
    dialogs=[
        LOG_MEETING,
        *meetings_feedback.DIALOGS,
        *meetings_history.DIALOGS,
        *meetings_roster.DIALOGS,
    ],
    menu=[
        MenuEntry(
            "log_meeting",
            N_("Log a branch meeting"),
            LOG_MEETING,
            roles=LOG_ROLES,
            words=("ghi sinh hoat", "sinh hoat", "ghi hop"),
            order=10,
        ),
        MenuEntry(
            "meeting_history",
            N_("Branch meetings"),
            meetings_history.HISTORY,
            roles=BRANCH_ROLES | COMMUNE_ROLES,
            words=("xem sinh hoat", "lich su sinh hoat"),
            order=11,
        ),
        meetings_roster.MENU_ENTRY,
    ],
)
