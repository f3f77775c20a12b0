"""Replies each daily task needs from the menu, per profile (issue 14's report).

Counted by walking the task (tests/conversations/reply_counts.py); `python -m
bench.reply_counts` prints the same table. On Telegram a tick-list takes a tap a name (7 of
10 here) where Zalo takes one typed line ("1-7"); typing the numbers works on Telegram too.
"""

from __future__ import annotations

import pytest

from bot.core.types import Capabilities
from tests.conversations.reply_counts import TASKS, Task, replies_needed
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

EXPECTED = {  # task: (buttons, text)
    "log a meeting by head count": (4, 4),
    "log a meeting by tick-list": (12, 5),
    "register a member": (10, 10),
    "record a change (a death)": (6, 6),
    "find a member": (3, 3),
    "answer a reminder (log the meeting)": (4, 4),
    "read the report": (1, 1),
}


def test_every_task_has_its_expected_counts() -> None:
    assert [t.name for t in TASKS] == list(EXPECTED)


@pytest.mark.parametrize("task", TASKS, ids=[t.name for t in TASKS])
async def test_replies_needed(world: World, caps: Capabilities, task: Task) -> None:
    if task.setup is not None:
        await task.setup(world)
    profile = "buttons" if caps.buttons else "text"
    chat = Chat(world.engine, caps, "lan", world.clock)
    buttons, text = EXPECTED[task.name]
    assert await replies_needed(chat, task, profile) == (buttons if caps.buttons else text)
