"""Models of issue 17: dues and their reliefs, the branch fund ledger, the yearly assessment
with its quarterly "3 có, 3 biết" answers, "1+1" pairs and who brought a member in.

Money is integer đồng. Ledgers are append-only: a correction is a new row reversing the
old one (`reverses_id`, unique, so a row is reversed once), never an edit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.assessment import Grade
from bot.domain.dues import ReliefKind
from storage.models.base import Base, _enum


class DuesRate(Base):
    """The year's dues set by a province or commune; a branch uses its nearest ancestor's."""

    __tablename__ = "dues_rate"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    # None: no such rule; 0: waived; else the reduced amount.
    elderly_amount: Mapped[int | None] = mapped_column(BigInteger)
    household_amount: Mapped[int | None] = mapped_column(BigInteger)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    set_at: Mapped[dt.datetime]


class DuesRelief(Base):
    """A member's waiver or reduction for a year, by decision or as a household's further member."""

    __tablename__ = "dues_relief"

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[ReliefKind] = mapped_column(_enum(ReliefKind))
    amount: Mapped[int | None] = mapped_column(BigInteger)
    reason: Mapped[str | None] = mapped_column(String(200))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    decided_at: Mapped[dt.datetime]


class DuesPayment(Base):
    """Dues a member paid for a year (partial payments add up); a reversal is negative."""

    __tablename__ = "dues_payment"
    __table_args__ = (Index("ix_dues_payment_branch_year", "branch_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    year: Mapped[int] = mapped_column(Integer)
    amount: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[dt.date] = mapped_column(Date)
    batch: Mapped[str] = mapped_column(String(40))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("dues_payment.id"), unique=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[dt.datetime]


class FundEntry(Base):
    """One line of a branch fund: income positive, spending negative, in đồng."""

    __tablename__ = "fund_entry"
    __table_args__ = (Index("ix_fund_entry_branch_day", "branch_id", "on_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    on_day: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[int] = mapped_column(BigInteger)
    purpose: Mapped[str] = mapped_column(String(300))
    reverses_id: Mapped[int | None] = mapped_column(ForeignKey("fund_entry.id"), unique=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[dt.datetime]


class SelfAssessment(Base):
    """A branch's quarterly "3 có, 3 biết" answers: the items it can say it does."""

    __tablename__ = "self_assessment"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    ticked: Mapped[list[str]] = mapped_column(JSON, default=list)
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    submitted_at: Mapped[dt.datetime]


class AssessmentRubric(Base):
    """A province's rubric for a year (weights and grade bands); else the default."""

    __tablename__ = "assessment_rubric"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    weights: Mapped[dict[str, int]] = mapped_column(JSON)
    bands: Mapped[dict[str, int]] = mapped_column(JSON)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    set_at: Mapped[dt.datetime]


class BranchAssessment(Base):
    """A branch's yearly assessment: submitted by its head, approved by the commune chair."""

    __tablename__ = "branch_assessment"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    score: Mapped[int] = mapped_column(Integer)
    computed: Mapped[Grade] = mapped_column(_enum(Grade))
    grade: Mapped[Grade] = mapped_column(_enum(Grade))
    model: Mapped[bool] = mapped_column(Boolean, default=False)
    # The indicator lines at submission (points, weight, part, whole): the reasons shown.
    facts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    approved: Mapped[bool] = mapped_column(Boolean, default=False)
    adjust_reason: Mapped[str | None] = mapped_column(String(300))
    submitted_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    submitted_at: Mapped[dt.datetime]
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    reviewed_at: Mapped[dt.datetime | None]


class HelpPair(Base):
    """A "1+1" pair the commune records (004 note 2): a strong or fair branch helping a weak
    one, or a mentor (a party member) helping a branch head."""

    __tablename__ = "help_pair"

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # "branch" | "mentor"
    helper_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    mentor_name: Mapped[str | None] = mapped_column(String(200))
    helped_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[dt.datetime]


class PairCheckIn(Base):
    """A branch head's quarterly answer about her "1+1" pair."""

    __tablename__ = "pair_check_in"

    pair_id: Mapped[int] = mapped_column(ForeignKey("help_pair.id"), primary_key=True)
    quarter: Mapped[str] = mapped_column(String(8), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    helped: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[dt.datetime]


class MemberReferral(Base):
    """Who brought a member in ("1+1": one member brings one woman, 004 note 2)."""

    __tablename__ = "member_referral"

    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    brought_by: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    recorded_at: Mapped[dt.datetime]
