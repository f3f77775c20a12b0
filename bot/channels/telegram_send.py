"""Sending to Telegram: new messages, files, and edits of the message a button was on."""

from __future__ import annotations

import html
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.delivery import Reachability
from bot.channels.outbound import Address, SendError, Unreachable
from bot.channels.retry import Backoff, TooLongWait
from bot.channels.telegram_wire import CAPTION_LIMIT, keyboard, render, transient
from bot.core.types import Reply

# Telegram's 400 for an edit that changes nothing (a double tap): the message already shows it.
NOT_MODIFIED = "message is not modified"


class TelegramSender:
    """One bot's outgoing calls, each mapped to `SendError` / `Unreachable` for the callers."""

    def __init__(self, bot: Bot, backoff: Backoff, reach: Reachability) -> None:
        self.bot = bot
        self.backoff = backoff
        self.reach = reach

    async def deliver(self, address: Address, reply: Reply) -> None:
        """Send one reply; a blocked chat is marked unreachable and raises `Unreachable`."""
        chat_id = int(address.chat_id)
        markup = keyboard(reply.choices)
        parts = render(reply.text)
        if not parts and reply.attachment is None and markup is not None:
            parts = ["…"]  # buttons need a message to hang on
        async with self._mapped(address):
            for i, part in enumerate(parts):
                last = i == len(parts) - 1 and reply.attachment is None
                await self.backoff.call(
                    partial(
                        self.bot.send_message,
                        chat_id,
                        part,
                        parse_mode=ParseMode.HTML,
                        reply_markup=markup if last else None,
                    ),
                    transient,
                )
            if reply.attachment is not None:
                await self.backoff.call(partial(self._send_file, chat_id, reply), transient)

    async def replace(self, address: Address, message_id: int, reply: Reply) -> bool:
        """Show `reply` in the sent message `message_id`; False when it must go as a new
        message: a file, more than one message of text, or a message Telegram will not edit
        (deleted, too old, not ours)."""
        parts = render(reply.text)
        if reply.attachment is not None or len(parts) != 1:
            return False
        edit = partial(
            self.bot.edit_message_text,
            parts[0],
            chat_id=int(address.chat_id),
            message_id=message_id,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard(reply.choices),
        )
        async with self._mapped(address):
            try:
                await self.backoff.call(edit, transient)
            except BadRequest as exc:
                return NOT_MODIFIED in exc.message.lower()
        return True

    @asynccontextmanager
    async def _mapped(self, address: Address) -> AsyncIterator[None]:
        try:
            yield
        except Forbidden as exc:
            await self.reach.blocked(address)
            raise Unreachable("telegram: forbidden") from exc
        except BadRequest as exc:
            if "chat not found" in exc.message.lower():
                await self.reach.blocked(address)
                raise Unreachable("telegram: chat not found") from exc
            raise SendError(f"telegram: {exc.message}", permanent=True) from exc
        except TooLongWait as exc:
            raise SendError("telegram: flood control", retry_after=exc.seconds) from exc
        except TelegramError as exc:
            raise SendError(f"telegram: {type(exc).__name__}") from exc

    async def _send_file(self, chat_id: int, reply: Reply) -> None:
        a = reply.attachment
        assert a is not None
        caption = html.escape(a.caption[:CAPTION_LIMIT], quote=False) or None
        markup = keyboard(reply.choices)
        send = self.bot.send_photo if a.kind == "photo" else self.bot.send_document
        await send(
            chat_id,
            a.data,
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            filename=a.filename,
        )
