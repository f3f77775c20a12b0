"""Log a branch meeting in a few replies: date, head count or tick-list, confirm, saved.

Kind, topic, commune leader and note start from defaults shown in the summary and are
changed with "Correct a field", so a head-count meeting takes four replies from the menu.
Every step asks only for what is still missing: the same dialog resumes after a
same-day answer and opens an edit straight at the summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, Ctx
from bot.core.dates import read_date
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, format_date
from bot.core.parsing import read_count
from bot.core.types import Reply
from bot.domain.enums import Level, MeetingKind, RoleKind
from handlers import meetings_feedback, meetings_history, meetings_ticks
from handlers.meetings_common import (
    KIND_NAMES,
    LOG_ROLES,
    branch_of,
    branch_options,
    editable,
    loggable_branches,
    meeting_values,
    present_of,
    summary,
)
from storage.repositories import audit, meetings, member_counts, org

LOG = "log_meeting"
MAX_TEXT = 300


def _handoff(v: Values) -> bool:
    """The dialog ends early so `_done` can act on a same-day answer."""
    return v.get("same_day") in ("other", "edit")


def _missing(name: str) -> Callable[[Values], bool]:
    return lambda v: name not in v and not _handoff(v)


def _day_key(branch_id: int, day: dt.date) -> str:
    return f"{branch_id}|{day.isoformat()}"


def _clash(v: Values) -> bool:
    if _handoff(v) or "held_on" not in v or v.get("same_day") == v["held_on"]:
        return False
    return _day_key(v["branch_id"], v["held_on"]) in set(v.get("taken") or ())


def _ticking(v: Values) -> bool:
    return v.get("present") == meetings_ticks.TICK and not _handoff(v)


async def _taken(ctx: Ctx, values: Values, branch_ids: list[int], first: dt.date) -> set[str]:
    """Days of `branch_ids` since `first` that already have another logged meeting."""
    days = await meetings.meeting_days(
        ctx.session, branch_ids, first, ctx.today, except_id=values.get("replaces")
    )
    return {_day_key(unit_id, day) for unit_id, day in days}


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    """Fill defaults once; runs again each time the dialog resumes, so it only adds."""
    units = await loggable_branches(ctx)
    if not units:
        return Retry(_("You do not look after a branch, so there is no meeting to log."))
    if len(units) == 1:
        values.setdefault("branch_id", units[0].id)
    values.setdefault("kind", MeetingKind.REGULAR.value)
    values.setdefault("topic", None)
    values.setdefault("leader", ctx.has_role(frozenset({RoleKind.COMMUNE_CHAIR})))
    values.setdefault("note", None)
    if "taken" not in values:
        # The days offered as choices; a typed day is checked when it is read.
        yesterday = ctx.today - dt.timedelta(days=1)
        values["taken"] = await _taken(ctx, values, [u.id for u in units], yesterday)
    return None


async def _branch_choices(ctx: Ctx, values: Values) -> list[Option]:
    return await branch_options(ctx)


async def _date_prompt(ctx: Ctx, values: Values) -> str:
    unit = await branch_of(ctx, values)
    return _("Which day was the meeting of {branch}? Choose, or type a date like 5/3.").format(
        branch=unit.name
    )


async def _date_choices(ctx: Ctx, values: Values) -> list[Option]:
    unit = await branch_of(ctx, values)
    today = ctx.today
    out = [Option(today, _("Today ({date})").format(date=today.strftime("%d/%m")))]
    yesterday = today - dt.timedelta(days=1)
    if unit.founded_on is None or yesterday >= unit.founded_on:
        out.append(
            Option(yesterday, _("Yesterday ({date})").format(date=yesterday.strftime("%d/%m")))
        )
    return out


async def _parse_date(text: str, ctx: Ctx, values: Values) -> dt.date | Retry:
    day = read_date(text, ctx.today)
    if day is None:
        return Retry(_("Please type the day, for example: hôm qua, 5/3 or 05/03/2026."))
    if day > ctx.today:
        return Retry(
            _("{date} has not come yet. Please check the day.").format(date=format_date(day))
        )
    unit = await branch_of(ctx, values)
    if unit.founded_on is not None and day < unit.founded_on:
        msg = _("The branch was founded on {founded}; the meeting cannot be earlier.")
        return Retry(msg.format(founded=format_date(unit.founded_on)))
    # A typed day may lie outside the days checked at the start; the clash goes with the answer.
    values["taken"] = set(values.get("taken") or ()) | await _taken(
        ctx, values, [values["branch_id"]], day
    )
    return day


async def _same_day_prompt(ctx: Ctx, values: Values) -> str:
    day = values["held_on"]
    msg = _(
        "A meeting of this branch on {date} is already logged. "
        "Is this another meeting on the same day?"
    )
    return msg.format(date=format_date(day))


async def _same_day_choices(ctx: Ctx, values: Values) -> list[Option]:
    out = [
        Option(values["held_on"], N_("Yes, another meeting")),
        Option("other", N_("No, choose another day")),
    ]
    rows = await meetings.on_day(ctx.session, values["branch_id"], values["held_on"])
    if any([await editable(ctx, m) for m in rows]):
        out.append(Option("edit", N_("Correct the meeting already logged")))
    return out


async def _present_prompt(ctx: Ctx, values: Values) -> str:
    total = await member_counts.members_on(ctx.session, values["branch_id"], values["held_on"])
    lines = [_("How many members came? Type the number, e.g. 22.")]
    if total:
        msg = _("The branch had {count} members on {date}.")
        lines.append(msg.format(count=total, date=format_date(values["held_on"])))
    return "\n".join(lines)


async def _present_choices(ctx: Ctx, values: Values) -> list[Option]:
    if not await meetings_ticks.roster(ctx, values):
        return []  # no member records to tick
    return [Option(meetings_ticks.TICK, N_("Tick names from the member list"))]


async def _parse_present(text: str, ctx: Ctx, values: Values) -> int | Retry:
    n = read_count(text)
    if not n:
        return Retry(_("Please send a number, for example 22."))
    total = await member_counts.members_on(ctx.session, values["branch_id"], values["held_on"])
    if total and n > total:
        msg = _("The branch had {count} members on that day; please check.")
        return Retry(msg.format(count=total))
    return n


async def _topic_choices(ctx: Ctx, values: Values) -> list[Option]:
    unit = await branch_of(ctx, values)
    commune = await org.ancestor_at(ctx.session, unit, Level.COMMUNE)
    topics = await meetings.top_topics(ctx.session, commune or unit)
    return [*(Option(t, t) for t in topics), Option(None, N_("No topic"))]


def _parse_text(text: str, ctx: Ctx, values: Values) -> str | Retry:
    text = " ".join(text.split())
    if len(text) > MAX_TEXT:
        return Retry(_("That is too long; please keep it under {n} characters.").format(n=MAX_TEXT))
    return text


KIND_OPTIONS = [Option(k.value, label) for k, label in KIND_NAMES.items()]
YES_NO = [Option(True, N_("Yes")), Option(False, N_("No"))]


async def _done(ctx: Ctx, values: Values) -> list[Reply]:
    if values.get("same_day") == "other":
        for key in ("held_on", "same_day", "present", "ticked"):
            values.pop(key, None)
        ctx.begin(LOG, values)
        return []
    if values.get("same_day") == "edit":
        rows = await meetings.on_day(ctx.session, values["branch_id"], values["held_on"])
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
    unit = await branch_of(ctx, values)
    if not ctx.covers(unit):
        return [Reply(_("You no longer look after this branch; nothing was saved."), notice=True)]
    count, here, away = await present_of(ctx, values)
    fields: dict[str, Any] = dict(
        unit_id=unit.id,
        held_on=values["held_on"],
        kind=MeetingKind(values["kind"]),
        topic=values.get("topic"),
        present_count=count,
        leader_present=bool(values["leader"]),
        note=values.get("note"),
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
        Ask(
            "held_on",
            _date_prompt,
            parse=_parse_date,
            options=_date_choices,
            example=N_("For example: hôm nay, hôm qua, 5/3."),
            when=_missing("held_on"),
            label=N_("Date"),
        ),
        Choose("same_day", _same_day_prompt, _same_day_choices, when=_clash),
        Ask(
            "present",
            _present_prompt,
            parse=_parse_present,
            options=_present_choices,
            number_selects=False,
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
        Choose(
            "kind",
            N_("What kind of meeting was it?"),
            KIND_OPTIONS,
            when=_missing("kind"),
            label=N_("Kind"),
        ),
        Ask(
            "topic",
            N_("What was the topic? Choose one used before, or type it."),
            parse=_parse_text,
            options=_topic_choices,
            when=_missing("topic"),
            label=N_("Topic"),
        ),
        Choose(
            "leader",
            N_("Did a commune Women's Union leader attend?"),
            YES_NO,
            when=_missing("leader"),
            label=N_("Commune leader attended"),
        ),
        Ask(
            "note",
            N_('Type a short note, or choose "No note".'),
            parse=_parse_text,
            options=[Option(None, N_("No note"))],
            when=_missing("note"),
            label=N_("Note"),
        ),
        Confirm(summary, when=lambda v: not _handoff(v)),
    ],
    on_done=_done,
    on_start=_start,
    help=N_(
        "Log a meeting: choose the day, then type how many members came (or tick their "
        "names), then check the summary and save."
    ),
)

FEATURE = Feature(
    name="meetings",
    dialogs=[LOG_MEETING, *meetings_feedback.DIALOGS, *meetings_history.DIALOGS],
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
    ],
)
