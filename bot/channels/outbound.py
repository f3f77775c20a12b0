"""Sending outside a turn (reminders, group summaries): the seam between the outbox and channels.

The sender drains outbox rows and calls the `Transport` registered for the row's
(channel, bot_id). Channels implement it; errors are mapped to these exceptions so the
sender can decide: retry later, or give up and mark the person unreachable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from bot.core.types import Reply


class SendError(Exception):
    """A failed send; `retry_after` (seconds) when the platform asked us to slow down."""

    def __init__(self, message: str, retry_after: float | None = None, permanent: bool = False):
        super().__init__(message)
        self.retry_after = retry_after
        self.permanent = permanent


class Unreachable(SendError):
    """The user blocked the bot or the chat is gone: do not retry."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=True)


@dataclass(frozen=True, slots=True)
class Address:
    channel: str
    bot_id: str
    chat_id: str
    is_group: bool = False


class Transport(Protocol):
    """One bot on one channel, able to deliver a `Reply` to a chat."""

    channel: str
    bot_id: str

    async def deliver(self, address: Address, reply: Reply) -> None: ...


class Transports:
    """Every configured transport of the process, found by (channel, bot_id)."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], Transport] = {}

    def add(self, transport: Transport) -> None:
        self._by_key[(transport.channel, transport.bot_id)] = transport

    def get(self, channel: str, bot_id: str) -> Transport | None:
        return self._by_key.get((channel, bot_id))

    def routes(self) -> list[tuple[str, str]]:
        """(channel, bot_id) of every transport."""
        return list(self._by_key)

    def __len__(self) -> int:
        return len(self._by_key)
