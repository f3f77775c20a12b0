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
from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.channels.outbound import Transports
from bot.config import SchedulerSettings, load
from bot.runtime import Runtime
from bot.scheduler.due import obsolete
from bot.scheduler.limits import Limits
from bot.scheduler.sender import Clock, Sender, WebTransport, utcnow
from bot.scheduler.sweep import sweep
from storage.seed_demo import WEB_BOT

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("chihoi.scheduler")
_HOURS = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


def limits_of(cfg: SchedulerSettings) -> dict[str, Limits]:
    return {
        "telegram": Limits(per_second=cfg.telegram_rate),
        "zalo": Limits(per_second=cfg.zalo_rate, per_chat_per_second=cfg.zalo_chat_rate),
        "web": Limits(per_second=1000.0, per_chat_per_second=1000.0),
    }


def make_sender(
    rt: Runtime, transports: Transports, cfg: SchedulerSettings, clock: Clock = utcnow
) -> Sender:
    return Sender(
        rt.maker,
        transports,
        limits=limits_of(cfg),
        clock=clock,
        quiet=rt.rules.quiet,
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
    rules = rt.rules

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
