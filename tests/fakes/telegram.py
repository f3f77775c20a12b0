"""A fake Telegram Bot API server: every call checked against the spec; rejects what Telegram does."""

from __future__ import annotations

import asyncio
import itertools
import math
import re
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

from tests.fakes.server import ManualClock, WebhookPoster, read_params
from tests.fakes.telegram_spec import BadRequest, Spec, UnknownMethod, utf16_len, visible_text

_DESCRIPTIONS = {400: "Bad Request: injected", 502: "Bad Gateway", 500: "Internal Server Error"}
EDIT_METHODS = {"editMessageText", "editMessageReplyMarkup"}
SEND_METHODS = {"sendMessage", "sendDocument", "sendPhoto", "sendAudio", "sendVideo", "sendVoice"}
TEXT_LIMIT, CAPTION_LIMIT, CALLBACK_LIMIT = 4096, 1024, 64


class Refused(Exception):
    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class Call:
    """Every request the server got, good or bad."""

    method: str
    params: dict[str, Any]
    status: int = 0
    description: str = ""


@dataclass
class Sent:
    """A message the bot sent, as the user sees it (text after HTML parsing, buttons)."""

    method: str
    chat_id: str
    text: str
    buttons: list[tuple[str, str]]
    params: dict[str, Any]
    message_id: int
    file: tuple[str, bytes] | None = None


@dataclass
class FakeBot:
    token: str
    id: int
    username: str
    updates: list[dict[str, Any]] = field(default_factory=list)
    allowed_updates: list[str] | None = None
    webhook: dict[str, Any] | None = None

    @property
    def user(self) -> dict[str, Any]:
        return {"id": self.id, "is_bot": True, "first_name": "chihoi", "username": self.username}


class FakeTelegram:
    """Start with `serve(fake.app)`; point PTB at `<url>/bot`. `reset()` between tests."""

    def __init__(self, spec: Spec | None = None) -> None:
        self.spec = spec or Spec()
        route = Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])
        self.app = Starlette(routes=[route])
        self._webhooks = WebhookPoster()
        self.reset()

    def reset(self, clock: Callable[[], float] | None = None) -> None:
        self.clock: Callable[[], float] = clock or ManualClock()
        self.wall: Callable[[], float] = time.time  # message dates
        self.bots: dict[str, FakeBot] = {}
        self.calls: list[Call] = []
        self.sent: list[Sent] = []
        self.answered: list[str] = []
        self.edits: list[Sent] = []  # each edit as the message looked after it
        self.frozen: set[int] = set()  # message ids Telegram will no longer edit (too old)
        self.blocked: set[str] = set()
        self.gone: set[str] = set()  # chats that no longer exist
        self.limits = True  # 1 message/s per chat, 30/s per bot
        self.chat_interval, self.bot_per_second = 1.0, 30
        self.max_poll = 0.5  # real seconds a long poll may hang before answering []
        self.require_https = True
        self.failures: dict[str, list[int]] = {}  # method → statuses to answer next
        self.hold: dict[str, float] = {}  # method → real seconds to sit on the answer
        self._queries: set[str] = set()
        self._last_to_chat: dict[str, float] = {}
        self._recent: deque[float] = deque()
        self._ids = itertools.count(1)
        self.changed = asyncio.Condition()

    def add_bot(self, token: str, username: str = "chihoi_test_bot") -> FakeBot:
        bot = FakeBot(token, int(token.split(":")[0]), username)
        self.bots[token] = bot
        return bot

    # --- what tests look at ------------------------------------------------

    def to_chat(self, chat_id: int | str) -> list[Sent]:
        return [s for s in self.sent if s.chat_id == str(chat_id)]

    async def wait(self, condition: Callable[[], bool], timeout: float = 10.0) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(condition), timeout)

    # --- updates from users --------------------------------------------------

    def message(
        self, chat_id: int, text: str, *, user_id: int | None = None, name: str = "Lan",
        chat_type: str = "private", reply_to: FakeBot | None = None, date: float | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type != "private":
            chat["title"] = "Chi hội Thôn Đông"
        msg: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(date if date is not None else self.wall()),
            "chat": chat,
            "from": {"id": user_id or chat_id, "is_bot": False, "first_name": name},
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        if reply_to is not None:
            msg["reply_to_message"] = {
                "message_id": next(self._ids), "date": msg["date"], "chat": chat,
                "from": reply_to.user, "text": "…",
            }  # fmt: skip
        return {"update_id": next(self._ids), "message": msg}

    def press(
        self, bot: FakeBot, sent: Sent, data: str, user_id: int | None = None
    ) -> dict[str, Any]:
        query_id = uuid.uuid4().hex
        self._queries.add(query_id)
        chat_type = "private" if int(sent.chat_id) > 0 else "group"
        user = {"id": user_id or int(sent.chat_id), "is_bot": False, "first_name": "Lan"}
        message = {
            "message_id": sent.message_id, "date": int(self.wall()),
            "chat": {"id": int(sent.chat_id), "type": chat_type}, "from": bot.user, "text": sent.text,
        }  # fmt: skip
        query = {
            "id": query_id,
            "from": user,
            "chat_instance": "1",
            "message": message,
            "data": data,
        }
        return {"update_id": next(self._ids), "callback_query": query}

    def kicked(self, bot: FakeBot, chat_id: int) -> dict[str, Any]:
        user = {"id": chat_id, "is_bot": False, "first_name": "Lan"}
        change = {
            "chat": {"id": chat_id, "type": "private"}, "from": user, "date": int(self.wall()),
            "old_chat_member": {"status": "member", "user": bot.user},
            "new_chat_member": {"status": "kicked", "user": bot.user, "until_date": 0},
        }  # fmt: skip
        return {"update_id": next(self._ids), "my_chat_member": change}

    async def push(self, bot: FakeBot, update: dict[str, Any]) -> None:
        """Queue an update for getUpdates (dropped if the bot did not ask for its kind)."""
        kind = next(k for k in update if k != "update_id")
        if bot.allowed_updates and kind not in bot.allowed_updates:
            return
        async with self.changed:
            bot.updates.append(update)
            self.changed.notify_all()

    async def post_webhook(
        self, bot: FakeBot, update: dict[str, Any], secret: str | None = None
    ) -> int:
        """Deliver an update the way Telegram does: POST to the webhook with its secret header."""
        assert bot.webhook is not None, "no webhook set"
        token = bot.webhook.get("secret_token") if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
        return await self._webhooks.post(bot.webhook["url"], update, headers)

    async def aclose(self) -> None:
        await self._webhooks.aclose()

    # --- the Bot API ---------------------------------------------------------

    async def _endpoint(self, request: Request) -> Response:
        bot = self.bots.get(request.path_params["token"])
        if bot is None:
            return _error(401, "Unauthorized")
        try:
            method = self.spec.method(request.path_params["method"])
        except UnknownMethod:
            return _error(404, "Not Found")
        try:
            params, files, form = await read_params(request)
        except ValueError:
            return _error(400, "Bad Request: can't parse request body")
        call = Call(method, params)
        self.calls.append(call)
        if method in self.hold:
            await asyncio.sleep(self.hold[method])
        try:
            if self.failures.get(method):
                status = self.failures[method].pop(0)
                raise Refused(status, _DESCRIPTIONS.get(status, "Internal Server Error"))
            decoded = self.spec.check(method, params, files, form)
            result = await self._perform(bot, method, decoded)
        except BadRequest as exc:
            return await self._answer(call, _error(400, exc.description), 400, exc.description)
        except Refused as exc:
            reply = _error(exc.code, exc.description, exc.parameters)
            return await self._answer(call, reply, exc.code, exc.description)
        return await self._answer(call, JSONResponse({"ok": True, "result": result}), 200, "")

    async def _answer(self, call: Call, response: Response, status: int, why: str) -> Response:
        async with self.changed:
            call.status, call.description = status, why
            self.changed.notify_all()
        return response

    async def _perform(self, bot: FakeBot, method: str, p: dict[str, Any]) -> Any:
        if method == "getMe":
            return bot.user
        if method == "getUpdates":
            return await self._get_updates(bot, p)
        if method == "setWebhook":
            return self._set_webhook(bot, p)
        if method == "deleteWebhook":
            bot.webhook = None
            if p.get("drop_pending_updates"):
                bot.updates.clear()
            return True
        if method == "getWebhookInfo":
            url = bot.webhook["url"] if bot.webhook else ""
            info = {"url": url, "has_custom_certificate": False}
            return {**info, "pending_update_count": len(bot.updates)}
        if method == "answerCallbackQuery":
            if p["callback_query_id"] not in self._queries:
                raise BadRequest("Bad Request: query is too old and response timeout expired")
            self._queries.discard(p["callback_query_id"])
            self.answered.append(p["callback_query_id"])
            return True
        if method in SEND_METHODS:
            return self._send(bot, method, p)
        if method in EDIT_METHODS:
            return self._edit(bot, method, p)
        return True

    async def _get_updates(self, bot: FakeBot, p: dict[str, Any]) -> list[dict[str, Any]]:
        if bot.webhook is not None:
            raise Refused(409, "Conflict: can't use getUpdates method while webhook is active")
        if p.get("allowed_updates") is not None:
            bot.allowed_updates = p["allowed_updates"]
        offset = p.get("offset")
        async with self.changed:
            if offset is not None:  # confirms everything before it, as Telegram does
                bot.updates[:] = [u for u in bot.updates if u["update_id"] >= offset]
            wait = min(float(p.get("timeout") or 0), self.max_poll)
            try:
                await asyncio.wait_for(self.changed.wait_for(lambda: bool(bot.updates)), wait)
            except TimeoutError:
                return []
            return list(bot.updates[: int(p.get("limit") or 100)])

    def _set_webhook(self, bot: FakeBot, p: dict[str, Any]) -> bool:
        if self.require_https and not p["url"].startswith("https://"):
            raise BadRequest("Bad Request: bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise BadRequest("Bad Request: secret token contains unallowed characters")
        bot.webhook = p
        if p.get("allowed_updates") is not None:
            bot.allowed_updates = p["allowed_updates"]
        if p.get("drop_pending_updates"):
            bot.updates.clear()
        return True

    def _send(self, bot: FakeBot, method: str, p: dict[str, Any]) -> dict[str, Any]:
        chat_id = str(p["chat_id"])
        if method == "sendMessage":
            text = visible_text(p["text"], p.get("parse_mode"))
            if not text.strip():
                raise BadRequest("Bad Request: message text is empty")
            if utf16_len(text) > TEXT_LIMIT:
                raise BadRequest("Bad Request: message is too long")
        else:
            text = visible_text(p.get("caption") or "", p.get("parse_mode"))
            if utf16_len(text) > CAPTION_LIMIT:
                raise BadRequest("Bad Request: message caption is too long")
        buttons = _buttons(p.get("reply_markup"))
        if chat_id in self.gone:
            raise BadRequest("Bad Request: chat not found")
        if chat_id in self.blocked:
            raise Refused(403, "Forbidden: bot was blocked by the user")
        self._flood(chat_id)
        file = next(
            (v for k, v in p.items() if k in ("document", "photo") and isinstance(v, tuple)), None
        )
        sent = Sent(method, chat_id, text, buttons, p, next(self._ids), file)
        self.sent.append(sent)
        result: dict[str, Any] = {
            "message_id": sent.message_id, "date": int(self.wall()), "from": bot.user,
            "chat": {"id": int(chat_id), "type": "private" if int(chat_id) > 0 else "group"},
        }  # fmt: skip
        if method == "sendMessage":
            result["text"] = text
        elif method == "sendDocument":
            result["document"] = {"file_id": "f1", "file_unique_id": "u1"}
        elif method == "sendPhoto":
            result["photo"] = [{"file_id": "p1", "file_unique_id": "u2", "width": 1, "height": 1}]
        return result

    def _edit(self, bot: FakeBot, method: str, p: dict[str, Any]) -> dict[str, Any]:
        """Edit a message in place, refused as Telegram refuses: another chat's or an unknown
        message, one too old, no text to edit, or nothing changed."""
        if "chat_id" not in p or "message_id" not in p:
            raise BadRequest("Bad Request: message identifier is not specified")
        chat_id = str(p["chat_id"])
        found = [m for m in self.sent if m.message_id == p["message_id"]]
        if not found or found[0].chat_id != chat_id:
            raise BadRequest("Bad Request: message to edit not found")
        msg = found[0]
        if msg.message_id in self.frozen:
            raise BadRequest("Bad Request: message can't be edited")
        text = msg.text
        if method == "editMessageText":
            if msg.method != "sendMessage":
                raise BadRequest("Bad Request: there is no text in the message to edit")
            text = visible_text(p["text"], p.get("parse_mode"))
            if not text.strip():
                raise BadRequest("Bad Request: message text is empty")
            if utf16_len(text) > TEXT_LIMIT:
                raise BadRequest("Bad Request: MESSAGE_TOO_LONG")
        buttons = _buttons(p.get("reply_markup"))
        if text == msg.text and buttons == msg.buttons:
            raise BadRequest(
                "Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message"
            )
        if chat_id in self.blocked:
            raise Refused(403, "Forbidden: bot was blocked by the user")
        self._flood(chat_id)
        msg.text, msg.buttons, msg.params = text, buttons, {**msg.params, **p}
        self.edits.append(Sent(method, chat_id, text, buttons, p, msg.message_id))
        return {
            "message_id": msg.message_id, "date": int(self.wall()), "from": bot.user,
            "edit_date": int(self.wall()), "text": text,
            "chat": {"id": int(chat_id), "type": "private" if int(chat_id) > 0 else "group"},
        }  # fmt: skip

    def _flood(self, chat_id: str) -> None:
        if not self.limits:
            return
        now = self.clock()
        last = self._last_to_chat.get(chat_id)
        if last is not None and now - last < self.chat_interval:
            wait = max(1, math.ceil(self.chat_interval - (now - last)))
            raise Refused(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        while self._recent and self._recent[0] <= now - 1.0:
            self._recent.popleft()
        if len(self._recent) >= self.bot_per_second:
            raise Refused(429, "Too Many Requests: retry after 1", {"retry_after": 1})
        self._recent.append(now)
        self._last_to_chat[chat_id] = now


def _buttons(markup: Any) -> list[tuple[str, str]]:
    if not isinstance(markup, dict) or "inline_keyboard" not in markup:
        return []
    buttons = [b for row in markup["inline_keyboard"] for b in row]
    for b in buttons:
        data = b.get("callback_data")
        if data is not None and not 1 <= len(data.encode()) <= CALLBACK_LIMIT:
            raise BadRequest("Bad Request: BUTTON_DATA_INVALID")
    return [(b["text"], b.get("callback_data", "")) for b in buttons]


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=code)
