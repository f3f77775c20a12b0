"""Clubs and models for special audiences, and the follow-up of members working far away.

A club (câu lạc bộ, tổ/nhóm) or model (mô hình) belongs to a commune (DOMAIN rule 11; 004
§II.2.3): its members are linked from the register (any branch of the commune) or, for
women in no branch, counted. Migrant members stay members (rule 8; 004 §II.1.1): the sending
branch records where she went, a contact and the family visits; a receiving commune records
incoming women as temporary residents.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class Club(Base):
    __tablename__ = "club"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # club | model | group (bot/domain/clubs.py)
    founded_on: Mapped[dt.date] = mapped_column(Date)
    # The level that set it up: commune, province or central (a Union club at any level counts
    # toward coverage, 004 §II.1.2 (1)).
    founded_by: Mapped[str] = mapped_column(String(16))
    # Her name as the commune writes it; a leader is not necessarily a member of the register.
    leader_name: Mapped[str | None] = mapped_column(String(200))
    # Women of the club in no branch of the commune: counted, never named (they count toward
    # coverage once, through the commune's club-only total).
    outside_count: Mapped[int] = mapped_column(Integer, default=0)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    created_at: Mapped[dt.datetime]


class ClubAudience(Base):
    __tablename__ = "club_audience"

    club_id: Mapped[int] = mapped_column(ForeignKey("club.id"), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class ClubMember(Base):
    __tablename__ = "club_member"

    club_id: Mapped[int] = mapped_column(ForeignKey("club.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True, index=True)
    linked_on: Mapped[dt.date] = mapped_column(Date)
    linked_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))


class ClubMeeting(Base):
    """A club meeting, logged like a branch meeting (date, form, head count)."""

    __tablename__ = "club_meeting"
    __table_args__ = (Index("ix_club_meeting_club_held", "club_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("club.id"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    form: Mapped[str] = mapped_column(String(16))
    topic: Mapped[str | None] = mapped_column(String(300))
    present_count: Mapped[int] = mapped_column(Integer)
    logged_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    logged_at: Mapped[dt.datetime]


class MigrantInfo(Base):
    """Where a member working far away went (DOMAIN rule 8), one row per member."""

    __tablename__ = "migrant_info"

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    # A province of the official list, or a free place name ("Bình Dương", "Hàn Quốc").
    destination: Mapped[str | None] = mapped_column(String(200))
    destination_folded: Mapped[str] = mapped_column(String(200), default="", index=True)
    since: Mapped[dt.date] = mapped_column(Date)
    # Sealed like the member's own phone (AES-GCM, its own AAD) with a blind index.
    contact_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    contact_index: Mapped[str | None] = mapped_column(String(64))
    pays_dues: Mapped[bool] = mapped_column(Boolean, default=True)
    # The last 12-month review answer "still registered here" (004 §II.1.2 footnote 1).
    kept_on: Mapped[dt.date | None] = mapped_column(Date)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    updated_at: Mapped[dt.datetime]


class FamilyVisit(Base):
    __tablename__ = "family_visit"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    visited_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[dt.datetime]


class IncomingWoman(Base):
    """A woman from elsewhere living in the commune as a temporary resident (004 §II.1.1):
    the receiving commune records her to draw her into activities. Her home branch sees
    nothing of her unless she agreed (`share_home`)."""

    __tablename__ = "incoming_woman"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    full_name: Mapped[str | None] = mapped_column(String(200))
    home_place: Mapped[str | None] = mapped_column(String(200))
    since: Mapped[dt.date] = mapped_column(Date)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_index: Mapped[str | None] = mapped_column(String(64))
    share_home: Mapped[bool] = mapped_column(Boolean, default=False)
    club_id: Mapped[int | None] = mapped_column(ForeignKey("club.id"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[dt.datetime]
    erased_at: Mapped[dt.datetime | None]
