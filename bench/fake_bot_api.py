"""A lean fake of Telegram's sendMessage for broadcast benchmarks (raw asyncio HTTP/1.1).

python -m bench.fake_bot_api PORT RATE

It enforces the limits the way Telegram does (at most RATE messages in any second per
bot, each bot known by the token in its path; one per second per chat: else 429 with
retry_after), records every message it
accepts, and answers GET /stats with what it saw. tests/fakes/telegram.py checks every
parameter against the Bot API spec and is the one the tests use; it is too slow on a
small machine to tell whether the sender keeps thousands of messages a second.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from collections import Counter, deque


class Fake:
    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.recent_by_bot: dict[str, deque[float]] = {}
        self.last_to_chat: dict[str, float] = {}
        self.copies: Counter[str] = Counter()
        self.refused = 0
        self.received = 0
        self.first = 0.0
        self.last = 0.0

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
        if len(recent) >= self.rate or (last is not None and now - last < 1.0):
            self.refused += 1
            body = {"ok": False, "error_code": 429, "description": "Too Many Requests"}
            return 429, {**body, "parameters": {"retry_after": 1}}
        recent.append(now)
        self.last_to_chat[chat] = now
        self.copies[f"{chat}\x00{text}"] += 1
        self.received += 1
        self.first = self.first or now
        self.last = now
        return 200, {"ok": True, "result": {"message_id": self.received, "date": int(time.time())}}

    def stats(self) -> dict[str, object]:
        return {
            "received": self.received,
            "unique": len(self.copies),
            "duplicated": self.received - len(self.copies),
            "refused_429": self.refused,
            "seconds": self.last - self.first,
            "cpu_seconds": resource.getrusage(resource.RUSAGE_SELF).ru_utime
            + resource.getrusage(resource.RUSAGE_SELF).ru_stime,
        }


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
            if method == "GET" and path == "/stats":
                status, answer = 200, fake.stats()
            elif path.endswith("/sendMessage"):
                bot = path.split("/")[1]  # /bot<token>/sendMessage
                status, answer = fake.send(json.loads(body or b"{}"), bot)
            elif path.endswith("/getMe"):
                status, answer = 200, {"ok": True, "result": {"id": 1, "is_bot": True,
                                                              "first_name": "b", "username": "b"}}  # fmt: skip
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


async def main(port: int, rate: int) -> None:
    fake = Fake(rate)
    server = await asyncio.start_server(lambda r, w: handle(fake, r, w), "127.0.0.1", port)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2])))
