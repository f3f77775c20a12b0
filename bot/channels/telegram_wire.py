"""Telegram's wire format: an `Update` becomes an `Incoming`; a `Reply` becomes HTML and buttons."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, NetworkError, RetryAfter
from telegram.warnings import PTBUserWarning

from bot.channels.retry import Again
from bot.core.choices import split_text
from bot.core.types import TELEGRAM_CAPS, ChatKind, Choice, Incoming

# We call getUpdates through do_api_request on purpose (see parse_updates).
warnings.filterwarnings("ignore", message=r"Please use 'Bot\\.getUpdates'", category=PTBUserWarning)

CHANNEL = "telegram"
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
GROUP_TYPES = (ChatType.GROUP, ChatType.SUPERGROUP)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True, slots=True)
class Me:
    id: int
    username: str


def to_incoming(
    update: Update, bot_id: str, me: Me, clock: Callable[[], dt.datetime] = utcnow
) -> Incoming | None:
    """The platform-free message, or None for updates that are not for the engine."""
    query = update.callback_query
    if query is not None:
        chat = query.message.chat if query.message is not None else None
        group = chat is not None and chat.type in GROUP_TYPES
        return Incoming(
            channel=CHANNEL,
            bot_id=bot_id,
            chat_id=str(chat.id if chat is not None else query.from_user.id),
            user_id=str(query.from_user.id),
            update_id=str(update.update_id),
            sent_at=clock(),  # a button press carries no date of its own
            display_name=query.from_user.full_name,
            choice=query.data,
            chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
            addressed=group,
            caps=TELEGRAM_CAPS,
        )
    msg = update.message
    if msg is None or msg.from_user is None or msg.chat.type == ChatType.CHANNEL:
        return None
    text = msg.text if msg.text is not None else msg.caption
    group = msg.chat.type in GROUP_TYPES
    addressed = False
    if group:
        command = (text or "").split(maxsplit=1)[0] if (text or "").startswith("/") else ""
        if "@" in command and command.split("@", 1)[1].lower() != me.username.lower():
            return None  # "/help@otherbot" is for another bot in the group
        mention = re.compile(rf"@{re.escape(me.username)}\b", re.IGNORECASE)
        replied = msg.reply_to_message
        to_us = (
            replied is not None and replied.from_user is not None and replied.from_user.id == me.id
        )
        addressed = bool(text and mention.search(text)) or to_us
        if text:
            text = mention.sub("", text).strip()
    return Incoming(
        channel=CHANNEL,
        bot_id=bot_id,
        chat_id=str(msg.chat.id),
        user_id=str(msg.from_user.id),
        update_id=str(update.update_id),
        sent_at=msg.date,
        display_name=msg.from_user.full_name,
        text=text,
        chat_kind=ChatKind.GROUP if group else ChatKind.PRIVATE,
        addressed=addressed,
        caps=TELEGRAM_CAPS,
    )


def render(text: str) -> list[str]:
    """Escaped parts of at most 4,096 chars as Telegram counts them (UTF-16, after HTML)."""
    parts: list[str] = []
    limit = TELEGRAM_CAPS.text_limit
    for part in split_text(text, limit):
        # Emoji outside the BMP count twice; such parts are rare, halve the limit for them.
        pieces = split_text(part, limit // 2) if _utf16_len(part) > limit else [part]
        parts.extend(html.escape(p, quote=False) for p in pieces if p.strip())
    return parts


def keyboard(choices: tuple[Choice, ...]) -> InlineKeyboardMarkup | None:
    """One button per row (long Vietnamese labels); callback data is the opaque choice key."""
    if not choices:
        return None
    for c in choices:
        if len(c.key.encode()) > CALLBACK_DATA_LIMIT:
            raise ValueError("a choice key must fit Telegram's 64-byte callback data")
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(c.label, callback_data=c.key)] for c in choices]
    )


def webhook_secret(token: str, configured: str | None) -> str:
    """TELEGRAM_WEBHOOK_SECRET, else derived from the token: the same in every process."""
    if configured:
        return configured
    return hmac.new(token.encode(), b"chihoi-telegram-webhook", hashlib.sha256).hexdigest()[:48]


def bot_id_of(token: str) -> str:
    return token.split(":", 1)[0]


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def seconds_of(exc: RetryAfter) -> float:
    with warnings.catch_warnings():  # PTB 22 warns that the int form will become a timedelta
        warnings.simplefilter("ignore")
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)


def transient(exc: BaseException) -> Again | None:
    if isinstance(exc, RetryAfter):
        return Again(seconds_of(exc))
    if isinstance(exc, BadRequest):  # a subclass of NetworkError, but never worth repeating
        return None
    if isinstance(exc, NetworkError):  # timeouts, 5xx, lost connections
        return Again()
    return None


def parse_updates(raw: Any, bot: Bot) -> tuple[list[Update], int | None, list[Any]]:
    """getUpdates' raw result as updates, the offset that confirms all of them, and the ids
    of those that would not parse (skipped, never retried: the offset moves past them).

    PTB's own `get_updates` parses the whole batch at once: one update it cannot read (no
    `date`, say) raises for all of them, the offset never advances and polling stops for
    good; it also logs the raw batch, texts and all, at CRITICAL."""
    updates: list[Update] = []
    skipped: list[Any] = []
    last: int | None = None
    for item in raw if isinstance(raw, list) else []:
        uid = item.get("update_id") if isinstance(item, dict) else None
        if isinstance(uid, int):
            last = uid if last is None else max(last, uid)
        try:
            update = Update.de_json(item, bot)
        except Exception:
            update = None
        if update is None:
            skipped.append(uid)
        else:
            updates.append(update)
    return updates, None if last is None else last + 1, skipped
