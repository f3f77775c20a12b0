"""Data-subject requests: everything held about one member, and erasing her personal fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import crypto
from storage.models import Audit, Member, OrgUnit
from storage.repositories import audit, members, outbox, privacy_extra

# What stands for an erased member's name in a message already queued (language-neutral).
ERASED_NAME = "***"


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def _unit(s: AsyncSession, unit_id: int | None) -> dict[str, Any] | None:
    unit = await s.get(OrgUnit, unit_id) if unit_id is not None else None
    return {"code": unit.code, "name": unit.name} if unit else None


async def export(s: AsyncSession, member_id: int, now: dt.datetime) -> dict[str, Any] | None:
    """Her record (ID number decrypted), branch, events, consents and audit trail; audited."""
    m = await s.get(Member, member_id)
    if m is None:
        return None
    record = {
        "id": m.id,
        "full_name": m.full_name,
        "birth_date": _iso(m.birth_date),
        "birth_year": m.birth_year,
        "birth_year_only": m.birth_approx,
        "gender": m.gender,
        "phone": members.phone_of(m),
        "cccd": crypto.decrypt_id(m.cccd_enc) if m.cccd_enc else None,
        "ethnicity": m.ethnicity,
        "religion": m.religion,
        "categories": list(m.categories),
        "is_core": m.is_core,
        "status": m.status.value,
        # None: she was a member before records began ("không nhớ" her joining date).
        "joined_on": _iso(m.joined_on),
        "joined_before_records": m.joined_on is None,
        "joined_year_only": m.joined_approx,
        "residence": m.residence.value,
        "away_since": _iso(m.away_since),
        "created_at": _iso(m.created_at),
        "erased_at": _iso(m.erased_at),
    }
    events = [
        {
            "kind": e.kind.value,
            "occurred_on": _iso(e.occurred_on),
            "unit": await _unit(s, e.unit_id),
            "other_unit": await _unit(s, e.other_unit_id),
            "detail": e.detail,
            "recorded_by": e.recorded_by,
            "recorded_at": _iso(e.recorded_at),
        }
        for e in await members.events_of(s, m.id)
    ]
    consents = [
        {
            "purpose": c.purpose,
            "given_at": _iso(c.given_at),
            "withdrawn_at": _iso(c.withdrawn_at),
            "recorded_by": c.recorded_by,
        }
        for c in await members.consents_of(s, m.id)
    ]
    trail = (
        await s.scalars(
            select(Audit)
            .where(Audit.entity == "member", Audit.entity_id == m.id)
            .order_by(Audit.at, Audit.id)
        )
    ).all()
    data = {
        "exported_at": _iso(now),
        "member": record,
        "branch": await _unit(s, m.branch_id),
        "group": await _unit(s, m.group_id),
        "events": events,
        "consents": consents,
        **await privacy_extra.export(s, m.id),
        "audit": [
            {"at": _iso(a.at), "actor_id": a.actor_id, "action": a.action, "detail": a.detail}
            for a in trail
        ],
    }
    await audit.record(s, now, None, "privacy_export", "member", m.id, {"via": "cli"})
    return data


async def erase(s: AsyncSession, member_id: int, on: dt.date, now: dt.datetime) -> bool:
    """Remove her personal fields, keeping events and counts; False if there is no such member."""
    m = await s.get(Member, member_id)
    if m is None:
        return False
    scrubbed = 0
    if m.erased_at is None:
        if m.full_name:  # a reminder already queued may name her (an absentee list)
            scrubbed = await outbox.scrub_waiting(s, [m.full_name], ERASED_NAME)
        await members.erase(s, m, on, now, None)
        await privacy_extra.erase(s, m.id)
    detail = {"via": "cli", "queued_messages_scrubbed": scrubbed}
    await audit.record(s, now, None, "privacy_erase", "member", m.id, detail)
    return True
