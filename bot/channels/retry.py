"""Retrying platform calls: wait as long as the platform asks, back off with jitter otherwise."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Again:
    """A classifier's verdict: try again, after `after` seconds if the platform said so."""

    after: float | None = None


Classify = Callable[[BaseException], Again | None]


class TooLongWait(Exception):
    """The platform asked us to wait longer than a caller in a hurry should."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"platform asked to wait {seconds:.0f} s")
        self.seconds = seconds


@dataclass
class Backoff:
    """How long and how often to retry; `sleep` and `rng` are injected so tests never wait.

    A platform-given wait (429 retry_after) is honoured exactly, up to `max_wait`;
    other transient failures (5xx, timeouts, 429 without a hint) wait
    `base * 2**attempt` capped at `cap`, with "equal jitter" so that many chats
    retrying at once spread out instead of hitting the platform together.
    """

    attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    max_wait: float = 60.0
    sleep: Sleep = asyncio.sleep
    rng: random.Random = field(default_factory=random.Random)

    def delay(self, attempt: int) -> float:
        ceiling = min(self.cap, self.base * 2.0**attempt)
        return ceiling / 2 + self.rng.uniform(0, ceiling / 2)

    async def call(self, fn: Callable[[], Awaitable[T]], classify: Classify) -> T:
        """Run `fn`, retrying what `classify` calls transient; anything else propagates."""
        attempt = 0
        while True:
            try:
                return await fn()
            except Exception as exc:
                again = classify(exc)
                attempt += 1
                if again is None or attempt >= self.attempts:
                    raise
                if again.after is not None and again.after > self.max_wait:
                    raise TooLongWait(again.after) from exc
                await self.sleep(again.after if again.after is not None else self.delay(attempt))
