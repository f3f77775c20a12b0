"""Recording dues in chat, both profiles: a batch in one reply, partial amounts, re-asks."""

from __future__ import annotations

from collections.abc import Callable

from bot.domain.dues import DuesStatus
from tests.dues.support import actions, roster, set_rate
from tests.support.chat import Chat
from tests.support.chat_fixtures import World


async def test_probe(world: World, chat_as: Callable[[str], Chat]) -> None:
    await set_rate(world)
    lan = chat_as("lan")
    await lan.say("thu hội phí")
    print(lan.text())
    await lan.say("tất cả trừ 3 7")
    print(lan.text())
    await lan.say("-5k")
    print(lan.text())
    await lan.say("20k")
    print(lan.text())
    await lan.pick("Đúng, lưu")
    print(lan.text())
    assert 0
