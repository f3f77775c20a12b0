"""Many members at once (spreadsheet import): a few statements per thousand rows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import EventKind, MemberStatus, Residence
from bot.domain.textkeys import fold, sort_key
from storage import crypto
from storage.crypto import SealedId
from storage.models import Consent, Member, MemberEvent
from storage.repositories.members import joined_day


@dataclass(frozen=True)
class NewMember:
    """One validated row of a bulk import."""

    full_name: str
    birth_date: dt.date
    birth_approx: bool
    joined_on: dt.date | None  # None: before records began
    phone: str | None = None
    cccd: SealedId | None = None
    group_id: int | None = None
    categories: tuple[str, ...] = ()
    is_core: bool = False
    ethnicity: str | None = None
    religion: str | None = None
    consents: tuple[str, ...] = ()
    joined_approx: bool = False
    residence: Residence = Residence.PERMANENT


async def add_many(
    s: AsyncSession, branch_id: int, rows: Sequence[NewMember], now: dt.datetime, by: int | None
) -> list[int]:
    """Insert many members with their consents and `joined` events in a few statements."""
    ids: list[int] = []
    for start in range(0, len(rows), 1000):
        chunk = rows[start : start + 1000]
        stmt = insert(Member).returning(Member.id, sort_by_parameter_order=True)
        result = await s.execute(stmt, [_member_values(branch_id, r, now) for r in chunk])
        chunk_ids = [int(i) for i in result.scalars().all()]
        ids.extend(chunk_ids)
        events: list[dict[str, Any]] = [
            {
                "member_id": mid,
                "kind": EventKind.JOINED,
                "occurred_on": joined_day(r.joined_on),
                "unit_id": branch_id,
                "other_unit_id": None,
                "detail": {},
                "recorded_by": by,
                "recorded_at": now,
            }
            for mid, r in zip(chunk_ids, chunk, strict=True)
        ]
        await s.execute(insert(MemberEvent), events)
        consents = [
            dict(member_id=mid, purpose=p, given_at=now, withdrawn_at=None, recorded_by=by)
            for mid, r in zip(chunk_ids, chunk, strict=True)
            for p in r.consents
        ]
        if consents:
            await s.execute(insert(Consent), consents)
    return ids


def _member_values(branch_id: int, r: NewMember, now: dt.datetime) -> dict[str, Any]:
    tel = crypto.seal_phone(r.phone)
    return {
        "branch_id": branch_id,
        "group_id": r.group_id,
        "full_name": r.full_name,
        "name_folded": fold(r.full_name),
        "name_sort": sort_key(r.full_name),
        "birth_year": r.birth_date.year,
        "birth_date": None if r.birth_approx else r.birth_date,
        "birth_approx": r.birth_approx,
        "gender": "female",
        "phone_enc": tel.blob if tel else None,
        "phone_index": tel.index if tel else None,
        "cccd_enc": r.cccd.blob if r.cccd else None,
        "cccd_index": r.cccd.index if r.cccd else None,
        "ethnicity": r.ethnicity,
        "religion": r.religion,
        "categories": sorted(r.categories),
        "is_core": r.is_core,
        "status": MemberStatus.ACTIVE,
        "joined_on": r.joined_on,
        "joined_approx": r.joined_approx and r.joined_on is not None,
        "residence": r.residence,
        "away_since": None,
        "created_at": now,
        "erased_at": None,
    }
