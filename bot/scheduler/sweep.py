"""The sweep: one idempotent pass that reads the database and writes every due reminder.

It remembers nothing between runs. Each run recomputes what is due from the tables (a
branch with a regular meeting this quarter is simply not reminded), and each message gets
the outbox key `kind|period|recipient|step`, so a second run, or a run in another process
at the same moment, adds nothing new. One sweep holds a PostgreSQL advisory lock for its
transaction; a concurrent one returns at once ("skipped"). The rules ask the database only for
what their step has not reached yet (storage/repositories/unreached.py), so a sweep with
nothing new reads and renders next to nothing.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from dataclasses import dataclass, field

from bot.core.features import Registry
from bot.domain import rules as R
from bot.reports.pushes import due_report_pushes
from bot.scheduler.due import RULES
from bot.scheduler.dues_due import DUES_RULES
from bot.scheduler.plan import Plan
from bot.scheduler.snapshot import load_snapshot
from storage.db import transaction
from storage.repositories import outbox, reminder_facts, sweep_lock
from storage.sessions import Maker, Session

log = logging.getLogger("chihoi.sweep")


@dataclass
class SweepReport:
    day: dt.date
    skipped: bool = False
    added: Counter[str] = field(default_factory=Counter)

    def total(self) -> int:
        return sum(self.added.values())


async def sweep(
    maker: Maker,
    now: dt.datetime,
    rules: R.Rules,
    registry: Registry,
) -> SweepReport:
    """Run one sweep in its own transaction (all of its messages appear at once, or none)."""
    async with transaction(maker) as s:
        return await sweep_in(s, now, rules, registry)


async def sweep_in(
    s: Session,
    now: dt.datetime,
    rules: R.Rules,
    registry: Registry,
) -> SweepReport:
    report = SweepReport(rules.local_day(now))
    if not await sweep_lock.try_lock(s):
        report.skipped = True
        return report
    snap = await load_snapshot(s)
    # Snoozes that ended long ago cannot change anything any more.
    since = now - dt.timedelta(days=rules.escalation_window_days)
    plan = Plan(now, rules, registry, await reminder_facts.snoozes(s, since))
    for rule in [*RULES, *DUES_RULES]:
        await rule(s, snap, plan, report.day)
    added = set(await outbox.enqueue_many(s, plan.messages, now))
    added.update(await due_report_pushes(s, now, rules, plan.not_before))
    await _repeat_after_snooze(s, plan, added, now)
    for key in added:
        report.added[key.split("|", 1)[0]] += 1
    report.added.update(plan.written)
    log.info("sweep_done", extra={"day": report.day.isoformat(), "added": report.total()})
    return report


async def _repeat_after_snooze(s: Session, plan: Plan, added: set[str], now: dt.datetime) -> None:
    """After a snooze, repeat the reminder once, unless a newer step went out meanwhile."""
    repeat = []
    written = {k.rsplit("|", 1)[0] + "|" for k in added}
    for msg, snoozed_at in plan.again:
        regular = msg.key.rsplit("|", 1)[0] + "|"
        if regular in written:
            continue
        newer = await outbox.keys_since(s, msg.person_id, msg.kind, snoozed_at)
        if not any(k.startswith(regular) for k in newer):
            repeat.append(msg)
    added.update(await outbox.enqueue_many(s, repeat, now))
