"""One sweep at a time across processes: a PostgreSQL advisory lock held for the transaction."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

LOCK_KEY = 0x63686968  # "chih"


async def try_lock(s: AsyncSession) -> bool:
    """Take the sweep lock for this transaction; False when another sweep holds it."""
    if s.bind.dialect.name != "postgresql":
        return True  # SQLite: the transaction is BEGIN IMMEDIATE, one writer at a time
    got = await s.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    return bool(got)
