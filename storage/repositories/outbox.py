"""The durable outbox: enqueue (a unique key per message), claim under a lease, and settle.

Every message exists at most once: its unique key makes a second insert a no-op. Life of a
row: pending -> sending (claimed, `attempts` + 1, `claimed_at` = now) -> sent | failed, or
back to pending with a later `not_before` when a send should be retried. A row left in
sending longer than the lease (its sender died) is claimed again by the next drain. On
PostgreSQL rows are claimed with FOR UPDATE SKIP LOCKED, so senders in several processes
never take the same row; on SQLite each claim is one BEGIN IMMEDIATE transaction and one
sender process is expected. bot/scheduler/sender.py delivers the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    Integer,
    Select,
    Table,
    any_,
    bindparam,
    func,
    select,
    text,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import OutboxStatus
from storage.models import Outbox
from storage.prepared import Prepared
from storage.repositories import outbox_insert

# Marks a row finished without delivery because the task got done before it went out.
SKIPPED = "skipped: no longer due"
ERROR_LIMIT = 300


@dataclass(frozen=True, slots=True)
class NewMessage:
    """A row the sweep wants to exist; its `key` makes a second copy impossible."""

    key: str
    kind: str
    person_id: int | None
    channel: str
    bot_id: str
    chat_id: str
    payload: dict[str, Any]
    not_before: dt.datetime


async def enqueue_many(
    s: AsyncSession, messages: Sequence[NewMessage], now: dt.datetime, chunk: int = 5000
) -> list[str]:
    """Insert the messages whose key is new; returns the keys actually added.

    Inserting with ON CONFLICT DO NOTHING (rather than reading existing keys first) keeps it
    correct when two sweeps race.
    """
    return await outbox_insert.insert_many(s, messages, now, chunk)


async def enqueue(
    s: AsyncSession,
    key: str,
    kind: str,
    channel: str,
    bot_id: str,
    chat_id: str,
    payload: dict[str, Any],
    now: dt.datetime,
    not_before: dt.datetime | None = None,
    person_id: int | None = None,
) -> bool:
    """Add a message unless one with the same key exists; True when added.

    `payload` is {"text": str, "choices": [[key, label], ...], "attachment": {...}?}.
    """
    message = NewMessage(key, kind, person_id, channel, bot_id, chat_id, payload, not_before or now)
    return bool(await enqueue_many(s, [message], now))


@dataclass(frozen=True, slots=True)
class Claimed:
    """One row taken for delivery by this sender."""

    id: int
    key: str
    kind: str
    person_id: int | None
    channel: str
    bot_id: str
    chat_id: str
    payload: dict[str, Any]
    attempts: int
    claimed_at: dt.datetime


async def claim(
    s: AsyncSession,
    now: dt.datetime,
    limit: int,
    lease: dt.timedelta,
    routes: Collection[tuple[str, str]] | None,
    kinds: Collection[str] | None = None,
    expired: bool = True,
) -> list[Claimed]:
    """Take up to `limit` due rows (of the given (channel, bot_id) routes, if any).

    Due: pending with `not_before` reached, or sending with an expired lease (looked for
    only if `expired`: the scan reads every row in sending, which in a broadcast is every
    row sent since the last vacuum). `kinds` restricts the claim (quiet hours let only
    replies through).
    """
    if routes is not None and not routes:
        return []
    # Two index range scans (ix_outbox_due) rather than one OR: an OR makes PostgreSQL
    # gather and sort every due row for each batch, which in a broadcast is all of them.
    taken: list[Any] = []
    if expired:
        stale = _pick(s, routes, kinds, limit).where(
            Outbox.status == OutboxStatus.SENDING, Outbox.claimed_at < now - lease
        )
        taken += await _take(s, stale, now)
    if len(taken) < limit:
        pending = _pick(s, routes, kinds, limit - len(taken)).where(
            Outbox.status == OutboxStatus.PENDING, Outbox.not_before <= now
        )
        # By not_before alone: a sweep's rows share one instant, and a tie-break on id
        # would sort all of them for every batch.
        taken += await _take(s, pending.order_by(Outbox.not_before), now)
    claimed = [
        Claimed(
            id=r.id,
            key=r.key,
            kind=r.kind,
            person_id=r.person_id,
            channel=r.channel,
            bot_id=r.bot_id,
            chat_id=r.chat_id,
            payload=dict(r.payload or {}),
            attempts=r.attempts,
            claimed_at=now,
        )
        for r in taken
    ]
    return sorted(claimed, key=lambda c: c.id)


async def _take(s: AsyncSession, pick: Select[tuple[int]], now: dt.datetime) -> list[Any]:
    """Mark the picked rows sending in one statement (no ids sent back and forth)."""
    table = cast(Table, Outbox.__table__)
    c = table.c
    stmt = (
        update(table)
        .where(c.id.in_(pick))
        .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=c.attempts + 1)
        .returning(
            c.id, c.key, c.kind, c.person_id, c.channel, c.bot_id, c.chat_id, c.payload, c.attempts
        )
    )
    return list((await s.execute(stmt)).all())


def _pick(
    s: AsyncSession,
    routes: Collection[tuple[str, str]] | None,
    kinds: Collection[str] | None,
    limit: int,
) -> Select[tuple[int]]:
    pick = select(Outbox.id).limit(limit)
    if routes is not None:
        pick = pick.where(tuple_(Outbox.channel, Outbox.bot_id).in_(list(routes)))
    if kinds is not None:
        pick = pick.where(Outbox.kind.in_(list(kinds)))
    if s.bind.dialect.name == "postgresql":
        # Rows another sender holds are skipped, not waited for.
        pick = pick.with_for_update(skip_locked=True)
    return pick


async def mark_sent(s: AsyncSession, ids: Collection[int], now: dt.datetime) -> int:
    """Record delivery. Only rows still in sending change (a re-claimed row is not sent twice
    in the table's eyes, even if a slow first sender finishes late)."""
    if not ids:
        return 0
    if s.bind.dialect.name == "postgresql":
        # One statement whatever the number of ids (an IN list of each new length is a new
        # statement for the server to parse and plan, at every group commit of a broadcast).
        return await _MARK_SENT_PG.rowcount(s, ids=list(ids), now=now)
    result = await s.execute(
        update(Outbox)
        .where(Outbox.id.in_(list(ids)), Outbox.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.SENT, sent_at=now, last_error=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


_MARK_SENT_PG = Prepared(
    update(Outbox)
    .where(
        Outbox.id == any_(bindparam("ids", type_=ARRAY(Integer))),
        # Not indexable on purpose: the rows are found by id. Judged by statistics taken
        # when little was in sending, `status = 'sending'` would send the planner down
        # ix_outbox_due through every row of a running broadcast (7 ms for 60 rows at
        # 10,000 in sending, against 0.3 ms by primary key).
        text(f"outbox.status || '' = '{OutboxStatus.SENDING.value}'"),
    )
    .values(
        status=OutboxStatus.SENT,
        sent_at=bindparam("now", type_=Outbox.sent_at.type),
        last_error=None,
    )
)


async def set_payloads(s: AsyncSession, payloads: dict[int, dict[str, Any]]) -> None:
    """Keep the payload a row was sent with (composed at send time) as its record."""
    for row_id, payload in payloads.items():
        await s.execute(update(Outbox).where(Outbox.id == row_id).values(payload=payload))


async def mark_skipped(s: AsyncSession, ids: Collection[int]) -> None:
    """Finish rows that need no delivery any more: status sent, `sent_at` left empty."""
    if ids:
        await s.execute(
            update(Outbox)
            .where(Outbox.id.in_(list(ids)))
            .values(status=OutboxStatus.SENT, sent_at=None, last_error=SKIPPED)
        )


async def retry_later(s: AsyncSession, row_id: int, not_before: dt.datetime, error: str) -> None:
    await s.execute(
        update(Outbox)
        .where(Outbox.id == row_id, Outbox.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.PENDING, not_before=not_before, last_error=error[:ERROR_LIMIT])
    )


async def mark_failed(s: AsyncSession, row_id: int, error: str) -> None:
    await s.execute(
        update(Outbox)
        .where(Outbox.id == row_id, Outbox.status == OutboxStatus.SENDING)
        .values(status=OutboxStatus.FAILED, last_error=error[:ERROR_LIMIT])
    )


async def release(s: AsyncSession, ids: Collection[int], not_before: dt.datetime) -> None:
    """Hand claimed rows back untried (quiet hours began, shutting down): no attempt counted."""
    if ids:
        await s.execute(
            update(Outbox)
            .where(Outbox.id.in_(list(ids)), Outbox.status == OutboxStatus.SENDING)
            .values(
                status=OutboxStatus.PENDING,
                not_before=not_before,
                attempts=func.max(Outbox.attempts - 1, 0)
                if s.bind.dialect.name == "sqlite"
                else func.greatest(Outbox.attempts - 1, 0),
            )
        )


async def failed(s: AsyncSession, limit: int = 100) -> list[Outbox]:
    """Rows given up on, newest first: what an admin looks at (`chihoi jobs failed`)."""
    stmt = (
        select(Outbox)
        .where(Outbox.status == OutboxStatus.FAILED)
        .order_by(Outbox.id.desc())
        .limit(limit)
    )
    return list((await s.scalars(stmt)).all())


async def requeue_failed(s: AsyncSession, now: dt.datetime, ids: Collection[int] | None) -> int:
    """Give failed rows (all, or the given ids) a fresh set of attempts."""
    stmt = update(Outbox).where(Outbox.status == OutboxStatus.FAILED)
    if ids is not None:
        stmt = stmt.where(Outbox.id.in_(list(ids)))
    result = await s.execute(
        stmt.values(status=OutboxStatus.PENDING, attempts=0, not_before=now, last_error=None)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def counts(s: AsyncSession) -> dict[str, int]:
    """Rows per status, for operators."""
    stmt = select(Outbox.status, func.count(Outbox.id)).group_by(Outbox.status)
    return {str(status.value): int(n) for status, n in (await s.execute(stmt)).all()}


async def existing_keys(s: AsyncSession, keys: Collection[str]) -> set[str]:
    """Which of `keys` already have a row (in any status)."""
    stmt = select(Outbox.key).where(Outbox.key.in_(list(keys)))
    return set((await s.scalars(stmt)).all())


async def keys_since(
    s: AsyncSession, person_id: int | None, kind: str, since: dt.datetime
) -> list[str]:
    """Keys of the person's rows of `kind` created at or after `since`."""
    stmt = select(Outbox.key).where(
        Outbox.person_id == person_id, Outbox.kind == kind, Outbox.created_at >= since
    )
    return list((await s.scalars(stmt)).all())


# --- what the web simulator shows as "messages to come" ---


@dataclass(frozen=True, slots=True)
class Queued:
    """One outbox row as a reader sees it."""

    id: int
    kind: str
    status: OutboxStatus
    not_before: dt.datetime
    payload: dict[str, Any]
    sent_at: dt.datetime | None = None
    last_error: str | None = None

    @property
    def skipped(self) -> bool:
        """Finished without delivery (the task got done first): never "sent" to a reader."""
        return self.status == OutboxStatus.SENT and self.last_error == SKIPPED


async def for_chat(s: AsyncSession, channel: str, chat_id: str, limit: int) -> list[Queued]:
    """The chat's latest `limit` rows, latest due first."""
    rows = await s.execute(
        select(
            Outbox.id,
            Outbox.kind,
            Outbox.status,
            Outbox.not_before,
            Outbox.payload,
            Outbox.sent_at,
            Outbox.last_error,
        )
        .where(Outbox.channel == channel, Outbox.chat_id == chat_id)
        .order_by(Outbox.not_before.desc(), Outbox.id.desc())
        .limit(limit)
    )
    return [Queued(*row) for row in rows.all()]


async def scrub_waiting(s: AsyncSession, words: Collection[str], replacement: str) -> int:
    """Replace `words` (an erased member's name) in every message not yet sent; how many
    messages changed. Waiting rows are few (a day's reminders), so they are read whole."""
    wanted = [w for w in words if w]
    if not wanted:
        return 0
    stmt = select(Outbox).where(Outbox.status.in_((OutboxStatus.PENDING, OutboxStatus.SENDING)))
    changed = 0
    for row in (await s.scalars(stmt)).all():
        text = row.payload.get("text")
        if not isinstance(text, str) or not any(w in text for w in wanted):
            continue
        for w in sorted(wanted, key=len, reverse=True):
            text = text.replace(w, replacement)
        row.payload = {**row.payload, "text": text}
        changed += 1
    return changed
