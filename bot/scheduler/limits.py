"""Sending limits per channel and bot: paced by a token bucket, enforced by sliding windows.

The bucket (GCRA) books each message a slot at the bot's rate, so concurrent workers
spread sends evenly and together reach the full rate. A worker can still resume late
(an event loop is not a real-time system), and a late message followed by an on-time one
would break the platform's count; so right before each send a gate checks the real
windows: the last `n` sends of the bot within a second, the last sends to that chat.
The bot's window counts a finished send from its answer, not its start: the platform
counts arrivals, and a request can be held up on its way for longer than the pace's
margin (a busy event loop, a descheduled process, a client's connection pool).
Time comes from an injected clock, and waiting from an injected sleep.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Seconds = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class Limits:
    """Sending limits of one bot: Telegram's published ones by default."""

    per_second: float = 30.0
    per_chat_per_second: float = 1.0
    per_group_per_minute: float = 20.0
    burst: int = 1
    # The steady pace aims this far under the limit: sent exactly at the limit, the n-th
    # and the (n+rate)-th message are a second apart here and a few milliseconds less
    # there, and the platform refuses one. The window below still caps the limit itself.
    pace: float = 0.98
    # Seconds of sending the pace makes up after falling behind (a worker resumed late: a
    # busy event loop, a descheduled process): without it each late send's delay is lost
    # for good, and a loaded machine sent 85-92% of the rate (with a quarter second, one
    # run of four still fell to 92%). The window still caps the limit. Behind by more than
    # this, the sender was idle, not late: no burst follows.
    catch_up: float = 0.5


TELEGRAM_LIMITS = Limits()


class TokenBucket:
    """GCRA: each `reserve` books the next free slot and says how long to wait for it.

    A slot booked less than `catch_up` seconds ago but not yet taken is still owed: the
    next sends go at once until the schedule is met again."""

    def __init__(self, rate: float, burst: int, clock: Seconds, catch_up: float = 0.0) -> None:
        self.interval = 1.0 / rate
        self.tolerance = (max(burst, 1) - 1) * self.interval
        self.catch_up = catch_up
        self.clock = clock
        self.tat = -math.inf  # theoretical arrival time of the next request

    def reserve(self) -> float:
        now = self.clock()
        owed = now - self.catch_up <= self.tat  # behind by less than catch_up: late, not idle
        tat = self.tat if owed else max(self.tat, now)
        start = max(now, tat - self.tolerance)
        self.tat = tat + self.interval
        return start - now

    def hold(self, seconds: float) -> None:
        """Nothing goes through for `seconds` (the platform said "retry after")."""
        self.tat = max(self.tat, self.clock() + seconds)


class Window:
    """At most `count` sends in any `period` seconds, judged on the sends actually made.

    A send counts from when it starts; `finished` moves it to when its answer came, the
    latest moment the platform can have received it. A send then waits a full period
    after the answer to the one `count` sends before it, however the request was
    delayed on its way (a busy event loop, a descheduled process).
    """

    def __init__(self, count: int, period: float, clock: Seconds) -> None:
        self.count = count
        self.period = period
        self.clock = clock
        self.times: deque[float] = deque(maxlen=count)
        self.marked = 0  # sends marked so far: the number of the next one

    @classmethod
    def for_rate(cls, per_second: float, clock: Seconds) -> Window:
        count = max(1, math.floor(per_second))
        return cls(count, count / per_second, clock)

    def wait(self) -> float:
        if len(self.times) < self.count:
            return 0.0
        return max(self.times[0] + self.period - self.clock(), 0.0)

    def mark(self) -> int:
        """Count a send starting now; returns its number, for `finished`."""
        self.times.append(self.clock())
        self.marked += 1
        return self.marked

    def finished(self, number: int) -> None:
        back = self.marked - number + 1  # 1 is the latest send
        if back <= len(self.times):
            self.times[-back] = max(self.times[-back], self.clock())


Ticket = tuple[Window, int]


class RateGate:
    """Every bot's and chat's limits; `await gate.enter(...)` returns when a send may start.

    A private chat needs only the time of its last send (a float, not a window object:
    a broadcast touches a hundred thousand chats once each).
    """

    MAX_CHATS = 20_000

    def __init__(
        self, limits: dict[str, Limits], default: Limits, clock: Seconds, sleep: Sleep
    ) -> None:
        self.limits = limits
        self.default = default
        self.clock = clock
        self.sleep = sleep
        self._bots: dict[tuple[str, str], tuple[TokenBucket, Window]] = {}
        self._last: dict[tuple[str, str, str], float] = {}
        self._held: dict[tuple[str, str, str], float] = {}
        self._groups: dict[tuple[str, str, str], Window] = {}

    def _limits(self, channel: str) -> Limits:
        return self.limits.get(channel, self.default)

    def _bot(self, channel: str, bot_id: str) -> tuple[TokenBucket, Window]:
        key = (channel, bot_id)
        if key not in self._bots:
            lim = self._limits(channel)
            bucket = TokenBucket(lim.per_second * lim.pace, lim.burst, self.clock, lim.catch_up)
            self._bots[key] = (bucket, Window.for_rate(lim.per_second, self.clock))
        return self._bots[key]

    def _group(self, key: tuple[str, str, str]) -> Window:
        if key not in self._groups:
            per_minute = self._limits(key[0]).per_group_per_minute
            self._groups[key] = Window(max(1, math.floor(per_minute)), 60.0, self.clock)
        return self._groups[key]

    def _chat_wait(self, key: tuple[str, str, str], group: bool) -> float:
        now = self.clock()
        wait = self._held.get(key, now) - now
        if group:
            return max(wait, self._group(key).wait())
        last = self._last.get(key)
        if last is not None:
            wait = max(wait, last + 1.0 / self._limits(key[0]).per_chat_per_second - now)
        return max(wait, 0.0)

    def _mark_chat(self, key: tuple[str, str, str], group: bool) -> None:
        if group:
            self._group(key).mark()
            return
        now = self.clock()
        if len(self._last) >= self.MAX_CHATS:  # forget chats whose gap is over
            gap = max(
                1.0 / lim.per_chat_per_second for lim in [self.default, *self.limits.values()]
            )
            self._last = {k: t for k, t in self._last.items() if t + gap > now}
            self._held = {k: t for k, t in self._held.items() if t > now}
        self._last[key] = now

    async def enter(self, channel: str, bot_id: str, chat_id: str, group: bool) -> Ticket:
        """Wait for this send's turn; hand the ticket to `done` when the platform answered."""
        key = (channel, bot_id, chat_id)
        if (wait := self._chat_wait(key, group)) > 0:  # this chat's turn first: no bot slot lost
            await self.sleep(wait)
        bucket, window = self._bot(channel, bot_id)
        if (wait := bucket.reserve()) > 0:
            await self.sleep(wait)
        while (wait := max(self._chat_wait(key, group), window.wait())) > 0:
            await self.sleep(wait)
        # No await between the check and the send: nothing else can slip in.
        self._mark_chat(key, group)
        return window, window.mark()

    def done(self, ticket: Ticket) -> None:
        window, number = ticket
        window.finished(number)

    def hold_chat(self, channel: str, bot_id: str, chat_id: str, seconds: float) -> None:
        key = (channel, bot_id, chat_id)
        self._held[key] = max(self._held.get(key, 0.0), self.clock() + seconds)
