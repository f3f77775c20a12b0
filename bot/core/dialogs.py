"""Declarative dialogs: a list of steps the engine walks, owning back, cancel, help and menu.

A step's parser turns free text into a value or a `Retry` with a kind reason. The
dialog's state is plain JSON in the conversation row (bot.core.state), so any process can
resume it.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from bot.core.context import Ctx
from bot.core.i18n import N_, Msg, _, format_date, format_number, tr
from bot.core.state import Values as Values  # handlers name it with the steps
from bot.core.types import Reply

Text: TypeAlias = "Msg | str | Callable[[Ctx, Values], str | Awaitable[str]]"


@dataclass(frozen=True, slots=True)
class Retry:
    """A wrong answer: the reason (already translated) is shown and the step re-asked."""

    reason: str


@dataclass(frozen=True, slots=True)
class Stay:
    """Keep `value` and ask the same step again (paging, toggling a tick-list)."""

    value: Any
    note: str = ""


@dataclass(frozen=True, slots=True)
class Option:
    value: Any
    label: Msg | str


Options: TypeAlias = (
    "Sequence[Option] | Callable[[Ctx, Values], Sequence[Option] | Awaitable[Sequence[Option]]]"
)
Parser: TypeAlias = Callable[[str, Ctx, Values], Any]
Picker: TypeAlias = Callable[[Any, Ctx, Values], Any]


@dataclass(frozen=True)
class Ask:
    """Ask for one value. With `options`, picking one (button, number or words) is the answer."""

    name: str
    prompt: Text
    parse: Parser | None = None
    example: Msg | None = None
    options: Options | None = None
    when: Callable[[Values], bool] | None = None
    # False where a typed number is an answer (a head count), not an option's number.
    number_selects: bool = True
    # Number the options on text channels even where a typed number is not an option's
    # (None: as `number_selects`), so every option looks like a choice.
    numbered: bool | None = None
    # Shown in the confirm summary's "which field to correct?" list.
    label: Msg | None = None
    # A picked option's value goes through this instead of being the answer as it is; it may
    # return `Stay` to keep the step (a tick-list toggle) or `Retry`.
    on_pick: Picker | None = None
    # False: the step's hooks write its answer into other values (the tick-list fills
    # `present`), so nothing is kept under its own name and a correction asks it again.
    stores: bool = True
    # Reached by a button of the step before ("see details"), its prompt replaces that
    # button's message where the channel can edit one (Telegram).
    replaces: bool = False


def Choose(
    name: str,
    prompt: Text,
    options: Options,
    *,
    when: Callable[[Values], bool] | None = None,
    label: Msg | None = None,
    example: Msg | None = None,
) -> Ask:
    return Ask(name, prompt, options=options, when=when, label=label, example=example)


@dataclass(frozen=True)
class Confirm:
    """Show a summary; the user saves, corrects a field, or cancels."""

    summary: Callable[[Ctx, Values], str | Awaitable[str]]
    name: str = "confirm"
    when: Callable[[Values], bool] | None = None


Step: TypeAlias = Ask | Confirm
Done: TypeAlias = Callable[[Ctx, Values], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class Dialog:
    name: str
    steps: Sequence[Step]
    on_done: Done
    help: Msg = field(
        default_factory=lambda: N_("Answer the question, or choose one of the options.")
    )
    # Runs before the first step; a Retry refuses to start (e.g. no branch to act on).
    on_start: Callable[[Ctx, Values], Awaitable[Retry | None]] | None = None
    # Runs again right before `on_done`, in the save's own transaction, on the rows as they
    # are now (locked where the database can): is she still allowed to change them? A
    # dialog can stay open for hours while someone else moves the member or revokes a role;
    # a Retry refuses the save with its reason and nothing is written. Every dialog that
    # saves declares one (tests/unit/test_architecture.py holds that).
    recheck: Callable[[Ctx, Values], Awaitable[Retry | None]] | None = None

    def step(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(name)

    def confirm_name(self) -> str | None:
        return next((s.name for s in self.steps if isinstance(s, Confirm)), None)

    def next_after(self, name: str | None, values: Values) -> Step | None:
        names = [s.name for s in self.steps]
        start = 0 if name is None else names.index(name) + 1
        for s in self.steps[start:]:
            if s.when is None or s.when(values):
                return s
        return None


CONFIRM_SAVE = "save"
CONFIRM_EDIT = "edit"
CONFIRM_CANCEL = "cancel"


def confirm_options() -> list[Option]:
    return [
        Option(CONFIRM_SAVE, N_("Correct, save")),
        Option(CONFIRM_EDIT, N_("Correct a field")),
        Option(CONFIRM_CANCEL, N_("Cancel")),
    ]


async def resolve(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def render_text(text: Text, ctx: Ctx, values: Values) -> str:
    if callable(text):
        return str(await resolve(text(ctx, values)))
    return tr(text)


async def step_options(step: Step, ctx: Ctx, values: Values) -> list[Option]:
    if isinstance(step, Confirm):
        return confirm_options()
    if step.options is None:
        return []
    if callable(step.options):
        return list(await resolve(step.options(ctx, values)))
    return list(step.options)


def edit_options(dialog: Dialog, values: Values) -> list[Option]:
    """The answered fields that have a label, offered for correction."""
    return [
        Option(s.name, s.label)
        for s in dialog.steps
        if isinstance(s, Ask) and s.label is not None and s.name in values
    ]


def retry_text(reason: str, example: Msg | None, attempts: int) -> str:
    lines = [reason]
    if example is not None:
        lines.append(tr(example))
    if attempts >= 3:
        lines.append(
            _(
                'Having trouble? Type "help" for an explanation, "back" for the previous '
                'question or "cancel" to stop; nothing is saved until you confirm.'
            )
        )
    return "\n".join(lines)


async def shown_answer(step: Step, ctx: Ctx, values: Values) -> str:
    """An answer as she would recognise it, to show when she goes back to its question.

    Only plain answers: a structured value (an ID number, a tick-list) is not repeated.
    """
    value = values.get(step.name)
    if value is None or isinstance(step, Confirm):
        return ""
    for option in await step_options(step, ctx, values):
        if option.value == value:
            return tr(option.label)
    if isinstance(value, bool):
        return ""
    if isinstance(value, dt.date):
        return format_date(value)
    if isinstance(value, int):
        return format_number(value)
    return value if isinstance(value, str) else ""
