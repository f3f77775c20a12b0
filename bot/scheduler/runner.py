"""The scheduler of `chihoi run`: APScheduler cron jobs that sweep, and the sender's loop.

There is no job per person or per branch: two cron jobs (the daily sweep, the Monday
digest) call the same idempotent `sweep`, then wake the sender. Several processes may
run this; the sweep's advisory lock and the outbox's row claims keep them apart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from dataclasses import replace
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.channels.outbound import Transports
from bot.config import load
from bot.runtime import Runtime
from bot.scheduler.limits import Limits
from bot.scheduler.rules import QuietHours, Rules, configured
from bot.scheduler.sender import Clock, Sender, WebTransport, utcnow
from bot.scheduler.sweep import sweep
from bot.scheduler.sweep_rules import obsolete
from storage.seed_demo import WEB_BOT

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("chihoi.scheduler")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class SchedulerSettings(BaseSettings):
    """Knobs of reminders and sending (README "Configuration"); CHIHOI_SWEEP_CRON is in Settings."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    digest_cron: str = Field(default="30 7 * * 1", alias="CHIHOI_DIGEST_CRON")
    quiet_hours: str = Field(default="21:00-07:00", alias="CHIHOI_QUIET_HOURS")
    telegram_rate: float = Field(default=30.0, gt=0, alias="CHIHOI_TELEGRAM_RATE")
    zalo_rate: float = Field(default=10.0, gt=0, alias="CHIHOI_ZALO_RATE")
    zalo_chat_rate: float = Field(default=1.0, gt=0, alias="CHIHOI_ZALO_CHAT_RATE")
    lease_seconds: int = Field(default=120, ge=10, alias="CHIHOI_OUTBOX_LEASE")
    max_attempts: int = Field(default=5, ge=1, alias="CHIHOI_OUTBOX_MAX_ATTEMPTS")

    @field_validator("quiet_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        if value.strip() and not _HOURS.match(value):
            raise ValueError("expected HH:MM-HH:MM, e.g. 21:00-07:00 (empty: no quiet hours)")
        return value

    @field_validator("digest_cron")
    @classmethod
    def _cron(cls, value: str) -> str:
        CronTrigger.from_crontab(value)
        return value

    def quiet(self, tz: ZoneInfo) -> QuietHours | None:
        m = _HOURS.match(self.quiet_hours)
        if m is None:
            return None
        h1, m1, h2, m2 = (int(g) for g in m.groups())
        return QuietHours(dt.time(h1, m1), dt.time(h2, m2), tz)

    def limits(self) -> dict[str, Limits]:
        return {
            "telegram": Limits(per_second=self.telegram_rate),
            "zalo": Limits(per_second=self.zalo_rate, per_chat_per_second=self.zalo_chat_rate),
            "web": Limits(per_second=1000.0, per_chat_per_second=1000.0),
        }


def rules_for(rt: Runtime, cfg: SchedulerSettings) -> Rules:
    quiet = cfg.quiet(rt.settings.zone)
    # No quiet hours: a window that never matches.
    never = QuietHours(dt.time(0, 0), dt.time(0, 0), rt.settings.zone)
    return replace(configured(), quiet=quiet or never, tz=rt.settings.zone)


def make_sender(
    rt: Runtime, transports: Transports, cfg: SchedulerSettings, clock: Clock = utcnow
) -> Sender:
    rules = rules_for(rt, cfg)
    return Sender(
        rt.maker,
        transports,
        limits=cfg.limits(),
        clock=clock,
        quiet=rules.quiet,
        lease=dt.timedelta(seconds=cfg.lease_seconds),
        max_attempts=cfg.max_attempts,
        obsolete=obsolete,
    )


def transports_of(rt: Runtime) -> Transports:
    """The channels' transports (added by bot.channels.setup), plus the web simulator's."""
    if rt.transports.get("web", WEB_BOT) is None:
        rt.transports.add(WebTransport(WEB_BOT))
    return rt.transports


def add_scheduler(rt: Runtime, services: Services) -> None:
    """Register the cron jobs and the sender loop as one background task of `chihoi run`."""
    cfg = load(SchedulerSettings)  # a bad value stops the start with one line
    tz = rt.settings.zone
    sweep_trigger = CronTrigger.from_crontab(rt.settings.sweep_cron, timezone=tz)
    digest_trigger = CronTrigger.from_crontab(cfg.digest_cron, timezone=tz)
    rules = rules_for(rt, cfg)

    async def run() -> None:
        sender = make_sender(rt, transports_of(rt), cfg)
        stop, wake = asyncio.Event(), asyncio.Event()

        async def job() -> None:
            report = await sweep(rt.maker, utcnow(), rules, rt.engine.registry)
            log.info("sweep", extra={"added": report.total(), "skipped": report.skipped})
            wake.set()

        scheduler = AsyncIOScheduler(timezone=tz)
        options = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600}
        scheduler.add_job(job, sweep_trigger, id="sweep", **options)
        scheduler.add_job(job, digest_trigger, id="digest", **options)
        # Jobs live in memory, so a sweep missed while the process was down would wait a
        # day; one at start catches up (a sweep is idempotent and sends only the latest step).
        scheduler.add_job(job, id="catch-up")
        scheduler.start()
        try:
            await sender.run(stop, wake)
        finally:
            scheduler.shutdown(wait=False)

    services.tasks.append(run)
    services.names.append(
        f"scheduler: sweep '{rt.settings.sweep_cron}', digest '{cfg.digest_cron}' ({rt.settings.tz})"
    )
