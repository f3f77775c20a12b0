"""A fake Zalo Bot Platform server with the methods and limits of ../shared/ZALO.md."""

from __future__ import annotations

import asyncio
import itertools
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.server import ManualClock, WebhookPoster

TEXT_LIMIT = 2000
# method → (required, optional) parameters
METHODS: dict[str, tuple[set[str], set[str]]] = {
    "getMe": (set(), set()),
    "getUpdates": (set(), {"timeout"}),
    "setWebhook": ({"url", "secret_token"}, set()),
    "deleteWebhook": (set(), set()),
    "getWebhookInfo": (set(), set()),
    "sendMessage": ({"chat_id", "text"}, set()),
    "sendPhoto": ({"chat_id", "photo"}, {"caption"}),
    "sendSticker": ({"chat_id", "sticker"}, set()),
    "sendVoice": ({"chat_id", "voice"}, set()),
    "sendChatAction": ({"chat_id", "action"}, set()),
}
SENDS = {"sendMessage", "sendPhoto", "sendSticker", "sendVoice"}


class Refused(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    status: int = 0


@dataclass
class Sent:
    method: str
    chat_id: str
    text: str
    params: dict[str, Any]
    bot_id: str = ""


@dataclass
class FakeZaloBot:
    token: str
    id: str
    name: str
    updates: deque[dict[str, Any]] = field(default_factory=deque)
    webhook: dict[str, Any] | None = None


class FakeZalo:
    """Start with `serve(fake.app)`; point ZaloClient at its url. `reset()` between tests."""

    def __init__(self) -> None:
        route = Route("/bot{token}/{method}", self._endpoint, methods=["POST"])
        self.app = Starlette(routes=[route])
        self._webhooks = WebhookPoster()
        self.reset()

    def reset(self, clock: Callable[[], float] | None = None) -> None:
        self.clock: Callable[[], float] = clock or ManualClock()
        self.wall: Callable[[], float] = time.time
        self.bots: dict[str, FakeZaloBot] = {}
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.blocked: set[str] = set()
        self.burst: tuple[int, float] | None = None  # at most n sends per window (s) per bot
        self.max_poll = 0.3  # real seconds before an idle long poll answers 408
        self.require_https = True
        self.failures: dict[str, list[int]] = {}
        self.hold: dict[str, float] = {}
        self._recent: dict[str, deque[float]] = {}
        self._ids = itertools.count(1)
        self.changed = asyncio.Condition()

    def add_bot(self, token: str, name: str = "Bot Chi Hội") -> FakeZaloBot:
        bot = FakeZaloBot(token, token.split(":")[0], name)
        self.bots[token] = bot
        return bot

    def to_chat(self, chat_id: str) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == chat_id]

    async def wait(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(condition), timeout)

    # --- updates from users --------------------------------------------------

    def message(
        self, chat_id: str, text: str, *, user_id: str | None = None, name: str = "Lan",
        group: bool = False, date: float | None = None, message_id: str | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        when = date if date is not None else self.wall()
        return {
            "event_name": "message.text.received",
            "message": {
                "from": {"id": user_id or chat_id, "display_name": name, "is_bot": False},
                "chat": {"id": chat_id, "chat_type": "GROUP" if group else "PRIVATE"},
                "text": text,
                "message_id": message_id or uuid.uuid4().hex,
                "date": int(when * 1000),
            },
        }

    async def push(self, bot: FakeZaloBot, update: dict[str, Any]) -> None:
        async with self.changed:
            bot.updates.append(update)
            self.changed.notify_all()

    async def post_webhook(
        self, bot: FakeZaloBot, update: dict[str, Any], secret: str | None = None
    ) -> int:
        assert bot.webhook is not None, "no webhook set"
        token = bot.webhook["secret_token"] if secret is None else secret
        headers = {"X-Bot-Api-Secret-Token": token} if token else {}
        return await self._webhooks.post(bot.webhook["url"], update, headers)

    async def aclose(self) -> None:
        await self._webhooks.aclose()

    # --- the platform ----------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        bot = self.bots.get(request.path_params["token"])
        method = request.path_params["method"]
        call = Call(method, {})
        self.calls.append(call)
        try:
            if bot is None:
                raise Refused(401, "Unauthorized")
            if method not in METHODS:
                raise Refused(404, "Not Found")
            try:
                params = await request.json() if await request.body() else {}
            except ValueError:
                raise Refused(400, "Bad Request: body is not JSON") from None
            if not isinstance(params, dict):
                raise Refused(400, "Bad Request: body is not an object")
            call.params = params
            if method in self.hold:
                await asyncio.sleep(self.hold[method])
            if self.failures.get(method):
                code = self.failures[method].pop(0)
                raise Refused(code, "Internal Server Error")
            self._check(method, params)
            result = await self._perform(bot, method, params)
        except Refused as exc:
            body = {"ok": False, "error_code": exc.code, "description": exc.description}
            return await self._answer(call, JSONResponse(body, status_code=exc.code), exc.code)
        return await self._answer(call, JSONResponse({"ok": True, "result": result}), 200)

    async def _answer(self, call: Call, response: Response, status: int) -> Response:
        async with self.changed:
            call.status = status
            self.changed.notify_all()
        return response

    def _check(self, method: str, params: dict[str, Any]) -> None:
        required, optional = METHODS[method]
        for name in params:
            if name not in required | optional:
                raise Refused(400, f"Bad Request: unknown parameter {name}")
        for name in required:
            if params.get(name) in (None, ""):
                raise Refused(400, f"Bad Request: {name} is required")
        for name in ("chat_id", "text", "photo", "caption", "url", "secret_token"):
            if name in params and not isinstance(params[name], str):
                raise Refused(400, f"Bad Request: {name} must be a string")

    async def _perform(self, bot: FakeZaloBot, method: str, p: dict[str, Any]) -> Any:
        if method == "getMe":
            return {"id": bot.id, "account_name": f"bot.{bot.id}", "display_name": bot.name}
        if method == "getUpdates":
            return await self._get_updates(bot, p)
        if method == "setWebhook":
            if self.require_https and not p["url"].startswith("https://"):
                raise Refused(400, "Bad Request: webhook url must be https")
            if not 8 <= len(p["secret_token"]) <= 256:
                raise Refused(400, "Bad Request: secret_token must be 8-256 characters")
            bot.webhook = p
            return {"url": p["url"]}
        if method == "deleteWebhook":
            bot.webhook = None
            return {"url": ""}
        if method == "getWebhookInfo":
            return {"url": bot.webhook["url"] if bot.webhook else ""}
        chat_id = p["chat_id"]
        if chat_id in self.blocked:
            raise Refused(403, "Forbidden: the user has blocked the bot")
        if method == "sendChatAction":
            return True
        if method == "sendMessage" and len(p["text"]) > TEXT_LIMIT:
            raise Refused(400, "Bad Request: text must be at most 2000 characters")
        self._flood(bot)
        text = p.get("text") or p.get("caption") or ""
        self.sent.append(Sent(method, chat_id, text, p, bot.id))
        return {"message_id": uuid.uuid4().hex, "date": int(self.wall() * 1000)}

    async def _get_updates(self, bot: FakeZaloBot, p: dict[str, Any]) -> Any:
        if bot.webhook is not None:
            raise Refused(400, "Bad Request: webhook is set; getUpdates is disabled")
        wait = min(float(p.get("timeout") or 0), self.max_poll)
        async with self.changed:
            try:
                await asyncio.wait_for(self.changed.wait_for(lambda: bool(bot.updates)), wait)
            except TimeoutError:
                raise Refused(408, "Request timeout") from None
            return bot.updates.popleft()  # one update per call; no offset, no confirmation

    def _flood(self, bot: FakeZaloBot) -> None:
        if self.burst is None:
            return
        limit, window = self.burst
        now = self.clock()
        recent = self._recent.setdefault(bot.token, deque())
        while recent and recent[0] <= now - window:
            recent.popleft()
        if len(recent) >= limit:
            raise Refused(429, "Too Many Requests")
        recent.append(now)
