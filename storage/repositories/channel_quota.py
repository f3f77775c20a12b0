"""Messages sent per bot and period (Zalo bot months, ZNS days), and per-channel outbox totals."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import OutboxStatus
from storage.db import dialect_insert
from storage.models import ChannelQuota, Outbox
from storage.repositories.outbox import SKIPPED


@dataclass(frozen=True, slots=True)
class Usage:
    channel: str
    bot_id: str
    period: str
    sent: int
    failed: int
    quota: int | None
    remaining: int | None


def _usage(row: ChannelQuota) -> Usage:
    return Usage(
        row.channel, row.bot_id, row.period, row.sent, row.failed, row.quota, row.remaining
    )


async def add(
    s: AsyncSession,
    channel: str,
    bot_id: str,
    period: str,
    now: dt.datetime,
    sent: int = 0,
    failed: int = 0,
    quota: int | None = None,
) -> int:
    """Count sends (one upsert, safe when two processes count at once); the period's total.
    `quota`: the allowance configured for it (a Zalo bot's month), kept for the admins' view."""
    insert = dialect_insert(s)
    table = ChannelQuota.__table__
    stmt = insert(table).values(
        channel=channel, bot_id=bot_id, period=period, sent=sent, failed=failed, warned=0,
        quota=quota, updated_at=now,
    )  # fmt: skip
    changes = {"sent": table.c.sent + sent, "failed": table.c.failed + failed, "updated_at": now}
    if quota is not None:
        changes["quota"] = quota
    upsert = stmt.on_conflict_do_update(
        index_elements=["channel", "bot_id", "period"], set_=changes
    ).returning(table.c.sent)
    return int((await s.execute(upsert)).scalar_one())


async def set_quota(
    s: AsyncSession,
    channel: str,
    bot_id: str,
    period: str,
    quota: int | None,
    remaining: int | None,
    now: dt.datetime,
) -> None:
    """What the platform said is allowed and left (ZNS answers it with every send)."""
    await add(s, channel, bot_id, period, now)
    await s.execute(
        update(ChannelQuota)
        .where(
            ChannelQuota.channel == channel,
            ChannelQuota.bot_id == bot_id,
            ChannelQuota.period == period,
        )
        .values(quota=quota, remaining=remaining, updated_at=now)
    )


async def get(s: AsyncSession, channel: str, bot_id: str, period: str) -> Usage | None:
    row = await s.get(ChannelQuota, (channel, bot_id, period))
    return _usage(row) if row is not None else None


async def warn_once(s: AsyncSession, channel: str, bot_id: str, period: str, level: int) -> bool:
    """True the first time `level` (80, 100) is reached this period, in any process."""
    result = await s.execute(
        update(ChannelQuota)
        .where(
            ChannelQuota.channel == channel,
            ChannelQuota.bot_id == bot_id,
            ChannelQuota.period == period,
            ChannelQuota.warned < level,
        )
        .values(warned=level)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def latest(s: AsyncSession, periods: list[str]) -> list[Usage]:
    """Usage rows of the given periods (this month, today), by channel and bot."""
    stmt = (
        select(ChannelQuota)
        .where(ChannelQuota.period.in_(periods))
        .order_by(ChannelQuota.channel, ChannelQuota.bot_id, ChannelQuota.period)
    )
    return [_usage(r) for r in (await s.scalars(stmt)).all()]


async def outbox_totals(s: AsyncSession, since: dt.datetime) -> dict[str, dict[str, int]]:
    """Outbox rows created since `since`, per channel: sent, failed, waiting (skipped apart)."""
    stmt = (
        select(Outbox.channel, Outbox.status, Outbox.last_error == SKIPPED, func.count(Outbox.id))
        .where(Outbox.created_at >= since)
        .group_by(Outbox.channel, Outbox.status, Outbox.last_error == SKIPPED)
    )
    out: dict[str, dict[str, int]] = {}
    for channel, status, skipped, n in (await s.execute(stmt)).all():
        row = out.setdefault(channel, {"sent": 0, "failed": 0, "waiting": 0, "skipped": 0})
        if status == OutboxStatus.SENT:
            row["skipped" if skipped else "sent"] += int(n)
        elif status == OutboxStatus.FAILED:
            row["failed"] += int(n)
        else:
            row["waiting"] += int(n)
    return out


@dataclass(frozen=True, slots=True)
class ChannelLine:
    channel: str
    sent: int
    failed: int
    waiting: int
    # (bot, used, allowance, left) per bot with a known allowance (Zalo bots: this month;
    # ZNS: today, as the last response said).
    quotas: tuple[tuple[str, int, int | None, int | None], ...] = ()


async def summary(s: AsyncSession, now: dt.datetime, tz: dt.tzinfo) -> list[ChannelLine]:
    local = now.astimezone(tz)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    totals = await outbox_totals(s, month_start.astimezone(dt.UTC))
    usage = await latest(s, [local.strftime("%Y-%m"), local.strftime("%Y-%m-%d")])
    quotas: dict[str, list[tuple[str, int, int | None, int | None]]] = {}
    for u in usage:
        left = u.remaining if u.remaining is not None else (
            max(u.quota - u.sent, 0) if u.quota is not None else None
        )  # fmt: skip
        quotas.setdefault(u.channel, []).append((u.bot_id, u.sent, u.quota, left))
    out = []
    for channel in sorted(set(totals) | set(quotas)):
        t = totals.get(channel, {})
        out.append(
            ChannelLine(
                channel,
                t.get("sent", 0),
                t.get("failed", 0),
                t.get("waiting", 0),
                tuple(quotas.get(channel, [])),
            )
        )
    return out
