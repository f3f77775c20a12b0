"""Replies a daily task needs, counted from the menu, on each profile (issue 14).

A reply is one message from her: a tap on Telegram, a typed line on Zalo. Each task is the
shortest natural path a branch head takes, scripted per profile, and must end in the words
that show it was done. Shared by tests/conversations/test_reply_counts.py (which holds the
expected numbers) and bench/reply_counts.py (which prints the table).

Demo: Lan heads Chi hội Thôn Đông (10 members, no tổ); Friday 20/03/2026.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from tests.fuzz.prompts import Step
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

Setup = Callable[[World], Awaitable[None]]

HEAD_COUNT = (("pick", "Ghi sinh hoạt"), ("pick", "Hôm nay"), "9", ("pick", "Đúng, lưu"))
# 7 of 10 present: on Telegram one tap a name (all on the first page), then "Xong".
TAPS = tuple(("tick", str(i)) for i in range(1, 8))
TICKED = (("pick", "Ghi sinh hoạt"), ("pick", "Hôm nay"), ("pick", "Đánh dấu tên"))
REGISTER = (
    ("pick", "Thêm hội viên"),
    ("pick", "Có, chị ấy đồng ý"),
    "Trần Thị Bích",
    "05/03/1990",
    ("pick", "Hội viên mới kết nạp"),
    "0912345678",
    "038190001234",
    "0",
    ("pick", "Bỏ qua"),  # who brought her in ("1+1")
    ("pick", "Đúng, lưu"),
)
FIND = (("pick", "Tìm hội viên"), "cuc", ("pick", "Bùi Thu Cúc"))
CHANGE = (*FIND, ("pick", "Đã mất"), "hôm qua", ("pick", "Đúng, lưu"))


async def a_reminder(world: World) -> None:
    """Tuesday 17/03/2026 08:00: the quarter's meeting reminder reaches Lan."""
    from tests.scheduler.test_reminder_chat import run_day

    await run_day(world, 2026, 3, 17)


@dataclass(frozen=True)
class Task:
    name: str
    buttons: tuple[Step, ...]
    text: tuple[Step, ...]
    done: str  # words of the last reply that show the task was done
    setup: Setup | None = None

    def steps(self, profile: str) -> tuple[Step, ...]:
        return self.buttons if profile == "buttons" else self.text


TASKS = [
    Task("log a meeting by head count", HEAD_COUNT, HEAD_COUNT, "Đã lưu buổi sinh hoạt"),
    Task(
        "log a meeting by tick-list",
        (*TICKED, *TAPS, ("pick", "Xong"), ("pick", "Đúng, lưu")),
        (*TICKED, "1-7", ("pick", "Đúng, lưu")),
        "Đã lưu buổi sinh hoạt",
    ),
    Task("register a member", REGISTER, REGISTER, "Đã lưu hội viên Trần Thị Bích"),
    Task("record a change (a death)", CHANGE, CHANGE, "Đã lưu"),
    Task("find a member", FIND, FIND, "Bùi Thu Cúc"),
    Task(
        "answer a reminder (log the meeting)",
        (("go", "log_meeting"), ("pick", "Hôm nay"), "9", ("pick", "Đúng, lưu")),
        ("ghi sinh hoạt", ("pick", "Hôm nay"), "9", ("pick", "Đúng, lưu")),
        "Đã lưu buổi sinh hoạt",
        setup=a_reminder,
    ),
    Task("read the report", (("pick", "Báo cáo"),), (("pick", "Báo cáo"),), "Chi hội Thôn Đông"),
]


async def replies_needed(chat: Chat, task: Task, profile: str) -> int:
    """Walk the task from the menu; the number of her messages, once it is done."""
    await chat.say("menu")
    count = 0
    for step in task.steps(profile):
        if isinstance(step, str):
            await chat.say(step)
        elif step[0] == "go":  # a reminder's button
            await chat.send(chat.incoming(choice=f"go:{step[1]}"))
        elif step[0] == "tick":  # the tick-list button of member number step[1]
            [key] = [
                c.key
                for r in chat.last
                for c in r.choices
                if c.label[2:].startswith(f"{step[1]}. ")
            ]
            await chat.send(chat.incoming(choice=key))
        else:
            await chat.pick(step[1])
        count += 1
    shown = chat.text()
    if task.done.lower() not in shown.lower():
        raise AssertionError(f"{task.name}: not done; last reply:\n{shown}")
    return count
