"""A Zalo Bot Platform bot's monthly message allowance (ZALO.md: reported 3,000 on the free
plan, unverified, so ZALO_BOT_MONTHLY_QUOTA).

Sends are counted in memory and written in small batches (one upsert per `flush_every`
sends or `flush_seconds`), so a reply costs no extra transaction; several processes add
their batches to the same row. The admins are told once at ZALO_BOT_QUOTA_WARN_PCT and
once at 100%; from 100% the sender lets only replies, escalations and alerts through on
this bot (bot/scheduler/channel_choice.py) and folds routine reminders into the digest.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
from collections.abc import Callable

from bot.channels.admin_alerts import alert
from bot.core.i18n import _
from storage.db import transaction
from storage.repositories import channel_quota
from storage.sessions import Maker, Session

log = logging.getLogger("chihoi.zalo")
CHANNEL = "zalo"


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class BotQuota:
    def __init__(
        self,
        maker: Maker,
        bot_id: str,
        quota: int | None,
        warn_pct: int,
        tz: dt.tzinfo,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        flush_every: int = 10,
        flush_seconds: float = 5.0,
        channel: str = CHANNEL,
    ) -> None:
        self.channel = channel
        self.maker = maker
        self.bot_id = bot_id
        self.quota = quota
        self.warn_pct = warn_pct
        self.tz = tz
        self.clock = clock
        self.flush_every = flush_every
        self.flush_seconds = flush_seconds
        self._period = ""
        self._stored = 0  # the period's total as last read or written
        self._pending = 0
        self._last_flush = 0.0
        self._lock = asyncio.Lock()

    def period(self, now: dt.datetime | None = None) -> str:
        return (now or self.clock()).astimezone(self.tz).strftime("%Y-%m")

    @property
    def used(self) -> int:
        return self._stored + self._pending if self._period == self.period() else self._pending

    @property
    def exhausted(self) -> bool:
        return self.quota is not None and self.used >= self.quota

    async def count(self, n: int = 1) -> None:
        """One message went out; written now and then, and at once near a threshold."""
        self._pending += n
        now = self.clock()
        near = self.quota is not None and self.used * 100 >= self.quota * self.warn_pct
        due = now.timestamp() - self._last_flush >= self.flush_seconds
        if self._pending >= self.flush_every or near or due:
            await self.flush()

    async def refresh(self) -> int:
        """Read what every process has counted this period (the sender asks before a batch)."""
        await self.flush()
        return self.used

    async def flush(self) -> None:
        async with self._lock:
            now = self.clock()
            period = self.period(now)
            pending, self._pending = self._pending, 0
            try:
                async with transaction(self.maker) as s:
                    total = await channel_quota.add(
                        s, self.channel, self.bot_id, period, now, pending, quota=self.quota
                    )
                    await self._warn(s, period, total, now)
            except Exception:
                self._pending += pending  # counted next time
                log.exception("zalo_quota_flush_failed", extra={"bot": self.bot_id})
                return
            self._period, self._stored = period, total
            self._last_flush = now.timestamp()

    async def _warn(self, s: Session, period: str, total: int, now: dt.datetime) -> None:
        if self.quota is None:  # only counted (the OA, ZNS): no allowance to warn about
            return
        for level in (100, self.warn_pct):
            if total * 100 < self.quota * level:
                continue
            if await channel_quota.warn_once(s, self.channel, self.bot_id, period, level):
                key = f"quota|{self.channel}|{self.bot_id}|{period}|{level}"
                await alert(s, key, functools.partial(self._text, level, total), now)
                log.warning(
                    "zalo_quota_threshold",
                    extra={"bot": self.bot_id, "level": level, "sent": total},
                )
            break

    def _text(self, level: int, total: int) -> str:
        text = _(
            "The Zalo bot {bot} has sent {sent} of its {quota} messages this month ({pct}%)."
        ).format(bot=self.bot_id, sent=total, quota=self.quota, pct=level)
        if level >= 100:
            text += "\n" + _(
                "Until next month it sends only replies, escalations and alerts; routine "
                "reminders go into the commune chairs' weekly digest. Assign some units to "
                "another bot (ZALO_BOT_UNITS) or use the Official Account."
            )
        return text
