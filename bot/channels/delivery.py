"""What every real channel does around a turn: run it, deliver the replies, track blocked chats."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from bot.channels.outbound import Address, SendError, Unreachable
from bot.core.engine import Engine
from bot.core.types import Incoming, Reply
from storage.db import transaction
from storage.repositories import people
from storage.sessions import Maker

log = logging.getLogger("chihoi.channels")
Deliver = Callable[[Address, Reply], Awaitable[None]]


class Progress:
    """Counts finished updates so tests and benchmarks can wait for a turn instead of sleeping."""

    def __init__(self) -> None:
        self.count = 0
        self._changed = asyncio.Condition()

    async def bump(self) -> None:
        async with self._changed:
            self.count += 1
            self._changed.notify_all()

    async def wait_for(self, count: int, timeout: float = 10.0) -> None:
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(lambda: self.count >= count), timeout)


class Reachability:
    """Marks identities unreachable when the platform says blocked, and reachable again on contact.

    The commune chair's overview reads the flag, so a blocked branch head shows up as
    "unreachable" instead of silently missing reminders.
    """

    def __init__(self, maker: Maker) -> None:
        self.maker = maker
        # Chats already confirmed reachable by this process: one write per chat, not per turn.
        self._fine: set[tuple[str, str, str]] = set()

    async def blocked(self, address: Address) -> None:
        self._fine.discard((address.channel, address.bot_id, address.chat_id))
        await self._set(address, True)

    async def heard_from(self, address: Address) -> None:
        key = (address.channel, address.bot_id, address.chat_id)
        if address.is_group or key in self._fine:
            return
        await self._set(address, False)
        self._fine.add(key)

    async def _set(self, address: Address, unreachable: bool) -> None:
        async with transaction(self.maker) as s:
            await people.mark_unreachable(
                s, address.channel, address.bot_id, address.chat_id, unreachable
            )


class TurnRunner:
    """Engine in, replies out, one update at a time; a failed reply never stops the channel."""

    def __init__(self, engine: Engine, reach: Reachability, deliver: Deliver) -> None:
        self.engine = engine
        self.reach = reach
        self.deliver = deliver

    async def run(self, inc: Incoming, address: Address, deliver: Deliver | None = None) -> None:
        """Never raises: a failed turn or reply is logged (ids only) and the channel goes on.
        `deliver`: this turn's own (Telegram edits the message whose button was pressed)."""
        send = deliver or self.deliver
        try:
            await self.reach.heard_from(address)
            replies = await self.engine.handle(inc)
            for reply in replies:
                await send(address, reply)
        except Unreachable:
            log.info("chat_unreachable", extra=_ids(inc))
        except SendError:
            # The turn is saved; the user sees the next prompt when she writes again.
            log.warning("reply_failed", extra=_ids(inc))
        except Exception:
            log.exception("channel_turn_crashed", extra=_ids(inc))


async def finish(work: Coroutine[Any, Any, None]) -> None:
    """Run `work` to its end even if the caller is cancelled (shutdown keeps the turn in flight)."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        await task
        raise


def _ids(inc: Incoming) -> dict[str, str]:
    # Ids only: never the text or the name.
    return {"channel": inc.channel, "bot": inc.bot_id, "update": inc.update_id}
