"""A reminder to 90,000 branch heads, and one national sweep over 100,000 branches.

Run: .venv/bin/python -m bench.broadcast [--queue] [--rate 3000] [--bots 1] [--ptb-rate 30]
     [--ptb-bots 1] [--ptb-messages 1800] [--repeat N] [--sweeps-only] (--queue: COPY the reminders into the
     outbox instead of building the tree and sweeping; --bots 10 --rate 30: Telegram's real
     limit with ten bots at once; BENCH_PROFILE=FILE cProfiles the sender process into FILE.raw / FILE.ptb;
     BENCH_WINDOW_AT_START=1 counts sends from their start, as limits.py did before)

1. A scratch PostgreSQL database (TEST_DATABASE_URL's server) gets a national tree by bulk
   COPY: 34 provinces, 3,300 communes, 100,000 branches; 90,000 branch heads on Telegram;
   the 10,000 branches without a head held their meeting. It is dropped at the end.
2. The sweep of 18/03/2026 08:00 (the 14-days-left step) is timed, then run again (nothing
   new) and the escalation day 16/04/2026 is timed, each beside its target (3 s, 1 s) and
   the first beside its floor: the database inserting the same rows by itself.
3. Broadcast: a sender process drains the 90,000 reminders to bench/fake_bot_api.py (its own
   process; enforces the limits and counts copies) with Telegram's limits scaled up to
   --rate. Then --ptb-messages of them again through the real Telegram channel (python-
   telegram-bot) to the same fake at --ptb-rate (Telegram's 30/s by default). (The tests'
   fake, tests/fakes/telegram.py, counts one limit for all its bots: no use for ten.)
   Before each, its floor in the same run: the same rate gate and transports sending ten
   seconds' worth of made-up messages with no database, what pacing alone reaches now.
Prints figures beside their targets (issue 20 item 3: ≥ 95% of the limit, peak RSS
≤ 150 MiB for 90,000 messages, 0 lost, 0 duplicated); asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import resource
import socket
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.channels.outbound import Address, SendError, Transports, Unreachable
from bot.channels.telegram_wire import bot_id_of
from bot.core.types import Choice, Reply
from bot.domain.rules import QuietHours, Rules
from bot.scheduler.limits import Limits
from bot.scheduler.sender import Sender
from bot.scheduler.sweep import sweep
from handlers import registry
from storage import db
from storage.repositories import outbox
from tests.support.databases import pg_admin_url

TOKEN = "777000:BENCH-token"


def token(k: int) -> str:
    """The k-th bench bot's token (k = 0 is TOKEN)."""
    return f"{777000 + k}:BENCH-token"


VN = dt.timezone(dt.timedelta(hours=7))
NO_QUIET = QuietHours(dt.time(0, 0), dt.time(0, 0))


def dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the national tree -----------------------------------------------------------------------


async def generate(url: str, branches: int, heads: int, bots: int = 1) -> None:
    conn = await asyncpg.connect(dsn(url))
    now = dt.datetime.now(dt.UTC)
    units: list[tuple[Any, ...]] = []
    provinces, communes = 34, 3300
    for p in range(1, provinces + 1):
        units.append((p, None, "province", f"P{p}", f"Tỉnh {p}", f"/{p}/", None))
    for c in range(communes):
        uid, parent = provinces + 1 + c, 1 + c % provinces
        units.append((uid, parent, "commune", f"C{c}", f"Xã {c}", f"/{parent}/{uid}/", None))
    first_branch = provinces + communes + 1
    for b in range(branches):
        uid, commune = first_branch + b, provinces + 1 + b % communes
        path = f"/{1 + (commune - provinces - 1) % provinces}/{commune}/{uid}/"
        units.append((uid, commune, "branch", f"B{b}", f"Chi hội {b}", path, dt.date(2010, 1, 1)))
    cols = ["id", "parent_id", "level", "code", "name", "path", "founded_on"]
    await conn.copy_records_to_table("org_unit", records=units, columns=cols)
    people = [(i, f"Chi hội trưởng {i}", "vi", False, now) for i in range(1, heads + 1)]
    await conn.copy_records_to_table(
        "person",
        records=people,
        columns=["id", "display_name", "locale", "mute_digests", "created_at"],
    )
    bot_ids = [bot_id_of(token(k)) for k in range(bots)]
    identities = [
        (i, "telegram", bot_ids[i % bots], str(i), str(10_000_000 + i), i, False, now)
        for i in range(1, heads + 1)
    ]
    await conn.copy_records_to_table(
        "channel_identity",
        records=identities,
        columns=[
            "id",
            "channel",
            "bot_id",
            "external_id",
            "chat_id",
            "person_id",
            "unreachable",
            "linked_at",
        ],
    )
    roles = [(i, i, first_branch + i - 1, "branch_head") for i in range(1, heads + 1)]
    await conn.copy_records_to_table(
        "role", records=roles, columns=["id", "person_id", "unit_id", "kind"]
    )
    met = [
        (n + 1, first_branch + b, dt.date(2026, 2, 10), "regular", 20, False, now)
        for n, b in enumerate(range(heads, branches))
    ]
    await conn.copy_records_to_table(
        "meeting",
        records=met,
        columns=[
            "id",
            "unit_id",
            "held_on",
            "kind",
            "present_count",
            "leader_present",
            "logged_at",
        ],
    )
    for table in ("org_unit", "person", "channel_identity", "role", "meeting"):
        await conn.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )
    await conn.execute("ANALYZE")
    await conn.close()


REMINDER = (
    "Chị Chi hội trưởng {i} ơi, quý 1/2026 còn 14 ngày là hết (hạn 31/03/2026) mà Chi hội "
    "chưa ghi buổi sinh hoạt định kỳ nào. Chị ghi sinh hoạt ngay trong chat này nhé, hoặc gõ "
    '"nhắc lại sau" để em nhắc lại sau 3 ngày.'
)


async def queue(url: str, messages: int, bots: int) -> None:
    """`messages` due reminders straight into the outbox (COPY), the shape the sweep writes:
    for timing the sender without building and sweeping the national tree first."""
    conn = await asyncpg.connect(dsn(url))
    now = dt.datetime.now(dt.UTC)
    due = now - dt.timedelta(minutes=1)
    bot_ids = [bot_id_of(token(k)) for k in range(bots)]
    choices = [["go:meetings.log", "Ghi sinh hoạt"], ["snooze", "Nhắc lại sau"]]
    rows = [
        (f"meeting_due|{i}|2026-Q1|14", "meeting_due", "telegram", bot_ids[i % bots],
         str(10_000_000 + i), json.dumps({"text": REMINDER.format(i=i), "choices": choices}),
         "pending", 0, due, now)
        for i in range(1, messages + 1)
    ]  # fmt: skip
    cols = ["key", "kind", "channel", "bot_id", "chat_id", "payload", "status", "attempts",
            "not_before", "created_at"]  # fmt: skip
    await conn.copy_records_to_table("outbox", records=rows, columns=cols)
    await conn.execute("ANALYZE outbox")
    await conn.close()


async def timed_sweep(url: str, moment: dt.datetime) -> tuple[float, int]:
    engine = db.make_engine(url)
    maker = db.make_sessionmaker(engine)
    reg = registry()
    start = time.perf_counter()
    report = await sweep(maker, moment, Rules(), registry=reg)
    seconds = time.perf_counter() - start
    await engine.dispose()
    return seconds, report.total()


# issue 20 item 2: the national sweep, and a sweep with nothing new
SWEEP_TARGETS = {"national sweep 18/03/2026": 3.0, "the same sweep again": 1.0}


async def insert_floor(url: str) -> float:
    """Seconds the database takes to insert the outbox's rows again by itself (a copy of
    them, one INSERT ... SELECT, rolled back): what any sweep writing them must spend."""
    conn = await asyncpg.connect(dsn(url))
    try:
        async with conn.transaction():
            await conn.execute("CREATE TEMP TABLE copied ON COMMIT DROP AS SELECT * FROM outbox")
            await conn.execute("DELETE FROM outbox")
            start = time.perf_counter()
            await conn.execute(
                "INSERT INTO outbox SELECT * FROM copied ON CONFLICT (key) DO NOTHING"
            )
            seconds = time.perf_counter() - start
            raise _Undo
    except _Undo:
        pass
    finally:
        await conn.close()
    return seconds


class _Undo(Exception):
    """Rolls the floor's transaction back."""


# --- a lean Bot API client, for the raw run ----------------------------------------------------


class RawTelegram:
    """sendMessage over a pool of keep-alive HTTP/1.1 connections (benchmark only)."""

    channel = "telegram"

    def __init__(self, port: int, size: int, token: str = TOKEN) -> None:
        self.token = token
        self.bot_id = bot_id_of(token)
        self.port, self.size = port, size
        self.pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = (
            asyncio.Queue()
        )

    async def open(self) -> None:
        for _ in range(self.size):
            reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
            writer.get_extra_info("socket").setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.pool.put_nowait((reader, writer))

    async def deliver(self, address: Address, reply: Reply) -> None:
        body: dict[str, Any] = {"chat_id": int(address.chat_id), "text": reply.text}
        if reply.choices:
            keys = [[{"text": c.label, "callback_data": c.key}] for c in reply.choices]
            body["reply_markup"] = {"inline_keyboard": keys}
        data = json.dumps(body).encode()
        reader, writer = await self.pool.get()
        try:
            writer.write(
                b"POST /bot%s/sendMessage HTTP/1.1\r\nHost: api\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (self.token.encode(), len(data), data)
            )
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head.split(b" ", 2)[1])
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            answer = json.loads(await reader.readexactly(length))
        finally:
            self.pool.put_nowait((reader, writer))
        if status == 429:
            raise SendError("telegram: 429", retry_after=answer["parameters"]["retry_after"])
        if status == 403:
            raise Unreachable("telegram: forbidden")
        if status >= 400:
            raise SendError(f"telegram: {status}", permanent=status < 500)


async def drain(url: str, api: str, rate: float, mode: str, bots: int = 1, floor: int = 0) -> None:
    """The sender process: drain once, print its figures as JSON. `rate` is per bot.
    `floor`: instead, send that many made-up messages through the same transports and the
    same rate gate, with no database (the most the pacing itself reaches here, now)."""
    engine = db.make_engine(url, pool_size=5)
    maker = db.make_sessionmaker(engine)
    transports = Transports()
    ptb_bots: list[Any] = []
    if mode == "raw":
        for k in range(bots):
            raw = RawTelegram(int(api), size=max(8, 128 // bots), token=token(k))
            await raw.open()
            transports.add(raw)
    else:
        from telegram import Bot
        from telegram.request import HTTPXRequest

        from bot.channels.http_imports import settle_missing_sniffio
        from bot.channels.telegram import TelegramChannel
        from bot.core.engine import Engine

        settle_missing_sniffio()  # as bot/channels/setup.py does in `chihoi run`

        engine_ = Engine(maker, registry(), Rules())
        for k in range(bots):
            request = HTTPXRequest(connection_pool_size=32)
            bot = Bot(token(k), base_url=f"{api}/bot", request=request)
            await bot.initialize()
            ptb_bots.append(bot)
            transports.add(TelegramChannel(bot, engine_, maker, secret="bench"))
    sender = Sender(
        maker,
        transports,
        # The service's own limits at this rate (bot/scheduler/limits.py: its catch-up makes
        # up for an event loop stall; the sliding window still holds the limit itself).
        limits={"telegram": Limits(per_second=rate)},
        quiet=NO_QUIET,
        lease=dt.timedelta(minutes=10),
        batch=1000 if mode == "raw" else 200,
        # Sends in flight = rate x (send + commit time): a tenth of a second's worth at least.
        concurrency=int(os.environ.get("BENCH_CONCURRENCY", 0)) or max(24, round(rate * bots / 10)),
    )
    if os.environ.get("BENCH_WINDOW_AT_START"):  # compare: the window as it counted before
        from bot.scheduler.limits import Window

        Window.finished = lambda self, number: None  # type: ignore[method-assign]
    if floor:
        seconds = await pace_alone(sender, transports, bots, floor)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        print(json.dumps({"sent": floor, "retried": 0, "failed": 0, "seconds": seconds,
                          "peak_rss_mib": vm_hwm_kib() / 1024,
                          "cpu_seconds": usage.ru_utime + usage.ru_stime}), flush=True)  # fmt: skip
        for bot in ptb_bots:
            await bot.shutdown()
        await engine.dispose()
        return
    spent = {"claim": 0.0, "mark_sent": 0.0}
    calls = dict.fromkeys(spent, 0)
    for name in spent:  # time spent in the database, to see what the sender waits on
        setattr(outbox, name, timed(getattr(outbox, name), spent, name, calls))
    start = time.perf_counter()
    report = await sender.drain()
    totals = dict(sent=report.sent, retried=report.retried, failed=report.failed)
    # A message refused with 429 waits for its retry time; the service's loop would come
    # back for it, so this process does too.
    while waiting := await next_due(engine):
        await asyncio.sleep(max(0.0, (waiting - dt.datetime.now(dt.UTC)).total_seconds()))
        more = await sender.drain()
        for k in totals:
            totals[k] += getattr(more, k)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak_kib, cpu = vm_hwm_kib(), usage.ru_utime + usage.ru_stime
    out = totals
    figures = {"seconds": seconds, "peak_rss_mib": peak_kib / 1024, "cpu_seconds": cpu,
               **{f"{k}_seconds": v for k, v in spent.items()},
               **{f"{k}_calls": v for k, v in calls.items()}}  # fmt: skip
    print(json.dumps({**out, **figures}), flush=True)
    for bot in ptb_bots:
        await bot.shutdown()
    await engine.dispose()


async def pace_alone(sender: Sender, transports: Transports, bots: int, n: int) -> float:
    """`n` messages (to chats of their own) through the sender's gate and transports, with
    its concurrency, and no database: what the pacing reaches without claims and marks."""
    routes = [r for r in transports.routes() if r[0] == "telegram"][:bots]
    todo = iter(range(n))
    text = REMINDER.format(i="{i}")
    choices = (Choice("go:meetings.log", "Ghi sinh hoạt"), Choice("snooze", "Nhắc lại sau"))

    async def work() -> None:
        for i in todo:
            channel, bot_id = routes[i % len(routes)]
            transport = transports.get(channel, bot_id)
            assert transport is not None
            chat = str(FLOOR_CHAT + i)
            ticket = await sender.gate.enter(channel, bot_id, chat, False)
            try:
                await transport.deliver(
                    Address(channel, bot_id, chat), Reply(text.format(i=i), choices)
                )
            except SendError:
                pass  # counted by the fake as refused
            finally:
                sender.gate.done(ticket)

    start = time.perf_counter()
    async with asyncio.TaskGroup() as tasks:
        for _ in range(sender.concurrency):
            tasks.create_task(work())
    return time.perf_counter() - start


FLOOR_CHAT = 30_000_000


def vm_hwm_kib() -> int:
    """This process's own peak RSS. Not ru_maxrss: a process forked from a large parent (the
    bench, after building the national tree) starts with the parent's peak in it."""
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def timed(fn: Any, spent: dict[str, float], name: str, calls: dict[str, int]) -> Any:
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        calls[name] += 1
        try:
            return await fn(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - start

    return wrapper


async def next_due(engine: Any) -> dt.datetime | None:
    async with engine.connect() as conn:
        found: dt.datetime | None = await conn.scalar(
            text("SELECT min(not_before) FROM outbox WHERE status = 'pending'"
                 " AND not_before < now() + interval '1 day'")
        )  # fmt: skip
    return found


# --- orchestration ------------------------------------------------------------------------


async def spawn(*args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )


async def stats(port: int, reset: bool = False) -> dict[str, Any]:
    """What the fake saw; `reset`: and it starts counting afresh."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    path = b"/stats?reset=1" if reset else b"/stats"
    writer.write(b"GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path)
    head = await reader.readuntil(b"\r\n\r\n")
    length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
    body = json.loads(await reader.readexactly(length))
    writer.close()
    return dict(body)


async def wait_port(port: int) -> None:
    for _ in range(600):
        try:
            _r, w = await asyncio.open_connection("127.0.0.1", port)
            w.close()
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise RuntimeError("fake server did not start")


async def run_drain(
    url: str, mode: str, rate: float, bots: int, floor: int = 0
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One sender process against a fresh fake: (its figures, what the fake saw)."""
    port = free_port()
    fake = await spawn("bench.fake_bot_api", str(port), str(int(rate)))
    try:
        await wait_port(port)
        api = str(port) if mode == "raw" else f"http://127.0.0.1:{port}"
        proc = await spawn(
            "bench.broadcast", "drain", url, api, str(rate), mode, str(bots), str(floor)
        )
        out, err = await proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(err.decode()[-3000:])
        figures = json.loads(out.decode().strip().splitlines()[-1])
        seen = await stats(port)
    finally:
        fake.kill()
        await fake.wait()
    return figures, seen


def achieved(figures: dict[str, Any], seen: dict[str, Any]) -> float:
    """Messages a second: the fake's first to last accepted one when it knows them."""
    if seen["seconds"] > 0:
        return float(seen["unique"] - 1) / float(seen["seconds"])
    return float(seen["unique"]) / float(figures["seconds"])


async def broadcast(url: str, mode: str, rate: float, expected: int, bots: int = 1) -> None:
    """`rate`: each bot's limit, enforced by the fake as Telegram does. The floor first:
    the same gate and transports with no database, for ten seconds' worth of messages."""
    total = rate * bots
    floor_figures, floor_seen = await run_drain(
        url, mode, rate, bots, floor=min(expected, int(total * 10))
    )
    bare = achieved(floor_figures, floor_seen)
    figures, seen = await run_drain(url, mode, rate, bots)
    conn = await asyncpg.connect(dsn(url))
    unsent = await conn.fetchval(
        "SELECT count(*) FROM outbox WHERE status <> 'sent' AND not_before < now() + interval '1 day'"
    )
    await conn.close()
    got = achieved(figures, seen)
    span = seen["seconds"] if seen["seconds"] > 0 else figures["seconds"]
    print(f"[{mode}] configured limit {rate:.0f}/s per bot x {bots} bots = {total:.0f}/s, "
          f"{expected} messages")  # fmt: skip
    print(f"  floor, the pacing alone (same gate and transport, no database, "
          f"{floor_seen['unique']} messages): {bare:.0f}/s = {bare / total:.1%} of the limit, "
          f"refused (429) {floor_seen['refused_429']}")  # fmt: skip
    whole = seen["unique"] / figures["seconds"]
    print(f"  sender: {figures['sent']} sent in {span:.1f} s: {got:.0f}/s = {got / total:.1%} "
          f"of the limit (target ≥ 95%), {got / bare:.1%} of the floor; whole drain "
          f"{figures['seconds']:.1f} s: {whole / total:.1%}")  # fmt: skip
    print(f"  lost {expected - seen['unique']}, duplicated {seen['duplicated']} (target 0 and 0); "
          f"refused by the fake (429) {seen['refused_429']}, rows not sent {unsent}, "
          f"retried {figures['retried']}, failed {figures['failed']}")  # fmt: skip
    print(f"  sender peak RSS {figures['peak_rss_mib']:.0f} MiB for {expected} messages "
          f"(target ≤ 150 MiB for 90,000; floor process {floor_figures['peak_rss_mib']:.0f} MiB), "
          f"CPU {figures['cpu_seconds']:.1f} s ({figures['cpu_seconds'] / figures['seconds']:.0%} "
          f"of one core over {figures['seconds']:.1f} s); in claim {figures['claim_seconds']:.1f} s "
          f"({figures['claim_calls']} calls), in mark_sent {figures['mark_sent_seconds']:.1f} s "
          f"({figures['mark_sent_calls']} calls); fake server CPU "
          f"{seen.get('cpu_seconds', 0.0):.1f} s")  # fmt: skip


async def requeue(url: str, first: int) -> None:
    """The first `first` rows due again, the others out of the way."""
    conn = await asyncpg.connect(dsn(url))
    await conn.execute(
        "UPDATE outbox SET status = 'pending', attempts = 0, sent_at = NULL, claimed_at = NULL,"
        " not_before = CASE WHEN id <= $1 THEN now() - interval '1 minute'"
        " ELSE now() + interval '30 days' END",
        first,
    )
    await conn.execute("VACUUM ANALYZE outbox")
    await conn.close()


async def main(args: argparse.Namespace) -> None:
    admin = pg_admin_url()
    name = f"chihoi_bench_broadcast_{os.getpid()}"
    conn = await asyncpg.connect(dsn(admin))
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    try:
        await asyncio.to_thread(db.upgrade, url)
        start = time.perf_counter()
        if args.queue:
            await queue(url, args.heads, args.bots)
            print(
                f"queued {args.heads} reminders in {time.perf_counter() - start:.1f} s (no sweep)"
            )
        else:
            await generate(url, args.branches, args.heads, args.bots)
            print(
                f"generated {args.branches} branches, {args.heads} heads"
                f" in {time.perf_counter() - start:.1f} s"
            )
        day = dt.datetime(2026, 3, 18, 8, tzinfo=VN)
        sweeps = [("national sweep 18/03/2026", day), ("the same sweep again", day),
                  ("escalation day 16/04/2026", dt.datetime(2026, 4, 16, 8, tzinfo=VN))]  # fmt: skip
        for n, (label, moment) in enumerate(sweeps[: 0 if args.queue else args.sweeps]):
            seconds, added = await timed_sweep(url, moment)
            target = SWEEP_TARGETS.get(label)
            aim = f" (target <= {target:.0f} s)" if target else ""
            print(f"{label}: {seconds:.2f} s{aim}, {added} new messages")
            if n == 0:
                floor = await insert_floor(url)
                print(f"  floor: the database alone inserting the same {added} rows: {floor:.2f} s")
        if args.sweeps_only:
            return
        conn = await asyncpg.connect(dsn(url))
        await conn.execute("UPDATE outbox SET not_before = now() - interval '1 minute'")
        await conn.close()
        for run in range(args.repeat):
            if run:
                await requeue(url, args.heads)
            await broadcast(url, "raw", args.rate, args.heads, args.bots)
        for _ in range(args.repeat if args.ptb_messages else 0):
            await requeue(url, args.ptb_messages)
            await broadcast(url, "ptb", args.ptb_rate, args.ptb_messages, args.ptb_bots)
    finally:
        conn = await asyncpg.connect(dsn(admin))
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "drain":
        run = drain(
            sys.argv[2], sys.argv[3], float(sys.argv[4]), sys.argv[5], int(sys.argv[6]),
            int(sys.argv[7]) if len(sys.argv) > 7 else 0,
        )  # fmt: skip
        if profile := os.environ.get("BENCH_PROFILE"):  # cProfile the sender into this file
            import cProfile

            cProfile.run("asyncio.run(run)", f"{profile}.{sys.argv[5]}")
        else:
            asyncio.run(run)
    else:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("--branches", type=int, default=100_000)
        parser.add_argument("--heads", type=int, default=90_000)
        parser.add_argument("--rate", type=float, default=3000.0, help="per bot")
        parser.add_argument("--bots", type=int, default=1, help="the heads spread over them")
        parser.add_argument("--ptb-rate", type=float, default=30.0, help="per bot")
        parser.add_argument("--ptb-bots", type=int, default=1)
        parser.add_argument(
            "--queue", action="store_true", help="COPY the reminders into the outbox, no sweep"
        )
        parser.add_argument("--ptb-messages", type=int, default=1800, help="0: no PTB run")
        parser.add_argument("--repeat", type=int, default=1, help="runs of each broadcast")
        parser.add_argument(
            "--sweeps", type=int, default=3, choices=(1, 2, 3), help="1: only the one that queues"
        )
        parser.add_argument(
            "--sweeps-only", action="store_true", help="time the sweeps, broadcast nothing"
        )
        asyncio.run(main(parser.parse_args()))
