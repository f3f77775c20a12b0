"""One-time expiring invite codes, stored only as hashes, and guess rate-limiting."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import RoleKind
from storage import crypto
from storage.models import CodeAttempt, Invite, OrgUnit, Person

# No 0/O, 1/I/L: codes are read aloud and typed on small phones.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
MAX_WRONG_PER_HOUR = 5
# All chats together: far above honest typos (a few a day nationally), far below what it
# takes to find one live code among 31^8.
MAX_WRONG_GLOBAL_PER_HOUR = 300


def new_code() -> str:
    while True:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(8))
        if any(ch.isdigit() for ch in raw):  # tells a code from an 8-letter word
            return f"{raw[:4]}-{raw[4:]}"


def normalize_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def looks_like_code(text: str) -> bool:
    code = normalize_code(text)
    return len(code) == 8 and all(ch in ALPHABET for ch in code) and any(c.isdigit() for c in code)


def hash_code(text: str) -> str:
    return crypto.code_hash(normalize_code(text))


def hashes_of(text: str) -> tuple[str, ...]:
    """What a stored code may look like: keyed now, plain if issued before keying."""
    return (hash_code(text), crypto.legacy_code_hash(normalize_code(text)))


async def create_invite(
    s: AsyncSession,
    unit_id: int,
    role: RoleKind,
    now: dt.datetime,
    ttl: dt.timedelta,
    display_name: str | None = None,
    code: str | None = None,
    person_id: int | None = None,
) -> str:
    """Store a new invite and return its code; the code itself is never stored."""
    code = code or new_code()
    s.add(
        Invite(
            code_hash=hash_code(code),
            unit_id=unit_id,
            role=role,
            display_name=display_name,
            person_id=person_id,
            created_at=now,
            expires_at=now + ttl,
        )
    )
    await s.flush()
    return code


async def take_invite(s: AsyncSession, code: str, now: dt.datetime) -> Invite | None:
    """The unused, unexpired invite for the code, or None."""
    stmt = select(Invite).where(
        Invite.code_hash.in_(hashes_of(code)), Invite.used_by.is_(None), Invite.expires_at > now
    )
    if s.bind.dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return (await s.scalars(stmt)).first()


async def wrong_attempts(
    s: AsyncSession, channel: str, bot_id: str, chat_id: str, now: dt.datetime
) -> int:
    stmt = select(func.count(CodeAttempt.id)).where(
        CodeAttempt.channel == channel,
        CodeAttempt.bot_id == bot_id,
        CodeAttempt.chat_id == chat_id,
        CodeAttempt.at > now - dt.timedelta(hours=1),
    )
    return int(await s.scalar(stmt) or 0)


async def guessing_blocked(
    s: AsyncSession, channel: str, bot_id: str, chat_id: str, now: dt.datetime
) -> bool:
    """Too many wrong codes from this chat, or from all chats together (many accounts
    guessing at once) in the last hour."""
    if await wrong_attempts(s, channel, bot_id, chat_id, now) >= MAX_WRONG_PER_HOUR:
        return True
    everyone = select(func.count(CodeAttempt.id)).where(
        CodeAttempt.at > now - dt.timedelta(hours=1)
    )
    return int(await s.scalar(everyone) or 0) >= MAX_WRONG_GLOBAL_PER_HOUR


async def record_wrong_attempt(
    s: AsyncSession, channel: str, bot_id: str, chat_id: str, now: dt.datetime
) -> None:
    s.add(CodeAttempt(channel=channel, bot_id=bot_id, chat_id=chat_id, at=now))
    await s.execute(delete(CodeAttempt).where(CodeAttempt.at < now - dt.timedelta(days=1)))


async def invited_person(s: AsyncSession, invite: Invite) -> Person | None:
    """The existing person an invite was made for (a new phone, say), or None."""
    return await s.get(Person, invite.person_id) if invite.person_id is not None else None


async def mark_used(s: AsyncSession, invite: Invite, person_id: int, now: dt.datetime) -> None:
    """The invite is spent: `take_invite` never returns it again."""
    invite.used_by = person_id
    invite.used_at = now


async def open_invites(s: AsyncSession, now: dt.datetime) -> list[tuple[Invite, str]]:
    """Invites not used and not expired, with their unit's code (the codes are not stored)."""
    stmt = (
        select(Invite, OrgUnit.code)
        .join(OrgUnit, OrgUnit.id == Invite.unit_id)
        .where(Invite.used_by.is_(None), Invite.expires_at > now)
        .order_by(Invite.id)
    )
    return [(i, code) for i, code in (await s.execute(stmt)).all()]


async def cancel(s: AsyncSession, invite_id: int, now: dt.datetime) -> bool:
    """Make an open invite unusable at once; False if there is none open with that id."""
    invite = await s.get(Invite, invite_id)
    if invite is None or invite.used_by is not None or invite.expires_at <= now:
        return False
    invite.expires_at = now
    return True
