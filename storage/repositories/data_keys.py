"""The data key the database was sealed with: checked at start, and rotated in resumable batches."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import crypto
from storage.crypto import DataKeys
from storage.models import KeyCheck, Member

ROW = 1


class KeyRefused(Exception):
    """The configured key cannot serve this database: one line saying why."""


async def _first_sealed(s: AsyncSession) -> bytes | None:
    stmt = select(Member.cccd_enc).where(Member.cccd_enc.is_not(None)).order_by(Member.id)
    blob: bytes | None = await s.scalar(stmt.limit(1))
    return blob


async def verify(s: AsyncSession, now: dt.datetime) -> None:
    """Refuse a missing or wrong key before anything is read or sealed with it. A database
    that has no check row yet adopts the key, if its sealed rows open with it."""
    row = await s.get(KeyCheck, ROW)
    if not crypto.has_key():
        if row is not None or await _first_sealed(s) is not None:
            raise KeyRefused("this database holds sealed ID numbers: set CHIHOI_DATA_KEY")
        return
    if row is None:
        blob = await _first_sealed(s)
        if blob is not None:
            try:
                crypto.decrypt_id(blob)
            except crypto.KeyMismatch:
                raise KeyRefused(
                    "CHIHOI_DATA_KEY does not open the ID numbers in this database; "
                    "set the key they were sealed with"
                ) from None
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
    stmt = select(func.count()).where(Member.cccd_enc.is_not(None), Member.id > after_id)
    return int(await s.scalar(stmt) or 0)


async def rotate_batch(
    s: AsyncSession, old: DataKeys, new: DataKeys, after_id: int, size: int, now: dt.datetime
) -> tuple[int, int] | None:
    """Re-seal the next `size` ID numbers and record the progress in the same transaction;
    the last member id done and how many, or None when none was left."""
    stmt = (
        select(Member.id, Member.cccd_enc)
        .where(Member.cccd_enc.is_not(None), Member.id > after_id)
        .order_by(Member.id)
        .limit(size)
    )
    rows = (await s.execute(stmt)).all()
    if not rows:
        return None
    for member_id, blob in rows:
        digits = crypto.decrypt_id(blob, old)
        await s.execute(
            update(Member)
            .where(Member.id == member_id)
            .values(
                cccd_enc=crypto.encrypt_id(digits, new), cccd_index=crypto.blind_index(digits, new)
            )
        )
    last = int(rows[-1][0])
    await s.execute(
        update(KeyCheck).where(KeyCheck.id == ROW).values(rotated_through=last, updated_at=now)
    )
    return last, len(rows)


async def finish_rotation(s: AsyncSession, now: dt.datetime) -> None:
    row = await s.get(KeyCheck, ROW)
    assert row is not None and row.next_check is not None
    row.check, row.next_check, row.rotated_through, row.updated_at = row.next_check, None, 0, now
