"""The scheduler of `chihoi run`: APScheduler cron jobs that sweep, and the sender's loop.

There is no job per person or per branch: two cron jobs (the daily sweep, the Monday
digest) call the same idempotent `sweep`, then wake the sender. Several processes may
run this; the sweep's advisory lock, one sender per bot at a time (its lock) and the
outbox's row claims keep them apart.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.channels.outbound import Transports
from bot.config import SchedulerSettings, Settings
from bot.core.features import Registry
from bot.domain.rules import Rules
from bot.reports.pushes import composers as report_composers
from bot.scheduler import channel_choice
from bot.scheduler.due import obsolete
from bot.scheduler.limits import Limits
from bot.scheduler.sender import Clock, Sender, WebTransport, utcnow
from bot.scheduler.sweep import sweep
from bot.seeding.demo import WEB_BOT
from storage.db import transaction
from storage.repositories import retention
from storage.sessions import Maker

log = logging.getLogger("chihoi.scheduler")


def limits_of(cfg: SchedulerSettings) -> dict[str, Limits]:
    return {
        "telegram": Limits(per_second=cfg.telegram_rate),
        "zalo": Limits(per_second=cfg.zalo_rate, per_chat_per_second=cfg.zalo_chat_rate),
        "web": Limits(per_second=1000.0, per_chat_per_second=1000.0),
    }


def make_sender(
    maker: Maker,
    transports: Transports,
    rules: Rules,
    cfg: SchedulerSettings,
    clock: Clock = utcnow,
) -> Sender:
    return Sender(
        maker,
        transports,
        limits=limits_of(cfg),
        clock=clock,
        quiet=rules.quiet,
        lease=dt.timedelta(seconds=cfg.lease_seconds),
        max_attempts=cfg.max_attempts,
        obsolete=obsolete,
        composers={**report_composers(rules), **channel_choice.composers()},
        steer=channel_choice.build(maker, transports, rules.tz),  # issue 19
    )


def with_web(transports: Transports) -> Transports:
    """The channels' transports (added by bot.channels.setup), plus the web simulator's."""
    if transports.get("web", WEB_BOT) is None:
        transports.add(WebTransport(WEB_BOT))
    return transports


def scheduler_task(
    maker: Maker,
    rules: Rules,
    registry: Registry,
    transports: Transports,
    settings: Settings,
    cfg: SchedulerSettings,
) -> tuple[Callable[[], Awaitable[None]], str]:
    """The cron jobs and the sender loop as one background task of `chihoi run`, and its name."""
    tz = settings.zone
    sweep_trigger = CronTrigger.from_crontab(settings.sweep_cron, timezone=tz)
    digest_trigger = CronTrigger.from_crontab(cfg.digest_cron, timezone=tz)

    async def run() -> None:
        sender = make_sender(maker, with_web(transports), rules, cfg)
        stop, wake = asyncio.Event(), asyncio.Event()

        async def job() -> None:
            report = await sweep(maker, utcnow(), rules, registry)
            log.info("sweep", extra={"added": report.total(), "skipped": report.skipped})
            wake.set()

        async def prune() -> None:
            before = utcnow() - dt.timedelta(days=cfg.retention_days)
            async with transaction(maker) as s:
                done = await retention.prune(s, before)
            log.info("pruned", extra={"updates": done.updates, "conversations": done.conversations})

        scheduler = AsyncIOScheduler(timezone=tz)
        options = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 3600}
        scheduler.add_job(job, sweep_trigger, id="sweep", **options)
        scheduler.add_job(prune, sweep_trigger, id="prune", **options)
        scheduler.add_job(job, digest_trigger, id="digest", **options)
        # Jobs live in memory, so a sweep missed while the process was down would wait a
        # day; one at start catches up (a sweep is idempotent and sends only the latest step).
        scheduler.add_job(job, id="catch-up")
        scheduler.start()
        try:
            await sender.run(stop, wake)
        finally:
            scheduler.shutdown(wait=False)

    name = f"scheduler: sweep '{settings.sweep_cron}', digest '{cfg.digest_cron}' ({settings.tz})"
    return run, name
