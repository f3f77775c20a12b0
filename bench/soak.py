"""The long fuzz (`make soak`): every prompt, both profiles, 10,000 hypothesis inputs each.

Run: .venv/bin/python -m bench.soak [--inputs 10000] [--prompt NAME]
The suite runs the same fuzz with 50 inputs a prompt (tests/fuzz/test_prompts.py). Each
prompt gets a fresh demo database (migrated SQLite), so one prompt's saves do not change the
next one's screens. Prints, per prompt and profile, the turns, crashes, half-writes and how
often an input left the prompt (the path was walked again), then the totals; exits 1 when
anything crashed or was half-written.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from bot.core.types import TELEGRAM_CAPS, ZALO_CAPS
from tests.fuzz.prompts import PROMPTS, Figures, fuzz, inputs, seed_of
from tests.support import databases
from tests.support.chat_fixtures import Clock, make_world

PROFILES = {"buttons": TELEGRAM_CAPS, "text": ZALO_CAPS}


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=int, default=10_000)
    parser.add_argument("--prompt", default=None, help="only the prompt with this name")
    args = parser.parse_args()
    chosen = [p for p in PROMPTS if args.prompt in (None, p.name)]
    total = Figures(prompts=0)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        template = databases.migrated_sqlite_template(directory)
        print(f"{'prompt':38} {'profile':8} {'turns':>7} {'crashes':>7} {'half':>5} {'left':>6}")
        for prompt in chosen:
            texts = inputs(args.inputs, seed_of(prompt))
            for name, caps in PROFILES.items():
                clock = Clock(dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC))
                world, close = await make_world(databases.fresh_sqlite(template, directory), clock)
                try:
                    f = await fuzz(world, caps, prompt, texts)
                finally:
                    await close()  # type: ignore[misc]
                print(
                    f"{prompt.name:38} {name:8} {f.turns:7} {f.crashes:7} "
                    f"{f.half_writes:5} {f.left:6}",
                    flush=True,
                )
                for where, text in f.crashed[:5]:
                    print(f"  crashed at {where}: {text!r}")
                total.prompts += 1
                total.turns += f.turns
                total.crashes += f.crashes
                total.half_writes += f.half_writes
                total.left += f.left
    seconds = time.perf_counter() - started
    print(
        f"\nprompts × profiles: {total.prompts}; fuzzed turns: {total.turns} "
        f"({total.turns / seconds:.0f}/s); crashes: {total.crashes}; "
        f"half-writes: {total.half_writes}; inputs that left the prompt: {total.left}"
    )
    return 1 if total.crashes or total.half_writes else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
