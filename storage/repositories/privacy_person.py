"""Data-subject requests for an officer (a bot user, not a member record): her ZNS phone and
its consent, her preferred channel, the chats she is linked on (issue 19's person_contact)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage import crypto
from storage.models import Person, PersonContact
from storage.repositories import audit, person_contacts


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def masked(phone: str) -> str:
    """The first four and last two digits, as a member's phone is shown masked: "8491 *** *78"."""
    return f"{phone[:4]} *** *{phone[-2:]}" if len(phone) >= 8 else "***"


async def export(
    s: AsyncSession, person_id: int, now: dt.datetime, *, clear: bool = False
) -> dict[str, Any] | None:
    """Her name, language, contact row and chat links; the phone masked unless `clear` (the
    operator shows it to her in full only on her own request); audited."""
    person = await s.get(Person, person_id)
    if person is None:
        return None
    row = await s.get(PersonContact, person_id)
    contact = None
    if row is not None:
        phone = crypto.decrypt_phone(bytes(row.phone_enc)) if row.phone_enc is not None else None
        contact = {
            "phone": (phone if clear else masked(phone)) if phone is not None else None,
            "phone_consent_at": _iso(row.phone_consent_at),
            "phone_consent_withdrawn_at": _iso(row.phone_consent_withdrawn_at),
            "preferred_channel": row.preferred,
            "updated_at": _iso(row.updated_at),
        }
    chats = [
        {"channel": r.channel, "bot_id": r.bot_id, "unreachable": r.unreachable}
        for r in await person_contacts.routes(s, person_id)
    ]
    data = {
        "exported_at": _iso(now),
        "person": {
            "id": person.id,
            "display_name": person.display_name,
            "locale": person.locale,
            "created_at": _iso(person.created_at),
        },
        "contact": contact,
        "chats": chats,
    }
    detail = {"via": "cli", "phone_in_clear": clear}
    await audit.record(s, now, None, "privacy_export", "person", person.id, detail)
    return data


async def erase_contact(s: AsyncSession, person_id: int, now: dt.datetime) -> bool:
    """Remove her phone, its consent and her preferred channel; False if no such person.
    Nothing then reaches her by ZNS (a queued message finds no consented phone)."""
    if await s.get(Person, person_id) is None:
        return False
    gone = await s.execute(delete(PersonContact).where(PersonContact.person_id == person_id))
    detail = {"via": "cli", "contact_removed": bool(getattr(gone, "rowcount", 0))}
    await audit.record(s, now, None, "privacy_erase", "person", person_id, detail)
    return True
