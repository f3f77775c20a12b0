"""Log a club meeting with the branch meeting's pieces: the day (choices "Hôm nay", "Hôm qua"
or typed), the head count ("22", "tất cả", "vắng 3"), the form (direct or through a Zalo
group, changed with "Correct a field"), then confirm. Each club has its own quarter line:
it met at least once in the calendar quarter (DOMAIN rule 1, read for clubs)."""

from __future__ import annotations

from bot.core.context import Ctx
from bot.core.dialogs import Ask, Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.i18n import N_, _, format_date, format_number, period_label, tr
from bot.core.parsing import read_head_count
from bot.core.types import Reply
from bot.domain.calendar import quarter_of
from bot.domain.clubs import met_in_quarter
from bot.domain.enums import MeetingForm
from handlers.clubs_common import (
    CLUB_ROLES,
    club_of,
    club_options,
    day_options,
    need_clubs,
    parse_club,
    read_past_day,
)
from handlers.meetings_common import FORM_NAMES
from handlers.meetings_steps import FORM_OPTIONS
from handlers.scope import still_covers
from storage.repositories import clubs

MAX_TOPIC = 300


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    refused = await need_clubs(ctx, values)
    values.setdefault("form", MeetingForm.DIRECT.value)
    values.setdefault("topic", None)
    return refused


async def _size(ctx: Ctx, values: Values) -> int:
    club = await club_of(ctx, values)
    linked = (await clubs.linked_counts(ctx.session, [club.id])).get(club.id, 0)
    return linked + club.outside_count


async def _day_prompt(ctx: Ctx, values: Values) -> str:
    club = await club_of(ctx, values)
    msg = _("Which day was the meeting of {club}? Choose, or type a date like 5/3.")
    return msg.format(club=club.name)


async def _day(text: str, ctx: Ctx, values: Values) -> object:
    club = await club_of(ctx, values)
    return read_past_day(text, ctx, values, club.founded_on)


async def _present_prompt(ctx: Ctx, values: Values) -> str:
    size = await _size(ctx, values)
    if size:
        msg = _("How many women came? The club has {size} women on its list.")
        return msg.format(size=format_number(size))
    return _("How many women came?")


async def _present(text: str, ctx: Ctx, values: Values) -> int | Retry:
    n = read_head_count(text, await _size(ctx, values))
    if n is None:
        return Retry(_("Please type a number, for example 12."))
    if n < 1:
        return Retry(_("A meeting has at least one woman present. Please check the number."))
    return n


def _topic(text: str, ctx: Ctx, values: Values) -> str | Retry:
    text = " ".join(text.split())
    if len(text) > MAX_TOPIC:
        return Retry(
            _("That is too long; please keep it under {n} characters.").format(n=MAX_TOPIC)
        )
    return text


async def _summary(ctx: Ctx, values: Values) -> str:
    club = await club_of(ctx, values)
    none = _("none")
    lines = [
        _("• Club: {club}").format(club=club.name),
        _("• Date: {date}").format(date=format_date(values["held_on"])),
        _("• Present: {attend}").format(attend=format_number(values["present"])),
        _("• Form: {form}").format(form=tr(FORM_NAMES[MeetingForm(values["form"])])),
        _("• Topic: {topic}").format(topic=values.get("topic") or none),
    ]
    return "\n".join(lines)


async def _recheck(ctx: Ctx, values: Values) -> Retry | None:
    club = await club_of(ctx, values)
    values["commune_id"] = club.commune_id
    return await still_covers("commune_id", CLUB_ROLES)(ctx, values)


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    club = await club_of(ctx, values)
    day = values["held_on"]
    await clubs.add_meeting(
        ctx.session,
        club,
        day,
        values["form"],
        values.get("topic"),
        int(values["present"]),
        ctx.person_id,
        ctx.now,
    )
    q = quarter_of(ctx.today)
    days = (await clubs.meeting_days(ctx.session, [club.id], q.first_day, q.last_day)).get(
        club.id, []
    )
    lines = [
        _("Saved the meeting of {club} on {date}.").format(club=club.name, date=format_date(day))
    ]
    if met_in_quarter(days, ctx.today):
        msg = _("{club} has met in {quarter}: {count} meetings so far. Thank you!")
        lines.append(msg.format(club=club.name, quarter=period_label(q), count=len(days)))
    return [Reply("\n".join(lines))]


LOG = Dialog(
    "club_meeting",
    steps=[
        Ask(
            "club_id",
            N_("Which club or model met? Choose, or type part of its name."),
            parse=parse_club,
            options=club_options,
            when=lambda v: "club_id" not in v,
        ),
        Ask(
            "held_on",
            _day_prompt,
            parse=_day,
            options=lambda ctx, v: day_options(ctx),
            example=N_("For example: hôm nay, hôm qua, 5/3."),
            label=N_("Date"),
        ),
        Ask(
            "present",
            _present_prompt,
            parse=_present,
            number_selects=False,
            example=N_("For example: 22, or hai mươi hai."),
            label=N_("Women present"),
        ),
        Choose(
            "form",
            N_("How was the meeting held?"),
            FORM_OPTIONS,
            when=lambda v: "form" not in v,
            label=N_("Form"),
        ),
        Ask(
            "topic",
            N_('What was the topic? Type it, or choose "No topic".'),
            parse=_topic,
            options=[Option(None, N_("No topic"))],
            when=lambda v: "topic" not in v,
            label=N_("Topic"),
        ),
        Confirm(_summary),
    ],
    on_done=_save,
    recheck=_recheck,
    on_start=_start,
    help=N_(
        "Log a club meeting: the day, how many women came, then check the summary and save. "
        "A club that meets at least once a quarter is counted as meeting regularly."
    ),
)
