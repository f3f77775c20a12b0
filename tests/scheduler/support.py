"""Helpers for scheduler tests: a fake clock that sleeps by moving, a recording transport."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.outbound import Address, Transports
from bot.core.types import Reply
from bot.domain.enums import MeetingKind
from bot.domain.rules import Rules
from bot.scheduler.limits import Limits
from bot.scheduler.sender import Sender
from storage.db import transaction
from storage.models import Meeting, Outbox, Person, Review
from storage.repositories import org

VN = dt.timezone(dt.timedelta(hours=7))


def local(y: int, m: int, d: int, h: int = 8, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, h, mi, tzinfo=VN).astimezone(dt.UTC)


class FakeTime:
    """A UTC clock for the sender: `sleep` moves it instead of waiting."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start
        self.slept = 0.0

    def __call__(self) -> dt.datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        # Waits of concurrent workers add up (as if serialised): time only ever runs slower
        # than real, so a test that finds a limit kept is not flattered by the fake.
        self.slept += seconds
        self.now += dt.timedelta(seconds=seconds)
        await asyncio.sleep(0)

    def set(self, moment: dt.datetime) -> None:
        self.now = moment


@dataclass
class Delivered:
    chat_id: str
    text: str
    at: dt.datetime
    keys: tuple[str, ...]


@dataclass
class Recorder:
    """A transport that records deliveries; `fail` scripts errors for the next calls."""

    clock: FakeTime
    channel: str = "web"
    bot_id: str = "sim"
    sent: list[Delivered] = field(default_factory=list)
    fail: list[Exception] = field(default_factory=list)

    async def deliver(self, address: Address, reply: Reply) -> None:
        if self.fail:
            raise self.fail.pop(0)
        keys = tuple(c.key for c in reply.choices)
        self.sent.append(Delivered(address.chat_id, reply.text, self.clock(), keys))


def transports(*items: Recorder) -> Transports:
    t = Transports()
    for item in items:
        t.add(item)
    return t


def sender(
    maker: async_sessionmaker[AsyncSession],
    clock: FakeTime,
    *recorders: Recorder,
    rules: Rules | None = None,
    **kw: object,
) -> Sender:
    return Sender(
        maker,
        transports(*recorders),
        limits={"web": Limits(per_second=30.0), "telegram": Limits()},
        clock=clock,
        sleep=clock.sleep,
        quiet=(rules or Rules()).quiet,
        **kw,  # type: ignore[arg-type]
    )


async def add_meeting(
    maker: async_sessionmaker[AsyncSession],
    code: str,
    held_on: dt.date,
    kind: MeetingKind = MeetingKind.REGULAR,
    leader: bool = False,
    logged_at: dt.datetime | None = None,
) -> int:
    async with transaction(maker) as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        m = Meeting(
            unit_id=unit.id,
            held_on=held_on,
            kind=kind,
            present_count=10,
            leader_present=leader,
            logged_at=logged_at or local(held_on.year, held_on.month, held_on.day, 7),
        )
        s.add(m)
        await s.flush()
        return m.id


async def add_review(
    maker: async_sessionmaker[AsyncSession], code: str, period: str, at: dt.datetime
) -> None:
    async with transaction(maker) as s:
        unit = await org.by_code(s, code)
        assert unit is not None
        s.add(Review(unit_id=unit.id, period=period, confirmed_at=at, changes={}))


@dataclass(frozen=True, order=True)
class Seen:
    """One outbox row in words: (local day written, kind, person, period, step)."""

    day: dt.date
    kind: str
    person: str
    period: str
    step: str


async def outbox_rows(maker: async_sessionmaker[AsyncSession]) -> list[Outbox]:
    async with maker() as s:
        return list((await s.scalars(select(Outbox).order_by(Outbox.id))).all())


async def seen(
    maker: async_sessionmaker[AsyncSession], kinds: Iterable[str] | None = None
) -> list[Seen]:
    """The outbox as readable facts: person by first name, period with the unit's code."""
    async with maker() as s:
        names = {p.id: p.display_name.split()[-1] for p in (await s.scalars(select(Person))).all()}
        codes = {u.id: u.code for u in await org.all_units(s)}
        rows = (await s.scalars(select(Outbox).order_by(Outbox.id))).all()
    wanted = set(kinds) if kinds is not None else None
    out = []
    for r in rows:
        if wanted is not None and r.kind not in wanted:
            continue
        period, unit = str(r.payload["period"]).split("/")
        step = r.key.rsplit("|", 1)[1]
        day = r.created_at.astimezone(VN).date()
        out.append(Seen(day, r.kind, names[r.person_id or 0], f"{period}/{codes[int(unit)]}", step))
    return sorted(out)
