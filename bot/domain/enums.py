"""The Union's fixed vocabularies: unit levels, roles, member statuses and events, meeting kinds."""

from __future__ import annotations

import enum


class Level(enum.StrEnum):
    CENTRAL = "central"
    PROVINCE = "province"
    DISTRICT = "district"
    COMMUNE = "commune"
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
    ONLINE = "online"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
