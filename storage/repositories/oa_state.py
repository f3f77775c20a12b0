"""The Official Account's sealed tokens (one refresher at a time), its webhook inbox
(deduplicated on msg_id) and each user's last interaction."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage import secret_box
from storage.db import dialect_insert
from storage.models import OaContact, OaInbox, OaToken


@dataclass(frozen=True, slots=True)
class TokenPair:
    access: str
    refresh: str
    expires_at: dt.datetime
    version: int
    failed: str | None = None


def _pair(row: OaToken) -> TokenPair:
    return TokenPair(
        secret_box.open_token(row.access_enc, "access"),
        secret_box.open_token(row.refresh_enc, "refresh"),
        row.access_expires_at,
        row.version,
        row.failure if row.failed_at is not None else None,
    )


async def token(s: AsyncSession, oa_id: str) -> TokenPair | None:
    row = await s.get(OaToken, oa_id, populate_existing=True)
    return _pair(row) if row is not None else None


_LOCAL: dict[str, asyncio.Lock] = {}


@asynccontextmanager
async def refresh_lock(maker: async_sessionmaker[AsyncSession], oa_id: str) -> AsyncIterator[None]:
    """One refresher per OA at a time, across processes, without a transaction held open
    over the HTTP call: on PostgreSQL a session advisory lock on a connection of its own
    (released by the server if the process dies); on SQLite (one process) an asyncio lock.
    """
    engine: AsyncEngine = maker.kw["bind"]
    local = _LOCAL.setdefault(oa_id, asyncio.Lock())
    async with local:
        if engine.dialect.name != "postgresql":
            yield
            return
        key = {"k": f"chihoi-oa-refresh:{oa_id}"}
        async with engine.connect() as conn:
            await conn.execute(text("SELECT pg_advisory_lock(hashtext(:k))"), key)
            await conn.commit()
            try:
                yield
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(hashtext(:k))"), key)
                await conn.commit()


async def lock_token(s: AsyncSession, oa_id: str) -> TokenPair | None:
    """The pair, locked for this transaction: one refresher per OA across processes.

    PostgreSQL: the row is locked (FOR UPDATE) until commit; a second refresher waits and
    then reads the pair the first one saved. SQLite: the transaction is BEGIN IMMEDIATE,
    already the only writer.
    """
    if s.bind.dialect.name == "postgresql":
        await s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"oa:{oa_id}"})
    stmt = select(OaToken).where(OaToken.oa_id == oa_id).execution_options(populate_existing=True)
    if s.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    row = (await s.scalars(stmt)).first()
    return _pair(row) if row is not None else None


async def save_token(
    s: AsyncSession,
    oa_id: str,
    access: str,
    refresh: str,
    expires_at: dt.datetime,
    now: dt.datetime,
) -> int:
    """Store a new pair (sealed) and clear a failure; the new version."""
    access_enc = secret_box.seal_token(access, "access")
    refresh_enc = secret_box.seal_token(refresh, "refresh")
    row = await s.get(OaToken, oa_id)
    if row is None:
        row = OaToken(
            oa_id=oa_id, access_enc=access_enc, refresh_enc=refresh_enc,
            access_expires_at=expires_at, refreshed_at=now, version=1,
        )  # fmt: skip
        s.add(row)
    else:
        row.access_enc, row.refresh_enc = access_enc, refresh_enc
        row.access_expires_at, row.refreshed_at = expires_at, now
        row.version += 1
        row.failed_at, row.failure = None, None
    await s.flush()
    return row.version


async def token_failed(s: AsyncSession, oa_id: str, reason: str, now: dt.datetime) -> bool:
    """Record a refused refresh; True only for the first failure (admins are told once)."""
    result = await s.execute(
        update(OaToken)
        .where(OaToken.oa_id == oa_id, OaToken.failed_at.is_(None))
        .values(failed_at=now, failure=reason[:200])
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def inbox_add(
    s: AsyncSession, key: str, oa_id: str, body: dict[str, Any], now: dt.datetime
) -> bool:
    """Queue one webhook event; False when its key was seen before (a redelivery)."""
    insert = dialect_insert(s)
    stmt = (
        insert(OaInbox.__table__)
        .values(key=key, oa_id=oa_id, body=body, received_at=now, attempts=0)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OaInbox.__table__.c.id)
    )
    return (await s.execute(stmt)).scalar() is not None


@dataclass(frozen=True, slots=True)
class Queued:
    id: int
    oa_id: str
    body: dict[str, Any]
    attempts: int


async def inbox_claim(
    s: AsyncSession, now: dt.datetime, limit: int, lease: dt.timedelta
) -> list[Queued]:
    """Events not yet handled (or whose handler died), oldest first, claimed under a lease."""
    pick = (
        select(OaInbox.id)
        .where(
            OaInbox.done_at.is_(None),
            or_(OaInbox.claimed_at.is_(None), OaInbox.claimed_at < now - lease),
        )
        .order_by(OaInbox.id)
        .limit(limit)
    )
    if s.bind.dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    ids = list((await s.scalars(pick)).all())
    if not ids:
        return []
    await s.execute(
        update(OaInbox)
        .where(OaInbox.id.in_(ids))
        .values(claimed_at=now, attempts=OaInbox.attempts + 1)
    )
    rows = (await s.scalars(select(OaInbox).where(OaInbox.id.in_(ids)).order_by(OaInbox.id))).all()
    return [Queued(r.id, r.oa_id, dict(r.body), r.attempts) for r in rows]


async def inbox_done(s: AsyncSession, ids: list[int], now: dt.datetime) -> None:
    if ids:
        await s.execute(update(OaInbox).where(OaInbox.id.in_(ids)).values(done_at=now))


async def touch(s: AsyncSession, oa_id: str, user_id: str, at: dt.datetime) -> None:
    """Her last interaction (never moved backwards by a late redelivery)."""
    insert = dialect_insert(s)
    table = OaContact.__table__
    stmt = insert(table).values(oa_id=oa_id, user_id=user_id, last_interaction_at=at)
    stmt = stmt.on_conflict_do_update(
        index_elements=["oa_id", "user_id"],
        set_={"last_interaction_at": at},
        where=table.c.last_interaction_at < at,
    )
    await s.execute(stmt)


async def last_interaction(s: AsyncSession, oa_id: str, user_id: str) -> dt.datetime | None:
    row = await s.get(OaContact, (oa_id, user_id), populate_existing=True)
    return row.last_interaction_at if row is not None else None
