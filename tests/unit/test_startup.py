"""What each way of starting chihoi imports (issue 20 item 6): a fresh interpreter imports
the entry point and reports which heavy libraries ran. Timing lives in bench/startup.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot import cli
from storage import db
from tests.support import databases

ROOT = Path(__file__).resolve().parents[2]
HEAVY = (
    "matplotlib", "numpy", "openpyxl", "PIL", "alembic", "dateparser", "telegram", "uvicorn",
    "apscheduler", "handlers", "sqlalchemy", "pydantic",
)  # fmt: skip


def loaded_after(statement: str) -> set[str]:
    """The HEAVY top-level packages whose code has run after `statement` (a lazy stand-in
    from bot.core.lazy does not count: its code has not run)."""
    probe = (
        f"{statement}\nimport json, sys\n"
        "print(json.dumps(sorted({n.split('.')[0] for n, m in list(sys.modules.items())"
        " if type(m).__name__ != '_LazyModule'})))"
    )
    env = os.environ | {"PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out.splitlines()[-1])) & set(HEAVY)


def test_help_imports_no_library_but_the_command_line() -> None:
    assert loaded_after("import bot.cli") == set()


def test_small_commands_load_the_database_but_no_report_channel_or_migration_code() -> None:
    got = loaded_after("import bot.cli.org, bot.cli.invite, bot.cli.jobs, bot.cli.people")
    assert got == {"sqlalchemy", "pydantic"}


def test_run_loads_charts_workbooks_and_dateparser_only_when_used() -> None:
    got = loaded_after("import bot.cli.run")
    assert not got & {"matplotlib", "numpy", "openpyxl", "PIL", "alembic", "dateparser"}
    assert {"telegram", "handlers", "sqlalchemy"} <= got  # the run path is really imported
    warmed = loaded_after("import bot.cli.run\nfrom bot.core.dates import warm_up\nwarm_up()")
    assert "dateparser" in warmed


def test_the_help_table_says_what_each_group_says_of_itself() -> None:
    # `chihoi --help` reads cli.GROUPS instead of importing the groups.
    for name, (module, short) in cli.GROUPS.items():
        group = __import__(module, fromlist=["app"]).app
        assert group.info.help == short, name


def test_heads_read_from_the_files_agree_with_alembic() -> None:
    assert db.declared_heads() == {db.head_revision()}


@pytest.mark.parametrize("migrated", [True, False])
async def test_at_head_is_true_only_on_a_migrated_database(
    migrated: bool, sqlite_url: str, tmp_path: Path
) -> None:
    url = sqlite_url if migrated else f"sqlite+aiosqlite:///{tmp_path / 'empty.sqlite3'}"
    engine = db.make_engine(url)
    try:
        assert await db.at_head(engine) is migrated
    finally:
        await engine.dispose()


async def test_at_head_is_false_one_revision_behind(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.sqlite3'}"
    databases.in_thread(lambda: db.upgrade(url, "0005"))
    engine = db.make_engine(url)
    try:
        assert await db.at_head(engine) is False
    finally:
        await engine.dispose()
