"""A lean fake of Telegram's sendMessage for broadcast benchmarks (raw asyncio HTTP/1.1).

python -m bench.fake_bot_api PORT RATE [--no-chat-limit] [--keep-below CHAT_ID]

It enforces the limits the way Telegram does (at most RATE messages in any second per
bot, each bot known by the token in its path; one per second per chat unless
--no-chat-limit: else 429 with retry_after), records every message it accepts, and answers
GET /stats with what it saw (GET /stats?reset=1: and starts counting afresh). The texts
sent to chats numbered below --keep-below are kept in order and listed in the stats (a
bench checks each chat's order with them). It answers sendMessage with a whole Message and
getMe, setWebhook, deleteWebhook and answerCallbackQuery as the Bot API does, so
python-telegram-bot's Bot can talk to it; bodies may be JSON or form-encoded. tests/fakes/telegram.py checks every
parameter against the Bot API spec and is the one the tests use; it is too slow on a
small machine to tell whether the sender keeps thousands of messages a second.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections import Counter, defaultdict, deque
from urllib.parse import parse_qsl

KEPT_CHARS = 80  # of each kept text: enough to tell the replies apart


class Fake:
    def __init__(self, rate: int, chat_limit: bool = True, keep_below: int = 0) -> None:
        self.rate = rate
        self.chat_limit = chat_limit
        self.keep_below = keep_below
        # The limits' memory outlives a reset: the platform does not forget either.
        self.recent_by_bot: dict[str, deque[float]] = {}
        self.last_to_chat: dict[str, float] = {}
        self.reset()

    def reset(self) -> None:
        """Start counting afresh (the limits keep their memory)."""
        self.copies: Counter[str] = Counter()
        self.refused = 0
        self.received = 0
        self.first = 0.0
        self.last = 0.0
        self.webhooks = 0  # setWebhook calls
        self.kept: defaultdict[str, list[str]] = defaultdict(list)

    def send(self, params: dict[str, object], bot: str = "") -> tuple[int, dict[str, object]]:
        now = time.monotonic()
        recent = self.recent_by_bot.setdefault(bot, deque())
        chat = str(params.get("chat_id"))
        text = str(params.get("text", ""))
        if not text:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: text empty"}
        while recent and recent[0] <= now - 1.0:
            recent.popleft()
        last = self.last_to_chat.get(chat)
        chat_busy = self.chat_limit and last is not None and now - last < 1.0
        if len(recent) >= self.rate or chat_busy:
            self.refused += 1
            body = {"ok": False, "error_code": 429, "description": "Too Many Requests"}
            return 429, {**body, "parameters": {"retry_after": 1}}
        recent.append(now)
        self.last_to_chat[chat] = now
        self.copies[f"{chat}\x00{text}"] += 1
        self.received += 1
        self.first = self.first or now
        self.last = now
        if chat.lstrip("-").isdigit() and int(chat) < self.keep_below:
            self.kept[chat].append(text[:KEPT_CHARS])
        message = {"message_id": self.received, "date": int(time.time()), "text": text,
                   "chat": {"id": int(chat) if chat.lstrip("-").isdigit() else 0, "type": "private"}}  # fmt: skip
        return 200, {"ok": True, "result": message}

    def stats(self) -> dict[str, object]:
        return {
            "received": self.received,
            "unique": len(self.copies),
            "duplicated": self.received - len(self.copies),
            "refused_429": self.refused,
            "seconds": self.last - self.first,
            "cpu_seconds": resource.getrusage(resource.RUSAGE_SELF).ru_utime
            + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
            "webhooks": self.webhooks,
            "chats": self.kept,
        }


def params_of(head: str, body: bytes) -> dict[str, object]:
    """A JSON body's object, or a form's fields (python-telegram-bot posts forms)."""
    if not body:
        return {}
    if "application/x-www-form-urlencoded" in head.lower():
        return dict(parse_qsl(body.decode(), keep_blank_values=True))
    decoded = json.loads(body)
    return decoded if isinstance(decoded, dict) else {}


ME = {"id": 1, "is_bot": True, "first_name": "b", "username": "b"}


async def handle(fake: Fake, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _version = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":", 1)[1])
            body = await reader.readexactly(length) if length else b""
            if method == "GET" and path.startswith("/stats"):
                status, answer = 200, fake.stats()
                if path.endswith("reset=1"):
                    fake.reset()
            elif path.endswith("/sendMessage"):
                bot = path.split("/")[1]  # /bot<token>/sendMessage
                status, answer = fake.send(params_of(head.decode("latin-1"), body), bot)
            elif path.endswith("/getMe"):
                status, answer = 200, {"ok": True, "result": ME}
            elif path.endswith(("/setWebhook", "/deleteWebhook", "/answerCallbackQuery")):
                fake.webhooks += path.endswith("/setWebhook")
                status, answer = 200, {"ok": True, "result": True}
            else:
                status, answer = 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            data = json.dumps(answer).encode()
            writer.write(
                b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                % (status, len(data), data)
            )
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def main(port: int, rate: int, chat_limit: bool = True, keep_below: int = 0) -> None:
    fake = Fake(rate, chat_limit, keep_below)
    server = await asyncio.start_server(lambda r, w: handle(fake, r, w), "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    flags = sys.argv[3:]
    keep = int(flags[flags.index("--keep-below") + 1]) if "--keep-below" in flags else 0
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), "--no-chat-limit" not in flags, keep))
