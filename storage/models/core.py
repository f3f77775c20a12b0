"""Models of the organisation, people and roles, members, meetings and bot state."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false, text

from bot.domain.enums import (
    EventKind,
    Level,
    MeetingForm,
    MeetingKind,
    MemberStatus,
    OutboxStatus,
    Residence,
    RoleKind,
)
from storage.models.base import Base, _enum


class OrgUnit(Base):
    __tablename__ = "org_unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    level: Mapped[Level] = mapped_column(_enum(Level))
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # "/1/7/42/": a subtree is one LIKE prefix query at any depth.
    path: Mapped[str] = mapped_column(String(400), index=True)
    founded_on: Mapped[dt.date | None] = mapped_column(Date)
    new_member_target: Mapped[int | None] = mapped_column(Integer)


class Person(Base):
    """A user of the bot (an officer), not a member record."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    display_name: Mapped[str] = mapped_column(String(200))
    locale: Mapped[str] = mapped_column(String(8), default="vi")
    mute_digests: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime]


class ChannelIdentity(Base):
    __tablename__ = "channel_identity"
    __table_args__ = (UniqueConstraint("channel", "bot_id", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    bot_id: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str] = mapped_column(String(128))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    linked_at: Mapped[dt.datetime]


class Role(Base):
    __tablename__ = "role"
    __table_args__ = (UniqueConstraint("person_id", "unit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    kind: Mapped[RoleKind] = mapped_column(_enum(RoleKind))


class Invite(Base):
    __tablename__ = "invite"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    role: Mapped[RoleKind] = mapped_column(_enum(RoleKind))
    display_name: Mapped[str | None] = mapped_column(String(200))
    # Set when the code links another app (Zalo, Telegram) to an existing person.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    used_at: Mapped[dt.datetime | None]


class CodeAttempt(Base):
    """A wrong invite or link code typed in a chat, for rate-limiting guesses."""

    __tablename__ = "code_attempt"
    __table_args__ = (Index("ix_code_attempt_chat", "channel", "bot_id", "chat_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    bot_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(128))
    at: Mapped[dt.datetime]


class Conversation(Base):
    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("channel", "bot_id", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    bot_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(128))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime]


class ProcessedUpdate(Base):
    __tablename__ = "processed_update"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    bot_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)


class Audit(Base):
    """Who did what to which record; never the personal values themselves."""

    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None] = mapped_column(BigInteger)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


# Residences the coverage numerator leaves out: temporary under 6 months, away.
NOT_RESIDENT = "residence IN ('temporary_short', 'away')"
# A partial index's predicate as each backend's planner matches it against `Member.is_core`
# (SQLite sees `is_core = 1`, PostgreSQL the bare boolean).
CORE_PG, CORE_SQLITE = "is_core", "is_core = 1"


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (
        Index("ix_member_branch_fold", "branch_id", "name_folded"),
        # The few members the coverage numerator leaves out (004 §II.1.2 (1)), found without
        # reading every member: a report counts them per branch.
        Index(
            "ix_member_not_resident",
            "branch_id",
            postgresql_where=text(NOT_RESIDENT),
            sqlite_where=text(NOT_RESIDENT),
        ),
        # Core members are a few per branch: counted per branch and per tổ without reading
        # the others (a province's dues report read half a million rows for them).
        Index(
            "ix_member_core_branch",
            "branch_id",
            "status",
            postgresql_where=text(CORE_PG),
            sqlite_where=text(CORE_SQLITE),
        ),
        Index(
            "ix_member_core_group",
            "group_id",
            "status",
            postgresql_where=text(CORE_PG),
            sqlite_where=text(CORE_SQLITE),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    full_name: Mapped[str | None] = mapped_column(String(200))
    name_folded: Mapped[str] = mapped_column(String(200), default="")
    name_sort: Mapped[str] = mapped_column(String(600), default="")
    birth_year: Mapped[int | None] = mapped_column(Integer)
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    birth_approx: Mapped[bool] = mapped_column(Boolean, default=False)
    gender: Mapped[str] = mapped_column(String(8), default="female")
    # Sealed like the ID number (its own AAD); the blind index finds equal phones.
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_index: Mapped[str | None] = mapped_column(String(64), index=True)
    cccd_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    # HMAC blind index: finds a duplicate CCCD nationwide without decrypting anything.
    cccd_index: Mapped[str | None] = mapped_column(String(64), unique=True)
    ethnicity: Mapped[str | None] = mapped_column(String(64))
    religion: Mapped[str | None] = mapped_column(String(64))
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    is_core: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[MemberStatus] = mapped_column(_enum(MemberStatus), default=MemberStatus.ACTIVE)
    # The real joining day; None: a member from before records began ("không nhớ"). Her
    # `joined` event is then dated RECORDS_BEGAN, so she is never counted as new.
    joined_on: Mapped[dt.date | None] = mapped_column(Date)
    joined_approx: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    residence: Mapped[Residence] = mapped_column(
        _enum(Residence), default=Residence.PERMANENT, server_default=Residence.PERMANENT.value
    )
    away_since: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime]
    erased_at: Mapped[dt.datetime | None]


class MemberEvent(Base):
    __tablename__ = "member_event"
    __table_args__ = (Index("ix_member_event_unit_on", "unit_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    occurred_on: Mapped[dt.date] = mapped_column(Date)
    # The branch the event counts for (for moves: the one left or entered).
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    other_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[dt.datetime]


class Consent(Base):
    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    purpose: Mapped[str] = mapped_column(String(64))
    given_at: Mapped[dt.datetime]
    withdrawn_at: Mapped[dt.datetime | None]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))


class Meeting(Base):
    __tablename__ = "meeting"
    __table_args__ = (Index("ix_meeting_unit_held", "unit_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind))
    form: Mapped[MeetingForm] = mapped_column(
        _enum(MeetingForm), default=MeetingForm.DIRECT, server_default=MeetingForm.DIRECT.value
    )
    topic: Mapped[str | None] = mapped_column(String(300))
    present_count: Mapped[int] = mapped_column(Integer)
    leader_present: Mapped[bool] = mapped_column(Boolean, default=False)
    # Which commune leader (chair or vice chair) attended, so rotation is visible (rule 3).
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    note: Mapped[str | None] = mapped_column(Text)
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    logged_at: Mapped[dt.datetime]
    source_update: Mapped[str | None] = mapped_column(String(200))
    # An edit writes a new row and points the old one at it; the original stays.
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("meeting.id"))


class Attendance(Base):
    __tablename__ = "attendance"

    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    present: Mapped[bool] = mapped_column(Boolean)


class Review(Base):
    """A branch's semi-annual membership review (DOMAIN rule 7)."""

    __tablename__ = "review"
    __table_args__ = (UniqueConstraint("unit_id", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    period: Mapped[str] = mapped_column(String(16))
    confirmed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    confirmed_at: Mapped[dt.datetime]
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class GroupLink(Base):
    """A Telegram or Zalo group chat linked to a unit, for totals-only summaries."""

    __tablename__ = "group_link"
    __table_args__ = (UniqueConstraint("channel", "bot_id", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    bot_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(128))
    linked_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    linked_at: Mapped[dt.datetime]


class LinkCode(Base):
    __tablename__ = "link_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class Outbox(Base):
    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "not_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # kind|recipient|period|step: the sweep can run any number of times, a message exists once.
    key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    bot_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[dt.datetime]
    claimed_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[dt.datetime]


class Snooze(Base):
    """A reminder a person put off once (3 days), per kind and period."""

    __tablename__ = "snooze"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    until: Mapped[dt.datetime]


Index("ix_member_event_occurred_on", MemberEvent.occurred_on)
# The same range read from the index alone (migration 0003): meeting-day member counts.
Index(
    "ix_member_event_on_unit_kind", MemberEvent.occurred_on, MemberEvent.unit_id, MemberEvent.kind
)
# Meetings of one quarter across a subtree, and reviews of one period.
Index("ix_meeting_held_on", Meeting.held_on)
Index("ix_review_period", Review.period)
