"""A person chatting through a fake platform server with the real channel code in between."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.channels.telegram import TelegramChannel
from bot.channels.zalo import ZaloChannel
from bot.domain.textkeys import fold
from tests.fakes.telegram import FakeBot, FakeTelegram
from tests.fakes.zalo import FakeZalo, FakeZaloBot
from tests.support.chat_fixtures import World


@dataclass
class TelegramSide:
    fake: FakeTelegram
    bot: FakeBot
    channel: TelegramChannel
    mode: str  # "polling" | "webhook"
    world: World


@dataclass
class ZaloSide:
    fake: FakeZalo
    bot: FakeZaloBot
    channel: ZaloChannel
    mode: str
    world: World


class User(Protocol):
    async def say(self, text: str) -> None: ...
    async def pick(self, label: str) -> None: ...
    def seen(self) -> list[str]: ...


class _Delivering:
    """Sending an update and typing a message are the same on both platforms' fakes."""

    side: Any  # TelegramSide | ZaloSide: same attribute names, other types
    chat_id: Any

    async def send(self, update: dict[str, Any]) -> None:
        """Deliver an update (queue or webhook) and wait until the channel has finished it."""
        s = self.side
        done = s.channel.progress.count + 1
        if s.mode == "polling":
            await s.fake.push(s.bot, update)
        else:
            assert await s.fake.post_webhook(s.bot, update) == 200
        await s.channel.progress.wait_for(done)

    async def say(self, text: str) -> None:
        date = self.side.world.clock().timestamp()
        await self.send(self.side.fake.message(self.chat_id, text, date=date))


@dataclass
class TelegramUser(_Delivering):
    side: TelegramSide
    chat_id: int

    async def pick(self, label: str) -> None:
        """Tap the button like `label` on the newest message that has buttons."""
        with_buttons = [m for m in self.side.fake.to_chat(self.chat_id) if m.buttons]
        assert with_buttons, "no buttons to press"
        last = with_buttons[-1]
        found = [(t, d) for t, d in last.buttons if fold(label) in fold(t)]
        assert len(found) == 1, f"no single button like {label!r} in {last.buttons}"
        await self.send(self.side.fake.press(self.side.bot, last, found[0][1]))

    def seen(self) -> list[str]:
        return [
            m.text + "".join(f"\n[{t}]" for t, _d in m.buttons)
            for m in self.side.fake.to_chat(self.chat_id)
        ]


@dataclass
class ZaloUser(_Delivering):
    side: ZaloSide
    chat_id: str

    async def pick(self, label: str) -> None:
        """Type the number of the listed option like `label` (Zalo has no buttons)."""
        sent = self.side.fake.to_chat(self.chat_id)
        assert sent, "nothing to answer"
        options = re.findall(r"^(\d+)\. (.+)$", sent[-1].text, flags=re.MULTILINE)
        found = [n for n, text in options if fold(label) in fold(text)]
        assert len(found) == 1, f"no single option like {label!r} in {options}"
        await self.say(found[0])

    def seen(self) -> list[str]:
        return [m.text for m in self.side.fake.to_chat(self.chat_id)]


@dataclass
class WireChat:
    """Chat.script over the wire: each ("bot", words) must match the next message recorded."""

    user: User
    read: int = 0
    transcript: list[str] = field(default_factory=list)

    async def script(self, lines: Sequence[tuple[str, str]]) -> None:
        for who, what in lines:
            if who in ("user", "pick"):
                self._nothing_unread(f"before {what!r}")
                self.transcript.append(f"{who}: {what}")
                await (self.user.say(what) if who == "user" else self.user.pick(what))
            elif who == "bot":
                messages = self.user.seen()
                if self.read >= len(messages):
                    raise AssertionError(f"bot was silent; expected {what!r}\n{self._log()}")
                shown = messages[self.read]
                self.read += 1
                self.transcript.append(f"bot: {shown}")
                if fold(what) not in fold(shown):
                    raise AssertionError(f"expected {what!r} in:\n{shown}\n---\n{self._log()}")
            else:
                raise ValueError(who)
        self._nothing_unread("at the end")

    def _nothing_unread(self, where: str) -> None:
        unread = self.user.seen()[self.read :]
        if unread:
            raise AssertionError(f"unchecked messages {where}: {unread}\n{self._log()}")

    def _log(self) -> str:
        return "\n".join(self.transcript[-12:])
