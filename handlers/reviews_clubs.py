"""What the semi-annual review adds for issue 16 (item 5): members working far away at the
branch's review (the 12-month question included), clubs and migrants at the commune's."""

from __future__ import annotations

import datetime as dt

from bot.core.context import Ctx
from bot.core.dialogs import Values
from bot.core.i18n import _, format_number
from bot.domain.calendar import half_of
from bot.domain.clubs import VISIT_EVERY_DAYS
from bot.domain.rules import away_asked_by
from storage.models import OrgUnit
from storage.repositories import audit, clubs, migrants

# Members asked about as "working far away" (not "living elsewhere") at this review.
MIGRANT_IDS = "migrant_ids"


async def load_migrants(ctx: Ctx, values: Values, branch_id: int, todo: list[list[object]]) -> None:
    """Members away for work 12 months or more join the review's residence questions (004
    §II.1.2 footnote 1); their answers are written by `apply_migrants`."""
    rows = await migrants.due_for_review(ctx.session, branch_id, away_asked_by(ctx.today))
    values[MIGRANT_IDS] = [mid for mid, _name, _since in rows]
    todo += [[mid, name, since.isoformat()] for mid, name, since in rows]


async def apply_migrants(ctx: Ctx, answers: dict[str, str], values: Values) -> dict[str, str]:
    """Write the answers about members working far away; return the others untouched."""
    ids = {str(m) for m in values.pop(MIGRANT_IDS, None) or []}
    rest = {}
    for key, choice in answers.items():
        if key not in ids:
            rest[key] = choice
            continue
        done = await migrants.review_answer(
            ctx.session, int(key), choice, ctx.today, ctx.now, ctx.person_id
        )
        detail = {"answer": choice, "changed": done, "migrant": True}
        await audit.record(
            ctx.session, ctx.now, ctx.person_id, "residence_reviewed", "member", int(key), detail
        )
    return rest


async def branch_lines(ctx: Ctx, branch: OrgUnit) -> list[str]:
    rows = await migrants.away_under(ctx.session, branch)
    if not rows:
        return []
    cutoff = ctx.today - dt.timedelta(days=VISIT_EVERY_DAYS)
    unplaced = sum(1 for a in rows if not a.destination)
    unvisited = sum(1 for a in rows if a.last_visit is None or a.last_visit < cutoff)
    msg = _(
        "Working far away: {n} members ({unplaced} without a place recorded, {unvisited} "
        "families not visited in 6 months)"
    )
    return [
        "- "
        + msg.format(
            n=format_number(len(rows)),
            unplaced=format_number(unplaced),
            unvisited=format_number(unvisited),
        )
    ]


async def commune_lines(ctx: Ctx, commune: OrgUnit) -> list[str]:
    found = await clubs.of_communes(ctx.session, [commune.id])
    half = half_of(ctx.today)
    lines = []
    if found:
        ids = [c.id for c in found]
        linked = sum((await clubs.linked_counts(ctx.session, ids)).values())
        outside = sum(c.outside_count for c in found)
        days = await clubs.meeting_days(ctx.session, ids, half.first_day, half.last_day)
        msg = _(
            "Clubs and models: {n} ({linked} members from the register, {outside} in no "
            "branch); {met} met in this half-year"
        )
        lines.append(
            "- "
            + msg.format(
                n=format_number(len(found)),
                linked=format_number(linked),
                outside=format_number(outside),
                met=format_number(sum(1 for c in ids if days.get(c))),
            )
        )
    else:
        lines.append("- " + _("No club or model for a hard-to-reach group yet"))
    away = await migrants.away_under(ctx.session, commune)
    if away:
        places = migrants.by_destination(away)[:3]
        where = ", ".join(f"{p or '?'} {n}" for p, n, _paying in places)
        lines.append(
            "- "
            + _("Working far away: {n} members ({where})").format(
                n=format_number(len(away)), where=where
            )
        )
    return lines
