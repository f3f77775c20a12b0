"""One private-chat turn: route the message to the menu, a command or the open dialog step."""

from __future__ import annotations

from typing import Any

from bot.core.choices import match_typed
from bot.core.context import Ctx
from bot.core.dialogs import (
    CONFIRM_CANCEL,
    CONFIRM_EDIT,
    CONFIRM_SAVE,
    Ask,
    Confirm,
    Dialog,
    Option,
    Retry,
    Stay,
    Values,
    edit_options,
    render_text,
    resolve,
    retry_text,
    shown_answer,
    step_options,
)
from bot.core.features import MenuEntry, Registry
from bot.core.i18n import _, tr
from bot.core.intents import (
    Intent,
    Kind,
    by_words,
    dropped_note,
    entry_by_words,
    is_start_with_code,
    menu_help,
    not_understood,
    recognise,
    with_note,
)
from bot.core.parsing import read_yes_no
from bot.core.retries import choose_hint, named_field, yes_or_no
from bot.core.roles import role_name
from bot.core.state import AT_DIALOG, AT_IDLE, AT_MENU, ConversationState, DialogState, Offered
from bot.core.types import Choice, Reply
from bot.domain.textkeys import fold

_NOTHING = object()
GO = "go:"  # button keys that open a menu entry directly (reminders from the outbox)


class Turn:
    """Holds the conversation state for one turn; the engine saves `state` afterwards."""

    def __init__(self, registry: Registry, ctx: Ctx, state: ConversationState) -> None:
        self.registry = registry
        self.ctx = ctx
        self.state = state

    async def run(self) -> list[Reply]:
        inc = self.ctx.incoming
        text = (inc.text or "").strip()
        if self.ctx.person is None or is_start_with_code(text):
            if self.registry.on_stranger is None:
                return []
            replies = await self.registry.on_stranger(self.ctx, text)
            if self.ctx.person is not None and self.state.dialog is None:
                replies.append(await self.menu())
            return replies
        if inc.choice is not None and inc.choice.startswith(GO):
            # A reminder's button (bot/scheduler/messages.py) names a menu entry: it was sent
            # outside any turn, so it cannot carry this chat's offered-choice serial.
            entry = self.registry.entry(inc.choice[len(GO) :])
            if entry is not None and entry in self.registry.entries_for(self.ctx):
                self._clear()
                return await self.open(entry)
        picked: Any = _NOTHING
        if inc.choice is not None:
            picked = self._picked(inc.choice)
            if picked is _NOTHING:
                stale = Reply(_("This menu has expired. Here is the current one."), notice=True)
                return [stale, *await self._current_prompt()]
        if picked is _NOTHING and text.startswith("/"):
            command, _sep, arg = text[1:].partition(" ")
            handler = self.registry.commands.get(command.split("@")[0].lower())
            if handler is not None:
                self._clear()
                return await self._after(await handler(self.ctx, arg.strip()))
        if picked is _NOTHING and text:
            if (intent := recognise(text)) is not None:
                return await self._intent(intent)
            if (entry := entry_by_words(self.registry, self.ctx, self.state, text)) is not None:
                note = dropped_note(self.registry, self.state)
                self._clear()
                return with_note(note, await self.open(entry))
        d = self.state.dialog
        if d is not None and d.name in self.registry.dialogs:
            return await self._in_dialog(d, text, picked)
        return await self._at_menu(text, picked)

    # --- global intents (bot/core/intents.py) -------------------------------

    async def _intent(self, intent: Intent) -> list[Reply]:
        d = self.state.dialog
        in_dialog = d is not None and d.name in self.registry.dialogs
        if intent.kind == Kind.HELP:
            if in_dialog and d is not None:
                return await self._dialog_help(d)
            return [Reply(menu_help(self.ctx.caps.buttons))]
        if intent.kind == Kind.BACK and in_dialog and d is not None:
            dialog = self.registry.dialogs[d.name]
            return await self._back(d, dialog, d.values())
        if intent.kind == Kind.CANCEL and in_dialog:
            self._clear()
            return [await self.menu(_("Cancelled. Nothing was saved."))]
        assert self.ctx.person is not None
        switch = intent.arg not in (None, self.ctx.person.locale)  # already hers: the menu
        if intent.kind == Kind.LANGUAGE and switch and "language" in self.registry.dialogs:
            note = dropped_note(self.registry, self.state)
            self._clear()
            replies = await self._finish(self.registry.dialogs["language"], {"lang": intent.arg})
            return with_note(note, replies)
        # Menu, and back or cancel with nothing open: the menu, saying what was left.
        note = dropped_note(self.registry, self.state)
        self._clear()
        return [await self.menu(note or None)]

    # --- menu -------------------------------------------------------------

    async def menu(self, note: str | None = None) -> Reply:
        entries = [e for e in self.registry.entries_for(self.ctx) if e.listed]
        person = self.ctx.person
        assert person is not None
        lines = [note] if note else []
        lines.append(_("Hello {name}!").format(name=person.display_name))
        for r in self.ctx.roles:
            lines.append(f"{role_name(r.kind)} · {r.unit.name}")
        for menu_note in self.registry.menu_notes:
            lines.extend(await menu_note(self.ctx))
        if self.ctx.caps.buttons:
            lines.append(_("What would you like to do?"))
        else:
            lines.append(_("What would you like to do? Choose a number."))
        self.state.at = AT_MENU
        choices = self._offer([e.key for e in entries], [tr(e.label) for e in entries])
        return Reply("\n".join(lines), choices)

    async def _at_menu(self, text: str, picked: Any) -> list[Reply]:
        entries = self.registry.entries_for(self.ctx)
        entry: MenuEntry | None = None
        at_menu = self.state.at == AT_MENU
        if picked is not _NOTHING and at_menu:
            entry = self.registry.entry(str(picked))
        elif text:
            offered = self.state.offered
            if at_menu and offered is not None and offered.labels:
                idx = match_typed(text, offered.labels)
                if idx is not None:
                    entry = self.registry.entry(offered.values[idx])
            if entry is None:
                entry = by_words(entries, fold(text))
            if entry is None and by_words(self.registry.entries, fold(text)):
                return [
                    await self.menu(_("That task is not one of yours; here is what you can do."))
                ]
            if entry is None:
                return [Reply(not_understood(self.ctx.caps.buttons))]
        if entry is None or entry not in entries:
            return [await self.menu()]
        return await self.open(entry)

    async def open(self, entry: MenuEntry) -> list[Reply]:
        if isinstance(entry.action, Dialog):
            return await self.start(entry.action.name, {})
        return await self._after(await entry.action(self.ctx))

    async def _after(self, replies: list[Reply]) -> list[Reply]:
        """Open the dialog a handler asked for, or leave the menu at hand."""
        if self.ctx.next_dialog is not None:
            name, values = self.ctx.next_dialog
            self.ctx.next_dialog = None
            return replies + await self.start(name, values)
        if self.state.dialog is None and replies and not replies[-1].choices:
            menu = await self.menu()
            last = replies[-1]
            replies[-1] = Reply(
                last.text, menu.choices, last.attachment, last.numbered, last.notice
            )
        return replies

    # --- dialogs ----------------------------------------------------------

    async def start(self, name: str, values: Values) -> list[Reply]:
        dialog = self.registry.dialogs[name]
        d = DialogState(name)
        d.keep(values)
        self.state.dialog = d
        self.state.at = AT_DIALOG
        if dialog.on_start is not None:
            refused = await dialog.on_start(self.ctx, values)
            if refused is not None:
                self._clear()
                return [Reply(refused.reason, notice=True), await self.menu()]
            d.keep(values)
        return await self._advance(d, dialog, values, None)

    async def _advance(
        self, d: DialogState, dialog: Dialog, values: Values, after: str | None
    ) -> list[Reply]:
        step = dialog.next_after(after, values)
        if d.editing:
            while isinstance(step, Ask) and step.name in values:
                step = dialog.next_after(step.name, values)
        if step is None:
            return await self._finish(dialog, values)
        d.step = step.name
        d.attempts = 0
        d.keep(values)
        return [await self._prompt(dialog, step, values)]

    async def _finish(self, dialog: Dialog, values: Values) -> list[Reply]:
        self._clear()
        if dialog.recheck is not None:
            refused = await dialog.recheck(self.ctx, values)
            if refused is not None:
                note = refused.reason + "\n" + _("Nothing was saved.")
                return [await self.menu(note)]
        return await self._after(await dialog.on_done(self.ctx, values))

    async def _prompt(
        self, dialog: Dialog, step: Ask | Confirm, values: Values, note: str = ""
    ) -> Reply:
        options = await step_options(step, self.ctx, values)
        if isinstance(step, Confirm):
            text = await render_text(step.summary, self.ctx, values)
            text += "\n" + _("Is this correct?")
            numbered = True
        else:
            text = await render_text(step.prompt, self.ctx, values)
            numbered = step.number_selects if step.numbered is None else step.numbered
        if note:
            text = f"{note}\n{text}"
        choices = self._offer([o.value for o in options], [tr(o.label) for o in options])
        return Reply(text, choices, numbered=numbered)

    async def _current_prompt(self) -> list[Reply]:
        d = self.state.dialog
        if d is None or d.name not in self.registry.dialogs:
            return [await self.menu()]
        dialog = self.registry.dialogs[d.name]
        values = d.values()
        if d.picking_edit:
            return [self._edit_prompt(dialog, values)]
        return [await self._prompt(dialog, dialog.step(str(d.step)), values)]

    async def _in_dialog(self, d: DialogState, text: str, picked: Any) -> list[Reply]:
        dialog = self.registry.dialogs[d.name]
        values = d.values()
        if d.picking_edit:
            return await self._pick_edit(d, dialog, values, text, picked)
        step = dialog.step(str(d.step))
        if isinstance(step, Confirm):
            return await self._confirm(d, dialog, values, text, picked)
        return await self._answer(d, dialog, step, values, text, picked)

    async def _dialog_help(self, d: DialogState) -> list[Reply]:
        dialog = self.registry.dialogs[d.name]
        step = dialog.step(str(d.step))
        lines = [tr(dialog.help)]
        if isinstance(step, Ask) and step.example is not None:
            lines.append(tr(step.example))
        lines.append(_('Type "back" for the previous question, "cancel" to stop.'))
        return [Reply("\n".join(lines)), *await self._current_prompt()]

    async def _answer(
        self, d: DialogState, dialog: Dialog, step: Ask, values: Values, text: str, picked: Any
    ) -> list[Reply]:
        result: Any = picked
        if result is _NOTHING:
            offered = self.state.offered
            labels = offered.labels if offered is not None else []
            idx = match_typed(text, labels, allow_number=step.number_selects) if labels else None
            if idx is not None and offered is not None:
                result = offered.value(idx)
        if result is _NOTHING and step.parse is None:  # "ừ", "không" for a yes-or-no choice
            result = yes_or_no(text, self.state.offered, _NOTHING)
        if result is not _NOTHING and step.on_pick is not None:
            result = await resolve(step.on_pick(result, self.ctx, values))
        elif result is _NOTHING:
            if step.parse is None:
                result = Retry(choose_hint(self.ctx.caps.buttons, labels, step.number_selects))
            elif not text:
                result = Retry(_("Please type your answer."))
            else:
                result = await resolve(step.parse(text, self.ctx, values))
        if isinstance(result, Retry):
            d.keep(values)  # a parser may note what it asked about ("did you mean 2025?")
            d.attempts += 1
            note = retry_text(result.reason, step.example, d.attempts)
            return [await self._prompt(dialog, step, values, note=note)]
        if isinstance(result, Stay):
            if step.stores:
                values[step.name] = result.value
            d.keep(values)
            again = await self._prompt(dialog, step, values, note=result.note)
            return [again.replacing(picked is not _NOTHING)]  # a pressed button: edit its message
        if step.stores:
            values[step.name] = result
        d.history.append(step.name)
        replies = await self._advance(d, dialog, values, step.name)
        after = dialog.step(str(d.step)) if self.state.dialog is d else None
        pressed = picked is not _NOTHING and isinstance(after, Ask) and after.replaces
        return [*replies[:-1], replies[-1].replacing()] if pressed else replies

    async def _confirm(
        self, d: DialogState, dialog: Dialog, values: Values, text: str, picked: Any
    ) -> list[Reply]:
        choice = picked
        if choice is _NOTHING:
            offered = self.state.offered
            idx = match_typed(text, offered.labels) if offered is not None else None
            if idx is not None and offered is not None:
                choice = offered.values[idx]
            elif (field := named_field(dialog, values, text)) is not None:
                return await self._pick_edit(d, dialog, values, "", field)
            else:
                yes = read_yes_no(text)
                choice = {True: CONFIRM_SAVE, False: CONFIRM_EDIT}.get(yes, _NOTHING)  # type: ignore[arg-type]
        if choice == CONFIRM_SAVE:
            return await self._finish(dialog, values)
        if choice == CONFIRM_CANCEL:
            self._clear()
            return [await self.menu(_("Cancelled. Nothing was saved."))]
        if choice == CONFIRM_EDIT and edit_options(dialog, values):
            d.picking_edit = True
            return [self._edit_prompt(dialog, values)]
        step = dialog.step(str(d.step))
        note = _('Please answer "yes" to save, or choose what to correct.')
        return [await self._prompt(dialog, step, values, note=note)]

    def _edit_prompt(self, dialog: Dialog, values: Values) -> Reply:
        options = edit_options(dialog, values)
        choices = self._offer([o.value for o in options], [tr(o.label) for o in options])
        return Reply(_("Which field do you want to correct?"), choices)

    async def _pick_edit(
        self, d: DialogState, dialog: Dialog, values: Values, text: str, picked: Any
    ) -> list[Reply]:
        options: list[Option] = edit_options(dialog, values)
        name = picked
        if name is _NOTHING:
            idx = match_typed(text, [tr(o.label) for o in options])
            name = options[idx].value if idx is not None else _NOTHING
        if name is _NOTHING:
            again = self._edit_prompt(dialog, values)
            note = choose_hint(self.ctx.caps.buttons, [c.label for c in again.choices], True)
            return [Reply(f"{note}\n{again.text}", again.choices)]
        d.picking_edit, d.step, d.editing, d.attempts = False, str(name), True, 0
        return [await self._prompt(dialog, dialog.step(str(name)), values)]

    async def _back(self, d: DialogState, dialog: Dialog, values: Values) -> list[Reply]:
        if d.picking_edit:  # the "which field?" list goes back to the summary
            d.picking_edit = False
            return [await self._prompt(dialog, dialog.step(str(d.step)), values)]
        confirm = dialog.confirm_name()
        if d.editing and confirm is not None and d.step != confirm:
            # A field opened from the summary goes back to the list of fields.
            d.step, d.picking_edit, d.attempts = confirm, True, 0
            return [self._edit_prompt(dialog, values)]
        if not d.history:
            self._clear()
            # A read-only list (no save, so no recheck) just goes back to the menu.
            note = None if dialog.recheck is None else _("Cancelled. Nothing was saved.")
            return [await self.menu(note)]
        d.step, d.attempts = d.history.pop(), 0
        step = dialog.step(str(d.step))
        earlier = await shown_answer(step, self.ctx, values)
        note = _("Your earlier answer: {answer}").format(answer=earlier) if earlier else ""
        return [await self._prompt(dialog, step, values, note=note)]

    def _offer(self, values: list[Any], labels: list[str]) -> tuple[Choice, ...]:
        self.state.serial += 1
        serial = self.state.serial
        self.state.offered = Offered.of(values, labels)
        return tuple(Choice(f"{serial}.{i}", label) for i, label in enumerate(labels))

    def _picked(self, key: str) -> Any:
        serial, _dot, index = key.partition(".")
        offered = self.state.offered
        if serial != str(self.state.serial) or not index.isdigit():
            return _NOTHING
        i = int(index)
        if offered is None or i >= len(offered.values):
            return _NOTHING
        return offered.value(i)

    def _clear(self) -> None:
        self.state.dialog = None
        self.state.at = AT_IDLE
