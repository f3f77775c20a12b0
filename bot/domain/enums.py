"""The Union's fixed vocabularies: unit levels, roles, member statuses and events, meeting kinds."""

from __future__ import annotations

import enum


class Level(enum.StrEnum):
    CENTRAL = "central"
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
    # A market, company or religious site with its own Union base, inside a commune: its
    # members count toward the commune's coverage, but no coverage or new-member target of
    # its own applies (004 §II.1.2).
    SPECIAL_BASE = "special_base"
    BRANCH = "branch"
    GROUP = "group"


class RoleKind(enum.StrEnum):
    BRANCH_HEAD = "branch_head"
    BRANCH_DEPUTY = "branch_deputy"
    COMMUNE_CHAIR = "commune_chair"
    COMMUNE_OFFICER = "commune_officer"
    PROVINCE_OFFICER = "province_officer"
    ADMIN = "admin"


class MemberStatus(enum.StrEnum):
    ACTIVE = "active"
    MIGRANT = "migrant"
    MOVED_AWAY = "moved_away"
    LEFT = "left"
    DIED = "died"


class EventKind(enum.StrEnum):
    JOINED = "joined"
    MOVED_OUT = "moved_out"
    MOVED_IN = "moved_in"
    MIGRATED = "migrated"
    RETURNED = "returned"
    LEFT = "left"
    DIED = "died"
    CORRECTED = "corrected"
    ERASED = "erased"


class MeetingKind(enum.StrEnum):
    REGULAR = "regular"
    THEMED = "themed"
    JOINT = "joint"


class MeetingForm(enum.StrEnum):
    """How a meeting was held (000 §III.2.3); a regular meeting in either form counts."""

    DIRECT = "direct"  # in a hall, a visit, a club meeting...
    INDIRECT = "indirect"  # through a Zalo or Facebook group


class Residence(enum.StrEnum):
    """A member's residence in her commune (004 §II.1.2 (1) and its footnote 1)."""

    PERMANENT = "permanent"
    TEMPORARY_LONG = "temporary_long"  # temporary, 6 months or more: counted
    TEMPORARY_SHORT = "temporary_short"  # temporary, under 6 months: not counted
    AWAY = "away"  # registered here, living elsewhere: not counted; asked about after 12 months


class AggregateKind(enum.StrEnum):
    """Members a commune reports as totals only ("chỉ tổng hợp số liệu", 004 §II.1.1)."""

    TRADE_UNION = "trade_union"
    ARMED_FORCES = "armed_forces"
    MEMBER_ORG = "member_org"
    # Members of Union clubs who are in no branch of the commune (no one is counted twice).
    CLUB_ONLY = "club_only"


class TargetMeasure(enum.StrEnum):
    """What a target set by the level above is about (DOMAIN rules 5 and 6)."""

    COVERAGE = "coverage"  # share of women 18+, in per mille (600 = 60%)
    NEW_MEMBERS = "new_members"  # members who joined in the period
    GROWTH = "growth"  # members at the period's end over its start, in per mille (50 = +5%)


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
