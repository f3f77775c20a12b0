"""Words that mean the same on every screen: menu, help, back, cancel, a language.

One declarative table, read by the turn before any step parses the message. Only a whole
message is an intent ("về menu"), so a free-text answer ("Nguyễn Thị Lan", a topic) that
merely contains such a word is still an answer. Phrases are folded (accents, đ and case
dropped, punctuation trimmed), so "Về Menu!" and "ve menu" are the same.
A menu entry's own words (`MenuEntry.words`) are the other global phrases; the turn checks
them after this table.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.context import Ctx
from bot.core.dialogs import Dialog
from bot.core.features import MenuEntry, Registry
from bot.core.i18n import _, tr
from bot.core.state import ConversationState
from bot.core.types import Reply
from bot.domain.textkeys import fold


class Kind(enum.Enum):
    MENU = "menu"
    HELP = "help"
    BACK = "back"
    CANCEL = "cancel"
    LANGUAGE = "language"


@dataclass(frozen=True)
class Intent:
    kind: Kind
    # The language code for Kind.LANGUAGE.
    arg: str | None = None


def _row(kind: Kind, phrases: str, arg: str | None = None) -> tuple[Intent, frozenset[str]]:
    return Intent(kind, arg), frozenset(p.strip() for p in phrases.split("|"))


# fold() drops "/" and "?", so "/help" is "help" and a lone "?" is matched raw below.
TABLE: tuple[tuple[Intent, frozenset[str]], ...] = (
    _row(
        Kind.MENU,
        "menu | ve menu | menu chinh | quay ve menu | tro ve menu | thoat | thoat ra | "
        "trang chu | ve trang chu | trang chinh | danh muc | start | bat dau | home | exit | "
        "main menu | xin chao | chao | chao em | hi | hello",
    ),
    _row(
        Kind.HELP,
        "giup | giup em | giup voi | help | tro giup | huong dan | giup do | "
        "lam sao | lam the nao | khong hieu | toi khong hieu",
    ),
    _row(Kind.BACK, "quay lai | back | tro lai | lui | lui lai | quay ve | cau truoc"),
    _row(Kind.CANCEL, "huy | huy bo | cancel | thoi | dung lai | khong lam nua"),
    _row(Kind.LANGUAGE, "tieng viet | vietnamese", "vi"),
    _row(Kind.LANGUAGE, "english | tieng anh | anh van", "en"),
)
_LOOKUP = {phrase: intent for intent, phrases in TABLE for phrase in phrases}


def recognise(text: str) -> Intent | None:
    """The intent a whole message means, or None (an answer for the current step)."""
    raw = text.strip()
    if raw in ("?", "??", "???"):
        return Intent(Kind.HELP)
    return _LOOKUP.get(fold(raw)) if raw else None


def menu_help(buttons: bool) -> str:
    """Help at the menu: what the menu is, how to choose, how to get back, in three lines."""
    how = (
        _('Tap a task below, or type its name, e.g. "ghi sinh hoạt".')
        if buttons
        else _('Type the number of a task, or its name, e.g. "ghi sinh hoạt".')
    )
    return "\n".join(
        [
            _("The menu lists what I can do for your branch: meetings, members, reports."),
            how,
            _('On any question, "menu" comes back here and "cancel" stops without saving.'),
        ]
    )


def not_understood(buttons: bool) -> str:
    """A short re-ask with one example and the way to the menu, not the whole menu again."""
    return "\n".join(
        [
            _("Sorry, I did not understand that."),
            _('For example, type "ghi sinh hoạt" to log a meeting.'),
            _('Type "menu" to see everything I can do.')
            if not buttons
            else _('Tap a button above, or type "menu" to see everything I can do.'),
        ]
    )


def entry_by_words(
    registry: Registry, ctx: Ctx, state: ConversationState, text: str
) -> MenuEntry | None:
    """A menu entry named by the whole message ("ghi sinh hoạt", "nhắc lại sau"), unless it
    is the very label of a choice on screen (then it is that choice). Entry words win over a
    label merely containing them: "tắt bản tin" must not pick the on/off toggle."""
    word = fold(text)
    entry = next((e for e in registry.entries_for(ctx) if word in e.words), None)
    offered = state.offered
    # The words that begin a label on screen are that choice: "hội viên mới" answers "Hội
    # viên mới kết nạp", it does not start a new registration.
    if entry is None or (offered is not None and any(map(_begins(word), offered.labels))):
        return None
    return entry


def _begins(word: str) -> Callable[[str], bool]:
    return lambda label: fold(label) == word or fold(label).startswith(word + " ")


def dropped_note(registry: Registry, state: ConversationState) -> str:
    """What leaving the open dialog drops, if she had answered anything in it."""
    d = state.dialog
    if d is None or not d.history:
        return ""
    task = next(
        (
            tr(e.label)
            for e in registry.entries
            if isinstance(e.action, Dialog) and e.action.name == d.name
        ),
        "",
    )
    if not task:
        return _("I stopped the task you were doing; nothing of it was saved.")
    return _('I stopped "{task}"; nothing of it was saved.').format(task=task)


def by_words(entries: list[MenuEntry], word: str) -> MenuEntry | None:
    """An entry whose words start the message ("ghi sinh hoạt hôm qua"), at the menu."""
    for e in entries:
        if any(w == word or word.startswith(w + " ") for w in e.words):
            return e
    return None


def with_note(note: str, replies: list[Reply]) -> list[Reply]:
    """The replies of a task started from another, after the note of what was dropped."""
    return [Reply(note, notice=True), *replies] if note else replies


def is_start_with_code(text: str) -> bool:
    """ "/start CODE": a Telegram deep link carrying an invite code."""
    parts = text.split()
    return len(parts) == 2 and parts[0].split("@")[0].lower() == "/start"
