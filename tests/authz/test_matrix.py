"""The authorization matrix (issue 15, "make the suite permanent"): every role × (own unit,
sibling, parent, child) × every chat action that opens a dialog on a unit. Driven through
the engine as a person would (the action's menu key, then its first unit screen): a unit is
reachable when the dialog offers it, names it as the one it works on, or lists its members.
It must be reachable exactly where the role covers the unit and the action applies to the
unit's level, and a typed name of a unit she does not cover must not select it.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.core.types import Capabilities
from bot.domain.enums import Level, RoleKind
from bot.seeding.demo import GROUP
from storage.db import transaction
from storage.models import Member, OrgUnit
from storage.repositories import conversations, org, people
from tests.support.chat import Chat, show
from tests.support.chat_fixtures import World

R = RoleKind
BRANCH = {R.BRANCH_HEAD, R.BRANCH_DEPUTY}
COMMUNE = {R.COMMUNE_CHAIR, R.COMMUNE_OFFICER}


@dataclass(frozen=True)
class Place:
    own: str
    sibling: str | None
    parent: str | None
    child: str


# Where each role sits, and the units around it (demo codes).
PLACES = {
    **{r: Place("TH-QP-03", "TH-QP-02", "TH-QP", "TH-QP-03-T1") for r in BRANCH},
    **{r: Place("TH-QP", "TH-HT", "TH", "TH-QP-01") for r in COMMUNE},
    R.PROVINCE_OFFICER: Place("TH", None, None, "TH-QP"),
    R.ADMIN: Place("TH", None, None, "TH-QP"),
}
# The menu keys of the actions that open a dialog on a unit; "member_find" is the way to a
# member's card and its change dialog; "software_update" is the commune's review step.
ACTIONS = [
    "log_meeting",
    "member_register",
    "member_find",
    "member_review",
    "software_update",
    "link_group",
    "unit_figures",
    "unit_targets",
    "reports",
]
# One step further where the first screen does not yet show the unit.
FOLLOW = {"member_find": "Xem cả danh sách", "unit_figures": "Số phụ nữ từ 18 tuổi"}


def applies(action: str, role: RoleKind, where: str) -> bool:
    """Whether the action works on a unit of this relation for this role (the design's
    rules: DESIGN.md, handlers' MenuEntry roles). Only own and child can be covered."""
    if where not in ("own", "child"):
        return False
    level = {R.PROVINCE_OFFICER: 0, R.ADMIN: 0}.get(role, 1 if role in COMMUNE else 2)
    # 0 province, 1 commune, 2 branch, 3 tổ
    unit_level = level + (1 if where == "child" else 0)
    if action == "reports":
        return True  # her unit's report lists the units below it
    if action == "software_update" and role in COMMUNE:
        return True  # the commune's confirmation, showing which branches confirmed
    if role == R.ADMIN:
        return False  # an admin administers from the CLI; in chat she reads reports
    match action:
        case "log_meeting":  # a branch's or a tổ's meeting
            return role in BRANCH | COMMUNE and unit_level in (2, 3)
        case "member_register" | "member_find" | "member_review":
            return role in BRANCH and unit_level == 2
        case "link_group":
            return role in BRANCH | COMMUNE and unit_level in (1, 2)
        case "unit_figures":
            return role in COMMUNE and unit_level == 1
        case "software_update":
            return False
        case "unit_targets":
            return (role == R.COMMUNE_CHAIR and unit_level == 2) or (
                role == R.PROVINCE_OFFICER and unit_level == 1
            )
    raise AssertionError(action)


async def names_of(world: World, code: str, with_members: bool) -> list[str]:
    async with world.session() as s:
        unit = (await s.scalars(select(OrgUnit).where(OrgUnit.code == code))).one()
        names = [unit.name]
        if with_members:
            stmt = select(Member.full_name).where(Member.branch_id == unit.id)
            names += [n for n in (await s.scalars(stmt)).all() if n]
    return names


def unit_ids(values: object) -> set[int]:
    """Unit ids a dialog holds in its values ({"branch": {"id": ..}}, "unit_id": ..)."""
    found: set[int] = set()
    if isinstance(values, dict):
        for key, value in values.items():
            if key in ("branch", "unit", "commune") and isinstance(value, dict):
                found.add(int(value["id"]))
            elif key in (
                "branch",
                "unit",
                "commune",
                "branch_id",
                "unit_id",
                "commune_id",
            ) and isinstance(value, int):
                found.add(value)
    return found


async def reach(world: World, chat: Chat, action: str, place: Place) -> set[str]:
    """The relations whose unit the opened action offers, names, lists or has chosen."""
    await chat.say("menu")
    replies = list(await chat.send(chat.incoming(choice=f"go:{action}")))
    labels = [c.label for r in replies for c in r.choices]
    if action in FOLLOW and any(FOLLOW[action] in label for label in labels):
        replies += await chat.pick(FOLLOW[action])
    # The menu's header ("role · unit") names her own unit whatever happened: left out.
    lines = "\n".join(show(r, chat.caps) for r in replies).split("\n")
    seen = "\n".join(line for line in lines if " · " not in line)
    async with world.session() as s:
        state = await conversations.get_state(s, "web", "sim", chat.user)
    chosen = unit_ids(state.get("values")) if state.get("dialog") else set()
    found = set()
    for where in ("own", "sibling", "parent", "child"):
        code = getattr(place, where)
        if code is None:
            continue
        names = await names_of(world, code, action == "member_find")
        async with world.session() as s:
            unit = await org.by_code(s, code)
        assert unit is not None
        if any(n in seen for n in names) or unit.id in chosen:
            found.add(where)
    await chat.say("menu")
    return found


@pytest.mark.parametrize("role", list(PLACES), ids=lambda r: r.value)
async def test_the_matrix(world: World, role: RoleKind, caps: Capabilities) -> None:
    place = PLACES[role]
    async with transaction(world.maker) as s:
        if await org.by_code(s, GROUP[0]) is None:  # the demo's tổ, under Làng Nam
            branch = await org.by_code(s, GROUP[2])
            assert branch is not None
            await org.add_unit(s, GROUP[0], GROUP[1], Level.GROUP, branch)
        unit = await org.by_code(s, place.own)
        assert unit is not None
        person = await people.create_person(s, f"Người thử {role.value}", world.clock())
        await people.link_identity(s, person.id, "web", "sim", "matrix", "matrix", world.clock())
        await people.grant_role(s, person.id, unit.id, role)
    chat = Chat(world.engine, caps, "matrix", world.clock)
    wrong = []
    for action in ACTIONS:
        expected = {w for w in ("own", "sibling", "parent", "child") if applies(action, role, w)}
        expected &= {w for w in ("own", "sibling", "parent", "child") if getattr(place, w)}
        got = await reach(world, chat, action, place)
        if got != expected:
            wrong.append((action, sorted(got), sorted(expected)))
    assert wrong == [], wrong


@pytest.mark.parametrize(
    ("action", "typed"),
    [("log_meeting", "Chi hội Khu phố Ba Đình"), ("unit_targets", "Hội LHPN phường Hạc Thành")],
)
async def test_a_typed_unit_she_does_not_cover_is_not_taken(
    world: World, caps: Capabilities, action: str, typed: str
) -> None:
    """Hồng chairs Quảng Phú: at the unit screen, another commune's unit typed by name is
    not chosen (she is asked again), and no dialog holds it."""
    chat = Chat(world.engine, caps, "hong", world.clock)
    await chat.say("menu")
    await chat.send(chat.incoming(choice=f"go:{action}"))
    async with world.session() as s:
        step = (await conversations.get_state(s, "web", "sim", "hong")).get("step")
    assert step is not None  # the unit screen is open
    await chat.say(typed)
    async with world.session() as s:
        state = await conversations.get_state(s, "web", "sim", "hong")
        other = await s.scalars(select(OrgUnit.id).where(OrgUnit.name == typed))
        other_id = other.one()
    assert other_id not in unit_ids(state.get("values"))
    assert state.get("step") == step, chat.text()  # asked again, not moved on
