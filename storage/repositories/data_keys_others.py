"""The sealed values outside the member table that `chihoi keys rotate` re-seals after the
members: officers' ZNS phones (person_contact), the contacts of members working far away
(migrant_info) and the Official Account's token pair (oa_token).

Each value is first tried with the new key, so no progress column is needed: a run killed
half way resumes, skipping what already opens with the new key. The tables are small (one
row per officer with a phone, per member away, per OA)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage import crypto, secret_box
from storage.crypto import DataKeys
from storage.models import MigrantInfo, OaToken, PersonContact


@dataclass(frozen=True)
class _Field:
    """One sealed column: how it opens and seals under a given key, and its blind index."""

    column: str
    open: Callable[[bytes, DataKeys], str]
    seal: Callable[[str, DataKeys], bytes]
    index: str | None = None


def _phone(column: str, index: str) -> _Field:
    return _Field(column, crypto.decrypt_phone, crypto.encrypt_phone, index)


def _token(column: str, what: str) -> _Field:
    return _Field(
        column,
        lambda b, k: secret_box.open_token(b, what, k),
        lambda v, k: secret_box.seal_token(v, what, k),
    )


_TABLES: list[tuple[Any, Any, list[_Field]]] = [
    (PersonContact, PersonContact.person_id, [_phone("phone_enc", "phone_index")]),
    (MigrantInfo, MigrantInfo.member_id, [_phone("contact_enc", "contact_index")]),
    (OaToken, OaToken.oa_id, [_token("access_enc", "access"), _token("refresh_enc", "refresh")]),
]


def _opens(field: _Field, blob: bytes, k: DataKeys) -> bool:
    try:
        field.open(blob, k)
    except crypto.KeyMismatch:
        return False
    return True


async def _rows(s: AsyncSession) -> list[tuple[Any, Any, list[_Field], Any]]:
    out = []
    for model, key, fields in _TABLES:
        for row in (await s.scalars(select(model).order_by(key))).all():
            out.append((model, key, fields, row))
    return out


async def counts(s: AsyncSession, new: DataKeys) -> tuple[int, int]:
    """(sealed values in all, those not yet sealed under `new`)."""
    total = left = 0
    for _model, _key, fields, row in await _rows(s):
        for f in fields:
            blob = getattr(row, f.column)
            if blob is not None:
                total += 1
                left += not _opens(f, bytes(blob), new)
    return total, left


async def reseal_batch(s: AsyncSession, old: DataKeys, new: DataKeys, size: int) -> int:
    """Re-seal up to `size` values still under `old` (and rebuild their blind indexes);
    how many, 0 when none is left. A value that opens with neither key stops the rotation."""
    done = 0
    for model, key, fields, row in await _rows(s):
        values: dict[str, object] = {}
        for f in fields:
            blob = getattr(row, f.column)
            if blob is None or _opens(f, bytes(blob), new):
                continue
            plain = f.open(bytes(blob), old)
            values[f.column] = f.seal(plain, new)
            if f.index is not None:
                values[f.index] = crypto.phone_index(plain, new)
        if values:
            ident = getattr(row, key.key)
            await s.execute(update(model).where(key == ident).values(**values))
            done += len([c for c in values if c.endswith("_enc")])
        if done >= size:
            break
    return done
