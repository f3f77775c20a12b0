"""Who a reminder step has not reached yet, found set-based: role holders' reachable
identities minus the outbox rows already written for them.

A reminder's outbox key is `kind|period/unit|i<identity>|step` (bot/scheduler/plan.py). The
queries build that key in SQL (`||`, on SQLite and PostgreSQL alike) and anti-join the
outbox on it, so a sweep with nothing new gets no rows back and renders nothing. A snooze
that is over keeps a row in play until its repeat (`...|again`) exists; a snooze still
running keeps it out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    ColumnElement,
    Integer,
    Select,
    String,
    Text,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    type_coerce,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.enums import Level, OutboxStatus, RoleKind
from storage.db import dialect_insert
from storage.models import (
    ChannelIdentity,
    Meeting,
    OrgUnit,
    Outbox,
    Person,
    Review,
    Role,
    Snooze,
)
from storage.models.dues import SelfAssessment
from storage.repositories.meetings import regular_meeting_in
from storage.repositories.reminder_facts import Unit

AGAIN = "again"
# Above this many units an IN list costs more than reading them all (and asyncpg takes at
# most 32,767 parameters).
IN_LIMIT = 5000


@dataclass(frozen=True, slots=True)
class KeyParts:
    """What one reminder step's keys are made of: `kind|period/unit|i<identity>|step`."""

    kind: str
    period: str  # "2026-Q1"; the key and the snooze carry "2026-Q1/<unit>"
    step: str
    now: dt.datetime
    since: dt.datetime  # snoozes that ended before this are forgotten (Plan does the same)
    mutable: bool = False  # a muted person is left out (R.MUTABLE)


@dataclass(frozen=True, slots=True)
class Pending:
    """One identity of one role holder that a reminder step has not reached (the fields of
    a Recipient that a message needs, flat: a national sweep makes 90,000 of these)."""

    unit_id: int
    unit_name: str
    unit_path: str
    done: bool  # the unit's own task is done (a branch that met while a tổ did not)
    person_id: int
    identity_id: int
    channel: str
    bot_id: str
    chat_id: str
    locale: str
    mute: bool
    snoozed_until: dt.datetime | None  # an over snooze: the step may be repeated once
    sent: bool  # the step's own row exists: only its repeat may be due


def _key(parts: KeyParts, step: str) -> ColumnElement[str]:
    return (
        literal(f"{parts.kind}|{parts.period}/")
        + cast(OrgUnit.id, String)
        + literal("|i")
        + cast(ChannelIdentity.id, String)
        + literal(f"|{step}")
    )


def _written(key: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(Outbox.key == key)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which units a per-unit reminder looks at."""

    level: Level | None = None
    first_day: dt.date | None = None  # units founded after the period began are not chased
    under: Collection[int] | None = None  # only units below these ids
    done: ColumnElement[bool] | None = None  # the unit's task is done (a condition on OrgUnit)

    def where(self) -> list[ColumnElement[bool]]:
        out: list[ColumnElement[bool]] = []
        if self.level is not None:
            out.append(OrgUnit.level == self.level)
        if self.first_day is not None:
            out.append(or_(OrgUnit.founded_on.is_(None), OrgUnit.founded_on <= self.first_day))
        if self.under is not None:
            likes = [OrgUnit.path.like(f"%/{int(u)}/%") for u in self.under]
            out.append(or_(*likes, false()))
        return out


def _snooze(parts: KeyParts) -> ColumnElement[bool]:
    """The person's snooze of this kind and period (the outer join's condition)."""
    return and_(
        Snooze.person_id == Person.id,
        Snooze.kind == parts.kind,
        Snooze.period == literal(f"{parts.period}/") + cast(OrgUnit.id, String),
        Snooze.until >= parts.since,
    )


def _holders(stmt: Select[Any], role: RoleKind, parts: KeyParts) -> Select[Any]:
    """`stmt` over the reachable identities of `role` holders, their snooze joined."""
    stmt = (
        stmt.select_from(OrgUnit)
        .join(Role, and_(Role.unit_id == OrgUnit.id, Role.kind == role))
        .join(Person, Person.id == Role.person_id)
        .join(ChannelIdentity, ChannelIdentity.person_id == Person.id)
        .outerjoin(Snooze, _snooze(parts))
        .where(ChannelIdentity.unreachable.is_(False))
    )
    if parts.mutable:
        stmt = stmt.where(Person.mute_digests.is_(False))
    return stmt


async def role_pending(
    s: AsyncSession,
    role: RoleKind,
    parts: KeyParts,
    scope: Scope | None = None,
    only: Collection[int] | None = None,
    snoozed_only: bool = False,
) -> list[Pending]:
    """Identities of `role` holders whose unit `parts`' step has not reached.

    `scope.done` is returned per row, and rows whose unit is done are left out unless `only`
    names the units to look at. `snoozed_only`: only rows with a snooze that is over (the
    rest went out through `insert_shared`). Ordered by unit path, person and identity, as
    the sweep always wrote them.
    """
    scope = scope or Scope()
    over = and_(Snooze.until.is_not(None), Snooze.until <= parts.now)
    done = scope.done
    stmt = _holders(
        select(
            OrgUnit.id,
            OrgUnit.name,
            OrgUnit.path,
            (done if done is not None else false()).label("done"),
            Person.id,
            Person.locale,
            Person.mute_digests,
            ChannelIdentity.id,
            ChannelIdentity.channel,
            ChannelIdentity.bot_id,
            ChannelIdentity.chat_id,
            Snooze.until,
            _written(_key(parts, parts.step)).label("sent"),
        ),
        role,
        parts,
    ).where(
        # a snooze still running holds the reminder back altogether
        or_(Snooze.until.is_(None), over),
        or_(~_written(_key(parts, parts.step)), and_(over, ~_written(_key(parts, AGAIN)))),
        *scope.where(),
    )
    stmt = stmt.order_by(OrgUnit.path, Person.id, ChannelIdentity.id)
    if snoozed_only:
        stmt = stmt.where(over)
    found = []
    if only is None:
        if done is not None:
            stmt = stmt.where(~done)
        found = list((await s.execute(stmt)).all())
    else:
        ids = sorted(set(only))
        for start in range(0, len(ids), IN_LIMIT):
            chunk = ids[start : start + IN_LIMIT]
            found += (await s.execute(stmt.where(OrgUnit.id.in_(chunk)))).all()
    return [
        Pending(uid, name, path, bool(is_done), pid, iid, ch, bot, chat, locale or "vi",
                bool(mute), until, bool(sent))
        for uid, name, path, is_done, pid, locale, mute, iid, ch, bot, chat, until, sent in found
    ]  # fmt: skip


# In a shared payload (JSON text) these stand for the unit's name and id; a JSON string
# that is only the id ("\ue001", quotes included) becomes the bare number.
NAME_MARK = "\ue000"
ID_MARK = "\ue001"


def _plain(
    stmt: Select[Any],
    role: RoleKind,
    parts: KeyParts,
    scope: Scope,
    exclude: Collection[int],
) -> Select[Any]:
    """`stmt` over the identities `parts`' step has not reached and no snooze concerns."""
    rows = _holders(stmt, role, parts).where(
        Snooze.until.is_(None), ~_written(_key(parts, parts.step)), *scope.where()
    )
    if scope.done is not None:
        rows = rows.where(~scope.done)
    if exclude:
        rows = rows.where(OrgUnit.id.not_in(sorted(set(exclude))))
    return rows


async def any_plain(
    s: AsyncSession,
    role: RoleKind,
    parts: KeyParts,
    scope: Scope | None = None,
    exclude: Collection[int] = (),
) -> bool:
    """Whether `insert_shared` would write anything (so a sweep with nothing new renders
    nothing)."""
    # Planned for all rows (a CTE is), read up to the first: hash joins that stop early,
    # not LIMIT 1's nested loops that probe the outbox once per head when nothing is new.
    found = _plain(select(OrgUnit.id), role, parts, scope or Scope(), exclude)
    plain = found.cte("plain").prefix_with("MATERIALIZED")
    return (await s.scalar(select(plain.c.id).limit(1))) is not None


async def insert_shared(
    s: AsyncSession,
    role: RoleKind,
    parts: KeyParts,
    payloads: Mapping[tuple[str, bool], str],
    not_before: dt.datetime,
    scope: Scope | None = None,
    exclude: Collection[int] = (),
) -> int:
    """Write `parts`' step for every identity it has not reached and no snooze concerns, in
    one INSERT ... SELECT ... ON CONFLICT DO NOTHING; returns how many rows it added (not
    their keys: 90,000 of them would travel back for nothing).

    `payloads` holds the payload's JSON text per (language, on Telegram), with NAME_MARK and
    ID_MARK for the unit's name and id: the database puts them in, so a national sweep's
    90,000 messages never travel through Python. Units of `exclude` are left to the caller.
    """
    scope = scope or Scope()
    dialect = s.bind.dialect.name
    locale = func.coalesce(func.nullif(Person.locale, ""), "vi")
    on_telegram = ChannelIdentity.channel == "telegram"
    template = case(
        *[
            (and_(locale == lang, on_telegram if buttons else ~on_telegram), literal(text))
            for (lang, buttons), text in payloads.items()
        ],
        else_=literal(None, String),
    )
    unit_id = cast(OrgUnit.id, String)
    quoted: ColumnElement[str] = (
        cast(func.to_json(OrgUnit.name), Text)
        if dialect == "postgresql"
        else func.json_quote(OrgUnit.name, type_=Text)
    )
    escaped = func.substr(quoted, 2, func.length(quoted) - 2)  # the JSON string, unquoted
    text_ = func.replace(
        func.replace(func.replace(template, f'"{ID_MARK}"', unit_id), ID_MARK, unit_id),
        NAME_MARK,
        escaped,
    )
    payload = cast(text_, JSON) if dialect == "postgresql" else type_coerce(text_, JSON)
    rows = _plain(
        select(
            _key(parts, parts.step),
            literal(parts.kind, String),
            Person.id,
            ChannelIdentity.channel,
            ChannelIdentity.bot_id,
            ChannelIdentity.chat_id,
            payload,
            literal(OutboxStatus.PENDING.value, String),
            literal(0, Integer),
            literal(not_before, Outbox.not_before.type),
            literal(parts.now, Outbox.created_at.type),
        ),
        role,
        parts,
        scope,
        exclude,
    )
    # A language that appeared since `payloads` was made waits for the next sweep.
    rows = rows.where(template.is_not(None)).order_by(OrgUnit.path, Person.id, ChannelIdentity.id)
    columns = ["key", "kind", "person_id", "channel", "bot_id", "chat_id", "payload", "status",
               "attempts", "not_before", "created_at"]  # fmt: skip
    stmt = (
        dialect_insert(s)(Outbox)
        .from_select(columns, rows)
        .on_conflict_do_nothing(index_elements=["key"])
    )
    return int((await s.execute(stmt)).rowcount)  # type: ignore[attr-defined]


async def locales(s: AsyncSession) -> list[str]:
    """The languages people use (an empty one reads as Vietnamese)."""
    stmt = select(func.coalesce(func.nullif(Person.locale, ""), "vi")).distinct()
    return sorted((await s.scalars(stmt)).all())


def merged(*found: list[Pending]) -> list[Pending]:
    """Rows of several queries, each (unit, identity) once, in unit path order."""
    seen: dict[tuple[int, int], Pending] = {}
    for rows in found:
        for p in rows:
            seen.setdefault((p.unit_id, p.identity_id), p)
    return sorted(seen.values(), key=lambda p: (p.unit_path, p.person_id, p.identity_id))


async def role_units_pending(
    s: AsyncSession, role: RoleKind, parts: KeyParts, units: Collection[int] | None = None
) -> set[int]:
    """Units (of `units`, if given) with a `role` holder that `parts`' step has not reached:
    a commune-level rule needs to look at nothing else."""
    found = await role_pending(s, role, parts, only=units)
    return {p.unit_id for p in found}


# --- what makes a branch's task done, as a condition on OrgUnit -----------------------------


def met_in(first: dt.date, last: dt.date) -> ColumnElement[bool]:
    """The unit held a regular meeting between the days (DOMAIN rule 1)."""
    return exists().where(Meeting.unit_id == OrgUnit.id, regular_meeting_in(first, last))


def reviewed_for(period: str) -> ColumnElement[bool]:
    """The unit confirmed its member review for the half-year."""
    return exists().where(Review.unit_id == OrgUnit.id, Review.period == period)


def self_assessed(quarter: str) -> ColumnElement[bool]:
    """The branch saved its "3 có, 3 biết" self-assessment for the quarter."""
    return exists().where(SelfAssessment.unit_id == OrgUnit.id, SelfAssessment.quarter == quarter)


def visited_in(first: dt.date, last: dt.date) -> ColumnElement[bool]:
    """A commune leader attended one of the unit's meetings between the days."""
    return exists().where(
        Meeting.unit_id == OrgUnit.id,
        Meeting.leader_present.is_(True),
        Meeting.superseded_by.is_(None),
        Meeting.held_on.between(first, last),
    )


async def late_units(
    s: AsyncSession,
    level: Level,
    first_day: dt.date,
    done: ColumnElement[bool],
    under: Collection[int] | None = None,
) -> list[Unit]:
    """Units of `level` founded by `first_day` whose task is not done (below `under` only,
    if given), by path."""
    scope = Scope(level, first_day, under)
    stmt = (
        select(OrgUnit.id, OrgUnit.level, OrgUnit.name, OrgUnit.path, OrgUnit.founded_on)
        .where(*scope.where(), ~done)
        .order_by(OrgUnit.path)
    )
    return [Unit(*row) for row in (await (await s.connection()).execute(stmt)).all()]
