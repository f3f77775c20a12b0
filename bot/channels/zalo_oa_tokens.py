"""The OA's access token: refreshed ahead of expiry, by one process at a time, the new pair
saved before it is used (ZALO-OA.md §1.5: the refresh token is single-use and rotating;
losing the newest one means an OA admin consents again in a browser).

- `access()` hands out the stored token, refreshing it first when less than
  ZALO_OA_REFRESH_AHEAD_HOURS remain (25 h tokens: refreshed after about 22 h).
- A refresh holds the OA's refresh lock (storage/repositories/oa_state.py), reads the pair
  again, and does nothing if another process refreshed meanwhile (a newer version).
- `after_refused(version)`: an API call said -216/-220 (token invalid): refresh once.
- A refused refresh is terminal: recorded on the row, admins told once, no loop.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from bot import logs
from bot.channels.admin_alerts import alert
from bot.channels.zalo_oa_client import OaClient, TokenRefused
from bot.core.i18n import _
from storage.db import transaction
from storage.repositories import oa_state
from storage.repositories.oa_state import TokenPair
from storage.sessions import Maker

log = logging.getLogger("chihoi.zalo_oa")


class NoToken(TokenRefused):
    """No pair stored yet (`chihoi zalo oa-token`), or the last refresh was refused."""


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class TokenKeeper:
    def __init__(
        self,
        maker: Maker,
        client: OaClient,
        oa_id: str,
        *,
        ahead: dt.timedelta = dt.timedelta(hours=3),
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self.maker = maker
        self.client = client
        self.oa_id = oa_id
        self.ahead = ahead
        self.clock = clock
        self._pair: TokenPair | None = None
        self.refreshes = 0  # by this process (tests, logs)

    async def _read(self) -> TokenPair:
        async with self.maker() as s:
            pair = await oa_state.token(s, self.oa_id)
        if pair is None:
            raise NoToken("no OA token stored: run `chihoi zalo oa-token`")
        if pair.failed:
            raise NoToken(f"the OA refresh token was refused ({pair.failed}); consent again")
        if self._pair is None or self._pair.version != pair.version:
            logs.SCRUBBER.add_secrets([pair.access, pair.refresh])  # never in a log line
        self._pair = pair
        return pair

    async def access(self) -> tuple[str, int]:
        """(access token, its version); refreshed first when it is about to expire."""
        pair = self._pair
        now = self.clock()
        if pair is None or pair.expires_at - now <= self.ahead:
            pair = await self._read()
        if pair.expires_at - now <= self.ahead:
            pair = await self.refresh(pair.version)
        return pair.access, pair.version

    async def after_refused(self, version: int) -> tuple[str, int]:
        """The API refused token `version` (-216/-220): refresh once (or take a newer one)."""
        pair = await self.refresh(version, force=True)
        return pair.access, pair.version

    async def refresh(self, seen: int, force: bool = False) -> TokenPair:
        async with oa_state.refresh_lock(self.maker, self.oa_id):
            current = await self._read()
            now = self.clock()
            if current.version != seen and current.expires_at > now:
                return current  # another process refreshed while we waited for the lock
            if not force and current.expires_at - now > self.ahead:
                return current
            try:
                tokens = await self.client.refresh(current.refresh)
            except TokenRefused as exc:
                await self._refused(str(exc))
                raise
            now = self.clock()
            expires = now + dt.timedelta(seconds=tokens.expires_in)
            # Saved (committed) before anyone uses it: the old refresh token is dead now.
            async with transaction(self.maker) as s:
                version = await oa_state.save_token(
                    s, self.oa_id, tokens.access, tokens.refresh, expires, now
                )
            self.refreshes += 1
            logs.SCRUBBER.add_secrets([tokens.access, tokens.refresh])
            log.info("oa_token_refreshed", extra={"oa": self.oa_id, "version": version})
            self._pair = TokenPair(tokens.access, tokens.refresh, expires, version)
            return self._pair

    async def _refused(self, reason: str) -> None:
        now = self.clock()
        async with transaction(self.maker) as s:
            if await oa_state.token_failed(s, self.oa_id, reason, now):
                await alert(s, f"oa-refresh|{self.oa_id}|{now:%Y%m%d%H%M}", _refused_text, now)
        log.error("oa_token_refresh_refused", extra={"oa": self.oa_id})
        self._pair = None


def _refused_text() -> str:
    return _(
        "The Zalo Official Account could not renew its access: messages through it have "
        "stopped. An OA admin must grant access again, then run: chihoi zalo oa-token"
    )
