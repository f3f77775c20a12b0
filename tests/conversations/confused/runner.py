"""The "confused user" corpus runner: reach a prompt, send one off-path input, classify.

Every row of the corpus (tests/conversations/confused/corpus.py) is one typed input at one
prompt, with the outcome expected. The runner walks the prompt's path from the menu once,
keeps the conversation state it reached, and before each input puts that state back, so each
row is independent of the ones before it (a row that saves something gets a fresh world).

An outcome is observed, not guessed from the reply's words:

- "step:NAME": the dialog moved on to step NAME (a confirm step is "step:confirm");
  "edit": the "which field?" list of the summary;
- "open:DIALOG": another task started (a menu entry's or a reminder's words);
- "menu": the dialog was left (cancel, menu words) and the menu shown;
- "done": answered at once, with the menu's choices at hand (a setting, an Excel file);
- "asked": the same step asks a question about the answer ("15/12 năm nay chưa tới; ...?");
- "hint": the same step is asked again after a short reason with one example;
- "stay": the same step shown again with her answer kept (a page turned, a name ticked);
- "saved": something was written (the only outcome allowed to change the database);
- "language": her language was switched (a language's name is a global word).

Besides matching the expected outcome, every row must leave no dead end: a reply is sent,
no turn crashes, a hint or a question is at most four lines, a hint holds an example (a
"ví dụ"/"e.g." or a quoted word to type), and no row but a "saved" one changes any table.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update

from bot.core.types import TELEGRAM_CAPS, ZALO_CAPS, Capabilities, Reply
from storage.models import Conversation, Person
from storage.models.base import Base
from storage.repositories import conversations, people
from tests.fuzz.prompts import Step
from tests.support import databases
from tests.support.chat import Chat
from tests.support.chat_fixtures import Clock, World, make_world

PROFILES: dict[str, Capabilities] = {"buttons": TELEGRAM_CAPS, "text": ZALO_CAPS}
OUTCOMES = ("edit", "menu", "done", "asked", "hint", "stay", "saved", "language")
MENU_QUESTION = re.compile(r"Chị muốn làm gì|What would you like to do")
MAX_HINT_LINES = 4
# A hint's example: "ví dụ", "e.g." or a quoted thing to type ("menu", "có").
EXAMPLE = re.compile(r'ví dụ|chẳng hạn|for example|e\.g\.|"[^"]+"|“[^”]+”', re.IGNORECASE)
# Tables every turn writes whatever it does: the chat's state and the update's dedupe row.
# A wrong invite code is counted against guessing (code_attempt): a guard, not her data.
TURN_TABLES = {"conversation", "processed_update", "code_attempt"}

Setup = Callable[[World], Awaitable[None]]


@dataclass(frozen=True)
class Row:
    """One off-path input and what should come of it; `zalo` when Zalo differs."""

    text: str
    expect: str
    zalo: str | None = None

    def expected(self, profile: str) -> str:
        return self.zalo if profile == "text" and self.zalo is not None else self.expect


@dataclass(frozen=True)
class Prompt:
    """A prompt of a dialog: how to reach it, where that is, and the corpus of inputs."""

    name: str
    path: tuple[Step, ...]
    at: str  # "dialog:step" reached by the path ("-" for the menu, "stranger" before a code)
    rows: tuple[Row, ...]
    user: str = "lan"
    setup: Setup | None = None
    # The clock for this prompt (local date); None: the fixtures' Friday 20/03/2026.
    today: dt.date | None = None


@dataclass
class Result:
    prompt: str
    profile: str
    row: Row
    observed: str
    problems: list[str]
    transcript: str

    @property
    def passed(self) -> bool:
        return not self.problems


@dataclass
class _Place:
    state: dict[str, Any]
    prompt_text: str
    counts: tuple[Any, ...]


class _Failures(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage() == "turn_failed":
            self.count += 1


_COUNTED = [t for t in Base.metadata.sorted_tables if t.name not in TURN_TABLES]
_COUNTS = select(*[select(func.count()).select_from(t).scalar_subquery() for t in _COUNTED])


async def _counts(world: World) -> tuple[Any, ...]:
    """Every table's row count, and each person's digest setting (an update, not a row)."""
    async with world.session() as s:
        counts = tuple((await s.execute(_COUNTS)).one())
        muted = (await s.execute(select(Person.id, Person.mute_digests).order_by(Person.id))).all()
    return counts + tuple(map(tuple, muted))


async def _locale(world: World, user: str) -> str | None:
    async with world.session() as s:
        person = await people.find_person(s, "web", "sim", user)
    return person.locale if person is not None else None


def where_of(state: dict[str, Any]) -> str:
    if not state.get("dialog"):
        return "-"
    if state.get("picking_edit"):
        return f"{state['dialog']}:edit"
    return f"{state['dialog']}:{state.get('step')}"


def _note_lines(replies: list[Reply], prompt_text: str) -> list[str]:
    """The lines said before the prompt is shown again (the hint or the question)."""
    if not replies:
        return []
    if len(replies) > 1:
        return replies[0].text.splitlines()
    lines = replies[0].text.splitlines()
    first = prompt_text.splitlines()[0] if prompt_text else ""
    if first and first in lines:
        return lines[: lines.index(first)]
    return lines


def classify(
    before: dict[str, Any],
    after: dict[str, Any],
    wrote: bool,
    note: list[str],
    replies: list[Reply],
) -> str:
    if wrote:
        return "saved"
    at, now = where_of(before), where_of(after)
    if at == "stranger":
        return "hint"
    if now == "-":
        if any(MENU_QUESTION.search(r.text) for r in replies):
            return "menu"
        # An answer given at once (a setting, a file), or a hint at the menu.
        return "done" if replies and replies[-1].choices else "hint"
    dialog, step = now.split(":", 1)
    if at == "-" or dialog != at.split(":", 1)[0]:
        return f"open:{dialog}"
    if now != at:
        return "edit" if step == "edit" else f"step:{step}"
    if int(after.get("attempts") or 0) > int(before.get("attempts") or 0):
        return "asked" if any("?" in line for line in note) else "hint"
    if after.get("values") != before.get("values"):
        return "stay"
    return "hint"  # help: the step explained, then asked again


def check(
    expected: str, observed: str, replies: list[Reply], note: list[str], prompt_text: str
) -> list[str]:
    problems = []
    if observed != expected:
        problems.append(f"expected {expected}, got {observed}")
    if not replies or not any(r.text.strip() for r in replies):
        problems.append("no reply: a dead end")
    if observed in ("hint", "asked"):
        if not 1 <= len(note) <= MAX_HINT_LINES:
            problems.append(f"hint of {len(note)} lines (1 to {MAX_HINT_LINES} allowed)")
        # The example may be the re-asked question's own ("Gõ các số, ví dụ 1 3").
        shown = [*note, *prompt_text.splitlines()[:1]]
        if observed == "hint" and not EXAMPLE.search("\n".join(shown)):
            problems.append("hint without an example")
    return problems


class Runner:
    """Runs one prompt's rows in one profile, each from the same place."""

    def __init__(self, template: Path, directory: Path, prompt: Prompt, profile: str) -> None:
        self.template = template
        self.directory = directory
        self.prompt = prompt
        self.profile = profile
        self.caps = PROFILES[profile]
        self._close: Callable[[], object] | None = None

    async def _fresh(self) -> tuple[World, Chat, _Place]:
        await self.close()
        clock = Clock(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC))
        if self.prompt.today is not None:
            d = self.prompt.today
            clock.set_local(d.year, d.month, d.day)
        world, self._close = await make_world(
            databases.fresh_sqlite(self.template, self.directory), clock
        )
        if self.prompt.setup is not None:
            await self.prompt.setup(world)
        chat = Chat(world.engine, self.caps, self.prompt.user, world.clock)
        await _walk(chat, self.prompt.path, stranger=self.prompt.at == "stranger")
        state = await self._state(world)
        reached = "stranger" if self.prompt.at == "stranger" else where_of(state)
        assert reached == self.prompt.at, (self.prompt.name, reached, chat.transcript[-4:])
        text = chat.last[-1].text if chat.last else ""
        place = _Place(state, text, await _counts(world))
        return world, chat, place

    async def _state(self, world: World) -> dict[str, Any]:
        async with world.session() as s:
            return await conversations.get_state(s, "web", "sim", self.prompt.user)

    async def _restore(self, world: World, place: _Place) -> None:
        async with world.session() as s, s.begin():
            await s.execute(
                update(Conversation)
                .where(Conversation.chat_id == self.prompt.user)
                .values(state=place.state)
            )
            await s.execute(update(Person).values(locale="vi"))

    async def run(self) -> list[Result]:
        failures = _Failures()
        logger = logging.getLogger("chihoi")
        logger.addHandler(failures)
        results: list[Result] = []
        try:
            world, chat, place = await self._fresh()
            for row in self.prompt.rows:
                await self._restore(world, place)
                crashed = failures.count
                before = place.state
                replies = await chat.say(self.typed(row.text, world))
                after = await self._state(world)
                wrote = await _counts(world) != place.counts
                switched = await _locale(world, self.prompt.user) not in (None, "vi")
                note = _note_lines(replies, place.prompt_text)
                if self.prompt.at == "stranger":
                    before = {"dialog": None, "stranger": True}
                observed = _classify(self.prompt.at, before, after, wrote, note, replies)
                if switched and not wrote:
                    observed = "language"
                problems = check(
                    row.expected(self.profile), observed, replies, note, place.prompt_text
                )
                if failures.count > crashed:
                    problems.append("the turn crashed")
                shown = "\n".join(chat.transcript[-len(replies) - 1 :])
                results.append(
                    Result(self.prompt.name, self.profile, row, observed, problems, shown)
                )
                if wrote:  # later rows start again from a world where nothing was saved
                    world, chat, place = await self._fresh()
        finally:
            logger.removeHandler(failures)
            await self.close()
        return results

    @staticmethod
    def typed(text: str, world: World) -> str:
        """The row's text, with a fresh invite code of the demo for "{code}" ("{code_lower}")."""
        code = world.demo.invites[0][0]
        return text.replace("{code}", code).replace("{code_lower}", code.lower())

    async def close(self) -> None:
        if self._close is not None:
            await self._close()  # type: ignore[misc]
            self._close = None


def _classify(
    at: str,
    before: dict[str, Any],
    after: dict[str, Any],
    wrote: bool,
    note: list[str],
    replies: list[Reply],
) -> str:
    if at == "stranger":
        return "saved" if wrote else "hint"
    return classify(before, after, wrote, note, replies)


async def _walk(chat: Chat, path: tuple[Step, ...], *, stranger: bool) -> None:
    if not stranger:
        await chat.say("menu")
    for step in path:
        if isinstance(step, str):
            await chat.say(step)
        elif step[0] == "go":
            await chat.send(chat.incoming(choice=f"go:{step[1]}"))
        else:
            await chat.pick(step[1])


@dataclass
class Tally:
    results: list[Result] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    def failures(self) -> str:
        return "\n\n".join(
            f"[{r.prompt} / {r.profile}] {r.row.text!r}: {'; '.join(r.problems)}\n{r.transcript}"
            for r in self.results
            if not r.passed
        )
