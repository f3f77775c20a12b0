"""The data key the database was sealed with: checked at start, and rotated in resumable batches."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import crypto
from storage.crypto import DataKeys
from storage.models import KeyCheck, Member

ROW = 1


class KeyRefused(Exception):
    """The configured key cannot serve this database: one line saying why."""


def _sealed() -> ColumnElement[bool]:
    """A member with something sealed: her ID number, her phone, or both."""
    return or_(Member.cccd_enc.is_not(None), Member.phone_enc.is_not(None))


async def _opens(s: AsyncSession) -> bool | None:
    """Whether the first sealed value opens with the configured key; None: nothing sealed."""
    stmt = select(Member.cccd_enc, Member.phone_enc).where(_sealed()).order_by(Member.id)
    row = (await s.execute(stmt.limit(1))).first()
    if row is None:
        return None
    try:
        if row[0] is not None:
            crypto.decrypt_id(row[0])
        else:
            crypto.decrypt_phone(row[1])
    except crypto.KeyMismatch:
        return False
    return True


async def verify(s: AsyncSession, now: dt.datetime) -> None:
    """Refuse a missing or wrong key before anything is read or sealed with it. A database
    that has no check row yet adopts the key, if its sealed rows open with it."""
    row = await s.get(KeyCheck, ROW)
    if not crypto.has_key():
        stmt = select(Member.id).where(_sealed()).limit(1)
        if row is not None or await s.scalar(stmt) is not None:
            raise KeyRefused("this database holds sealed ID and phone numbers: set CHIHOI_DATA_KEY")
        return
    if row is None:
        if await _opens(s) is False:
            raise KeyRefused(
                "CHIHOI_DATA_KEY does not open the ID and phone numbers in this database; "
                "set the key they were sealed with"
            )
        s.add(KeyCheck(id=ROW, check=crypto.check_value(), rotated_through=0, updated_at=now))
        return
    if row.next_check is not None:
        raise KeyRefused("a key rotation is under way: finish it with `chihoi keys rotate`")
    if row.check != crypto.check_value():
        raise KeyRefused(
            "CHIHOI_DATA_KEY is not the key this database was sealed with "
            "(its check value differs); set the right key"
        )


async def begin_rotation(s: AsyncSession, old: DataKeys, new: DataKeys, now: dt.datetime) -> int:
    """Start, or resume, a rotation from `old` to `new`; the last member id already done."""
    row = await s.get(KeyCheck, ROW)
    if row is None:
        raise KeyRefused("the key was never checked here: run `chihoi keys check` first")
    old_check, new_check = crypto.check_value(old), crypto.check_value(new)
    if row.next_check is None:
        if row.check == new_check:
            raise KeyRefused("the database is already sealed with the new key")
        if row.check != old_check:
            raise KeyRefused("CHIHOI_DATA_KEY is not the key this database was sealed with")
        row.next_check, row.rotated_through, row.updated_at = new_check, 0, now
    elif row.next_check != new_check or row.check != old_check:
        raise KeyRefused("a rotation between other keys is under way")
    return row.rotated_through


async def sealed_after(s: AsyncSession, after_id: int) -> int:
    stmt = select(func.count()).where(_sealed(), Member.id > after_id)
    return int(await s.scalar(stmt) or 0)


async def rotate_batch(
    s: AsyncSession, old: DataKeys, new: DataKeys, after_id: int, size: int, now: dt.datetime
) -> tuple[int, int] | None:
    """Re-seal the next `size` members' ID and phone numbers (and rebuild their blind
    indexes) and record the progress in the same transaction; the last member id done and
    how many, or None when none was left."""
    stmt = (
        select(Member.id, Member.cccd_enc, Member.phone_enc)
        .where(_sealed(), Member.id > after_id)
        .order_by(Member.id)
        .limit(size)
    )
    rows = (await s.execute(stmt)).all()
    if not rows:
        return None
    for member_id, blob, phone_blob in rows:
        values: dict[str, object] = {}
        if blob is not None:
            digits = crypto.decrypt_id(blob, old)
            values.update(
                cccd_enc=crypto.encrypt_id(digits, new), cccd_index=crypto.blind_index(digits, new)
            )
        if phone_blob is not None:
            phone = crypto.decrypt_phone(phone_blob, old)
            values.update(
                phone_enc=crypto.encrypt_phone(phone, new),
                phone_index=crypto.phone_index(phone, new),
            )
        await s.execute(update(Member).where(Member.id == member_id).values(**values))
    last = int(rows[-1][0])
    await s.execute(
        update(KeyCheck).where(KeyCheck.id == ROW).values(rotated_through=last, updated_at=now)
    )
    return last, len(rows)


async def finish_rotation(s: AsyncSession, now: dt.datetime) -> None:
    row = await s.get(KeyCheck, ROW)
    assert row is not None and row.next_check is not None
    row.check, row.next_check, row.rotated_through, row.updated_at = row.next_check, None, 0, now
