"""State of the Zalo deployment (issue 19): message quotas per bot and day or month, the
Official Account's tokens (sealed), its webhook inbox and each user's last interaction,
and per person her phone for ZNS, her consent to it and her preferred channel."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class ChannelQuota(Base):
    """Messages one bot sent in one period ("2026-12" a month, "2026-12-03" a day).

    Zalo Bot Platform bots count their own sends against ZALO_BOT_MONTHLY_QUOTA; ZNS keeps
    the daily quota and what is left as the last send response said (never hard-coded).
    """

    __tablename__ = "channel_quota"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    bot_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(10), primary_key=True)
    sent: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    quota: Mapped[int | None] = mapped_column(Integer)
    remaining: Mapped[int | None] = mapped_column(Integer)
    # The admins were told once at 80% and once at 100% of this period.
    warned: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime]


class OaToken(Base):
    """The OA's access/refresh pair, AES-GCM sealed like ID numbers (the refresh token is
    single-use: losing the newest one means an OA admin consents again in a browser)."""

    __tablename__ = "oa_token"

    oa_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_enc: Mapped[bytes] = mapped_column(LargeBinary)
    refresh_enc: Mapped[bytes] = mapped_column(LargeBinary)
    access_expires_at: Mapped[dt.datetime]
    refreshed_at: Mapped[dt.datetime]
    # Bumped by every save: a process holding an older pair knows it is stale.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A refresh was refused: no more tries until an admin sets a new pair (alerted once).
    failed_at: Mapped[dt.datetime | None]
    failure: Mapped[str | None] = mapped_column(String(200))


class OaInbox(Base):
    """A webhook event accepted in under 2 s and handled later; `key` dedupes (msg_id)."""

    __tablename__ = "oa_inbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), unique=True)
    oa_id: Mapped[str] = mapped_column(String(64))
    body: Mapped[dict[str, Any]]
    received_at: Mapped[dt.datetime]
    claimed_at: Mapped[dt.datetime | None]
    done_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class OaContact(Base):
    """A user's last interaction with the OA: free replies for 48 h, billed to 7 days, refused
    after (-230). Receipts and echoes are not interactions."""

    __tablename__ = "oa_contact"

    oa_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_interaction_at: Mapped[dt.datetime]


class PersonContact(Base):
    """An officer's phone (sealed) for ZNS, her consent to messages by phone, her channel."""

    __tablename__ = "person_contact"

    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary)
    phone_index: Mapped[str | None] = mapped_column(String(64), index=True)
    phone_consent_at: Mapped[dt.datetime | None]
    phone_consent_withdrawn_at: Mapped[dt.datetime | None]
    # zalo_oa | zalo | telegram | zns, or None: every chat she uses, ZNS as the last resort.
    preferred: Mapped[str | None] = mapped_column(String(16))
    updated_at: Mapped[dt.datetime]


class FoldedReminder(Base):
    """A routine reminder not sent because its Zalo bot had used its month's quota: the
    commune chair's next weekly digest names it instead."""

    __tablename__ = "folded_reminder"

    id: Mapped[int] = mapped_column(primary_key=True)
    outbox_id: Mapped[int] = mapped_column(Integer, unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int | None] = mapped_column(Integer, index=True)
    person_id: Mapped[int | None] = mapped_column(Integer)
    folded_at: Mapped[dt.datetime]
    digested_at: Mapped[dt.datetime | None]
