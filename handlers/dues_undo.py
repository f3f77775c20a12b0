"""Undo a batch of dues typed by mistake: new rows reverse it, the old ones stay (issue 17:
corrections are reversing entries, never edits)."""

from __future__ import annotations

import datetime as dt

from bot.core.context import BRANCH_ROLES, Ctx
from bot.core.dialogs import Choose, Confirm, Dialog, Option, Retry, Values
from bot.core.i18n import N_, _, format_date
from bot.core.types import Reply
from bot.reports.dues_text import money
from handlers.dues_common import branch_options, start_branch
from handlers.scope import still_covers
from storage.repositories import dues


async def _batches(ctx: Ctx, values: Values) -> list[tuple[str, dt.date, int, int]]:
    return list(await dues.last_batches(ctx.session, int(values["branch_id"]), int(values["year"])))


async def _start(ctx: Ctx, values: Values) -> Retry | None:
    refused = await start_branch(ctx, values)
    if refused is not None or "branch_id" not in values:
        return refused
    if not await _batches(ctx, values):
        return Retry(_("There are no dues recorded this year to undo."))
    return None


async def _options(ctx: Ctx, values: Values) -> list[Option]:
    return [
        Option(
            batch,
            _("{date}: {count} members, {total}").format(
                date=format_date(day)[:5], count=n, total=money(total)
            ),
        )
        for batch, day, n, total in await _batches(ctx, values)
    ]


async def _summary(ctx: Ctx, values: Values) -> str:
    found = {b: (n, t) for b, _d, n, t in await _batches(ctx, values)}
    n, total = found.get(values["batch"], (0, 0))
    return _(
        "I will add entries cancelling these {count} payments ({total}); the old ones stay in the book."
    ).format(count=n, total=money(total))


async def _save(ctx: Ctx, values: Values) -> list[Reply]:
    n = await dues.reverse_batch(
        ctx.session, int(values["branch_id"]), values["batch"], ctx.person_id, ctx.now
    )
    if n == 0:
        return [Reply(_("This entry has already been corrected. I saved nothing."))]
    return [
        Reply(
            _(
                "Done: {count} payments cancelled. Record them again with “Record dues paid”."
            ).format(count=n)
        )
    ]


UNDO = Dialog(
    "dues_undo",
    steps=[
        Choose(
            "branch_id", N_("Which branch?"), branch_options, when=lambda v: "branch_id" not in v
        ),
        Choose("batch", N_("Which recording was wrong?"), _options),
        Confirm(_summary),
    ],
    on_done=_save,
    on_start=_start,
    recheck=still_covers("branch_id", BRANCH_ROLES),
    help=N_("A recording typed by mistake is cancelled by new entries; nothing is deleted."),
)
