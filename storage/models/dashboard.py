"""The officers' web dashboard: one-time sign-in links, browser sessions, official unit codes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class DashboardLink(Base):
    """A sign-in link the bot gave one person: single use, minutes long, stored hashed."""

    __tablename__ = "dashboard_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None]


class DashboardSession(Base):
    """A browser signed in as one person; the cookie holds the token, the row its hash."""

    __tablename__ = "dashboard_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    created_at: Mapped[dt.datetime]
    last_seen_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]


class UnitOfficial(Base):
    """A unit's official administrative code and map position (vietnamadminunits, 2025 list)."""

    __tablename__ = "unit_official"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    official_code: Mapped[str] = mapped_column(String(16), unique=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
