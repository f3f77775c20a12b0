"""What channels hand the core (`Incoming`) and what they get back (`Reply`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum


class ChatKind(StrEnum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can show; the core adapts, the channel only renders."""

    buttons: bool
    text_limit: int


TELEGRAM_CAPS = Capabilities(buttons=True, text_limit=4096)
ZALO_CAPS = Capabilities(buttons=False, text_limit=2000)


@dataclass(frozen=True, slots=True)
class Incoming:
    """One user message or button press, free of any platform type."""

    channel: str
    bot_id: str
    chat_id: str
    user_id: str
    update_id: str
    sent_at: dt.datetime
    display_name: str = ""
    text: str | None = None
    # An opaque key from a pressed button (Telegram callback data, web simulator).
    choice: str | None = None
    chat_kind: ChatKind = ChatKind.PRIVATE
    # In a group: the message mentions or replies to the bot.
    addressed: bool = False
    caps: Capabilities = TELEGRAM_CAPS


@dataclass(frozen=True, slots=True)
class Choice:
    key: str
    label: str


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str  # "document" | "photo"
    filename: str
    data: bytes
    caption: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    text: str
    choices: tuple[Choice, ...] = ()
    attachment: Attachment | None = None
    # False where typing a number means a number (a head count), not a choice.
    numbered: bool = True
    # An error the user's own message caused; channels may show it differently.
    notice: bool = False
    # Replaces the message whose button was pressed (a tick-list toggle, a page turn):
    # channels that can edit a sent message do; the others send it as a new one.
    edit: bool = False

    def replacing(self, pressed: bool = True) -> Reply:
        return replace(self, edit=pressed)
