"""An officer's ZNS phone (issue 19's person_contact) in data-subject requests: exported
masked unless asked in clear, erased with its consent and her preferred channel."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Audit, Person, PersonContact
from storage.repositories import person_contacts
from tests.members.support import cli, in_db, seeded

NOW = dt.datetime(2026, 3, 20, 2, 0, tzinfo=dt.UTC)
PHONE = "84912345678"


@pytest.fixture
def lan_id(sqlite_url: str) -> int:
    seeded(sqlite_url, NOW)

    async def go(s: AsyncSession) -> int:
        lan = await s.scalar(select(Person).where(Person.display_name == "Nguyễn Thị Lan"))
        assert lan is not None
        await person_contacts.set_phone(s, lan.id, PHONE, True, NOW)
        await person_contacts.set_preferred(s, lan.id, "zns", NOW)
        return lan.id

    return in_db(sqlite_url, go)


def _person_audits(url: str) -> list[str]:
    async def go(s: AsyncSession) -> list[str]:
        stmt = select(Audit.action).where(Audit.entity == "person").order_by(Audit.id)
        return list((await s.scalars(stmt)).all())

    return in_db(url, go)


def test_export_shows_her_phone_masked_unless_asked_in_clear(sqlite_url: str, lan_id: int) -> None:
    result = cli(sqlite_url, "privacy", "export-person", str(lan_id))
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["person"]["display_name"] == "Nguyễn Thị Lan"
    contact = data["contact"]
    assert (contact["phone"], contact["preferred_channel"]) == ("8491 *** *78", "zns")
    assert contact["phone_consent_at"] is not None and PHONE not in result.output
    full = json.loads(
        cli(sqlite_url, "privacy", "export-person", str(lan_id), "--phone-in-clear").output
    )
    assert full["contact"]["phone"] == PHONE
    assert _person_audits(sqlite_url) == ["privacy_export", "privacy_export"]


def test_erase_removes_her_phone_consent_and_channel(sqlite_url: str, lan_id: int) -> None:
    result = cli(sqlite_url, "privacy", "erase-person", str(lan_id), "--yes")
    assert result.exit_code == 0, result.output
    assert in_db(sqlite_url, lambda s: s.get(PersonContact, lan_id)) is None
    assert in_db(sqlite_url, lambda s: person_contacts.consented_phone(s, lan_id)) is None
    data = json.loads(cli(sqlite_url, "privacy", "export-person", str(lan_id)).output)
    assert data["contact"] is None and data["person"]["display_name"] == "Nguyễn Thị Lan"
    assert _person_audits(sqlite_url) == ["privacy_erase", "privacy_export"]


def test_an_unknown_person_is_a_one_line_error(sqlite_url: str, lan_id: int) -> None:
    result = cli(sqlite_url, "privacy", "erase-person", "999999", "--yes")
    assert result.exit_code == 1 and "no person with id 999999" in result.output
