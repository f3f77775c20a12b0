"""The "confused user" corpus (issue 14.9): every prompt of every dialog, at least ten
off-path inputs each, in both profiles; each input progresses, is asked about, or gets a
short hint with one example, and only an input meant to save writes anything.

The table is corpus.py; the runner (runner.py) says how outcomes are observed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.types import Reply
from tests.conversations.confused.corpus import PROMPTS
from tests.conversations.confused.runner import (
    OUTCOMES,
    PROFILES,
    Prompt,
    Row,
    Runner,
    Tally,
    check,
)

MIN_ROWS = 10


@pytest.mark.parametrize("profile", list(PROFILES))
@pytest.mark.parametrize("prompt", PROMPTS, ids=[p.name for p in PROMPTS])
async def test_no_dead_end(
    sqlite_template: Path, tmp_path: Path, prompt: Prompt, profile: str
) -> None:
    tally = Tally(await Runner(sqlite_template, tmp_path, prompt, profile).run())
    assert len(tally.results) == len(prompt.rows)
    assert tally.passed == len(tally.results), tally.failures()


def test_every_prompt_has_ten_inputs_with_known_outcomes() -> None:
    names = [p.name for p in PROMPTS]
    assert len(names) == len(set(names))
    for prompt in PROMPTS:
        assert len(prompt.rows) >= MIN_ROWS, prompt.name
        texts = [r.text for r in prompt.rows]
        assert len(texts) == len(set(texts)), prompt.name
        for row in prompt.rows:
            for profile in PROFILES:
                kind = row.expected(profile).split(":")[0]
                assert kind in (*OUTCOMES, "step", "open"), (prompt.name, row)


async def test_the_runner_sees_a_wrong_expectation_and_a_silent_save(
    sqlite_template: Path, tmp_path: Path
) -> None:
    """The checker itself: a row expecting the wrong outcome fails, and so does a saving
    input that expected no write."""

    [date] = [p for p in PROMPTS if p.name == "meeting: day"]
    [confirm] = [p for p in PROMPTS if p.name == "meeting: confirm"]
    wrong = Prompt(date.name, date.path, date.at, (Row("hom qua", "hint"),))
    silent = Prompt(confirm.name, confirm.path, confirm.at, (Row("dung", "step:confirm"),))

    async def run(p: Prompt) -> list[str]:
        [result] = await Runner(sqlite_template, tmp_path, p, "text").run()
        return result.problems

    assert await run(wrong) == ["expected hint, got step:present"]
    assert await run(silent) == ["expected step:confirm, got saved"]


def test_a_long_hint_or_one_without_an_example_is_a_problem() -> None:
    prompt = "Có bao nhiêu hội viên dự?"
    long_note = ["Em chưa hiểu.", "a", "b", "c", 'Ví dụ "22".']
    reply = Reply("\n".join([*long_note, prompt]))
    assert check("hint", "hint", [reply], long_note, prompt) == ["hint of 5 lines (1 to 4 allowed)"]
    bare = ["Em chưa hiểu."]
    assert check("hint", "hint", [Reply("x")], bare, prompt) == ["hint without an example"]
    assert check("hint", "hint", [Reply("x")], bare, "Gõ số, ví dụ 22.") == []
    assert check("menu", "menu", [Reply(" ")], [], prompt) == ["no reply: a dead end"]
