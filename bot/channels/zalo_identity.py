"""One person on several Zalo bots (issue 19): with ZALO_SHARED_USER_IDS on, a user id already
linked on another of our bots is linked on this one when she first writes to it. Whether
the Bot Platform gives one user the same id on every bot is not documented (ZALO.md), so
it is off by default; then she types her invite code on each bot she uses."""

from __future__ import annotations

import datetime as dt
import logging

from storage.db import transaction
from storage.repositories import people, person_contacts
from storage.sessions import Maker

log = logging.getLogger("chihoi.zalo")
CHANNEL = "zalo"


class SharedIds:
    def __init__(self, maker: Maker) -> None:
        self.maker = maker
        self._known: set[tuple[str, str]] = set()  # (bot, user) looked at by this process

    async def adopt(self, bot_id: str, user_id: str, chat_id: str) -> None:
        if (bot_id, user_id) in self._known:
            return
        async with transaction(self.maker) as s:
            if await people.find_person(s, CHANNEL, bot_id, user_id) is None:
                found = await person_contacts.identity_elsewhere(s, CHANNEL, bot_id, user_id)
                if found is not None:
                    now = dt.datetime.now(dt.UTC)
                    await people.link_identity(s, found[0], CHANNEL, bot_id, user_id, chat_id, now)
                    log.info("zalo_identity_adopted", extra={"bot": bot_id, "from": found[1]})
        self._known.add((bot_id, user_id))
