"""A short hypothesis fuzz of every prompt (50 inputs each): no turn crashes and nothing is
half-written. The prompts alternate between the two profiles so both are fuzzed within the
suite's time; the long version (`make soak`, bench/soak.py) runs every prompt in both."""

from __future__ import annotations

import pytest

from bot.core.types import TELEGRAM_CAPS, ZALO_CAPS, Capabilities, Incoming, Reply
from tests.fuzz.prompts import PROMPTS, Prompt, fuzz, inputs, seed_of
from tests.support.chat_fixtures import World

PER_PROMPT = 50


@pytest.mark.parametrize(
    ("prompt", "caps"),
    [(p, (TELEGRAM_CAPS, ZALO_CAPS)[i % 2]) for i, p in enumerate(PROMPTS)],
    ids=[f"{p.name} ({('buttons', 'text')[i % 2]})" for i, p in enumerate(PROMPTS)],
)
async def test_no_prompt_crashes_or_half_writes(
    world: World, caps: Capabilities, prompt: Prompt
) -> None:
    figures = await fuzz(world, caps, prompt, inputs(PER_PROMPT, seed_of(prompt)))
    assert figures.turns == PER_PROMPT
    assert figures.crashes == 0, figures.crashed
    assert figures.half_writes == 0


async def test_a_crashing_turn_is_counted(
    world: World, caps: Capabilities, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The detector itself: a turn that raises is a crash, and its rollback no half-write."""
    turn = world.engine._turn

    async def boom(inc: Incoming) -> list[Reply]:
        if inc.text == "boom":
            raise RuntimeError("injected")
        return await turn(inc)

    monkeypatch.setattr(world.engine, "_turn", boom)
    figures = await fuzz(world, caps, PROMPTS[1], ["boom", "xin chào", "boom"])
    assert (figures.crashes, figures.half_writes, figures.turns) == (2, 0, 3)
