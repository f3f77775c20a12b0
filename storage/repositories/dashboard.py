"""Sign-in links and browser sessions of the officers' dashboard, kept only as token hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import DashboardLink, DashboardSession, Person

LINK_TTL = dt.timedelta(minutes=10)


def token_hash(token: str) -> str:
    """A token is 256 random bits: a plain SHA-256 is enough to make a stored copy useless."""
    return hashlib.sha256(token.encode()).hexdigest()


async def new_link(s: AsyncSession, person_id: int, now: dt.datetime) -> str:
    """A fresh single-use sign-in token for the person, valid LINK_TTL; only its hash is kept."""
    token = secrets.token_urlsafe(32)
    s.add(
        DashboardLink(
            token_hash=token_hash(token),
            person_id=person_id,
            created_at=now,
            expires_at=now + LINK_TTL,
        )
    )
    await s.flush()
    return token


async def redeem_link(s: AsyncSession, token: str, now: dt.datetime) -> int | None:
    """Spend a link: the person it was made for, or None when unknown, used or expired.

    One conditional UPDATE, so two browsers opening the same link at once get one session.
    """
    stmt = (
        update(DashboardLink)
        .where(
            DashboardLink.token_hash == token_hash(token),
            DashboardLink.used_at.is_(None),
            DashboardLink.expires_at > now,
        )
        .values(used_at=now)
        .returning(DashboardLink.person_id)
    )
    return (await s.execute(stmt)).scalar_one_or_none()


async def open_session(s: AsyncSession, person_id: int, now: dt.datetime) -> str:
    token = secrets.token_urlsafe(32)
    s.add(
        DashboardSession(
            token_hash=token_hash(token), person_id=person_id, created_at=now, last_seen_at=now
        )
    )
    await s.flush()
    return token


async def session_person(
    s: AsyncSession, token: str, now: dt.datetime, idle: dt.timedelta
) -> int | None:
    """The person a live session belongs to (its idle clock restarted), or None."""
    row = (
        await s.scalars(
            select(DashboardSession).where(
                DashboardSession.token_hash == token_hash(token),
                DashboardSession.ended_at.is_(None),
            )
        )
    ).first()
    if row is None:
        return None
    if row.last_seen_at + idle <= now:
        row.ended_at = now
        return None
    # Written at most once a minute: a page's burst of requests does not rewrite the row.
    if now - row.last_seen_at > dt.timedelta(minutes=1):
        row.last_seen_at = now
    return row.person_id


async def end_session(s: AsyncSession, token: str, now: dt.datetime) -> None:
    await s.execute(
        update(DashboardSession)
        .where(
            DashboardSession.token_hash == token_hash(token), DashboardSession.ended_at.is_(None)
        )
        .values(ended_at=now)
    )


async def end_all(s: AsyncSession, person_id: int, now: dt.datetime) -> int:
    """Sign the person out of every browser, and void her unused links; sessions ended."""
    await s.execute(
        update(DashboardLink)
        .where(DashboardLink.person_id == person_id, DashboardLink.used_at.is_(None))
        .values(used_at=now)
    )
    result = await s.execute(
        update(DashboardSession)
        .where(DashboardSession.person_id == person_id, DashboardSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


async def person_of(s: AsyncSession, person_id: int) -> tuple[str, str] | None:
    """The signed-in person's name and language."""
    person = await s.get(Person, person_id)
    return None if person is None else (person.display_name, person.locale or "vi")
