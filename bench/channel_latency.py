"""Round-trip turn latency through the fake Telegram and Zalo servers, and RSS of `chihoi run`.

Run: .venv/bin/python -m bench.channel_latency [--turns 200]
A round trip starts when the fake platform gets the user's message (queued for getUpdates,
or POSTed to our webhook) and ends when it has recorded the bot's reply: real HTTP both
ways, the real channel code, the engine and SQLite. The turns alternate "ngôn ngữ" (opens
the language dialog) and "hủy" (cancels it), one reply each. Flood limits of the fakes are
off. Then `chihoi run` is started as its own process with both channels polling the fakes,
serves the same number of turns on each, and its resident memory is read from /proc.
Prints figures; asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bot.core.engine import Engine
from bot.domain.rules import Rules
from bot.seeding.demo import seed
from handlers import registry
from storage import db
from storage.db import transaction
from tests.channels.harness import TG_TOKEN, ZALO_TOKEN, start_telegram, start_zalo
from tests.channels.test_run import free_port, run_env
from tests.fakes.server import real_clock, serve
from tests.fakes.telegram import FakeTelegram
from tests.fakes.zalo import FakeZalo

DATA_KEY = "bench-data-key-0123456789abcdefghij"
WORDS = ("ngôn ngữ", "hủy")


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def fresh_db(directory: Path) -> tuple[str, list[str]]:
    url = f"sqlite+aiosqlite:///{directory / 'bench.sqlite3'}"
    await asyncio.to_thread(db.upgrade, url)
    engine = db.make_engine(url)
    maker = db.make_sessionmaker(engine)
    codes = []
    for _ in range(5):  # each call adds fresh invites
        async with transaction(maker) as s:
            demo = await seed(s, dt.datetime.now(dt.UTC))
        codes.append(demo.invites[0][0])
    await engine.dispose()
    return url, codes


Fake = FakeTelegram | FakeZalo


async def measure(
    send: Callable[[str], Awaitable[None]], fake: Fake, replies: Callable[[], int], turns: int
) -> list[float]:
    """Milliseconds from the user's message reaching the platform to the reply recorded."""
    times = []
    for i in range(turns):
        before = replies()
        started = time.perf_counter()
        await send(WORDS[i % 2])
        await fake.wait(lambda before=before: replies() > before, timeout=30)  # type: ignore[misc]
        times.append((time.perf_counter() - started) * 1000)
    return times


async def wait_for_reply(fake: Fake, replies: Callable[[], int], count: int) -> None:
    await fake.wait(lambda: replies() >= count, timeout=30)


async def in_process(url: str, codes: list[str], turns: int) -> dict[str, list[float]]:
    tg, zl = FakeTelegram(), FakeZalo()
    tg_srv, zl_srv = await serve(tg.app), await serve(zl.app)
    engine_db = db.make_engine(url)
    maker = db.make_sessionmaker(engine_db)
    engine = Engine(maker, registry(), Rules())
    results: dict[str, list[float]] = {}
    for n, mode in enumerate(("polling", "webhook")):
        tg.reset(clock=real_clock)
        zl.reset(clock=real_clock)
        tg.limits, tg.require_https, zl.require_https = False, False, False
        # A bot per mode: update ids restart with the fake, and the engine drops repeats.
        tg_bot, zl_bot = tg.add_bot(f"{100 + n}:bench"), zl.add_bot(f"{200 + n}:bench")
        _tg, stop_tg = await start_telegram(engine, maker, tg_srv.url, mode, token=tg_bot.token)
        _zl, stop_zl = await start_zalo(engine, maker, zl_srv.url, mode, token=zl_bot.token)
        chat = 900 + n

        async def tg_send(text: str, chat: int = chat, mode: str = mode, bot: Any = tg_bot) -> None:
            update = tg.message(chat, text)
            if mode == "polling":
                await tg.push(bot, update)
            else:
                await tg.post_webhook(bot, update)

        async def zl_send(
            text: str, chat: str = str(chat), mode: str = mode, bot: Any = zl_bot
        ) -> None:
            update = zl.message(chat, text)
            if mode == "polling":
                await zl.push(bot, update)
            else:
                await zl.post_webhook(bot, update)

        def tg_count(chat: int = chat) -> int:
            return len(tg.to_chat(chat))

        def zl_count(chat: str = str(chat)) -> int:
            return len(zl.to_chat(chat))

        await tg_send(codes[2 * n])  # onboard: welcome + menu
        await wait_for_reply(tg, tg_count, 2)
        await zl_send(codes[2 * n + 1])
        await wait_for_reply(zl, zl_count, 2)
        results[f"telegram {mode}"] = await measure(tg_send, tg, tg_count, turns)
        results[f"zalo {mode}"] = await measure(zl_send, zl, zl_count, turns)
        await stop_tg()
        await stop_zl()
    await engine_db.dispose()
    await tg.aclose()
    await zl.aclose()
    await tg_srv.stop()
    await zl_srv.stop()
    return results


def rss_kib(pid: int) -> tuple[int, int]:
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


async def run_process(url: str, code: str, turns: int, workdir: Path) -> dict[str, float]:
    tg, zl = FakeTelegram(), FakeZalo()
    tg_srv, zl_srv = await serve(tg.app), await serve(zl.app)
    tg.reset(clock=real_clock)
    zl.reset(clock=real_clock)
    tg.limits = False
    tg_bot, zl_bot = tg.add_bot(TG_TOKEN), zl.add_bot(ZALO_TOKEN)
    env = run_env(url, tg_srv.url, zl_srv.url, free_port()) | {"CHIHOI_DATA_KEY": DATA_KEY}
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await tg.wait(lambda: any(c.method == "getUpdates" for c in tg.calls), timeout=60)
    await zl.wait(lambda: any(c.method == "getUpdates" for c in zl.calls), timeout=60)
    ready = time.perf_counter() - started
    idle_rss, _ = rss_kib(proc.pid)
    await tg.push(tg_bot, tg.message(77, code))
    await wait_for_reply(tg, lambda: len(tg.to_chat(77)), 2)
    for i in range(turns):
        before = len(tg.to_chat(77)), len(zl.to_chat("77"))
        await tg.push(tg_bot, tg.message(77, WORDS[i % 2]))
        await zl.push(zl_bot, zl.message("77", "xin chào"))
        await wait_for_reply(tg, lambda: len(tg.to_chat(77)), before[0] + 1)
        await wait_for_reply(zl, lambda: len(zl.to_chat("77")), before[1] + 1)
    rss, peak = rss_kib(proc.pid)
    stop_started = time.perf_counter()
    proc.send_signal(signal.SIGTERM)
    status = await asyncio.wait_for(proc.wait(), timeout=30)
    stopped = time.perf_counter() - stop_started
    await tg_srv.stop()
    await zl_srv.stop()
    return {
        "ready_s": ready, "idle_rss_mib": idle_rss / 1024, "rss_mib": rss / 1024,
        "peak_mib": peak / 1024, "sigterm_exit_s": stopped, "exit_status": float(status),
    }  # fmt: skip


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=200)
    args = parser.parse_args()
    os.environ["CHIHOI_DATA_KEY"] = DATA_KEY
    with tempfile.TemporaryDirectory() as tmp:
        url, codes = await fresh_db(Path(tmp))
        results = await in_process(url, codes, args.turns)
        print(f"round-trip turn latency, {args.turns} turns each (ms):")
        for name, times in results.items():
            print(
                f"  {name:18} p50 {statistics.median(times):6.1f}  p99 {pct(times, 0.99):6.1f}"
                f"  max {max(times):6.1f}"
            )
        figures = await run_process(url, codes[4], args.turns, Path(tmp))
        print("chihoi run with Telegram + Zalo polling (+ scheduler), SQLite:")
        print(
            f"  ready in {figures['ready_s']:.1f} s; RSS idle {figures['idle_rss_mib']:.0f} MiB,"
            f" after {args.turns} turns per channel {figures['rss_mib']:.0f} MiB"
            f" (peak {figures['peak_mib']:.0f} MiB)"
        )
        print(
            f"  SIGTERM → exit {int(figures['exit_status'])} in {figures['sigterm_exit_s']:.2f} s"
        )
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
