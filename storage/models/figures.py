"""Figures beside the events: women 18+, aggregate counts, stated roster totals, targets, and
the member tallies kept by triggers."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.domain.enums import (
    AggregateKind,
    TargetMeasure,
)
from storage.models.base import Base, _enum


class UnitPopulation(Base):
    """Women aged 18+ per unit and year: the coverage denominator (DOMAIN rule 6).

    The term's reference year (2019 for 2022-2027) is the official denominator for the
    whole term; other years are kept as tracking figures and never replace it.
    """

    __tablename__ = "unit_population"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    women_18_plus: Mapped[int] = mapped_column(Integer)


class UnitAggregate(Base):
    """Members a commune counts as totals only, as of a day (004 §II.1.1, §II.1.2 (1))."""

    __tablename__ = "unit_aggregate"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    kind: Mapped[AggregateKind] = mapped_column(_enum(AggregateKind), primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    count: Mapped[int] = mapped_column(Integer)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    entered_at: Mapped[dt.datetime]


class RosterTotal(Base):
    """A branch's member total from its paper register, as of a day, while the roster is
    being typed in: attendance and reports use it until the entered members reach it."""

    __tablename__ = "roster_total"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    total: Mapped[int] = mapped_column(Integer)
    entered_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    entered_at: Mapped[dt.datetime]


class UnitTarget(Base):
    """A target the level above set for a unit and period ("2026", "2022-2027")."""

    __tablename__ = "unit_target"

    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    measure: Mapped[TargetMeasure] = mapped_column(_enum(TargetMeasure), primary_key=True)
    period: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    set_by: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    set_at: Mapped[dt.datetime]


# --- reports (migration 0002) ------------------------------------------------------------
# Member tallies per unit at fixed days (half-year ends), so a national roll-up need not
# re-add twenty million events. Database triggers on member_event keep every registered day
# equal to a recount from events; storage/repositories/measures/ builds days and falls
# back to events alone for anything a tally does not cover.


class MemberTallyDay(Base):
    """A day for which member_tally holds every unit's figures (registered once, kept by triggers)."""

    __tablename__ = "member_tally_day"

    on_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    built_at: Mapped[dt.datetime]


class MemberTally(Base):
    """Members of a unit at the end of `on_day`, and how many `joined` events it had by then."""

    __tablename__ = "member_tally"

    on_day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), primary_key=True)
    members: Mapped[int] = mapped_column(Integer)
    joined: Mapped[int] = mapped_column(Integer)


# Events of one period across a whole province or the country: a range on the day alone.


# --- meeting figures (migration 0012) ----------------------------------------------------
# Each meeting a report counts, with its attendance-rate denominator stored beside it, so a
# national roll-up sums rows instead of replaying twenty million events per query. Triggers
# on meeting, member_event and roster_total keep every row equal to a recount
# (storage/repositories/meeting_figures.py checks and rebuilds them).


class MeetingFigure(Base):
    """A current meeting that a report counts (a regular one, or one a commune leader
    attended) and its unit's members at the end of its day (DOMAIN rules 1-3).

    `entered` is the members by events, `stated` the latest roster total stated on or
    before the day (0: none); the rate base is the larger. No foreign key to the meeting:
    the delete trigger removes the row, and a key check would fire before it."""

    __tablename__ = "meeting_figure"
    __table_args__ = (
        Index("ix_meeting_figure_unit_held", "unit_id", "held_on"),
        Index("ix_meeting_figure_held", "held_on"),
    )

    meeting_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(Integer)
    held_on: Mapped[dt.date] = mapped_column(Date)
    counted: Mapped[int] = mapped_column(SmallInteger)  # 1: regular (rule 1)
    visited: Mapped[int] = mapped_column(SmallInteger)  # 1: a commune leader came (rule 3)
    present: Mapped[int] = mapped_column(Integer)
    entered: Mapped[int] = mapped_column(Integer)
    stated: Mapped[int] = mapped_column(Integer)


class FigureRebuild(Base):
    """A rebuild of kept figures not finished yet: while a row is here, reports recount
    (`name` "meetings"). `next_unit` is where a killed rebuild resumes (None: member
    tallies first)."""

    __tablename__ = "figure_rebuild"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    next_unit: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[dt.datetime]


class OrgVersion(Base):
    """A random token the triggers of migration 0012 draw anew on every change to org_unit:
    a report process may keep a big subtree's units (and their layout) while it is the
    same, and reads them again when it is not (one row, id 1; none: nothing kept)."""

    __tablename__ = "org_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    token: Mapped[int] = mapped_column(BigInteger)
