"""The sweep: one idempotent pass that reads the database and writes every due reminder.

It remembers nothing between runs. Each run recomputes what is due from the tables (a
branch with a regular meeting this quarter is simply not reminded), and each message gets
the outbox key `kind|period|recipient|step`, so a second run, or a run in another process
at the same moment, adds nothing new. One sweep holds a PostgreSQL advisory lock for its
transaction; a concurrent one returns at once ("skipped").
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.core.features import Registry
from bot.core.i18n import _, language, tr
from bot.domain import rules as R
from bot.reports.pushes import due_report_pushes
from bot.scheduler import texts
from bot.scheduler.snapshot import Recipient, load_snapshot
from bot.scheduler.sweep_rules import RULES
from storage.db import transaction
from storage.models import Outbox, Snooze
from storage.repositories.outbox import NewMessage, enqueue_many

log = logging.getLogger("chihoi.sweep")
LOCK_KEY = 0x63686968  # "chih": one sweep at a time across processes
Render = Callable[[Recipient], dict[str, Any]]


@dataclass
class SweepReport:
    day: dt.date
    skipped: bool = False
    added: Counter[str] = field(default_factory=Counter)

    def total(self) -> int:
        return sum(self.added.values())


@dataclass
class Plan:
    """The messages one sweep wants to exist, with snoozes and quiet hours applied."""

    now: dt.datetime
    rules: R.Rules
    registry: Registry | None
    snoozes: dict[tuple[int, str, str], dt.datetime]
    messages: list[NewMessage] = field(default_factory=list)
    # Messages to repeat once a snooze is over, unless something newer went out meanwhile.
    again: list[tuple[NewMessage, dt.datetime]] = field(default_factory=list)
    _actions: dict[str, dict[str, texts.Action]] = field(default_factory=dict)
    _extras: dict[tuple[str, str, bool, str | None], tuple[list[list[str]], str]] = field(
        default_factory=dict
    )

    @property
    def not_before(self) -> dt.datetime:
        return self.rules.quiet.resume_at(self.now)

    def actions(self, locale: str) -> dict[str, texts.Action]:
        if locale not in self._actions:
            with language(locale):
                self._actions[locale] = texts.actions(self.registry)
        return self._actions[locale]

    def add(
        self,
        kind: str,
        recipients: list[Recipient],
        period: str,
        step: str,
        body: Callable[[], str],
        action: str | None,
        check: dict[str, Any] | None = None,
    ) -> None:
        """One message per recipient identity; `body` is called in the recipient's language."""
        payloads: dict[tuple[str, bool], dict[str, Any]] = {}
        for r in recipients:
            if kind in R.MUTABLE and r.mute:
                continue
            until = self.snoozes.get((r.person_id, kind, period))
            if until is not None and until > self.now:
                continue
            buttons = r.channel == "telegram"
            if (r.locale, buttons) not in payloads:
                payloads[(r.locale, buttons)] = self._payload(kind, r.locale, buttons, body, action)
            payload = dict(payloads[(r.locale, buttons)], period=period)
            if check is not None:
                payload["check"] = check
            msg = NewMessage(
                key=f"{kind}|{period}|i{r.identity_id}|{step}",
                kind=kind,
                person_id=r.person_id,
                channel=r.channel,
                bot_id=r.bot_id,
                chat_id=r.chat_id,
                payload=payload,
                not_before=self.not_before,
            )
            self.messages.append(msg)
            if until is not None:
                again = replace(msg, key=msg.key.rsplit("|", 1)[0] + "|again")
                self.again.append((again, until - dt.timedelta(days=self.rules.snooze_days)))

    def _payload(
        self, kind: str, locale: str, buttons: bool, body: Callable[[], str], action: str | None
    ) -> dict[str, Any]:
        # The buttons and the typing hint depend on the kind, language and channel only: a
        # national sweep builds them once, not once per branch.
        key = (kind, locale, buttons, action)
        if key not in self._extras:
            self._extras[key] = self._extra(kind, locale, buttons, action)
        choices, hint = self._extras[key]
        with language(locale):
            message = body()
        if hint:
            message = f"{message}\n{hint}"
        # numbered=False: a typed "1" would answer the chat's last menu, not this message.
        return {"text": message, "choices": [list(c) for c in choices], "numbered": False}

    def _extra(
        self, kind: str, locale: str, buttons: bool, action: str | None
    ) -> tuple[list[list[str]], str]:
        acts = self.actions(locale)
        hint = ""
        with language(locale):
            choices: list[list[str]] = []
            act = acts.get(action) if action else None
            if act is not None and action is not None:
                choices.append([act.key, tr(_label(action))])
            snooze = acts.get("snooze") if kind in R.SNOOZABLE else None
            if snooze is not None:
                label = _(texts.SNOOZE_LABEL).format(days=self.rules.snooze_days)
                choices.append([snooze.key, label])
            if kind in R.MUTABLE and "digest" in acts:
                choices.append([acts["digest"].key, tr(texts.MUTE_LABEL)])
            if not buttons:
                hint = texts.typing_hint(act, snooze, self.rules.snooze_days)
        return choices, hint


def _label(action: str) -> str:
    return {
        "log_meeting": texts.LOG_MEETING_LABEL,
        "review": texts.REVIEW_LABEL,
        "review_status": texts.REVIEW_STATUS_LABEL,
        "reports": texts.REPORTS_LABEL,
    }[action]


async def sweep(
    maker: async_sessionmaker[AsyncSession],
    now: dt.datetime,
    rules: R.Rules,
    registry: Registry | None = None,
) -> SweepReport:
    """Run one sweep in its own transaction (all of its messages appear at once, or none)."""
    async with transaction(maker) as s:
        return await sweep_in(s, now, rules, registry)


async def sweep_in(
    s: AsyncSession,
    now: dt.datetime,
    rules: R.Rules,
    registry: Registry | None = None,
) -> SweepReport:
    report = SweepReport(rules.local_day(now))
    if not await _try_lock(s):
        report.skipped = True
        return report
    if registry is None:
        from handlers import registry as full_registry  # handlers import the scheduler

        registry = full_registry()
    snap = await load_snapshot(s)
    plan = Plan(now, rules, registry, await _snoozes(s, now, rules))
    for rule in RULES:
        await rule(s, snap, plan, report.day)
    added = set(await enqueue_many(s, plan.messages, now))
    added.update(await due_report_pushes(s, now, rules, plan.not_before))
    await _repeat_after_snooze(s, plan, added, now)
    for key in added:
        report.added[key.split("|", 1)[0]] += 1
    log.info("sweep_done", extra={"day": report.day.isoformat(), "added": report.total()})
    return report


async def _try_lock(s: AsyncSession) -> bool:
    if s.bind.dialect.name != "postgresql":
        return True  # SQLite: the transaction is BEGIN IMMEDIATE, one writer at a time
    got = await s.scalar(text("SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK_KEY})
    return bool(got)


async def _snoozes(
    s: AsyncSession, now: dt.datetime, rules: R.Rules
) -> dict[tuple[int, str, str], dt.datetime]:
    # Snoozes that ended long ago cannot change anything any more.
    since = now - dt.timedelta(days=rules.escalation_window_days)
    rows = await s.execute(
        select(Snooze.person_id, Snooze.kind, Snooze.period, Snooze.until).where(
            Snooze.until >= since
        )
    )
    return {(p, k, period): until for p, k, period, until in rows.all()}


async def _repeat_after_snooze(
    s: AsyncSession, plan: Plan, added: set[str], now: dt.datetime
) -> None:
    """After a snooze, repeat the reminder once, unless a newer step went out meanwhile."""
    repeat = []
    for msg, snoozed_at in plan.again:
        regular = msg.key.rsplit("|", 1)[0] + "|"
        if any(k.startswith(regular) for k in added):
            continue
        newer = await s.scalars(
            select(Outbox.key).where(
                Outbox.person_id == msg.person_id,
                Outbox.kind == msg.kind,
                Outbox.created_at >= snoozed_at,
            )
        )
        if not any(k.startswith(regular) for k in newer.all()):
            repeat.append(msg)
    added.update(await enqueue_many(s, repeat, now))
