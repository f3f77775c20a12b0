"""How a feature plugs in: its dialogs, its menu entries and its slash commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field

from bot.core.context import Ctx
from bot.core.dialogs import Dialog
from bot.core.i18n import Msg
from bot.core.types import Reply
from bot.domain.enums import RoleKind

Action = Callable[[Ctx], Awaitable[list[Reply]]]
# A command's handler also gets the text after the command word ("/link ABC" -> "ABC").
Command = Callable[[Ctx, str], Awaitable[list[Reply]]]


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: Msg
    action: Dialog | Action
    # Who sees it; None: every linked person.
    roles: frozenset[RoleKind] | None = None
    # Folded phrases that open it from anywhere ("ghi sinh hoat").
    words: tuple[str, ...] = ()
    order: int = 100
    # False: opened by its words or a reminder's button only, so the numbered menu an older
    # user reads stays short (e.g. "put this reminder off" needs a reminder to act on).
    listed: bool = True


@dataclass(frozen=True)
class Feature:
    name: str
    dialogs: Sequence[Dialog] = ()
    menu: Sequence[MenuEntry] = ()
    commands: Mapping[str, Command] = field(default_factory=dict)
    # Commands accepted in a group chat (the bot ignores all other group chatter).
    group_commands: Mapping[str, Command] = field(default_factory=dict)
    # Handles a message from someone not yet linked (onboarding); one feature has it.
    on_stranger: Command | None = None
    # Lines shown above the main menu (e.g. the quarter's status for her unit).
    menu_note: Callable[[Ctx], Awaitable[list[str]]] | None = None


class Registry:
    """All features, indexed once at start."""

    def __init__(self, features: Sequence[Feature]) -> None:
        self.features = list(features)
        self.dialogs: dict[str, Dialog] = {}
        self.entries: list[MenuEntry] = []
        self.commands: dict[str, Command] = {}
        self.group_commands: dict[str, Command] = {}
        self.on_stranger: Command | None = None
        self.menu_notes = [f.menu_note for f in features if f.menu_note is not None]
        self._entries_by_kinds: dict[frozenset[RoleKind], list[MenuEntry]] = {}
        for f in features:
            if f.on_stranger is not None:
                self.on_stranger = f.on_stranger
            for d in f.dialogs:
                if d.name in self.dialogs:
                    raise ValueError(f"dialog {d.name} defined twice")
                self.dialogs[d.name] = d
            for e in f.menu:
                if isinstance(e.action, Dialog):
                    self.dialogs.setdefault(e.action.name, e.action)
            self.entries.extend(f.menu)
            self.commands.update(f.commands)
            self.group_commands.update(f.group_commands)
        self.entries.sort(key=lambda e: e.order)

    def entries_for(self, ctx: Ctx) -> list[MenuEntry]:
        if ctx.person is None:
            return []
        # The same few role sets ask on every turn: their entries are kept by the kinds held.
        kinds = frozenset(r.kind for r in ctx.roles)
        found = self._entries_by_kinds.get(kinds)
        if found is None:
            found = [e for e in self.entries if e.roles is None or ctx.has_role(e.roles)]
            self._entries_by_kinds[kinds] = found
        return list(found)

    def entry(self, key: str) -> MenuEntry | None:
        return next((e for e in self.entries if e.key == key), None)
