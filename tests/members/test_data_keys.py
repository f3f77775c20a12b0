"""The data key: a wrong or short key refuses to start, and a rotation resumes after a kill
(issue 15.3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.config import ConfigError, load_settings
from storage import crypto, secret_box
from storage.models import KeyCheck, Member, MigrantInfo, OaToken, Person, PersonContact
from storage.repositories import data_keys, data_keys_others, org
from tests.members.support import in_db, seeded
from tests.support import databases

NOW = dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)
OLD = "old-data-key-0123456789-abcdefgh"
NEW = "new-data-key-9876543210-zyxwvuts"
NUMBERS = [f"0381900012{i:02d}" for i in range(7)]
# Members 0, 2, 4, 6 have a phone too, and two more members a phone only.
PHONES = [f"09120000{i:02d}" for i in range(0, 7, 2)] + ["0987000001", "0987000002"]


def run(url: str, *args: str, key: str = OLD, new: str | None = None) -> Result:
    env = {"DATABASE_URL": url, "CHIHOI_DATA_KEY": key}
    if new is not None:
        env["CHIHOI_NEW_DATA_KEY"] = new
    runner = CliRunner()
    return databases.in_thread(lambda: runner.invoke(app, list(args), env=env))


def with_key(secret: str) -> crypto.DataKeys:
    return crypto.derive(secret)


@pytest.fixture
def sealed_db(sqlite_url: str) -> str:
    """The demo organisation with seven members whose ID numbers are sealed under OLD."""
    seeded(sqlite_url, NOW)

    async def add(s: AsyncSession) -> None:
        branch = await org.by_code(s, "TH-QP-01")
        assert branch is not None
        k = with_key(OLD)
        for i, digits in enumerate(NUMBERS):
            sealed = crypto.seal_id(digits, k)
            tel = crypto.seal_phone(f"09120000{i:02d}" if i % 2 == 0 else None, k)
            s.add(
                Member(
                    branch_id=branch.id,
                    full_name=f"Hội viên {i}",
                    cccd_enc=sealed.blob,
                    cccd_index=sealed.index,
                    phone_enc=tel.blob if tel else None,
                    phone_index=tel.index if tel else None,
                    joined_on=dt.date(2020, 1, 1),
                    created_at=NOW,
                )
            )
        for phone in PHONES[-2:]:
            tel = crypto.seal_phone(phone, k)
            assert tel is not None
            s.add(
                Member(
                    branch_id=branch.id,
                    full_name=f"Hội viên {phone}",
                    phone_enc=tel.blob,
                    phone_index=tel.index,
                    joined_on=dt.date(2020, 1, 1),
                    created_at=NOW,
                )
            )

    in_db(sqlite_url, add)
    return sqlite_url


def phones(url: str) -> list[tuple[bytes, str]]:
    async def read(s: AsyncSession) -> list[tuple[bytes, str]]:
        stmt = select(Member.phone_enc, Member.phone_index).where(Member.phone_enc.is_not(None))
        return [(b, i) for b, i in (await s.execute(stmt.order_by(Member.id))).all()]

    return in_db(url, read)


def sealed(url: str) -> list[tuple[bytes, str]]:
    async def read(s: AsyncSession) -> list[tuple[bytes, str]]:
        stmt = select(Member.cccd_enc, Member.cccd_index).where(Member.cccd_enc.is_not(None))
        return [(b, i) for b, i in (await s.execute(stmt.order_by(Member.id))).all()]

    return in_db(url, read)


def test_the_right_key_is_adopted_then_a_wrong_one_refused_in_one_line(sealed_db: str) -> None:
    assert run(sealed_db, "keys", "check").exit_code == 0
    wrong = run(sealed_db, "keys", "check", key="some-other-key-0123456789")
    assert wrong.exit_code == 1
    assert wrong.output.strip().startswith("error: CHIHOI_DATA_KEY is not the key")
    assert "Traceback" not in wrong.output
    exported = run(
        sealed_db, "members", "export", "--unit", "TH-QP-01", key="some-other-key-0123456789"
    )
    assert exported.exit_code == 1 and "CHIHOI_DATA_KEY" in exported.output


def test_a_wrong_key_on_a_database_never_checked_is_refused_before_anything(
    sealed_db: str,
) -> None:
    # No check row yet: the key must open the sealed rows to be adopted.
    wrong = run(sealed_db, "keys", "check", key="some-other-key-0123456789")
    assert wrong.exit_code == 1 and "does not open" in wrong.output

    async def rows(s: AsyncSession) -> int:
        return len((await s.scalars(select(KeyCheck))).all())

    assert in_db(sealed_db, rows) == 0  # nothing adopted


def test_a_short_key_stops_the_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHIHOI_DATA_KEY", "short-key")
    with pytest.raises(ConfigError, match="CHIHOI_DATA_KEY"):
        load_settings()


def test_a_rotation_killed_half_way_resumes_and_every_number_opens_with_the_new_key(
    sealed_db: str,
) -> None:
    assert run(sealed_db, "keys", "check").exit_code == 0
    old, new = with_key(OLD), with_key(NEW)

    async def half(s: AsyncSession) -> None:  # what a killed run left: begun, one batch done
        done = await data_keys.begin_rotation(s, old, new, NOW)
        assert await data_keys.rotate_batch(s, old, new, done, 3, NOW) is not None

    in_db(sealed_db, half)
    before = sealed(sealed_db)
    # While it is under way the bot must not start with either key.
    assert "rotation is under way" in run(sealed_db, "keys", "check").output
    assert run(sealed_db, "keys", "check", key=NEW).exit_code == 1

    resumed = run(sealed_db, "keys", "rotate", "--batch", "2", new=NEW)
    assert resumed.exit_code == 0, resumed.output
    assert "re-sealed the ID and phone numbers of 9 members" in resumed.output
    after = sealed(sealed_db)
    assert after[:3] == before[:3]  # the batch done before the kill was not redone
    assert sorted(crypto.decrypt_id(b, new) for b, _ in after) == NUMBERS
    assert [i for _, i in after] == [crypto.blind_index(d, new) for d in NUMBERS]
    with pytest.raises(crypto.KeyMismatch):
        crypto.decrypt_id(after[-1][0], old)
    # phones too, including the members who have a phone and no ID number
    tels = phones(sealed_db)
    assert [crypto.decrypt_phone(b, new) for b, _ in tels] == PHONES
    assert [i for _, i in tels] == [crypto.phone_index(p, new) for p in PHONES]
    with pytest.raises(crypto.KeyMismatch):
        crypto.decrypt_phone(tels[-1][0], old)
    assert run(sealed_db, "keys", "check", key=NEW).exit_code == 0
    assert run(sealed_db, "keys", "check", key=OLD).exit_code == 1


def test_the_demo_key_lives_beside_the_database_whatever_the_folder(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/db/chihoi.sqlite3"
    assert crypto.key_file_for(url) == tmp_path / "db" / "data.key"
    relative = crypto.key_file_for("sqlite+aiosqlite:///var/chihoi.sqlite3")
    assert relative.is_absolute() and relative.name == "data.key"


def test_officers_phones_contacts_far_away_and_the_oa_tokens_are_re_sealed_too(
    sealed_db: str,
) -> None:
    """Issue 19: a rotation used to leave these under the old key (the OA then stopped, and
    no ZNS phone opened). Killed after one of the four values, the rerun re-seals the other
    three and leaves the first as it was."""
    old, new = with_key(OLD), with_key(NEW)

    async def add(s: AsyncSession) -> None:
        lan = await s.scalar(select(Person).where(Person.display_name == "Nguyễn Thị Lan"))
        member = await s.scalar(select(Member).order_by(Member.id).limit(1))
        assert lan is not None and member is not None
        tel, away = crypto.seal_phone("84912345678", old), crypto.seal_phone("0987000009", old)
        assert tel is not None and away is not None
        s.add(
            PersonContact(
                person_id=lan.id, phone_enc=tel.blob, phone_index=tel.index, updated_at=NOW
            )
        )
        s.add(
            MigrantInfo(
                member_id=member.id,
                destination="Bình Dương",
                since=dt.date(2025, 1, 1),
                contact_enc=away.blob,
                contact_index=away.index,
                updated_at=NOW,
            )
        )
        s.add(
            OaToken(
                oa_id="oa-1",
                access_enc=secret_box.seal_token("access-abc", "access", old),
                refresh_enc=secret_box.seal_token("refresh-xyz", "refresh", old),
                access_expires_at=NOW,
                refreshed_at=NOW,
            )
        )

    in_db(sealed_db, add)
    assert run(sealed_db, "keys", "check").exit_code == 0

    async def half(s: AsyncSession) -> None:  # killed after the members and one more value
        done = await data_keys.begin_rotation(s, old, new, NOW)
        while (step := await data_keys.rotate_batch(s, old, new, done, 50, NOW)) is not None:
            done = step[0]
        assert await data_keys_others.counts(s, new) == (4, 4)
        assert await data_keys_others.reseal_batch(s, old, new, 1) == 1

    in_db(sealed_db, half)
    first = in_db(sealed_db, lambda s: s.scalar(select(PersonContact.phone_enc)))
    resumed = run(sealed_db, "keys", "rotate", "--batch", "1", new=NEW)
    assert resumed.exit_code == 0, resumed.output
    assert "and 4 other sealed values" in resumed.output

    async def check(s: AsyncSession) -> None:
        contact = await s.scalar(select(PersonContact))
        away = await s.scalar(select(MigrantInfo))
        token = await s.get(OaToken, "oa-1")
        assert contact is not None and away is not None and token is not None
        assert contact.phone_enc == first  # done before the kill: not redone
        assert crypto.decrypt_phone(contact.phone_enc, new) == "84912345678"
        assert contact.phone_index == crypto.phone_index("84912345678", new)
        assert away.contact_enc is not None
        assert crypto.decrypt_phone(away.contact_enc, new) == "0987000009"
        assert away.contact_index == crypto.phone_index("0987000009", new)
        assert secret_box.open_token(token.access_enc, "access", new) == "access-abc"
        assert secret_box.open_token(token.refresh_enc, "refresh", new) == "refresh-xyz"
        with pytest.raises(crypto.KeyMismatch):
            secret_box.open_token(token.refresh_enc, "refresh", old)
        assert await data_keys_others.counts(s, new) == (4, 0)

    in_db(sealed_db, check)
    assert run(sealed_db, "keys", "check", key=NEW).exit_code == 0
