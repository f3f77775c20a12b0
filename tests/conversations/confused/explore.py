"""Print what the bot does now with each corpus row (to write or check expectations).

PYTHONPATH=$PWD .venv/bin/python -m tests.conversations.confused.explore [NAME-PART] [-v]
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

from tests.conversations.confused.corpus import PROMPTS
from tests.conversations.confused.runner import PROFILES, Runner
from tests.support import databases


async def main(part: str, verbose: bool) -> None:
    os.environ.setdefault("CHIHOI_DATA_KEY", "test-data-key-0123456789abcdefghij")
    with tempfile.TemporaryDirectory() as tmp:
        template = databases.migrated_sqlite_template(Path(tmp))
        passed = total = 0
        for prompt in PROMPTS:
            if part not in prompt.name:
                continue
            for profile in PROFILES:
                try:
                    results = await Runner(template, Path(tmp), prompt, profile).run()
                except AssertionError as e:
                    print(f"BAD [{prompt.name} / {profile}] not reached: {e}")
                    continue
                for r in results:
                    total += 1
                    passed += r.passed
                    mark = "ok " if r.passed else "BAD"
                    print(
                        f"{mark} [{prompt.name} / {profile}] {r.row.text!r} -> {r.observed}"
                        + ("" if r.passed else f"  ({'; '.join(r.problems)})")
                    )
                    if verbose or not r.passed:
                        print("    " + r.transcript.replace("\n", "\n    "))
        print(f"{passed}/{total} passed")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "-v"]
    asyncio.run(main(args[0] if args else "", "-v" in sys.argv))
