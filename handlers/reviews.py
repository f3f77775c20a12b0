"""The semi-annual member review (DOMAIN rule 7): confirm the list, or open the member flows.

The branch head sees her member count and the changes since her last review, then
confirms (a `review` row for the period) or goes to correct it. Chairs see which branches
have confirmed. The period is the half-year whose reminders have begun (see
`rules.review_period`); once it is confirmed and its deadline has passed, a new review
counts towards the next half-year.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from bot.core.context import BRANCH_ROLES, COMMUNE_ROLES, PROVINCE_ROLES, Ctx
from bot.core.dialogs import Choose, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, format_date, period_label
from bot.core.types import Reply
from bot.domain.calendar import HalfYear
from bot.domain.enums import EventKind, Level
from bot.domain.rules import review_period
from storage.models import MemberEvent, OrgUnit, Review
from storage.repositories import audit, member_counts, org

CONFIRM = "confirm"
# Member dialogs a correction can open, whichever the members feature defines.
ADD_DIALOGS = ("member_register", "register_member", "add_member")
CHANGE_DIALOGS = ("member_find", "member_change", "find_member")
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


def _dialogs() -> set[str]:
    from handlers import FEATURES  # handlers/__init__ imports this module

    names = {d.name for f in FEATURES for d in f.dialogs}
    names |= {e.action.name for f in FEATURES for e in f.menu if isinstance(e.action, Dialog)}
    return names


def _first(candidates: tuple[str, ...]) -> str | None:
    known = _dialogs()
    return next((name for name in candidates if name in known), None)


async def target_period(ctx: Ctx, branch_id: int) -> HalfYear:
    """The half-year a review confirmed today counts for."""
    day = ctx.today
    half = review_period(ctx.rules, day)
    done = await _review(ctx, branch_id, half.key)
    if done is not None and day > ctx.rules.review_deadline(half):
        return half.next()
    return half


async def _review(ctx: Ctx, unit_id: int, period: str) -> Review | None:
    stmt = select(Review).where(Review.unit_id == unit_id, Review.period == period)
    return (await ctx.session.scalars(stmt)).first()


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    branches = ctx.units_for(BRANCH_ROLES)
    if not branches:
        return Retry(_("Only a branch head or deputy can do this, for her own branch."))
    if len(branches) == 1:
        values.setdefault("branch_id", branches[0].id)
    return None


async def _branch_options(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(u.id, u.name) for u in ctx.units_for(BRANCH_ROLES)]


async def _changes(ctx: Ctx, unit_id: int, after: dt.date) -> Counter[str]:
    stmt = (
        select(MemberEvent.kind, func.count(MemberEvent.id))
        .where(
            MemberEvent.unit_id == unit_id,
            MemberEvent.occurred_on > after,
            MemberEvent.occurred_on <= ctx.today,
        )
        .group_by(MemberEvent.kind)
    )
    return Counter({str(kind.value): int(n) for kind, n in (await ctx.session.execute(stmt)).all()})


async def _figures(ctx: Ctx, unit_id: int) -> dict[str, Any]:
    """Counts now and changes since the last review (or since the half-year began)."""
    last = (
        await ctx.session.scalars(
            select(Review).where(Review.unit_id == unit_id).order_by(Review.confirmed_at.desc())
        )
    ).first()
    half = await target_period(ctx, unit_id)
    # Since the day of the last review (events of that day were in it), else the half-year.
    if last is not None:
        since = last.confirmed_at.astimezone(ctx.tz).date()
        changes = await _changes(ctx, unit_id, since)
    else:
        since = half.first_day
        changes = await _changes(ctx, unit_id, since - dt.timedelta(days=1))
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
    done = await _review(ctx, unit.id, half.key)
    if done is not None:
        when = format_date(done.confirmed_at.astimezone(ctx.tz).date())
        lines.append(
            _("This list was already confirmed on {date}; confirming again updates it.").format(
                date=when
            )
        )
    lines.append(_("Is this member list right?"))
    return "\n".join(lines)


async def _answers(ctx: Ctx, values: Values) -> list[Option]:
    options = [Option(CONFIRM, N_("Yes, the list is right"))]
    add, change = _first(ADD_DIALOGS), _first(CHANGE_DIALOGS)
    if add:
        options.append(Option(f"open:{add}", N_("Someone is missing: register her")))
    if change:
        options.append(Option(f"open:{change}", N_("Someone left or changed: find her")))
    if not (add or change):
        options.append(Option("correct", N_("No, it needs correcting")))
    return options


async def _done(ctx: Ctx, values: Values) -> list[Reply]:
    answer = str(values["answer"])
    unit = await org.by_id(ctx.session, values["branch_id"])
    assert unit is not None
    if answer.startswith("open:") and answer[5:] in _dialogs():
        ctx.begin(answer[5:])
        note = _('When the list is right, choose "Confirm the member list" again.')
        return [Reply(note)]
    if answer != CONFIRM:
        msg = _("Correct the list with the member options of the menu, then confirm it again.")
        return [Reply(msg)]
    fig = await _figures(ctx, unit.id)
    await save_review(ctx, unit.id, fig["period"], fig)
    half = HalfYear.parse(fig["period"])
    assert half is not None
    msg = _("Thank you! The member list of {branch} is confirmed for the {period}.")
    return [Reply(msg.format(branch=unit.name, period=period_label(half)))]


async def save_review(ctx: Ctx, unit_id: int, period: str, changes: dict[str, Any]) -> None:
    """Record the review (confirming again updates the same period's row)."""
    values = dict(
        unit_id=unit_id,
        period=period,
        confirmed_by=ctx.person_id,
        confirmed_at=ctx.now,
        changes=changes,
    )
    insert = pg_insert if ctx.session.bind.dialect.name == "postgresql" else sqlite_insert
    stmt = insert(Review).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["unit_id", "period"],
        set_={"confirmed_by": ctx.person_id, "confirmed_at": ctx.now, "changes": changes},
    )
    await ctx.session.execute(stmt)
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
        Choose(
            "branch_id", N_("Which branch?"), _branch_options, when=lambda v: "branch_id" not in v
        ),
        Choose("answer", _summary, _answers),
    ],
    on_done=_done,
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
        done = await _confirmed(ctx, [b.id for b in branches], half.key)
        lines.append(
            _("{unit}: {done} of {total} branches confirmed").format(
                unit=unit.name, done=len(done), total=len(branches)
            )
        )
        if unit.level == Level.COMMUNE:
            lines.extend(_line(ctx, b, done.get(b.id)) for b in branches)
    if len(lines) == 1:
        lines.append(_("You have no commune or province to follow."))
    return [Reply("\n".join(lines))]


def _line(ctx: Ctx, branch: OrgUnit, at: dt.datetime | None) -> str:
    if at is None:
        return "✗ " + _("{branch}: not yet").format(branch=branch.name)
    day = format_date(at.astimezone(ctx.tz).date())
    return "✓ " + _("{branch}: confirmed on {date}").format(branch=branch.name, date=day)


async def _confirmed(ctx: Ctx, unit_ids: list[int], period: str) -> dict[int, dt.datetime]:
    if not unit_ids:
        return {}
    stmt = select(Review.unit_id, Review.confirmed_at).where(
        Review.period == period, Review.unit_id.in_(unit_ids)
    )
    return {uid: at for uid, at in (await ctx.session.execute(stmt)).all()}


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
