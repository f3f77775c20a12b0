"""Erasure reaches queued messages; roles, invites and linked apps can be taken back (issue 15.8),
and CLI errors stay one line (issue 15.9)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import OutboxStatus, RoleKind
from storage.models import Audit, ChannelIdentity, Member, Outbox, Person
from storage.repositories import invites, org, outbox, people
from tests.members.support import cli, in_db, seeded

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
NAME = "Lê Ngọc Huệ"


async def actions(s: AsyncSession) -> list[str]:
    return list((await s.scalars(select(Audit.action).order_by(Audit.id))).all())


def test_erase_takes_her_name_out_of_messages_still_queued(sqlite_url: str) -> None:
    seeded(sqlite_url, NOW)

    async def setup(s: AsyncSession) -> int:
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        m = Member(branch_id=branch.id, full_name=NAME, joined_on=None, created_at=NOW)
        s.add(m)
        await s.flush()
        text = f"Chưa dự sinh hoạt: {NAME}, Trần Thị Bích."
        for key, status in (("waiting", OutboxStatus.PENDING), ("gone", OutboxStatus.SENT)):
            await outbox.enqueue(s, key, "reminder", "web", "sim", "lan", {"text": text}, NOW)
            row = (await s.scalars(select(Outbox).where(Outbox.key == key))).one()
            row.status = status
        return m.id

    member_id = in_db(sqlite_url, setup)
    result = cli(sqlite_url, "privacy", "erase", str(member_id), "--yes")
    assert result.exit_code == 0, result.output

    async def texts(s: AsyncSession) -> dict[str, str]:
        return {r.key: r.payload["text"] for r in (await s.scalars(select(Outbox))).all()}

    after = in_db(sqlite_url, texts)
    assert NAME not in after["waiting"] and "Trần Thị Bích" in after["waiting"]
    assert NAME in after["gone"]  # what was sent is history; only the queue can be mended
    assert "privacy_erase" in in_db(sqlite_url, actions)


def test_an_invite_is_listed_without_its_code_and_cancelled_at_once(sqlite_url: str) -> None:
    seeded(sqlite_url, NOW)
    made = cli(sqlite_url, "invite", "create", "--unit", "TH-QP-01", "--role", "branch_head")
    code = made.output.strip()
    listed = cli(sqlite_url, "invite", "list")
    assert code not in listed.output and "TH-QP-01\tbranch_head" in listed.output
    invite_id = next(
        line.split("\t")[0]
        for line in listed.output.splitlines()
        if "TH-QP-01\tbranch_head" in line
    )
    assert cli(sqlite_url, "invite", "cancel", invite_id).exit_code == 0

    async def usable(s: AsyncSession) -> bool:
        return await invites.take_invite(s, code, dt.datetime.now(dt.UTC)) is not None

    assert not in_db(sqlite_url, usable)
    again = cli(sqlite_url, "invite", "cancel", invite_id)
    assert again.exit_code == 1 and again.output.startswith("error: no open invite")
    assert "invite_cancel" in in_db(sqlite_url, actions)


def test_an_absurd_lifetime_is_one_line_not_a_traceback(sqlite_url: str) -> None:
    seeded(sqlite_url, NOW)
    for ttl in ("99999999d", "91d", "0d", "forever"):
        result = cli(sqlite_url, "invite", "create", "--unit", "TH-QP-01", "--role",
                     "branch_head", "--expires", ttl)  # fmt: skip
        assert result.exit_code == 1, ttl
        assert result.output.startswith("error: --expires") and result.output.count("\n") == 1


def test_a_role_is_revoked_and_a_linked_app_forgotten(sqlite_url: str) -> None:
    seeded(sqlite_url, NOW)

    async def lan(s: AsyncSession) -> tuple[int, int]:
        person = (
            await s.scalars(select(Person).where(Person.display_name == "Nguyễn Thị Lan"))
        ).one()
        ident = (
            await s.scalars(select(ChannelIdentity).where(ChannelIdentity.person_id == person.id))
        ).first()
        assert ident is not None
        return person.id, ident.id

    person_id, identity_id = in_db(sqlite_url, lan)
    listed = cli(sqlite_url, "people", "list", "--unit", "TH-QP-01")
    assert f"{person_id}\tNguyễn Thị Lan\tbranch_head@TH-QP-01" in listed.output
    revoked = cli(sqlite_url, "people", "revoke", "--person", str(person_id), "--unit",
                  "TH-QP-01", "--role", "branch_head")  # fmt: skip
    assert revoked.exit_code == 0, revoked.output

    async def roles(s: AsyncSession) -> list[tuple[RoleKind, str]]:
        return [(k, u.code) for k, u in await people.roles_of(s, person_id)]

    assert (RoleKind.BRANCH_HEAD, "TH-QP-01") not in in_db(sqlite_url, roles)
    twice = cli(sqlite_url, "people", "revoke", "--person", str(person_id), "--unit",
                "TH-QP-01", "--role", "branch_head")  # fmt: skip
    assert twice.exit_code == 1 and twice.output.startswith("error:")
    assert cli(sqlite_url, "people", "unlink", str(identity_id)).exit_code == 0

    async def linked(s: AsyncSession) -> bool:
        return await s.get(ChannelIdentity, identity_id) is not None

    assert not in_db(sqlite_url, linked)
    assert {"role_revoke", "identity_unlink"} <= set(in_db(sqlite_url, actions))
