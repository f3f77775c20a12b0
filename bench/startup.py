"""Start time and memory of the `chihoi` command and of `chihoi run` with both channels.

Run: .venv/bin/python -m bench.startup [--repeat 3]
Small commands (`--help`, `org tree`, `invite create`, `jobs failed`) run as their own
processes against a fresh demo SQLite database; wall time is from spawn to exit and memory
is the child's peak RSS (wait4). The best of --repeat runs is printed, so a busy machine
shows the command's own cost rather than the neighbours'. Then `chihoi run` is started with
Telegram and Zalo polling the fake servers: ready is spawn until both have asked for
updates; idle RSS is read from /proc once it has been idle a second after ready (the warm-up
of the first turn's modules included), then one turn on each channel is timed.
Targets (issue 20 item 6): small commands ≤ 0.4 s and ≤ 60 MiB; run ready ≤ 1.5 s, idle
RSS ≤ 120 MiB. Prints figures; asserts nothing (this is not a test).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.channel_latency import DATA_KEY, fresh_db, rss_kib, wait_for_reply
from tests.channels.harness import TG_TOKEN, ZALO_TOKEN
from tests.channels.test_run import free_port, run_env
from tests.fakes.server import real_clock, serve
from tests.fakes.telegram import FakeTelegram
from tests.fakes.zalo import FakeZalo

SMALL_S, SMALL_MIB = 0.4, 60.0
# What no command that opens the database can go below: the interpreter alone, and the
# libraries every such command needs (CLI, settings, the ORM on asyncio, the driver).
FLOORS = {
    "floor: python": "pass",
    "floor: libraries": "import typer, pydantic_settings, sqlalchemy.ext.asyncio, "
    "sqlalchemy.orm, aiosqlite",
}
READY_S, IDLE_MIB = 1.5, 120.0


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak RSS MiB and exit status of one child process.

    The child is started by /usr/bin/time: a process forked from this (large) one would carry
    our own high-water mark into its peak RSS."""
    with tempfile.NamedTemporaryFile("r") as out:
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-q", "-f", "%M %U %S", "-o", out.name, *argv],
            env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wall = time.perf_counter() - started
        kib, user, system = out.read().split()[-3:]
    return wall, float(user) + float(system), int(kib) / 1024, done.returncode


def bytecode_env(workdir: Path, cached: bool) -> dict[str, str]:
    """The children's environment for Python's compiled files. An installed package has them;
    a source tree run with PYTHONDONTWRITEBYTECODE=1 (as here) compiles every module of ours
    at every start, which costs more than the imports themselves. Cached: a private prefix,
    filled by one start of each kind before anything is timed."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    }
    if cached:
        return env | {"PYTHONPYCACHEPREFIX": str(workdir / "pycache")}
    return env | {"PYTHONDONTWRITEBYTECODE": "1"}


def warm_bytecode(env: dict[str, str], workdir: Path) -> None:
    modules = (
        "bot.cli.run, bot.cli.org, bot.cli.invite, bot.cli.jobs, bot.app, handlers, dateparser"
    )
    code = f"import {modules}, bot.reports.charts, bot.reports.excel, bot.core.dates as d; getattr(d, 'warm_up', int)()"
    subprocess.run([sys.executable, "-c", code], env=env, cwd=workdir, check=True)


def small_commands(url: str, workdir: Path, repeat: int, base: dict[str, str]) -> None:
    env = {k: v for k, v in base.items() if not k.startswith(("CHIHOI_", "DATABASE_URL"))}
    env |= {"DATABASE_URL": url, "CHIHOI_DATA_KEY": DATA_KEY, "CHIHOI_LOG_LEVEL": "WARNING"}
    commands = {
        "chihoi --help": ["--help"],
        "chihoi org tree": ["org", "tree"],
        "chihoi invite create": ["invite", "create", "--unit", "TH-QP-03", "--role", "branch_head"],
        "chihoi jobs failed": ["jobs", "failed"],
    }
    print(f"small commands, best of {repeat} (target ≤ {SMALL_S} s, ≤ {SMALL_MIB:.0f} MiB):")
    print(f"  {'':22} {'wall':>7} {'CPU':>7} {'peak':>9}")
    for name, code in FLOORS.items():
        runs = [timed([sys.executable, "-c", code], env, workdir) for _ in range(repeat)]
        wall, cpu, mib = (min(r[i] for r in runs) for i in range(3))
        print(f"  {name:22} {wall:5.2f} s {cpu:5.2f} s {mib:5.0f} MiB")
    for name, args in commands.items():
        runs = [timed([sys.executable, "-m", "bot", *args], env, workdir) for _ in range(repeat)]
        wall, cpu, mib = (min(r[i] for r in runs) for i in range(3))
        status = max(r[3] for r in runs)
        ok = "ok" if wall <= SMALL_S and mib <= SMALL_MIB else "OVER"
        print(f"  {name:22} {wall:5.2f} s {cpu:5.2f} s {mib:5.0f} MiB  exit {status}  {ok}")


def cpu_s(pid: int) -> float:
    """User + system CPU seconds a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_process(url: str, code: str, workdir: Path, base: dict[str, str]) -> None:
    tg, zl = FakeTelegram(), FakeZalo()
    tg_srv, zl_srv = await serve(tg.app), await serve(zl.app)
    tg.reset(clock=real_clock)
    zl.reset(clock=real_clock)
    tg.limits = False
    tg_bot, zl_bot = tg.add_bot(TG_TOKEN), zl.add_bot(ZALO_TOKEN)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(base)  # run_env starts from os.environ
    env = run_env(url, tg_srv.url, zl_srv.url, free_port()) | {"CHIHOI_DATA_KEY": DATA_KEY}
    os.environ.clear()
    os.environ.update(saved)
    started = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", cwd=workdir, env=env,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    await tg.wait(lambda: any(c.method == "getUpdates" for c in tg.calls), timeout=60)
    await zl.wait(lambda: any(c.method == "getUpdates" for c in zl.calls), timeout=60)
    ready = time.perf_counter() - started
    ready_cpu = cpu_s(proc.pid)
    at_ready, _ = rss_kib(proc.pid)
    await asyncio.sleep(3.0)  # the background warm-up finishes, then it idles
    idle, _ = rss_kib(proc.pid)
    first = time.perf_counter()
    await tg.push(tg_bot, tg.message(77, code))
    await wait_for_reply(tg, lambda: len(tg.to_chat(77)), 2)
    tg_first = time.perf_counter() - first
    first = time.perf_counter()
    await zl.push(zl_bot, zl.message("77", "xin chào"))
    await wait_for_reply(zl, lambda: len(zl.to_chat("77")), 1)
    zl_first = time.perf_counter() - first
    after, peak = rss_kib(proc.pid)
    proc.send_signal(signal.SIGTERM)
    await asyncio.wait_for(proc.wait(), timeout=30)
    await tg_srv.stop()
    await zl_srv.stop()
    print(
        f"chihoi run, Telegram + Zalo polling, SQLite (target ready ≤ {READY_S} s, idle ≤ {IDLE_MIB:.0f} MiB):"
    )
    print(f"  ready {ready:.2f} s (CPU {ready_cpu:.2f} s)  {'ok' if ready <= READY_S else 'OVER'}")
    print(
        f"  RSS at ready {at_ready / 1024:.0f} MiB, idle {idle / 1024:.0f} MiB "
        f"{'ok' if idle / 1024 <= IDLE_MIB else 'OVER'}, after a turn each {after / 1024:.0f} MiB"
        f" (peak {peak / 1024:.0f} MiB)"
    )
    print(
        f"  first turn: Telegram (onboarding) {tg_first * 1000:.0f} ms, Zalo {zl_first * 1000:.0f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=("small", "run"), help="one half of the bench")
    parser.add_argument(
        "--no-bytecode", action="store_true", help="compile every module at every start"
    )
    args = parser.parse_args()
    os.environ["CHIHOI_DATA_KEY"] = DATA_KEY
    with tempfile.TemporaryDirectory() as tmp:
        url, codes = await fresh_db(Path(tmp))
        env = bytecode_env(Path(tmp), cached=not args.no_bytecode)
        if args.no_bytecode:
            print("no compiled files: every start compiles our modules (PYTHONDONTWRITEBYTECODE=1)")
        else:
            warm_bytecode(env, Path(tmp))
            print("compiled files cached (as in an installed package)")
        if args.only != "run":
            small_commands(url, Path(tmp), args.repeat, env)
        if args.only != "small":
            await run_process(url, codes[0], Path(tmp), env)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    asyncio.run(main())
