"""At the branch's review: members away 12 months or more, "still registered here?".

004 §II.1.2 (1) counts members with permanent residence (or temporary, 6 months or more)
in the commune; its footnote 1 recalls the 2020 Residence Law: 12 months' continuous
absence loses the permanent registration. So the review asks, one member at a time, about
each member marked away since 12 months or more: keep her, mark her moved away (she leaves
the branch's count), or she came back. Every answer is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.core.context import Ctx
from bot.core.dialogs import Ask, Option, Stay, Values
from bot.core.i18n import N_, _
from bot.domain.rules import away_asked_by
from handlers import reviews_clubs
from storage.repositories import audit, reviews

KEEP, MOVED, BACK = "keep", "moved", "back"
TODO = "away_todo"


async def load_away(ctx: Ctx, values: Values, branch_id: int) -> None:
    """The members to ask about, kept in the dialog's values (plain JSON)."""
    rows = await reviews.away_members(ctx.session, branch_id, away_asked_by(ctx.today))
    values[TODO] = [[mid, name, since.isoformat()] for mid, name, since in rows]
    await reviews_clubs.load_migrants(ctx, values, branch_id, values[TODO])  # working far away


def _prompt(ctx: Ctx, values: Values) -> str:
    _mid, name, since = values[TODO][0]
    day = dt.date.fromisoformat(since)
    msg = _("{name} has been away since {month}: is she still registered as living here?")
    return msg.format(name=name, month=f"{day.month:02d}/{day.year}")


OPTIONS = [
    Option(KEEP, N_("Yes, still registered here")),
    Option(MOVED, N_("No, she moved away")),
    Option(BACK, N_("She came back")),
]


def _picked(choice: Any, ctx: Ctx, values: Values) -> Any:
    todo = list(values[TODO])
    mid = todo.pop(0)[0]
    answers = dict(values.get("away", {}))
    answers[str(mid)] = choice
    values[TODO] = todo
    return Stay(answers) if todo else answers


AWAY_STEP = Ask(
    "away",
    _prompt,
    options=OPTIONS,
    when=lambda v: bool(v.get(TODO)),
    on_pick=_picked,
)


def residence_note(values: Values) -> list[str]:
    """Her answers so far, written when she confirms (or opens a member flow)."""
    answers = list((values.get("away") or {}).values())
    moved, back = answers.count(MOVED), answers.count(BACK)
    if not moved and not back:
        return []
    msg = _("When you confirm, I will record: moved away {moved}; came back {back}")
    return ["- " + msg.format(moved=moved, back=back)]


async def apply_residence(ctx: Ctx, values: Values) -> dict[str, int]:
    """Write the answers (once: they are cleared); returns how many of each."""
    answers: dict[str, str] = values.pop("away", None) or {}
    counts = {KEEP: 0, MOVED: 0, BACK: 0}
    rest = await reviews_clubs.apply_migrants(ctx, answers, values)
    for key, choice in answers.items():
        if key not in rest and choice in counts:
            counts[choice] += 1
    answers = rest
    for key, choice in answers.items():
        mid = int(key)
        if choice == MOVED:
            done = await reviews.residence_moved_away(
                ctx.session, mid, ctx.today, ctx.now, ctx.person_id
            )
        elif choice == BACK:
            done = await reviews.came_back(ctx.session, mid)
        else:
            done = None
        if choice in counts:
            counts[choice] += 1
        await audit.record(
            ctx.session,
            ctx.now,
            ctx.person_id,
            "residence_reviewed",
            "member",
            mid,
            {"answer": choice, "changed": done is not None},
        )
    return {k: n for k, n in counts.items() if n}
