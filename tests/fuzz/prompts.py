"""Fuzzing every prompt through the engine: shared by the suite (50 inputs a prompt) and
`make soak` (bench/soak.py, 10,000 a prompt).

A prompt is reached by a scripted path from the menu. Each generated input is sent there;
when it moved the chat elsewhere (a global word, a valid answer), the path is walked again.
A crash is a turn the engine had to answer with its "nothing was saved" apology (it logs
`turn_failed`); a half-write is a crashed turn after which any table's row count changed.
"""

from __future__ import annotations

import logging
import random
import zlib
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.core.types import Capabilities
from storage.models.base import Base
from storage.repositories import conversations
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

Step = str | tuple[str, str]  # typed text, or ("pick", label) / ("go", menu key)


@dataclass(frozen=True)
class Prompt:
    name: str
    user: str
    path: tuple[Step, ...]


REGISTER = ("thêm hội viên", ("pick", "Có, chị ấy đồng ý"))
PROMPTS = [
    Prompt("menu", "lan", ()),
    Prompt("meeting: date", "lan", ("ghi sinh hoạt",)),
    Prompt("meeting: head count", "lan", ("ghi sinh hoạt", "hôm qua")),
    Prompt("meeting: confirm", "lan", ("ghi sinh hoạt", "hôm qua", "9")),
    Prompt("meeting: which branch (chair)", "hong", ("ghi sinh hoạt",)),
    Prompt("register: consent", "lan", ("thêm hội viên",)),
    Prompt("register: name", "lan", REGISTER),
    Prompt("register: birth date", "lan", (*REGISTER, "trần thị bích")),
    Prompt("register: kind", "lan", (*REGISTER, "trần thị bích", "05/03/1990")),
    Prompt(
        "register: phone",
        "lan",
        (*REGISTER, "trần thị bích", "05/03/1990", ("pick", "Hội viên mới kết nạp")),
    ),
    Prompt("find member", "lan", ("tìm hội viên",)),
    Prompt("member review", "lan", (("go", "member_review"),)),
    Prompt("language", "lan", (("go", "language"),)),
    Prompt("commune figures", "hong", (("go", "unit_figures"),)),
    Prompt("targets: unit", "hong", (("go", "unit_targets"),)),
    Prompt("report", "hong", (("go", "reports"),)),
]

WORDS = [
    "menu", "về menu", "thoát", "hủy", "huy", "quay lại", "giúp", "help", "/start", "báo cáo",
    "ghi sinh hoạt", "nhắc lại sau", "tất cả", "đủ", "vắng 3", "hăm hai", "0", "-1", "1 3 15",
    "ngày sinh", "15/12", "29/2", "31/04/2026", "2026", "đúng", "không", "English",
    "tiếng việt", "🙏", "👍👍", "   ", "1e9", "９", "ｍｅｎｕ", "NULL", "'; drop table member;--",
    "<b>x</b>", "\u200b", "a" * 300,
]  # fmt: skip
INPUTS = st.one_of(
    st.sampled_from(WORDS),
    st.text(min_size=1, max_size=80),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.lists(st.sampled_from(WORDS), min_size=2, max_size=4).map(" ".join),
).filter(lambda s: s.strip() != "")


def seed_of(prompt: Prompt) -> int:
    return zlib.crc32(prompt.name.encode())


def inputs(n: int, seed: int) -> list[str]:
    """n inputs drawn by hypothesis, the same for the same seed."""
    drawn: list[str] = []

    @settings(
        max_examples=n,
        database=None,
        derandomize=True,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.lists(INPUTS, min_size=1, max_size=1))
    def draw(xs: list[str]) -> None:
        drawn.extend(xs)

    draw()
    # Hypothesis may stop early when its space looks exhausted: cycle to n.
    rng = random.Random(seed)
    while len(drawn) < n:
        drawn.append(rng.choice(drawn))
    return drawn[:n]


class _Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "turn_failed":
            self.count += 1


@dataclass
class Figures:
    prompts: int = 0
    turns: int = 0
    crashes: int = 0
    half_writes: int = 0
    left: int = 0  # inputs that moved the chat off the prompt (path walked again)
    crashed: list[tuple[str, str]] = field(default_factory=list)


# Every table's row count in one statement: read before and after each fuzzed turn.
COUNTS = select(
    *[select(func.count()).select_from(t).scalar_subquery() for t in Base.metadata.sorted_tables]
)


async def counts(world: World) -> tuple[int, ...]:
    async with world.session() as s:
        return tuple((await s.execute(COUNTS)).one())


async def where(world: World, user: str) -> tuple[Any, Any]:
    async with world.session() as s:
        state = await conversations.get_state(s, "web", "sim", user)
    return state.get("dialog"), state.get("step")


async def walk(chat: Chat, path: tuple[Step, ...]) -> None:
    # A fuzzed input may have been a language's name ("english" is a global word): the
    # path's labels are Vietnamese, so the walk starts back in Vietnamese.
    await chat.say("tiếng việt")
    await chat.say("menu")
    for step in path:
        if isinstance(step, str):
            await chat.say(step)
        elif step[0] == "go":
            await chat.send(chat.incoming(choice=f"go:{step[1]}"))
        else:
            await chat.pick(step[1])


async def fuzz(world: World, caps: Capabilities, prompt: Prompt, texts: list[str]) -> Figures:
    figures = Figures(prompts=1)
    failures = _Failures()
    logger = logging.getLogger("chihoi")
    logger.addHandler(failures)
    try:
        chat = Chat(world.engine, caps, prompt.user, world.clock)
        await walk(chat, prompt.path)
        home = await where(world, prompt.user)
        assert (home[0] is not None) == bool(prompt.path), (prompt.name, home)
        for text in texts:
            before, crashed_before = await counts(world), failures.count
            await chat.say(text)
            figures.turns += 1
            if failures.count > crashed_before:
                figures.crashes += 1
                figures.crashed.append((prompt.name, text))
                if await counts(world) != before:
                    figures.half_writes += 1
            if await where(world, prompt.user) != home:
                figures.left += 1
                await walk(chat, prompt.path)
    finally:
        logger.removeHandler(failures)
    return figures
