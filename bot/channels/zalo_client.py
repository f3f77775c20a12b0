"""A small async client for the Zalo Bot Platform (../shared/ZALO.md): JSON in, typed errors out."""

from __future__ import annotations

import datetime as dt
from collections import deque
from dataclasses import dataclass
from typing import Any

import httpx

from bot.core.types import ZALO_CAPS

DEFAULT_API_URL = "https://bot-api.zaloplatforms.com"
IDLE = 408  # the long poll ended without an update: normal, not an error


class ZaloError(Exception):
    """`ok: false` (or a non-JSON failure) from the platform; never swallowed into None."""

    def __init__(self, error_code: int, description: str) -> None:
        super().__init__(f"Zalo error {error_code}: {description}")
        self.error_code = error_code
        self.description = description

    @property
    def retryable(self) -> bool:
        return self.error_code == 429 or self.error_code >= 500

    @property
    def blocked(self) -> bool:
        return self.error_code == 403


@dataclass(frozen=True, slots=True)
class ZaloUpdate:
    event_name: str
    message_id: str
    chat_id: str
    chat_type: str  # PRIVATE | GROUP
    user_id: str
    display_name: str
    text: str | None
    sent_at: dt.datetime


def parse_update(body: Any) -> ZaloUpdate | None:
    """One update from a getUpdates result or a webhook body (flat or wrapped in `result`);
    None for anything else, whatever its shape: one odd update must not stop a channel."""
    try:
        return _parse_update(body)
    except (TypeError, ValueError, OverflowError, OSError, AttributeError):
        return None


def _parse_update(body: Any) -> ZaloUpdate | None:
    if isinstance(body, dict) and isinstance(body.get("result"), dict):
        body = body["result"]
    if not isinstance(body, dict):
        return None
    message = body.get("message")
    if not isinstance(message, dict):
        return None
    sender, chat = message.get("from"), message.get("chat")
    if not isinstance(sender, dict) or not isinstance(chat, dict):
        return None
    message_id, chat_id = message.get("message_id"), chat.get("id")
    if not message_id or not chat_id or not sender.get("id"):
        return None
    millis = message.get("date")
    sent_at = (
        dt.datetime.fromtimestamp(millis / 1000, dt.UTC)
        if isinstance(millis, int | float)
        else dt.datetime.now(dt.UTC)
    )
    text = message.get("text")
    return ZaloUpdate(
        event_name=str(body.get("event_name", "")),
        message_id=str(message_id),
        chat_id=str(chat_id),
        chat_type=str(chat.get("chat_type", "PRIVATE")).upper(),
        user_id=str(sender["id"]),
        display_name=str(sender.get("display_name") or sender.get("name") or ""),
        text=text if isinstance(text, str) else None,
        sent_at=sent_at,
    )


class RecentIds:
    """The last few thousand message ids: getUpdates has no offset and may hand one out twice."""

    def __init__(self, size: int = 4096) -> None:
        self._order: deque[str] = deque(maxlen=size)
        self._seen: set[str] = set()

    def first_time(self, message_id: str) -> bool:
        if message_id in self._seen:
            return False
        if len(self._order) == self._order.maxlen:
            self._seen.discard(self._order[0])
        self._order.append(message_id)
        self._seen.add(message_id)
        return True


class ZaloClient:
    """One bot token. Every method returns the `result` or raises `ZaloError`/`httpx` errors."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_API_URL,
        *,
        http: httpx.AsyncClient | None = None,
        timeout: float = 15.0,
    ) -> None:
        self._token = token
        self._base = base_url.rstrip("/")
        self._http = http or httpx.AsyncClient(timeout=timeout)
        self._owns_http = http is None
        self.timeout = timeout
        self.skipped = 0  # updates that would not parse, stepped over (getUpdates hands one each)

    def __repr__(self) -> str:
        return f"ZaloClient(bot={bot_id_of(self._token) or '?'})"  # never the token

    async def call(
        self, method: str, params: dict[str, Any] | None = None, timeout: float | None = None
    ) -> Any:
        url = f"{self._base}/bot{self._token}/{method}"
        response = await self._http.post(url, json=params or {}, timeout=timeout or self.timeout)
        try:
            body = response.json()
        except ValueError:
            raise ZaloError(response.status_code, f"HTTP {response.status_code}") from None
        if not isinstance(body, dict):
            raise ZaloError(response.status_code, "unexpected answer")
        if response.status_code >= 400 or not body.get("ok"):
            code = body.get("error_code") or response.status_code
            raise ZaloError(int(code), str(body.get("description") or ""))
        return body.get("result")

    async def get_me(self) -> dict[str, Any]:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, timeout: int = 30) -> list[ZaloUpdate]:
        """Long-poll for the next update; empty when the platform answered 408 (idle)."""
        try:
            result = await self.call("getUpdates", {"timeout": timeout}, timeout=timeout + 10)
        except ZaloError as exc:
            if exc.error_code == IDLE:
                return []
            raise
        bodies = result if isinstance(result, list) else [result]
        updates = [u for u in (parse_update(b) for b in bodies) if u is not None]
        self.skipped += len(bodies) - len(updates)
        return updates

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        if not 8 <= len(secret_token) <= 256:
            raise ValueError("a Zalo webhook secret is 8 to 256 characters")
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> Any:
        return await self.call("getWebhookInfo")

    async def send_message(self, chat_id: str, text: str) -> Any:
        if not text or len(text) > ZALO_CAPS.text_limit:
            raise ValueError(f"a Zalo message is 1 to {ZALO_CAPS.text_limit} characters; split it")
        return await self.call("sendMessage", {"chat_id": chat_id, "text": text})

    async def send_photo(self, chat_id: str, photo_url: str, caption: str = "") -> Any:
        params = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        return await self.call("sendPhoto", params)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> Any:
        return await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()


def bot_id_of(token: str) -> str:
    """The bot's id is the part of the token before ':' (as on Telegram); '' if absent."""
    head, sep, _rest = token.partition(":")
    return head if sep and head else ""
