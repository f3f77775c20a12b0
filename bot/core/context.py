"""What a handler sees of one turn: the session, the person, their roles, the clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from bot.core.types import Capabilities, Incoming
from bot.domain.enums import RoleKind
from bot.domain.rules import Rules
from storage.models import OrgUnit, Person
from storage.sessions import Session

BRANCH_ROLES = frozenset({RoleKind.BRANCH_HEAD, RoleKind.BRANCH_DEPUTY})
COMMUNE_ROLES = frozenset({RoleKind.COMMUNE_CHAIR, RoleKind.COMMUNE_OFFICER})
PROVINCE_ROLES = frozenset({RoleKind.PROVINCE_OFFICER})
T = TypeVar("T")


class Slot(Generic[T]):
    """Names one kind of value in a `Memo`; its type parameter types what `Memo.get` returns."""

    def __init__(self, name: str) -> None:
        self.name = name


class Memo:
    """Values computed once per turn: several prompts and options of one step share them."""

    def __init__(self) -> None:
        self._found: dict[tuple[str, Hashable], Any] = {}

    async def get(self, slot: Slot[T], key: Hashable, make: Callable[[], Awaitable[T]]) -> T:
        if (slot.name, key) not in self._found:
            self._found[slot.name, key] = await make()
        found: T = self._found[slot.name, key]
        return found


@dataclass(frozen=True, slots=True)
class RoleInfo:
    kind: RoleKind
    unit: OrgUnit


@dataclass
class Ctx:
    session: Session
    incoming: Incoming
    person: Person | None
    roles: list[RoleInfo]
    now: dt.datetime
    rules: Rules
    # Set by a handler to open a dialog after its own replies (e.g. a reminder's action).
    next_dialog: tuple[str, dict[str, Any]] | None = None
    memo: Memo = field(default_factory=Memo)

    @property
    def tz(self) -> ZoneInfo:
        return self.rules.tz

    @property
    def today(self) -> dt.date:
        """The user's day when they wrote: a late delivery keeps "hôm nay" meaning that day."""
        return self.incoming.sent_at.astimezone(self.tz).date()

    @property
    def caps(self) -> Capabilities:
        return self.incoming.caps

    @property
    def is_admin(self) -> bool:
        return any(r.kind == RoleKind.ADMIN for r in self.roles)

    def has_role(self, kinds: frozenset[RoleKind]) -> bool:
        """Holds one of `kinds`; an admin holds every role."""
        return self.is_admin or any(r.kind in kinds for r in self.roles)

    def units_for(self, kinds: frozenset[RoleKind]) -> list[OrgUnit]:
        return [r.unit for r in self.roles if r.kind in kinds]

    def covers(self, unit: OrgUnit) -> bool:
        """A role covers its unit's whole subtree."""
        return any(unit.path.startswith(r.unit.path) for r in self.roles)

    def begin(self, dialog: str, values: dict[str, Any] | None = None) -> None:
        self.next_dialog = (dialog, dict(values or {}))

    @property
    def person_id(self) -> int:
        if self.person is None:
            raise RuntimeError("handler needs a linked person")
        return self.person.id
