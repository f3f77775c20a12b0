"""The issue 17 prompts fuzzed like every other (tests/fuzz): no crash, nothing half-written."""

from __future__ import annotations

import pytest

from bot.core.types import TELEGRAM_CAPS, ZALO_CAPS, Capabilities
from tests.dues.support import set_rate
from tests.fuzz.prompts import Prompt, fuzz, inputs, seed_of
from tests.support.chat_fixtures import World

PROMPTS = [
    Prompt("dues: who paid", "lan", ("thu hội phí",)),
    Prompt("dues: amount", "lan", ("thu hội phí", "1")),
    Prompt("dues: rate amount", "hong", ("mức hội phí",)),
    Prompt("dues: relief who", "lan", ("miễn giảm hội phí",)),
    Prompt("fund: amount", "lan", ("ghi quỹ", ("pick", "Thu"), ("pick", "Hôm nay"))),
    Prompt("fund: purpose", "lan", ("ghi quỹ", ("pick", "Chi"), ("pick", "Hôm nay"), "50k")),
    Prompt("self-assessment", "lan", ("3 có 3 biết",)),
    Prompt("pair: kind", "hong", ("ghép cặp",)),
]


@pytest.mark.parametrize(
    ("prompt", "caps"),
    [(p, (TELEGRAM_CAPS, ZALO_CAPS)[i % 2]) for i, p in enumerate(PROMPTS)],
    ids=[f"{p.name} ({('buttons', 'text')[i % 2]})" for i, p in enumerate(PROMPTS)],
)
async def test_no_prompt_crashes_or_half_writes(
    world: World, caps: Capabilities, prompt: Prompt
) -> None:
    await set_rate(world)
    figures = await fuzz(world, caps, prompt, inputs(40, seed_of(prompt)))
    assert figures.turns == 40
    assert figures.crashes == 0, figures.crashed
    assert figures.half_writes == 0
