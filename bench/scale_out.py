"""Several `chihoi run` processes on one PostgreSQL database: turns/s and sends/s for 1, 2, 4.

Run: .venv/bin/python -m bench.scale_out [--processes 1,2,4] [--chats 32] [--messages 25]
     [--broadcast 3000] [--rate 150]

1. A scratch PostgreSQL database (TEST_DATABASE_URL's server) gets a small org: a commune
   with one branch per chat and round, each with its head on Telegram. Dropped at the end.
2. bench/fake_bot_api.py plays the Bot API in its own process: it accepts --rate messages
   a second per bot (no per-chat limit: turns answer faster than one a second), counts
   copies, and keeps each bench chat's texts in the order they arrived.
3. For each process count, that many `python -m bot run` processes start in Telegram
   webhook mode on the one database (each its own port and its own sender, all one bot).
   The bench is their reverse proxy: it POSTs each webhook update to the next process in
   turn (round-robin over 127.0.0.1, keep-alive connections). --chats chats write at once;
   each sends "tìm hội viên" (member search), then --messages numbered names ("tin 1",
   "tin 2", ...), the next once the webhook answered, as Telegram does for a chat; the bot
   answers each that no member has that name, quoting it. So each chat's replies name
   its messages' numbers: a number twice is a duplicated reply, a smaller number after a
   larger one is an order violation, a number never seen is a lost reply. "CPU ms/turn" is
   the chihoi processes' CPU time over the turns (the rest of the machine's two cores go to
   PostgreSQL, the fake and this bench).
4. Then --broadcast reminders are put in the outbox (COPY) and the processes' senders
   drain them to the fake, paced at --rate per bot (CHIHOI_TELEGRAM_RATE): sends/s is
   first to last accepted message; the fake refusing any (429) means the processes
   together went over the bot's limit.
Prints figures beside their target, FAILED lines for duplicates, order violations and
losses, and how many lines the processes logged at WARNING or above (lock errors would show
there; the logs stay in --workdir); asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import itertools
import json
import os
import re
import signal
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from bench.broadcast import dsn, free_port, stats, wait_port
from bot.channels.telegram_wire import bot_id_of
from bot.domain.enums import Level, RoleKind
from storage import db
from storage.db import transaction
from storage.repositories import org, people
from tests.support.databases import pg_admin_url

TOKEN = "778000:SCALE-token"
BOT = bot_id_of(TOKEN)
SECRET = "scale-out-bench-secret"
DATA_KEY = "bench-data-key-0123456789abcdefghij"
FIRST_CHAT = 5000  # the bench's chats; broadcast chats are far above
BROADCAST_CHAT = 20_000_000
NUMBER = re.compile(r'"tin (\d+)"')
VN = dt.timezone(dt.timedelta(hours=7))


# --- the org -------------------------------------------------------------------------------


async def seed(url: str, heads: int) -> None:
    """One branch per head, each head on Telegram in a private chat FIRST_CHAT + k."""
    engine = db.make_engine(url)
    now = dt.datetime.now(dt.UTC)
    async with transaction(db.make_sessionmaker(engine)) as s:
        province = await org.add_unit(s, "P1", "Tỉnh Một", Level.PROVINCE, None)
        commune = await org.add_unit(s, "C1", "Xã Một", Level.COMMUNE, province)
        for k in range(heads):
            branch = await org.add_unit(s, f"B{k}", f"Chi hội {k}", Level.BRANCH, commune)
            person = await people.create_person(s, f"Chi hội trưởng {k}", now)
            chat = str(FIRST_CHAT + k)
            await people.link_identity(s, person.id, "telegram", BOT, chat, chat, now)
            await people.grant_role(s, person.id, branch.id, RoleKind.BRANCH_HEAD)
    await engine.dispose()


async def queue(url: str, round_no: int, messages: int) -> None:
    """`messages` due reminders of one round into the outbox (COPY, as a sweep leaves them)."""
    conn = await asyncpg.connect(dsn(url))
    now = dt.datetime.now(dt.UTC)
    text = "Chị ơi, quý 4/2026 còn 14 ngày là hết mà Chi hội chưa ghi buổi sinh hoạt nào ({i})."
    rows = [
        (f"bench|{round_no}|{i}", "bench_notice", "telegram", BOT, str(BROADCAST_CHAT + i),
         json.dumps({"text": text.format(i=i)}), "pending", 0, now - dt.timedelta(seconds=1), now)
        for i in range(messages)
    ]  # fmt: skip
    cols = ["key", "kind", "channel", "bot_id", "chat_id", "payload", "status", "attempts",
            "not_before", "created_at"]  # fmt: skip
    await conn.copy_records_to_table("outbox", records=rows, columns=cols)
    await conn.close()


async def unsent(url: str) -> int:
    conn = await asyncpg.connect(dsn(url))
    n = await conn.fetchval("SELECT count(*) FROM outbox WHERE status <> 'sent'")
    await conn.close()
    return int(n)


# --- the processes ---------------------------------------------------------------------------


@dataclass
class Proc:
    port: int
    process: asyncio.subprocess.Process
    log: Path
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = field(
        default_factory=asyncio.Queue
    )

    def cpu_seconds(self) -> float:
        """User + system CPU time the process used so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mib(self) -> tuple[float, float]:
        """(RSS now, peak RSS) of the process."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        got = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        return int(got["VmRSS"].split()[0]) / 1024, int(got["VmHWM"].split()[0]) / 1024


def env_for(url: str, api_port: int, port: int, rate: float) -> dict[str, str]:
    own = ("TELEGRAM_", "ZALO_", "CHIHOI_", "DATABASE_URL", "REPORTS_DATABASE_URL")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    return env | {
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": f"http://127.0.0.1:{api_port}",
        "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "CHIHOI_WEB_PORT": str(port),
        "CHIHOI_LOG_LEVEL": "WARNING",
        "CHIHOI_DATA_KEY": DATA_KEY,
        "CHIHOI_QUIET_HOURS": "",  # the broadcast goes out whatever the hour of the run
        "CHIHOI_TELEGRAM_RATE": str(rate),
    }


async def start(url: str, api_port: int, n: int, rate: float, workdir: Path) -> list[Proc]:
    procs = []
    for k in range(n):
        port = free_port()
        log = workdir / f"run-{n}-{k}.log"
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=workdir, env=env_for(url, api_port, port, rate),
            stdout=asyncio.subprocess.DEVNULL, stderr=log.open("wb"),
        )  # fmt: skip
        procs.append(Proc(port, process, log))
    for p in procs:
        await wait_port(p.port)
    # Ready once each has told the fake its webhook (the route answers 503 before that).
    for _ in range(600):
        if (await stats(api_port))["webhooks"] >= n:
            break
        await asyncio.sleep(0.05)
    return procs


async def stop(procs: Sequence[Proc]) -> None:
    for p in procs:
        while not p.pool.empty():
            p.pool.get_nowait()[1].close()
        p.process.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            await asyncio.wait_for(p.process.wait(), timeout=30)
        except TimeoutError:
            p.process.kill()
            await p.process.wait()


async def post(proc: Proc, body: bytes) -> int:
    """POST one webhook update over a kept-alive connection; the HTTP status."""
    if proc.pool.empty():
        reader, writer = await asyncio.open_connection("127.0.0.1", proc.port)
    else:
        reader, writer = proc.pool.get_nowait()
    writer.write(
        b"POST /telegram/%s HTTP/1.1\r\nHost: bench\r\nContent-Type: application/json\r\n"
        b"X-Telegram-Bot-Api-Secret-Token: %s\r\nContent-Length: %d\r\n\r\n%s"
        % (BOT.encode(), SECRET.encode(), len(body), body)
    )
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
    await reader.readexactly(length)
    proc.pool.put_nowait((reader, writer))
    return status


# --- one round -----------------------------------------------------------------------------


@dataclass
class Round:
    processes: int
    turns: int = 0
    turn_seconds: float = 0.0
    turn_cpu: float = 0.0  # CPU seconds the chihoi processes spent on the turns, together
    refused_updates: int = 0
    replies_lost: int = 0
    replies_duplicated: int = 0
    order_violations: int = 0
    sent: int = 0
    send_seconds: float = 0.0
    sends_duplicated: int = 0
    refused_429: int = 0
    rows_unsent: int = 0
    memory: list[tuple[float, float]] = field(default_factory=list)
    logged: int = 0  # lines the processes logged (at WARNING and above)


class Proxy:
    """The reverse proxy: each update to the next process in turn."""

    def __init__(self, procs: Sequence[Proc], first_update: int) -> None:
        self.procs = procs
        self.next = 0
        # Update ids go on from round to round: the engine drops an id it has seen.
        self.update_id = first_update
        self.refused = 0

    async def send(self, chat: int, text: str) -> None:
        self.update_id += 1
        proc = self.procs[self.next % len(self.procs)]
        self.next += 1
        user = {"id": chat, "is_bot": False, "first_name": "Chị"}
        update = {"update_id": self.update_id, "message": {
            "message_id": self.update_id, "date": int(time.time()), "text": text,
            "chat": {"id": chat, "type": "private", "first_name": "Chị"}, "from": user}}  # fmt: skip
        if await post(proc, json.dumps(update).encode()) != 200:
            self.refused += 1


async def turns(procs: Sequence[Proc], chats: Sequence[int], messages: int, r: Round) -> None:
    proxy = Proxy(procs, first_update=chats[0] * (messages + 1))

    async def chat(c: int) -> None:
        await proxy.send(c, "tìm hội viên")
        for i in range(1, messages + 1):
            await proxy.send(c, f"tin {i}")

    started = time.perf_counter()
    await asyncio.gather(*(chat(c) for c in chats))
    r.turn_seconds = time.perf_counter() - started
    r.turns = len(chats) * (messages + 1)
    r.refused_updates = proxy.refused


def judge_replies(
    kept: dict[str, list[str]], chats: Sequence[int], messages: int, r: Round
) -> None:
    for c in chats:
        numbers = [int(m.group(1)) for t in kept.get(str(c), []) if (m := NUMBER.search(t))]
        r.replies_duplicated += len(numbers) - len(set(numbers))
        r.replies_lost += messages - len(set(numbers) & set(range(1, messages + 1)))
        r.order_violations += sum(1 for a, b in itertools.pairwise(numbers) if b <= a)


async def broadcast(url: str, api_port: int, round_no: int, n: int, rate: float, r: Round) -> None:
    await queue(url, round_no, n)
    deadline = time.monotonic() + 30 + 3 * n / rate
    seen: dict[str, Any] = {}
    while time.monotonic() < deadline:
        seen = await stats(api_port)
        if seen["unique"] >= n and await unsent(url) == 0:
            break
        await asyncio.sleep(0.5)
    seen = await stats(api_port)
    r.sent = seen["unique"]
    r.send_seconds = seen["seconds"]
    r.sends_duplicated = seen["duplicated"]
    r.refused_429 = seen["refused_429"]
    r.rows_unsent = await unsent(url)


async def one_round(
    url: str, api_port: int, n: int, round_no: int, args: argparse.Namespace, workdir: Path
) -> Round:
    r = Round(n)
    await stats(api_port, reset=True)
    procs = await start(url, api_port, n, args.rate, workdir)
    try:
        # The catch-up sweep each process runs at start may write reminders: let them go.
        await asyncio.sleep(1.0)
        await stats(api_port, reset=True)
        chats = [FIRST_CHAT + round_no * args.chats + k for k in range(args.chats)]
        cpu = sum(p.cpu_seconds() for p in procs)
        await turns(procs, chats, args.messages, r)
        r.turn_cpu = sum(p.cpu_seconds() for p in procs) - cpu
        judge_replies((await stats(api_port, reset=True))["chats"], chats, args.messages, r)
        if args.broadcast:
            await broadcast(url, api_port, round_no, args.broadcast, args.rate, r)
        r.memory = [p.memory_mib() for p in procs]
    finally:
        await stop(procs)
    r.logged = sum(len(p.log.read_bytes().splitlines()) for p in procs)
    for p in procs:
        if p.process.returncode not in (0, -signal.SIGTERM):
            print(f"  process on port {p.port} exited {p.process.returncode}: see {p.log}")
    return r


# --- report --------------------------------------------------------------------------------


def report(rounds: Sequence[Round], args: argparse.Namespace) -> None:
    print(f"{'processes':>9} {'turns/s':>8} {'× 1 proc':>8} {'CPU ms/turn':>11} {'sends/s':>8} "
          f"{'of limit':>8} {'peak RSS MiB (each)':>22}")  # fmt: skip
    base = rounds[0].turns / rounds[0].turn_seconds if rounds else 0.0
    for r in rounds:
        rate = r.turns / r.turn_seconds
        sends = (r.sent - 1) / r.send_seconds if r.send_seconds > 0 else 0.0
        peaks = ", ".join(f"{peak:.0f}" for _now, peak in r.memory)
        cpu_ms = 1000 * r.turn_cpu / r.turns
        print(f"{r.processes:9} {rate:8.0f} {rate / base:8.2f} {cpu_ms:11.1f} {sends:8.0f} "
              f"{sends / args.rate:8.1%} {peaks:>22}")  # fmt: skip
    print(f"targets: 0 duplicated replies or sends, per-chat order kept, 0 lost; sends ≥ 95% "
          f"of the bot's limit ({args.rate:.0f}/s) with 0 refused, whatever the process count")  # fmt: skip
    for r in rounds:
        bad = {
            "webhook updates not answered 200": r.refused_updates,
            "replies lost": r.replies_lost,
            "replies duplicated": r.replies_duplicated,
            "per-chat order violations": r.order_violations,
            "broadcast messages lost": args.broadcast - r.sent if args.broadcast else 0,
            "sends duplicated": r.sends_duplicated,
            "sends refused by the bot's limit (429)": r.refused_429,
            "outbox rows not sent": r.rows_unsent,
        }
        for what, count in bad.items():
            if count:
                print(f"FAILED with {r.processes} processes: {what}: {count}")
        if r.logged:
            print(f"with {r.processes} processes: {r.logged} lines of warnings or errors logged")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")


async def main(args: argparse.Namespace) -> None:
    counts = [int(n) for n in args.processes.split(",")]
    admin = pg_admin_url()
    name = f"chihoi_bench_scale_{os.getpid()}"
    conn = await asyncpg.connect(dsn(admin))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    api_port = free_port()
    fake = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bench.fake_bot_api", str(api_port), str(int(args.rate)),
        "--no-chat-limit", "--keep-below", str(BROADCAST_CHAT),
    )  # fmt: skip
    rounds = []
    try:
        await asyncio.to_thread(db.upgrade, url)
        await seed(url, args.chats * len(counts))
        await wait_port(api_port)
        workdir = Path(args.workdir or f"/tmp/chihoi-scale-{os.getpid()}")
        workdir.mkdir(parents=True, exist_ok=True)
        print(f"{args.chats} chats x {args.messages + 1} turns per process count, then "
              f"{args.broadcast} broadcast messages at {args.rate:.0f}/s (one bot); logs in {workdir}")  # fmt: skip
        for round_no, n in enumerate(counts):
            rounds.append(await one_round(url, api_port, n, round_no, args, workdir))
    finally:
        fake.kill()
        await fake.wait()
        conn = await asyncpg.connect(dsn(admin))
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()
    report(rounds, args)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", default="1,2,4", help="process counts, in order")
    parser.add_argument("--chats", type=int, default=32, help="chats writing at once")
    parser.add_argument("--messages", type=int, default=25, help="numbered messages per chat")
    parser.add_argument("--broadcast", type=int, default=3000, help="reminders per round (0: none)")
    parser.add_argument("--rate", type=float, default=150.0, help="the bot's limit, messages/s")
    parser.add_argument("--workdir", default="", help="where the processes run and log")
    asyncio.run(main(parser.parse_args()))
