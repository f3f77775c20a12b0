"""Telling the admins once about something only a human can fix (a bot's quota, the OA's
refresh token, a ZNS template): one outbox row per admin identity, keyed so it exists once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from bot.core.i18n import language
from bot.domain.enums import RoleKind
from storage.repositories import outbox
from storage.repositories.recipients import reachable
from storage.sessions import Session

KIND = "alert"


async def alert(s: Session, key: str, text: Callable[[], str], now: dt.datetime) -> int:
    """Queue `text()` (called in each admin's language) for every admin; how many were added.

    The key names the event ("quota|zalo|987654|2026-12|80"), so telling twice is a no-op.
    """
    messages = []
    for r in await reachable(s, [RoleKind.ADMIN]):
        if r.channel in ("zns",):  # alerts need a chat; ZNS carries approved templates only
            continue
        with language(r.locale):
            body = text()
        messages.append(
            outbox.NewMessage(
                key=f"{KIND}|{key}|i{r.identity_id}"[:200],
                kind=KIND,
                person_id=r.person_id,
                channel=r.channel,
                bot_id=r.bot_id,
                chat_id=r.chat_id,
                payload={"text": body, "choices": [], "numbered": False},
                not_before=now,
            )
        )
    return len(await outbox.enqueue_many(s, messages, now)) if messages else 0
