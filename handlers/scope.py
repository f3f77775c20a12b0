"""The save-time scope check most dialogs need: she still holds a role covering the unit."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core.context import Ctx
from bot.core.dialogs import Retry, Values
from bot.core.i18n import N_, Msg, tr
from bot.domain.enums import RoleKind
from storage.repositories import org

Recheck = Callable[[Ctx, Values], Awaitable[Retry | None]]


NOT_YOURS = N_("You no longer look after this unit.")


def still_covers(key: str, kinds: frozenset[RoleKind], refusal: Msg = NOT_YOURS) -> Recheck:
    """A `Dialog.recheck`: the unit in `values[key]` (an id, or a dict with "id"), read again,
    is under a unit where she holds one of `kinds` now (roles are read fresh every turn)."""

    async def recheck(ctx: Ctx, values: Values) -> Retry | None:
        raw = values.get(key)
        uid = raw.get("id") if isinstance(raw, dict) else raw
        unit = await org.by_id(ctx.session, int(uid)) if uid is not None else None
        if unit is not None and (
            ctx.is_admin or any(unit.path.startswith(u.path) for u in ctx.units_for(kinds))
        ):
            return None
        return Retry(tr(refusal))

    return recheck
