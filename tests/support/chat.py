"""Scripted conversations that read like the chat they check, in either capability profile."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bot.core.choices import LETTERS, numbered
from bot.core.engine import Engine
from bot.core.types import Capabilities, ChatKind, Incoming, Reply
from bot.domain.textkeys import fold

_ids = itertools.count(1)


def show(reply: Reply, caps: Capabilities) -> str:
    """The reply as the user sees it: buttons as [label] lines, or Zalo's numbered list."""
    if caps.buttons:
        buttons = "".join(f"\n[{c.label}]" for c in reply.choices)
        return reply.text + buttons
    return numbered(reply.text, reply.choices, reply.numbered)


@dataclass
class Chat:
    """One person's private chat with the bot through the engine (no platform)."""

    engine: Engine
    caps: Capabilities
    user: str
    clock: Callable[[], dt.datetime]
    channel: str = "web"
    bot_id: str = "sim"
    chat_kind: ChatKind = ChatKind.PRIVATE
    chat_id: str | None = None
    last: list[Reply] = field(default_factory=list)
    transcript: list[str] = field(default_factory=list)

    def incoming(
        self,
        text: str | None = None,
        choice: str | None = None,
        update_id: str | None = None,
        addressed: bool = False,
    ) -> Incoming:
        return Incoming(
            channel=self.channel,
            bot_id=self.bot_id,
            chat_id=self.chat_id or self.user,
            user_id=self.user,
            update_id=update_id or f"u{next(_ids)}",
            sent_at=self.clock(),
            display_name="Tester",
            text=text,
            choice=choice,
            chat_kind=self.chat_kind,
            addressed=addressed,
            caps=self.caps,
        )

    async def send(self, inc: Incoming) -> list[Reply]:
        self.transcript.append(f"user: {inc.text or inc.choice}")
        self.last = await self.engine.handle(inc)
        self.transcript.extend(f"bot: {show(r, self.caps)}" for r in self.last)
        return self.last

    async def say(self, text: str) -> list[Reply]:
        return await self.send(self.incoming(text=text))

    async def pick(self, label: str) -> list[Reply]:
        """Choose an offered option the way this profile's user would: tap, or type its number."""
        offered = [c for r in self.last for c in r.choices]
        matches = [c for c in offered if fold(label) in fold(c.label)]
        if len(matches) != 1:
            raise AssertionError(f"no single choice like {label!r} in {[c.label for c in offered]}")
        choice = matches[0]
        if self.caps.buttons:
            return await self.send(self.incoming(choice=choice.key))
        index = offered.index(choice)
        if not any(choice in r.choices and r.numbered for r in self.last):
            return await self.say(LETTERS[index])  # lettered where numbers are answers
        return await self.say(str(index + 1))

    def text(self) -> str:
        return "\n".join(show(r, self.caps) for r in self.last)

    async def script(self, lines: Sequence[tuple[str, str]]) -> None:
        """("user", text) sends; ("pick", label) chooses; each ("bot", words) must match the
        next reply of the last message (case- and accent-insensitive); leftovers or silence fail."""
        pending: list[Reply] = []
        for who, what in lines:
            if who in ("user", "pick"):
                if pending:
                    raise AssertionError(
                        f"unchecked bot replies before {what!r}: {self._dump(pending)}"
                    )
                pending = list(await (self.say(what) if who == "user" else self.pick(what)))
            elif who == "bot":
                if not pending:
                    raise AssertionError(f"bot was silent; expected {what!r}\n{self._log()}")
                reply = pending.pop(0)
                if fold(what) not in fold(show(reply, self.caps)):
                    raise AssertionError(
                        f"expected {what!r} in:\n{show(reply, self.caps)}\n--- transcript\n{self._log()}"
                    )
            else:
                raise ValueError(who)
        if pending:
            raise AssertionError(f"unchecked bot replies at the end: {self._dump(pending)}")

    def _dump(self, replies: list[Reply]) -> str:
        return " | ".join(show(r, self.caps) for r in replies)

    def _log(self) -> str:
        return "\n".join(self.transcript[-12:])
