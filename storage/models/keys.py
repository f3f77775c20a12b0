"""What the database knows of the data key it was written with, and a key rotation under way."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base


class KeyCheck(Base):
    """One row: the check value of the data key every sealed ID number opens with.

    During `chihoi keys rotate`, `next_check` names the new key and `rotated_through` the last
    member id re-sealed under it, committed with each batch, so a killed rotation resumes.
    """

    __tablename__ = "key_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    check: Mapped[str] = mapped_column(String(64))
    next_check: Mapped[str | None] = mapped_column(String(64))
    rotated_through: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime]
