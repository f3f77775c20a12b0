"""The set-based sweep picks exactly the branches a hand count picks, on both backends, and a
second sweep writes and renders nothing.

The tree (xã Hòa, tỉnh Nam), on 18/03/2026 (Q1 ends 31/03: the 14-days-left step):

| branch   | head (identities)              | Q1/2026                         | reminded?            |
|----------|--------------------------------|---------------------------------|----------------------|
| Một      | An (web)                       | nothing                         | yes                  |
| Hai      | Bình (web)                     | met; its tổ Hai A did not       | yes, for the tổ only |
| Ba       | Cúc (web)                      | only its tổ Ba A met            | yes, the branch      |
| Bốn      | Dung (web)                     | founded 01/02/2026, after Q1 began | no                |
| Năm      | Êm (web)                       | nothing, snoozed until 20/03    | no (snoozed)         |
| Sáu      | Gấm (web), mutes her digests   | nothing                         | yes (mute is digests)|
| Bảy      | Hà (web, unreachable)          | nothing                         | no (no reachable id) |
| Tám      | none                           | nothing                         | no (no head)         |
| Chín     | Kim (web and telegram)         | nothing                         | yes, to both         |
| Mười     | Lụa (web)                      | a themed meeting only           | yes                  |
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.core.i18n import language, period_label
from bot.domain import rules as R
from bot.domain.calendar import Quarter
from bot.domain.enums import Level, MeetingKind, RoleKind
from bot.domain.rules import Rules
from bot.scheduler import due, messages
from bot.scheduler.sweep import sweep
from handlers import registry
from storage.db import transaction
from storage.models import ChannelIdentity, OrgUnit, Outbox, Person, Snooze
from storage.repositories import meetings, org, people
from tests.scheduler.support import local

NOW = local(2026, 3, 18)
Q1 = dt.date(2026, 1, 1)


async def build(maker: async_sessionmaker[AsyncSession], chair: bool = False) -> dict[str, int]:
    """The tree above (with Hằng as the commune's chair, if `chair`); returns unit ids by
    name."""
    ids: dict[str, int] = {}
    async with transaction(maker) as s:
        province = await org.add_unit(s, "N", "Tỉnh Nam", Level.PROVINCE, None)
        commune = await org.add_unit(s, "N-H", "Xã Hòa", Level.COMMUNE, province)

        async def branch(name: str, founded: dt.date = dt.date(2010, 1, 1)) -> OrgUnit:
            unit = await org.add_unit(s, f"N-H-{name}", f"Chi hội {name}", Level.BRANCH, commune)
            unit.founded_on = founded
            ids[name] = unit.id
            return unit

        async def group(parent: OrgUnit, name: str) -> OrgUnit:
            unit = await org.add_unit(s, f"{parent.code}-{name}", name, Level.GROUP, parent)
            unit.founded_on = dt.date(2010, 1, 1)
            ids[name] = unit.id
            return unit

        async def head(unit: OrgUnit | None, name: str, *chats: tuple[str, str]) -> Person:
            person = await people.create_person(s, name, NOW)
            for channel, chat in chats or [("web", name)]:
                await people.link_identity(s, person.id, channel, "sim", chat, chat, NOW)
            if unit is not None:
                await people.grant_role(s, person.id, unit.id, RoleKind.BRANCH_HEAD)
            return person

        async def met(unit: OrgUnit, kind: MeetingKind = MeetingKind.REGULAR) -> None:
            held = dt.date(2026, 2, 10)
            await meetings.add_meeting(
                s, unit_id=unit.id, held_on=held, kind=kind, present_count=9, now=NOW
            )

        await head(await branch("Một"), "An")
        hai = await branch("Hai")
        await head(hai, "Bình")
        await met(hai)
        await group(hai, "Tổ Hai A")
        ba = await branch("Ba")
        await head(ba, "Cúc")
        await met(await group(ba, "Tổ Ba A"))
        await head(await branch("Bốn", founded=dt.date(2026, 2, 1)), "Dung")
        nam = await branch("Năm")
        em = await head(nam, "Êm")
        s.add(Snooze(person_id=em.id, kind=R.MEETING_DUE, period=f"2026-Q1/{nam.id}",
                     until=local(2026, 3, 20)))  # fmt: skip
        gam = await head(await branch("Sáu"), "Gấm")
        gam.mute_digests = True
        ha = await head(await branch("Bảy"), "Hà")
        await s.flush()
        for identity in await s.scalars(
            select(ChannelIdentity).where(ChannelIdentity.person_id == ha.id)
        ):
            identity.unreachable = True
        await branch("Tám")
        await head(await branch("Chín"), "Kim", ("web", "Kim"), ("telegram", "42"))
        muoi = await branch("Mười")
        await head(muoi, "Lụa")
        await met(muoi, MeetingKind.THEMED)
        if chair:
            hang = await head(None, "Hằng")
            await people.grant_role(s, hang.id, commune.id, RoleKind.COMMUNE_CHAIR)
    return ids


async def meeting_rows(maker: async_sessionmaker[AsyncSession]) -> list[tuple[str, str, Any]]:
    """(head, chat, payload) of the meeting reminders, in outbox order."""
    async with maker() as s:
        rows = await s.execute(
            select(Person.display_name, Outbox.chat_id, Outbox.payload, Outbox.key)
            .join(Person, Person.id == Outbox.person_id)
            .where(Outbox.kind == R.MEETING_DUE)
            .order_by(Outbox.id)
        )
        return [(name, chat, payload) for name, chat, payload, _key in rows.all()]


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every meeting reminder text rendered (bot.scheduler.messages.meeting_due calls)."""
    calls: list[str] = []
    real: Callable[..., str] = messages.meeting_due

    def counting(*args: Any, **kwargs: Any) -> str:
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(messages, "meeting_due", counting)
    return calls


def statements(engine: AsyncEngine) -> list[str]:
    """SQL statements the engine runs from now on."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(" ".join(sql.split()))

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    return seen


async def test_the_set_based_sweep_picks_exactly_the_hand_counted_branches(
    engine: AsyncEngine, maker: async_sessionmaker[AsyncSession], rendered: list[str]
) -> None:
    ids = await build(maker)
    report = await sweep(maker, NOW, Rules(), registry())
    rows = await meeting_rows(maker)
    assert sorted((name, chat) for name, chat, _p in rows) == [
        ("An", "An"),
        ("Bình", "Bình"),
        ("Cúc", "Cúc"),
        ("Gấm", "Gấm"),
        ("Kim", "42"),
        ("Kim", "Kim"),
        ("Lụa", "Lụa"),
    ]
    assert report.added[R.MEETING_DUE] == 7
    # Rendered once per language and channel kind (and once for Hai's own text), not once
    # per message.
    assert len(rendered) <= 3 < len(rows)

    # A second sweep: nothing written, nothing rendered, no INSERT at all.
    rendered.clear()
    seen = statements(engine)
    again = await sweep(maker, NOW, Rules(), registry())
    assert again.total() == 0
    assert rendered == []
    assert [sql for sql in seen if sql.upper().startswith("INSERT")] == []
    assert await meeting_rows(maker) == rows

    def text(branch: str, groups: list[str] = [], met: bool = False) -> str:  # noqa: B006
        with language("vi"):
            label = period_label(Quarter(2026, 1))
            return messages.meeting_due(branch, label, 13, dt.date(2026, 3, 31), groups, met)

    payload = {name: p for name, _chat, p in rows}
    # Hai met: its message names only its tổ, and goes stale once the tổ meets.
    assert payload["Bình"]["text"].startswith(text("Chi hội Hai", ["Tổ Hai A"], met=True))
    hai = ids["Hai"]
    assert payload["Bình"]["check"] == {
        "what": "meeting", "period": "2026-Q1", "unit": hai, "units": [ids["Tổ Hai A"]]
    }  # fmt: skip
    # The others name their branch, with the branch as the unit to check.
    for name, branch in [("An", "Một"), ("Cúc", "Ba"), ("Gấm", "Sáu"), ("Lụa", "Mười")]:
        assert payload[name]["text"].startswith(text(f"Chi hội {branch}")), name
        assert payload[name]["check"]["units"] == [ids[branch]]
        assert payload[name]["period"] == f"2026-Q1/{ids[branch]}"
    # Telegram gets buttons; the simulator the same text with a typing hint.
    kim = {chat: p for name, chat, p in rows if name == "Kim"}
    assert kim["42"]["text"] == text("Chi hội Chín")
    assert kim["Kim"]["text"].startswith(text("Chi hội Chín") + "\n")
    assert len(kim["42"]["choices"]) == len(kim["Kim"]["choices"]) == 2


async def test_a_reminder_stops_the_moment_the_meeting_is_logged(
    maker: async_sessionmaker[AsyncSession],
) -> None:
    ids = await build(maker)
    await sweep(maker, NOW, Rules(), registry())
    async with transaction(maker) as s:
        await meetings.add_meeting(
            s, unit_id=ids["Một"], held_on=dt.date(2026, 3, 20), kind=MeetingKind.REGULAR,
            present_count=9, now=NOW,
        )  # fmt: skip
    # The next step (5 days left) goes to every branch still behind, not to Một.
    await sweep(maker, local(2026, 3, 26), Rules(), registry())
    async with maker() as s:
        keys = (await s.scalars(select(Outbox.key).where(Outbox.key.like("%|d5")))).all()
    reminded = {int(k.split("|")[1].split("/")[1]) for k in keys}
    assert reminded == {ids[b] for b in ("Hai", "Ba", "Sáu", "Chín", "Mười", "Năm")}


@pytest.mark.parametrize("few", [0, 20])
async def test_the_chair_hears_of_every_late_branch_however_they_are_read(
    maker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch, few: int
) -> None:
    """1 April: the chair hears of the branches and tổ with no regular meeting in Q1, whether
    the sweep reads the late branches below her commune only (few chairs left to tell) or
    every late branch of the country (FEW = 0)."""
    monkeypatch.setattr(due, "FEW", few)
    await build(maker, chair=True)
    report = await sweep(maker, local(2026, 4, 1), Rules(), registry())
    assert report.added[R.MEETING_LATE] == 1
    async with maker() as s:
        (payload,) = (
            await s.scalars(select(Outbox.payload).where(Outbox.kind == R.MEETING_LATE))
        ).all()
        paths = {u.name: u.path for u in await org.all_units(s)}
    # Hai met and Bốn was founded after Q1 began; the others are late, heads or not.
    late = ["Một", "Ba", "Năm", "Sáu", "Bảy", "Tám", "Chín", "Mười"]
    names = sorted((f"Chi hội {b}" for b in late), key=lambda n: paths[n])
    with language("vi"):
        label = period_label(Quarter(2026, 1))
        expected = messages.meeting_late(label, "Xã Hòa", names, ["Tổ Hai A (Chi hội Hai)"])
    assert payload["text"].startswith(expected)
