"""A big subtree's units and laid-out table, kept in this process between reports while the
organisation is unchanged.

Reading the nation's ~116,000 units and laying out their table (positions, who must meet
and review, default targets) is a third of a national report's work, and the same for every
report until a unit changes. Every change to org_unit, by any process, draws a new random
token (org_version, migration 0012): a report reads the token in its own transaction and
uses what is kept only under the same token, so it never sees an organisation other than
the one its transaction sees. No token (a database emptied since): nothing is kept.
Everything kept is read-only; a report copies the table before filling it in.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.figures import Table, UnitRow
from storage.models import OrgVersion

KEEP = 2  # subtrees (the nation and a province: ~60 MB for the nation)

_lock = threading.Lock()
_units: OrderedDict[tuple[int, int], dict[int, UnitRow]] = OrderedDict()
_layouts: OrderedDict[Hashable, tuple[Table, Any]] = OrderedDict()


async def org_token(s: AsyncSession) -> int | None:
    conn = await s.connection()
    token: int | None = await conn.scalar(select(OrgVersion.token).where(OrgVersion.id == 1))
    return token


def _get(store: OrderedDict[Any, Any], key: Any) -> Any:
    with _lock:
        found = store.get(key)
        if found is not None:
            store.move_to_end(key)
        return found


def _put(store: OrderedDict[Any, Any], key: Any, value: Any) -> None:
    with _lock:
        store[key] = value
        store.move_to_end(key)
        while len(store) > KEEP:
            store.popitem(last=False)


def units(root_id: int, token: int | None) -> dict[int, UnitRow] | None:
    return None if token is None else _get(_units, (root_id, token))


def keep_units(root_id: int, token: int | None, found: dict[int, UnitRow]) -> None:
    if token is not None:
        _put(_units, (root_id, token), found)


def layout(key: Hashable | None) -> tuple[Table, Any] | None:
    """A copy of the kept table laid out under `key`, and what was kept with it."""
    kept = None if key is None else _get(_layouts, key)
    return None if kept is None else (kept[0].copy(), kept[1])


def keep_layout(key: Hashable | None, table: Table, extra: Any) -> None:
    """Keep a copy of `table` as laid out (before any fact is written into it)."""
    if key is not None:
        _put(_layouts, key, (table.copy(), extra))


def forget() -> None:
    with _lock:
        _units.clear()
        _layouts.clear()
