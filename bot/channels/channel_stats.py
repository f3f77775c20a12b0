"""Per channel and bot: messages sent and failed this month, and the quota left (issue 19
item 4), for `chihoi zalo channels` and the admins' chat screen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from storage.repositories import channel_quota
from storage.sessions import Session


@dataclass(frozen=True, slots=True)
class ChannelLine:
    channel: str
    sent: int
    failed: int
    waiting: int
    # (bot, used, allowance, left) per bot with a known allowance (Zalo bots: this month;
    # ZNS: today, as the last response said).
    quotas: tuple[tuple[str, int, int | None, int | None], ...] = ()


async def summary(s: Session, now: dt.datetime, tz: ZoneInfo) -> list[ChannelLine]:
    local = now.astimezone(tz)
    month_start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    totals = await channel_quota.outbox_totals(s, month_start.astimezone(dt.UTC))
    usage = await channel_quota.latest(s, [local.strftime("%Y-%m"), local.strftime("%Y-%m-%d")])
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


def plain(lines: list[ChannelLine]) -> list[str]:
    """One line per channel for the CLI (English, tab-separated)."""
    rows = ["channel\tsent\tfailed\twaiting\tquota (bot used/allowance, left)"]
    for line in lines:
        q = ", ".join(
            f"{bot} {used}/{allow if allow is not None else '?'}, left {left if left is not None else '?'}"
            for bot, used, allow, left in line.quotas
        )
        rows.append(f"{line.channel}\t{line.sent}\t{line.failed}\t{line.waiting}\t{q or '-'}")
    return rows
