"""The semi-annual member review (DOMAIN rule 7): confirm the list, or open the member flows.

The branch head sees her member count and the changes since her last review, then
confirms (a `review` row for the period) or goes to correct it. Chairs see which branches
have confirmed. The period is the half-year whose reminders have begun (see
`rules.review_period`); once it is confirmed and its deadline has passed, a new review
counts towards the next half-year.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, PROVINCE_ROLES, Ctx
from bot.core.dialogs import Ask, Choose, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, format_date, period_label
from bot.core.types import Reply
from bot.domain.calendar import HalfYear
from bot.domain.enums import EventKind, Level
from bot.domain.rules import review_period
from handlers import reviews_clubs
from handlers.members import REGISTER
from handlers.members_search import FIND
from handlers.reviews_commune import software_line
from handlers.reviews_residence import AWAY_STEP, apply_residence, load_away, residence_note
from handlers.scope import still_covers
from storage.models import OrgUnit
from storage.repositories import audit, member_counts, org, reviews

CONFIRM = "confirm"
# The member dialogs a correction opens: register a missing member, find one who changed.
OPENS = (REGISTER.name, FIND.name)
# Events shown as changes, in this order.
SHOWN = (
    (EventKind.JOINED, N_("joined: {count}")),
    (EventKind.MOVED_IN, N_("moved in: {count}")),
    (EventKind.MOVED_OUT, N_("moved away: {count}")),
    (EventKind.LEFT, N_("left the Union: {count}")),
    (EventKind.DIED, N_("died: {count}")),
    (EventKind.MIGRATED, N_("working far away: {count}")),
    (EventKind.RETURNED, N_("came back: {count}")),
)


async def target_period(ctx: Ctx, branch_id: int) -> HalfYear:
    """The half-year a review confirmed today counts for."""
    day = ctx.today
    half = review_period(ctx.rules, day)
    done = await reviews.confirmed_at(ctx.session, branch_id, half.key)
    if done is not None and day > ctx.rules.review_deadline(half):
        return half.next()
    return half


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    branches = ctx.units_for(BRANCH_ROLES)
    if not branches:
        return Retry(_("Only a branch head or deputy can do this, for her own branch."))
    if len(branches) == 1:
        values.setdefault("branch_id", branches[0].id)
        await load_away(ctx, values, branches[0].id)
    return None


async def _branch_picked(value: int, ctx: Ctx, values: Values) -> int:
    await load_away(ctx, values, value)
    return value


async def _branch_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(u.id, u.name) for u in ctx.units_for(BRANCH_ROLES)]


async def _figures(ctx: Ctx, unit_id: int) -> dict[str, Any]:
    """Counts now and changes since the last review (or since the half-year began)."""
    s = ctx.session
    last = await reviews.last_confirmed_at(s, unit_id)
    half = await target_period(ctx, unit_id)
    # Since the day of the last review (events of that day were in it), else the half-year.
    if last is not None:
        since = last.astimezone(ctx.tz).date()
        changes = await reviews.event_counts(s, unit_id, since, ctx.today)
    else:
        since = half.first_day
        changes = await reviews.event_counts(s, unit_id, since - dt.timedelta(days=1), ctx.today)
    members = await member_counts.members_on(ctx.session, unit_id, ctx.today)
    return {"period": half.key, "since": since.isoformat(), "members": members, **changes}


async def _summary(ctx: Ctx, values: Values) -> str:
    unit = await org.by_id(ctx.session, values["branch_id"])
    assert unit is not None
    fig = await _figures(ctx, unit.id)
    half = HalfYear.parse(fig["period"])
    assert half is not None
    since = dt.date.fromisoformat(fig["since"])
    lines = [
        _("Member list of {branch}, review of the {period} (deadline {date}):").format(
            branch=unit.name,
            period=period_label(half),
            date=format_date(ctx.rules.review_deadline(half)),
        ),
        "- " + _("Members now: {count}").format(count=fig["members"]),
    ]
    shown = [_(str.__str__(msg)).format(count=fig[k.value]) for k, msg in SHOWN if fig.get(k.value)]
    change = "; ".join(shown) if shown else _("no changes")
    lines.append(
        "- " + _("Changes since {date}: {changes}").format(date=format_date(since), changes=change)
    )
    lines.extend(residence_note(values))
    lines.extend(await reviews_clubs.branch_lines(ctx, unit))  # members working far away
    done = await reviews.confirmed_at(ctx.session, unit.id, half.key)
    if done is not None:
        when = format_date(done.astimezone(ctx.tz).date())
        lines.append(
            _("This list was already confirmed on {date}; confirming again updates it.").format(
                date=when
            )
        )
    lines.append(_("Is this member list right?"))
    return "\n".join(lines)


async def _answers(ctx: Ctx, values: Values) -> list[Option]:
    return [
        Option(CONFIRM, N_("Yes, the list is right")),
        Option(f"open:{REGISTER.name}", N_("Someone is missing: register her")),
        Option(f"open:{FIND.name}", N_("Someone left or changed: find her")),
    ]


async def _done(ctx: Ctx, values: Values) -> list[Reply]:
    answer = str(values["answer"])
    unit = await org.by_id(ctx.session, values["branch_id"])
    assert unit is not None
    # Her answers about members away are decisions of their own, whatever comes next.
    residence = await apply_residence(ctx, values)
    if answer.startswith("open:") and answer[5:] in OPENS:
        ctx.begin(answer[5:])
        note = _('When the list is right, choose "Confirm the member list" again.')
        return [Reply(note)]
    if answer != CONFIRM:
        msg = _("Correct the list with the member options of the menu, then confirm it again.")
        return [Reply(msg)]
    fig = await _figures(ctx, unit.id)
    if residence:
        fig["residence"] = residence
    await save_review(ctx, unit.id, fig["period"], fig)
    half = HalfYear.parse(fig["period"])
    assert half is not None
    msg = _("Thank you! The member list of {branch} is confirmed for the {period}.")
    return [Reply(msg.format(branch=unit.name, period=period_label(half)))]


async def save_review(ctx: Ctx, unit_id: int, period: str, changes: dict[str, Any]) -> None:
    """Record the review (confirming again updates the same period's row)."""
    await reviews.save(ctx.session, unit_id, period, ctx.person_id, ctx.now, changes)
    await audit.record(
        ctx.session,
        ctx.now,
        ctx.person_id,
        "review_confirmed",
        "org_unit",
        unit_id,
        {"period": period},
    )


REVIEW = Dialog(
    "member_review",
    steps=[
        Ask(
            "branch_id",
            N_("Which branch?"),
            options=_branch_options,
            when=lambda v: "branch_id" not in v,
            on_pick=_branch_picked,
        ),
        AWAY_STEP,
        Choose("answer", _summary, _answers),
    ],
    on_done=_done,
    recheck=still_covers("branch_id", BRANCH_ROLES),
    on_start=_start,
    help=N_("Check the count and the changes; confirm if the list is right, or correct it first."),
)


async def review_status(ctx: Ctx) -> list[Reply]:
    """Which branches have confirmed the current review, per commune the person oversees."""
    half = review_period(ctx.rules, ctx.today)
    head = _("Member review of the {period} (deadline {date}):").format(
        period=period_label(half), date=format_date(ctx.rules.review_deadline(half))
    )
    lines = [head]
    for unit in ctx.units_for(COMMUNE_ROLES | PROVINCE_ROLES):
        branches = await org.subtree(ctx.session, unit, Level.BRANCH)
        done = await reviews.confirmed(ctx.session, [b.id for b in branches], half.key)
        lines.append(
            _("{unit}: {done} of {total} branches confirmed").format(
                unit=unit.name, done=len(done), total=len(branches)
            )
        )
        if unit.level == Level.COMMUNE:
            lines.extend(_line(ctx, b, done.get(b.id)) for b in branches)
            lines.append(await software_line(ctx, unit.id, half))
    if len(lines) == 1:
        lines.append(_("You have no commune or province to follow."))
    return [Reply("\n".join(lines))]


def _line(ctx: Ctx, branch: OrgUnit, at: dt.datetime | None) -> str:
    if at is None:
        return "✗ " + _("{branch}: not yet").format(branch=branch.name)
    day = format_date(at.astimezone(ctx.tz).date())
    return "✓ " + _("{branch}: confirmed on {date}").format(branch=branch.name, date=day)


FEATURE = Feature(
    name="reviews",
    dialogs=[REVIEW],
    menu=[
        MenuEntry(
            "member_review",
            N_("Confirm the member list"),
            REVIEW,
            roles=BRANCH_ROLES,
            words=("xac nhan danh sach", "ra soat hoi vien", "ra soat"),
            order=40,
        ),
        MenuEntry(
            "review_status",
            N_("Member review: who has confirmed"),
            review_status,
            roles=COMMUNE_ROLES | PROVINCE_ROLES,
            words=("ra soat hoi vien", "xem ra soat"),
            order=41,
        ),
    ],
)
