"""Personal data: no name, phone or ID number in any log line; export and erase on request."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import EventKind
from storage import crypto
from storage.models import Audit, Member
from storage.repositories import member_counts, members, org
from tests.members.support import cli, in_db, seeded
from tests.members.test_register import CCCD, FULL
from tests.support.chat import Chat

NOW = dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)
SECRETS = (
    "Trần Thị Bích",
    "tran thi bich",
    "Bích",
    "0912345678",
    "0912 345 678",
    CCCD,
    "190001234",
)


async def test_a_full_registration_logs_no_personal_data(
    chat: Chat, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy", "sqlalchemy.engine", "aiosqlite", "chihoi"):
        caplog.set_level(logging.DEBUG, logger=name)
    await chat.script(FULL)
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)  # logging was on
    logged = "\n".join(f"{r.name} {r.getMessage()} {r.__dict__}" for r in caplog.records)
    escaped = json.dumps(list(SECRETS))  # JSON state would show "B\u00edch"
    for secret in [*SECRETS, *json.loads(escaped)]:
        assert secret.lower() not in logged.lower(), secret
    for word in ("B\\u00edch", "Tr\\u1ea7n"):
        assert word not in logged


def _register(s: AsyncSession) -> object:
    async def go() -> int:
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        m = await members.add_member(
            s,
            branch.id,
            "Trần Thị Bích",
            dt.date(2025, 1, 10),
            NOW,
            birth_date=dt.date(1990, 3, 5),
            phone="0912345678",
            cccd=CCCD,
            categories=["religious"],
            religion="Công Giáo",
            consents=["membership", "sensitive"],
        )
        return m.id

    return go()


@pytest.fixture
def member_id(sqlite_url: str) -> int:
    seeded(sqlite_url, NOW)
    return int(in_db(sqlite_url, _register))  # type: ignore[arg-type]


def test_export_prints_everything_held_about_her(sqlite_url: str, member_id: int) -> None:
    result = cli(sqlite_url, "privacy", "export", str(member_id))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    m = data["member"]
    assert (m["full_name"], m["birth_date"], m["phone"], m["cccd"]) == (
        "Trần Thị Bích",
        "1990-03-05",
        "0912345678",
        CCCD,
    )
    assert m["religion"] == "Công Giáo" and data["branch"]["code"] == "TH-QP-01"
    assert [e["kind"] for e in data["events"]] == ["joined"]
    assert [c["purpose"] for c in data["consents"]] == ["membership", "sensitive"]
    assert _audits(sqlite_url) == ["privacy_export"]


def test_erase_keeps_events_and_counts_but_no_personal_field(
    sqlite_url: str, member_id: int
) -> None:
    day = dt.date(2026, 3, 20)
    before = in_db(sqlite_url, lambda s: _count(s, day))
    result = cli(sqlite_url, "privacy", "erase", str(member_id), "--yes")
    assert result.exit_code == 0, result.output

    async def check(s: AsyncSession) -> None:
        m = await s.get(Member, member_id)
        assert m is not None
        personal = (m.full_name, m.birth_date, m.phone_enc, m.phone_index, m.cccd_enc, m.cccd_index)
        assert personal == (None, None, None, None, None, None) and m.religion is None
        assert m.name_folded == "" and m.categories == [] and m.erased_at is not None
        assert m.birth_year == 1990  # anonymous age statistics stay
        kinds = [e.kind for e in await members.events_of(s, member_id)]
        assert kinds == [EventKind.JOINED, EventKind.ERASED]
        assert all(c.withdrawn_at is not None for c in await members.consents_of(s, member_id))

    in_db(sqlite_url, check)
    assert in_db(sqlite_url, lambda s: _count(s, day)) == before
    exported = json.loads(cli(sqlite_url, "privacy", "export", str(member_id)).output)
    assert exported["member"]["full_name"] is None and exported["member"]["cccd"] is None
    assert _audits(sqlite_url) == ["privacy_erase", "privacy_export"]
    # The ID number is free again: she could be registered anew.
    assert (
        in_db(sqlite_url, lambda s: members.branch_holding_id(s, crypto.blind_index(CCCD))) is None
    )


def test_unknown_member_is_a_one_line_error(sqlite_url: str, member_id: int) -> None:
    result = cli(sqlite_url, "privacy", "export", "999999")
    assert result.exit_code == 1 and "no member with id 999999" in result.output


async def _count(s: AsyncSession, day: dt.date) -> int:
    branch = await org.by_code(s, "TH-QP-01")
    assert branch is not None
    return await member_counts.members_on(s, branch.id, day)


def _audits(url: str) -> list[str]:
    async def go(s: AsyncSession) -> list[str]:
        stmt = select(Audit.action).where(Audit.action.like("privacy_%")).order_by(Audit.id)
        return list((await s.scalars(stmt)).all())

    return in_db(url, go)


def test_key_file_written_by_the_demo_is_used_when_no_key_is_set(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.cli.demo import ensure_demo_key

    monkeypatch.delenv("CHIHOI_DATA_KEY")
    key_file = tmp_path / "data.key"
    assert ensure_demo_key(key_file)
    keys = crypto.derive(crypto.load_secret(key_file))
    blob = crypto.encrypt_id(CCCD, keys)
    assert crypto.decrypt_id(blob, keys) == CCCD
    with pytest.raises(crypto.KeyMissing):
        crypto.load_secret(tmp_path / "absent.key")


async def _register_old(s: AsyncSession) -> int:
    branch = await org.by_code(s, "TH-QP-01")
    assert branch is not None
    m = await members.add_member(s, branch.id, "Trần Thị Xưa", None, NOW, birth_year=1950)
    return m.id


def test_export_says_she_joined_before_records_began(sqlite_url: str) -> None:
    seeded(sqlite_url, NOW)
    mid = in_db(sqlite_url, _register_old)
    result = cli(sqlite_url, "privacy", "export", str(mid))
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)["member"]
    assert (record["joined_on"], record["joined_before_records"], record["residence"]) == (
        None,
        True,
        "permanent",
    )
