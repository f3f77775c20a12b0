"""Right after a meeting is saved: the 2/3 rule, quarterly status, group summaries, absentees.

Group chats get totals only. A typed topic is hidden in the group summary when it names a
member of the commune or holds an ID or phone number (bot.domain.pii), and the branch head is
told why; the whole summary is redacted as a last wall.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from bot.core.context import COMMUNE_ROLES, Ctx
from bot.core.dialogs import Choose, Dialog, Option, Values
from bot.core.i18n import DEFAULT_LANGUAGE, N_, _, format_date, format_pct, language, period_label
from bot.core.types import Reply
from bot.domain.calendar import quarter_of
from bot.domain.enums import Level
from bot.domain.pii import is_personal, redact
from handlers.meetings_common import meeting_name, roster_line
from storage.models import Meeting, OrgUnit
from storage.repositories import groups, meetings, name_marks, org, outbox, unit_figures

ABSENTEES = "meeting_absentees"


def below_two_thirds(present: int, total: int) -> bool:
    """DOMAIN rule 2, in whole numbers so 20 of 30 is exactly on the line, not below."""
    return total > 0 and present * 3 < total * 2


async def after_save(
    ctx: Ctx, unit: OrgUnit, meeting: Meeting, away: list[int], *, edited: bool
) -> list[Reply]:
    """`unit` is the meeting's: the branch, or the tổ it was logged for."""
    s = ctx.session
    base = await unit_figures.roster_base(s, unit.id, meeting.held_on)
    total = base.base
    day = format_date(meeting.held_on)
    name = await meeting_name(ctx, unit)
    if edited:
        lines = [_("Saved the correction to the meeting of {date}.").format(date=day)]
    else:
        lines = [_("Saved the meeting of {date} for {branch}.").format(date=day, branch=name)]
    n = meeting.present_count
    if total:
        msg = _("{present} of {total} members came: {rate}.")
        lines.append(msg.format(present=n, total=total, rate=format_pct(min(n, total) / total)))
    if (line := roster_line(base)) is not None:
        lines.append(line)
    if below_two_thirds(n, total):
        lines.append(
            _(
                "That is below two thirds of the members. A tip: ask members which time and "
                "place suit them, and remind them a day before in the branch's chat group."
            )
        )
    lines += await _quarter_lines(ctx, unit, meeting)
    lines += await _leader_lines(ctx, unit)
    branch = unit
    if unit.level == Level.GROUP and unit.parent_id is not None:
        branch = await org.by_id(s, unit.parent_id) or unit
    sent = await send_group_summaries(ctx, branch, meeting, total, edited=edited, name=name)
    if sent:
        msg = _("A short summary without names went to the branch's chat group.")
        lines.append(msg)
        if meeting.topic and await topic_is_personal(ctx, branch, meeting.topic):
            lines.append(
                _(
                    "The topic holds a member's name or an ID or phone number, so the group "
                    "saw it as hidden. Topics reach the other branches too: please keep names "
                    "and numbers out of them."
                )
            )
    if away:
        names = await meetings.member_names(s, away)
        listed = ", ".join(names.get(m) or _("(no name)") for m in away)
        lines.append(_("Absent ({count}): {names}.").format(count=len(away), names=listed))
        ctx.begin(ABSENTEES, {"meeting_id": meeting.id})
    elif not edited:
        lines.append(_('You can correct it within 7 days under "Branch meetings".'))
    return [Reply("\n".join(lines))]


async def _quarter_lines(ctx: Ctx, unit: OrgUnit, meeting: Meeting) -> list[str]:
    quarters = [quarter_of(meeting.held_on)]
    if quarter_of(ctx.today) != quarters[0]:
        quarters.append(quarter_of(ctx.today))
    facts = await meetings.quarter_facts(ctx.session, [unit.id], quarters)
    out = []
    for q in quarters:
        if unit.level == Level.GROUP:
            if facts[(unit.id, q)].regular_held:
                msg = _("{quarter}: {group} has held its regular meeting ✓")
            else:
                msg = _("{quarter}: {group} has no regular meeting yet.")
            out.append(msg.format(quarter=period_label(q), group=unit.name))
        elif facts[(unit.id, q)].regular_held:
            out.append(
                _("{quarter}: the regular meeting is done ✓").format(quarter=period_label(q))
            )
        else:
            out.append(_("{quarter}: no regular meeting yet.").format(quarter=period_label(q)))
    return out


async def _leader_lines(ctx: Ctx, unit: OrgUnit) -> list[str]:
    """For commune officers: the branches and tổ a commune leader has attended this quarter,
    and who went to each, so the leaders can take turns (rule 3)."""
    if not any(unit.path.startswith(c.path) for c in ctx.units_for(COMMUNE_ROLES)):
        return []
    commune = await org.ancestor_at(ctx.session, unit, Level.COMMUNE)
    if commune is None:
        return []
    s = ctx.session
    units = await org.subtree(s, commune, Level.BRANCH) + await org.subtree(s, commune, Level.GROUP)
    units.sort(key=lambda u: u.path)
    q = quarter_of(ctx.today)
    ids = [u.id for u in units]
    facts = await meetings.quarter_facts(s, ids, [q])
    who = await meetings.leaders_at(s, ids, q)
    names = {u.id: await meeting_name(ctx, u) for u in units}
    done = [u for u in units if facts[(u.id, q)].leader_attended]
    missing = [names[u.id] for u in units if not facts[(u.id, q)].leader_attended]
    msg = _("{quarter}: a commune leader has attended {done} of {total} branches and groups.")
    out = [msg.format(quarter=period_label(q), done=len(done), total=len(units))]
    if done:
        visits = [
            f"{names[u.id]} ({', '.join(who[u.id])})" if who.get(u.id) else names[u.id]
            for u in done
        ]
        out.append(_("Attended: {names}.").format(names="; ".join(visits)))
    if missing:
        out.append(_("Not yet: {names}.").format(names=", ".join(missing)))
    return out


async def topic_is_personal(ctx: Ctx, unit: OrgUnit, topic: str) -> bool:
    return is_personal(topic, await name_marks.of_commune(ctx.session, unit))


# Shown in the group instead of a topic that names a member or holds a personal number.
HIDDEN_TOPIC = N_("(topic with personal details, hidden)")


async def group_summary(
    ctx: Ctx, unit: OrgUnit, meeting: Meeting, total: int, *, edited: bool, name: str = ""
) -> str:
    """Totals only: date, topic, present of members, rate, thanks. No names, no numbers
    that read as an ID or phone: the topic is checked, then the whole text is redacted."""
    marks = await name_marks.of_commune(ctx.session, unit)
    topic = meeting.topic or ""
    n = meeting.present_count
    with language(DEFAULT_LANGUAGE):  # the members' group reads the Union's language
        day = format_date(meeting.held_on)
        who = name or unit.name
        if edited:
            lines = [_("Correction: {branch} met on {date}.").format(branch=who, date=day)]
        else:
            lines = [_("{branch} met on {date}.").format(branch=who, date=day)]
        if topic:
            shown = _(HIDDEN_TOPIC) if is_personal(topic, marks) else topic
            lines.append(_("Topic: {topic}.").format(topic=shown))
        if total:
            msg = _("{present} of {total} members came ({rate}).")
            rate = format_pct(min(n, total) / total)
            lines.append(msg.format(present=n, total=total, rate=rate))
        else:
            lines.append(_("{present} members came.").format(present=n))
        lines.append(_("Thank you all for taking part!"))
        return redact("\n".join(lines), marks)


async def send_group_summaries(
    ctx: Ctx, unit: OrgUnit, meeting: Meeting, total: int, *, edited: bool, name: str = ""
) -> int:
    """Queue the summary for every group linked to the branch; the key makes it once each."""
    links = await groups.groups_of(ctx.session, unit.id)
    if not links:
        return 0
    text = await group_summary(ctx, unit, meeting, total, edited=edited, name=name)
    queued = 0
    for link in links:
        key = f"meeting-summary|{meeting.id}|{link.channel}:{link.chat_id}"
        queued += await outbox.enqueue(
            ctx.session,
            key[:200],
            "meeting_summary",
            link.channel,
            link.bot_id,
            link.chat_id,
            # `group` makes the sender apply the per-group rate (Telegram: 20 a minute).
            {"text": text, "group": True},
            ctx.now,
        )
    return queued


def _next_quarter_morning(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    first = quarter_of(day).next().first_day
    return dt.datetime(first.year, first.month, first.day, 8, 0, tzinfo=tz).astimezone(dt.UTC)


async def _remind(ctx: Ctx, values: Values) -> list[Reply]:
    if not values["remind"]:
        return [Reply(_("All right."))]
    meeting = await meetings.get(ctx.session, int(values["meeting_id"]))
    if meeting is None:
        return [Reply(_("All right."))]
    _here, away = await meetings.attendance(ctx.session, meeting.id)
    names = await meetings.member_names(ctx.session, away)
    listed = ", ".join(names.get(m) or _("(no name)") for m in away)
    when = _next_quarter_morning(meeting.held_on, ctx.tz)
    text = _(
        "Before the next meeting, remember to invite the members who missed the meeting of "
        "{date}: {names}."
    ).format(date=format_date(meeting.held_on), names=listed)
    inc = ctx.incoming
    # Only the branch head is reminded; members are not users and get no message.
    await outbox.enqueue(
        ctx.session,
        f"absentee-reminder|{meeting.id}|{ctx.person_id}",
        "absentee_reminder",
        inc.channel,
        inc.bot_id,
        inc.chat_id,
        {"text": text},
        ctx.now,
        not_before=when,
        person_id=ctx.person_id,
    )
    day = when.astimezone(ctx.tz).date()
    msg = _("Done. On {date} I will remind you to invite the {count} absent members.")
    return [Reply(msg.format(date=format_date(day), count=len(away)))]


ABSENTEE_DIALOG = Dialog(
    ABSENTEES,
    steps=[
        Choose(
            "remind",
            N_("Shall I remind you before the next meeting to invite the members who were absent?"),
            [Option(True, N_("Yes, remind me")), Option(False, N_("No, thank you"))],
        )
    ],
    on_done=_remind,
)

DIALOGS = [ABSENTEE_DIALOG]
