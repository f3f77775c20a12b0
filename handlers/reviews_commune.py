"""The commune's part of the member review: "entered into the national member software".

After its branches confirm their lists (branch deadline, `Rules.review_deadline`), the
commune enters the changes into the national member software, which must be done before
10 June / 25 November (004 §II.1.1, `Rules.national_deadline`). The chair confirms it here:
a `review` row for the commune unit and an audit row. Reminders: bot/scheduler/review_due.py.
"""

from __future__ import annotations

from bot.core.context import COMMUNE_ROLES, Ctx
from bot.core.dialogs import Choose, Dialog, Option, Retry, Values
from bot.core.features import Feature, MenuEntry
from bot.core.i18n import N_, _, format_date, period_label
from bot.core.types import Reply
from bot.domain.calendar import HalfYear
from bot.domain.enums import Level
from bot.domain.rules import review_period
from handlers import reviews_clubs
from handlers.scope import still_covers
from storage.repositories import audit, org, reviews

DONE = "done"
LATER = "later"


async def commune_period(ctx: Ctx, commune_id: int) -> HalfYear:
    """The half-year a confirmation today is for (the next one once this one is closed)."""
    half = review_period(ctx.rules, ctx.today)
    done = await reviews.confirmed_at(ctx.session, commune_id, half.key)
    if done is not None and ctx.today > ctx.rules.national_deadline(half):
        return half.next()
    return half


async def software_line(ctx: Ctx, commune_id: int, half: HalfYear) -> str:
    """Whether the commune confirmed the software update for `half`, and when."""
    at = await reviews.confirmed_at(ctx.session, commune_id, half.key)
    deadline = format_date(ctx.rules.national_deadline(half))
    if at is None:
        text = _("Member software updated: not confirmed (deadline {deadline})")
        return "✗ " + text.format(deadline=deadline)
    text = _("Member software updated: confirmed on {date} (deadline {deadline})")
    return "✓ " + text.format(date=format_date(at.astimezone(ctx.tz).date()), deadline=deadline)


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    communes = [u for u in ctx.units_for(COMMUNE_ROLES) if u.level == Level.COMMUNE]
    if not communes:
        return Retry(_("Only the commune's chair or officers can confirm this."))
    if len(communes) == 1:
        values.setdefault("commune_id", communes[0].id)
    return None


async def _communes(ctx: Ctx, values: Values) -> list[Option]:
    return [Option(u.id, u.name) for u in ctx.units_for(COMMUNE_ROLES) if u.level == Level.COMMUNE]


async def _question(ctx: Ctx, values: Values) -> str:
    commune = await org.by_id(ctx.session, values["commune_id"])
    assert commune is not None
    half = await commune_period(ctx, commune.id)
    branches = await org.subtree(ctx.session, commune, Level.BRANCH)
    done = await reviews.confirmed(ctx.session, [b.id for b in branches], half.key)
    lines = [
        _("{commune}, member review of the {period}:").format(
            commune=commune.name, period=period_label(half)
        ),
        "- "
        + _("{done} of {total} branches confirmed their list (deadline {date})").format(
            done=len(done),
            total=len(branches),
            date=format_date(ctx.rules.review_deadline(half)),
        ),
    ]
    missing = [b.name for b in branches if b.id not in done]
    if missing:
        lines.append("- " + _("Not yet: {names}").format(names=", ".join(missing)))
    lines.extend(await reviews_clubs.commune_lines(ctx, commune))  # clubs, working far away
    lines.append(
        _(
            "Have you finished entering the list into the national member software "
            "(deadline {date})?"
        ).format(date=format_date(ctx.rules.national_deadline(half)))
    )
    return "\n".join(lines)


async def _answers(ctx: Ctx, values: Values) -> list[Option]:
    return [
        Option(DONE, N_("Yes, the software is updated")),
        Option(LATER, N_("Not yet")),
    ]


async def _done(ctx: Ctx, values: Values) -> list[Reply]:
    commune = await org.by_id(ctx.session, values["commune_id"])
    assert commune is not None
    half = await commune_period(ctx, commune.id)
    if values["answer"] != DONE:
        msg = _("All right. I will remind you before {date}.")
        return [Reply(msg.format(date=format_date(ctx.rules.national_deadline(half))))]
    branches = await org.subtree(ctx.session, commune, Level.BRANCH)
    done = await reviews.confirmed(ctx.session, [b.id for b in branches], half.key)
    detail = {"software": True, "branches": len(branches), "branches_confirmed": len(done)}
    await reviews.save(ctx.session, commune.id, half.key, ctx.person_id, ctx.now, detail)
    await audit.record(
        ctx.session,
        ctx.now,
        ctx.person_id,
        "software_update_confirmed",
        "org_unit",
        commune.id,
        {"period": half.key},
    )
    msg = _("Thank you! {commune} has updated the member software for the {period}.")
    return [Reply(msg.format(commune=commune.name, period=period_label(half)))]


SOFTWARE = Dialog(
    "software_update",
    steps=[
        Choose("commune_id", N_("Which commune?"), _communes, when=lambda v: "commune_id" not in v),
        Choose("answer", _question, _answers),
    ],
    on_done=_done,
    recheck=still_covers("commune_id", COMMUNE_ROLES),
    on_start=_start,
    help=N_(
        "Confirm once the commune has entered its branches' changes into the national member "
        "software; until then, the chair is reminded before the deadline."
    ),
)

FEATURE = Feature(
    name="reviews_commune",
    dialogs=[SOFTWARE],
    menu=[
        MenuEntry(
            "software_update",
            N_("Member software: confirm the update"),
            SOFTWARE,
            roles=COMMUNE_ROLES,
            words=("xac nhan cap nhat phan mem", "cap nhat phan mem", "phan mem hoi vien"),
            order=42,
        ),
    ],
)
