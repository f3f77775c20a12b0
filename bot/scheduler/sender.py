"""Draining the outbox: rate limits per channel and bot, retries with backoff, quiet hours.

Delivery is at least once: exactly once is impossible against an API without idempotency
keys. A row is marked sent as soon as its transport call returns, and its worker takes no
other row before that mark is committed; if the process dies between the two (SIGKILL,
power loss), the row is still "sending" and is sent again once its lease expires. So the
copies after a kill are at most the sends in flight, at most `concurrency`. Marks are group
committed: whoever commits takes every result waiting, so a broadcast still costs one
transaction per handful of messages, not one each; up to `flushes` such commits run at once
(on their own connections, over disjoint rows), so a slow commit does not hold every
worker for two commit times. The reminders carry nothing that makes a
second copy harmful: they say what is due now.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import itertools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.channels.outbound import Address, SendError, Transports, Unreachable
from bot.core.types import Attachment, Choice, Reply
from bot.domain.rules import QuietHours
from bot.scheduler.channel_choice import Steering
from bot.scheduler.limits import TELEGRAM_LIMITS, Limits, RateGate
from storage.db import transaction
from storage.repositories import outbox, people
from storage.repositories.outbox import Claimed
from storage.repositories.sender_lock import BotLocks
from storage.sessions import Maker, Session

log = logging.getLogger("chihoi.sender")

Clock = Callable[[], dt.datetime]
Sleep = Callable[[float], Awaitable[None]]
# Given the claimed rows, the ids that need no delivery any more (the task got done).
ObsoleteCheck = Callable[["Session", list[Claimed]], Awaitable[set[int]]]
# Rows of some kinds store what to compute, not the text (report pushes): the composer of
# the row's kind turns the stored payload into the one sent, at send time.
Composer = Callable[["Session", dict[str, Any], dt.datetime], Awaitable[dict[str, Any]]]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class Result:
    row: Claimed
    error: Exception | None = None
    # The payload as composed at send time, kept on the row as what was sent.
    composed: dict[str, Any] | None = None


@dataclass
class _Batch:
    """Results committed together; `done` is set once they are (or `error` says why not)."""

    results: list[Result] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    error: Exception | None = None


@dataclass
class DrainReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    released: int = 0
    batches: int = 0

    def total(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped + self.released


@dataclass
class Sender:
    maker: Maker
    transports: Transports
    # Claim only rows of these (channel, bot_id); None claims every due row and hands back
    # the rows of bots this process has no transport for, for `orphan_delay`.
    routes: Sequence[tuple[str, str]] | None = None
    # On PostgreSQL, drain only the bots no other process's sender is draining (a lock per
    # bot for the length of a drain, storage/repositories/sender_lock.py): each sender paces
    # its own sends, so two on one bot would together go over the bot's limit. The bots this
    # process has a transport for (or `routes`) are taken when free; other bots' rows are
    # left alone.
    one_per_bot: bool = True
    orphan_delay: dt.timedelta = dt.timedelta(minutes=15)
    limits: dict[str, Limits] = field(default_factory=lambda: {"telegram": TELEGRAM_LIMITS})
    default_limits: Limits = field(default_factory=lambda: Limits(per_second=30.0))
    clock: Clock = utcnow
    sleep: Sleep = asyncio.sleep
    quiet: QuietHours | None = field(default_factory=QuietHours)
    # Kinds that may go out in quiet hours: answers to the person's own request.
    quiet_exempt: frozenset[str] = frozenset({"reply"})
    lease: dt.timedelta = dt.timedelta(minutes=2)
    max_attempts: int = 5
    backoff_base: float = 30.0
    backoff_cap: float = 3600.0
    batch: int = 200
    concurrency: int = 16
    obsolete: ObsoleteCheck | None = None
    composers: Mapping[str, Composer] = field(default_factory=dict)
    flushes: int = 3  # group commits of marks in flight at once
    # Issue 19: channel choice, quotas and fallbacks (bot/scheduler/channel_choice.py).
    steer: Steering | None = None

    def __post_init__(self) -> None:
        # The wall clock as a float when it is the real one (cheaper, a broadcast asks often).
        seconds = time.time if self.clock is utcnow else (lambda: self.clock().timestamp())
        self.gate = RateGate(self.limits, self.default_limits, seconds, self.sleep)
        self._open = _Batch()  # results waiting for the next group commit
        self._in_flight = 0  # group commits running
        self._expired_at: dt.datetime | None = None
        self._routes = self.routes  # of the drain under way
        self.locks = BotLocks(self.maker.kw.get("bind"))
        self.report = DrainReport()

    async def _drain_routes(self) -> Sequence[tuple[str, str]] | None:
        if not self.one_per_bot:
            return self.routes
        mine = self.routes if self.routes is not None else self.transports.routes()
        held = await self.locks.hold(mine)
        return self.routes if held is None else held

    async def drain(self) -> DrainReport:
        """Send everything due now; return when nothing due is left.

        One task claims batches while the workers send, so the next batch is at hand
        when the last rows of this one go out. Rows wait claimed for at most about 2
        batches, which must stay well inside the lease (`batch` <= rate x lease / 4).
        Rows of dead senders (lease expired) are looked for by the first claim, then at
        most every quarter lease.
        """
        self.report = DrainReport()
        self._expired_at = None
        self._routes = await self._drain_routes()
        # The next batch is claimed once this one is queued: a claim has a batch's sending
        # time to finish before the workers run dry.
        queue: asyncio.Queue[Claimed | None] = asyncio.Queue(
            maxsize=max(2 * self.concurrency, self.batch)
        )

        async def claim_all() -> None:
            try:
                while (rows := await self._claim()) is not None:
                    for row in rows:
                        await queue.put(row)
            finally:
                for _ in range(self.concurrency):
                    await queue.put(None)

        async def work() -> None:
            while (row := await queue.get()) is not None:
                await self._deliver(row)

        try:
            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(claim_all())
                for _ in range(self.concurrency):
                    tasks.create_task(work())
        finally:
            try:
                await self._flush()
            finally:
                await self.locks.close()  # every row claimed is settled: the bots are free
        return self.report

    async def _claim(self) -> list[Claimed] | None:
        """The next batch to send (obsolete rows left out); None when nothing is due."""
        now = self.clock()
        kinds = self.quiet_exempt if self.quiet and self.quiet.is_quiet(now) else None
        expired = self._expired_at is None or now - self._expired_at >= self.lease / 4
        async with transaction(self.maker) as s:
            rows = await self._claim_fairly(s, now, kinds, expired)
            skip = await self.obsolete(s, rows) if (self.obsolete and rows) else set()
            await outbox.mark_skipped(s, skip)
        if expired and not any(r.attempts > 1 for r in rows):
            # No row claimed before, so no expired lease was left over: look again later.
            self._expired_at = now
        if not rows:
            return None
        self.report.batches += 1
        self.report.skipped += len(skip)
        return [r for r in rows if r.id not in skip]

    async def _claim_fairly(
        self, s: Session, now: dt.datetime, kinds: frozenset[str] | None, expired: bool
    ) -> list[Claimed]:
        """A batch that gives each bot drained its share, the bots' rows taken in turn.

        Workers take rows in the batch's order and wait for their bot's next slot. Taken
        as they lie (a sweep writes a bot's units together), a batch of one bot's rows
        would hold every worker at that bot's 30 a second while the other bots idled:
        ten bots sent 62% of their summed limit. So each bot held gets its own claim of
        batch / bots rows (one statement each), and the rows are dealt out in turn.
        """
        routes = self._routes
        if routes is None or len(routes) < 2:
            return await outbox.claim(s, now, self.batch, self.lease, routes, kinds, expired)
        share = -(-self.batch // len(routes))
        each = [
            await outbox.claim(s, now, share, self.lease, [route], kinds, expired)
            for route in routes
        ]
        return [row for turn in itertools.zip_longest(*each) for row in turn if row is not None]

    async def _deliver(self, row: Claimed) -> None:
        if row.attempts > self.max_attempts:  # its senders kept dying: stop trying
            await self._record(Result(row, SendError("lease expired too often", permanent=True)))
            return
        if self.steer is not None and (steered := await self.steer.before(row)) is not row:
            if steered is None:  # skipped, folded: settled by the steering
                self.report.skipped += 1
                return
            row = steered
        transport = self.transports.get(row.channel, row.bot_id)
        if transport is None:
            await self._release([row], self.clock() + self.orphan_delay)
            return
        is_group = bool(row.payload.get("group"))
        ticket = await self.gate.enter(row.channel, row.bot_id, row.chat_id, is_group)
        now = self.clock()
        if row.kind not in self.quiet_exempt and self.quiet and self.quiet.is_quiet(now):
            await self._release([row], self.quiet.resume_at(now))
            return
        if now - row.claimed_at > self.lease * 0.8:  # another sender may take it soon
            await self._release([row], now)
            return
        address = Address(row.channel, row.bot_id, row.chat_id, is_group)
        composed = None
        try:
            try:
                if (composer := self.composers.get(row.kind)) is not None:
                    async with transaction(self.maker) as s:
                        composed = await composer(s, row.payload, now)
                await transport.deliver(address, reply_of(composed or row.payload))
            finally:
                self.gate.done(ticket)
        except Exception as exc:  # every failure is recorded on the row, never raised
            if isinstance(exc, SendError) and exc.retry_after:
                # Our own pacing keeps the bot under its overall limit, so a 429 is about
                # this chat: hold the chat, not every other recipient.
                self.gate.hold_chat(row.channel, row.bot_id, row.chat_id, exc.retry_after)
            await self._record(Result(row, exc))
            return
        kept = composed and _as_record(composed, keep_file=row.channel == WebTransport.channel)
        await self._record(Result(row, composed=kept))

    async def _release(self, rows: list[Claimed], not_before: dt.datetime) -> None:
        async with transaction(self.maker) as s:
            await outbox.release(s, [r.id for r in rows], not_before)
        self.report.released += len(rows)

    async def _record(self, result: Result) -> None:
        """Returns once the result is committed (by this worker or one flushing for all)."""
        batch = self._open
        batch.results.append(result)
        # A second commit starts only once a commit's worth of results waits (a slow commit);
        # with fast commits one at a time batches better. Whoever ends the last commit
        # running commits what waits, so no result is left without a committer.
        parallel = max(1, self.concurrency // (2 * self.flushes))
        if self._in_flight == 0 or (
            self._in_flight < self.flushes and len(batch.results) >= parallel
        ):
            await self._flush_open()
            while self._open.results and self._in_flight == 0:
                await self._flush_open()
        await batch.done.wait()
        if batch.error is not None:
            raise RuntimeError("marking sent messages failed") from batch.error

    async def _flush(self) -> None:
        """Commit what is waiting (the end of a drain: no worker is left to)."""
        while self._open.results:
            await self._flush_open()

    async def _flush_open(self) -> None:
        batch, self._open = self._open, _Batch()
        self._in_flight += 1
        try:
            await self._commit(batch.results)
        except Exception as exc:
            batch.error = exc
            raise
        finally:
            self._in_flight -= 1
            batch.done.set()

    async def _commit(self, results: list[Result]) -> None:
        now = self.clock()
        async with transaction(self.maker) as s:
            # Counted after the await: another commit may add to the report meanwhile.
            sent = await outbox.mark_sent(s, [r.row.id for r in results if r.error is None], now)
            self.report.sent += sent
            await outbox.set_payloads(
                s, {r.row.id: r.composed for r in results if r.composed is not None}
            )
            # In one order (by chat) in every commit: two commits at once that both mark a
            # chat unreachable take its row in the same order and cannot deadlock.
            failed = sorted(
                (r for r in results if r.error is not None),
                key=lambda r: (r.row.channel, r.row.bot_id, r.row.chat_id, r.row.id),
            )
            for r in failed:
                assert r.error is not None
                await self._failure(s, r.row, r.error, now)

    async def _failure(self, s: Session, row: Claimed, exc: Exception, now: dt.datetime) -> None:
        if self.steer is not None and await self.steer.after_failure(s, row, exc, now):
            self.report.retried += 1  # deferred (ZNS at night) or re-routed
            return
        # The type and the platform's short reason only: never the message text.
        error = f"{type(exc).__name__}: {str(exc)[:200]}"
        permanent = isinstance(exc, SendError) and exc.permanent
        if isinstance(exc, Unreachable):
            await people.mark_unreachable(s, row.channel, row.bot_id, row.chat_id)
        if permanent or row.attempts >= self.max_attempts:
            await outbox.mark_failed(s, row.id, error)
            self.report.failed += 1
            log.warning("outbox_failed", extra={"row": row.id, "kind": row.kind, "error": error})
            return
        retry_after = exc.retry_after if isinstance(exc, SendError) else None
        delay = retry_after or min(self.backoff_base * 2 ** (row.attempts - 1), self.backoff_cap)
        await outbox.retry_later(s, row.id, now + dt.timedelta(seconds=delay), error)
        self.report.retried += 1

    async def run(self, stop: asyncio.Event, wake: asyncio.Event, poll: float = 5.0) -> None:
        """Drain, then wait for a wake-up (a sweep), the poll interval or stop."""
        while not stop.is_set():
            try:
                await self.drain()
            except Exception:
                log.exception("drain_failed")
            wake.clear()
            waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
            await asyncio.wait(waiters, timeout=poll, return_when=asyncio.FIRST_COMPLETED)
            for w in waiters:
                w.cancel()


class WebTransport:
    """The web simulator's "delivery": the page reads /api/outbox, so sent means delivered."""

    channel = "web"

    def __init__(self, bot_id: str) -> None:
        self.bot_id = bot_id

    async def deliver(self, address: Address, reply: Reply) -> None:
        return None


def _as_record(payload: dict[str, Any], keep_file: bool = False) -> dict[str, Any]:
    """What is kept on the row of a composed message: its text, and an attachment's name
    but not its bytes (a pushed Word report would otherwise stay in the outbox), except
    for the web simulator, whose page reads the row as its delivery."""
    attached = payload.get("attachment")
    if keep_file or not isinstance(attached, dict):
        return payload
    return payload | {"attachment": {k: v for k, v in attached.items() if k != "data"}}


def reply_of(payload: dict[str, object]) -> Reply:
    """The `Reply` an outbox payload describes ({"text", "choices", "numbered", "attachment"})."""
    raw_choices = payload.get("choices") or []
    assert isinstance(raw_choices, list)
    choices = tuple(Choice(str(key), str(label)) for key, label in raw_choices)
    attachment = None
    raw = payload.get("attachment")
    if isinstance(raw, dict) and "data" in raw:  # a sent row may keep only the file's name
        attachment = Attachment(
            kind=str(raw["kind"]),
            filename=str(raw["filename"]),
            data=base64.b64decode(str(raw["data"])),
            caption=str(raw.get("caption", "")),
        )
    return Reply(
        str(payload.get("text", "")),
        choices,
        attachment,
        numbered=bool(payload.get("numbered", True)),
    )
