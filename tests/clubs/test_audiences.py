"""The audience table: every code named, ages derived with their thresholds, a ticked audience
her age contradicts asked about once; the clubs' quarterly reminder; old flags migrated."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import sqlalchemy as sa

from bot.core.i18n import language
from bot.domain import audiences
from bot.domain.rules import Rules
from bot.reports.audience_names import LABELS, labels
from bot.scheduler.club_due import CLUB_MEETING_DUE
from bot.scheduler.sweep import sweep
from storage import db
from tests.clubs.support import add_club
from tests.conversations.test_member_names import TO_NAME
from tests.scheduler.support import local, outbox_rows
from tests.support.chat import Chat
from tests.support.chat_fixtures import World

DAY = dt.date(2026, 3, 20)


def test_every_audience_has_a_name_and_one_source() -> None:
    assert set(LABELS) == {a.code for a in audiences.AUDIENCES}
    assert {"disabled", "ethnic_minority", "religious"} == audiences.SENSITIVE
    with language("vi"):
        assert labels(["religious", "young"]) == ["Phụ nữ trẻ (dưới 35 tuổi)", "Theo tôn giáo"]


def test_ages_are_derived_from_the_birth_date() -> None:
    """On 20/03/2026: born 21/03/1991 is 34 (young, under 35); born 20/03/1966 is 60
    (elderly, 60 or more); born 1985 is 41 (neither)."""
    assert audiences.audiences_of([], dt.date(1991, 3, 21), DAY) == ["young"]
    assert audiences.audiences_of([], dt.date(1991, 3, 20), DAY) == []
    assert audiences.audiences_of([], dt.date(1966, 3, 20), DAY) == ["elderly"]
    assert audiences.audiences_of(
        ["migrant_worker"], dt.date(1985, 5, 1), DAY, migrant=True, temporary=True
    ) == ["worker", "migrant", "temporary"]
    assert audiences.age_doubt(["elderly"], dt.date(1985, 5, 1), False, DAY) == "elderly"
    assert audiences.age_doubt(["elderly"], dt.date(1960, 5, 1), False, DAY) is None


async def test_elderly_for_a_woman_born_in_1985_is_asked_then_kept_if_repeated(
    chat: Chat,
) -> None:
    await chat.script(
        [
            *TO_NAME,
            ("user", "Phạm Thị Huệ"),
            ("bot", "Ngày sinh"),
            ("user", "5/3/1985"),
            ("bot", "mới kết nạp"),
            ("pick", "Hội viên mới kết nạp"),
            ("bot", "Số điện thoại"),
            ("pick", "Bỏ qua"),
            ("bot", "Số căn cước"),
            ("pick", "Bỏ qua"),
            ("bot", "thuộc nhóm nào"),
            ("user", "2"),
            ("bot", "Nếu vẫn giữ, chị gửi lại đúng câu trả lời này"),
            ("user", "2"),
            ("bot", "vận động"),
            ("pick", "Bỏ qua"),
            ("bot", "Nhóm: Cao tuổi"),
        ]
    )


async def test_the_commune_chair_hears_of_clubs_with_no_meeting(world: World) -> None:
    """Q1/2026 ends on 31/03: on 17/03 (14 days before) the chair of Quảng Phú hears of its
    club founded in 2025 that has not met; a second sweep adds nothing."""
    await add_club(world, "CLB Nữ công nhân", ["worker"])
    at = local(2026, 3, 17)
    first = await sweep(world.maker, at, Rules(), world.engine.registry)
    again = await sweep(world.maker, at, Rules(), world.engine.registry)
    assert first.added[CLUB_MEETING_DUE] == 1 and again.added[CLUB_MEETING_DUE] == 0
    row = next(r for r in await outbox_rows(world.maker) if r.kind == CLUB_MEETING_DUE)
    assert row.chat_id == "hong" and "CLB Nữ công nhân" in row.payload["text"]


def test_the_migration_renames_the_merged_worker_flag(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'm.sqlite3'}"
    db.upgrade(url, "0006_trustpii")
    path = tmp_path / "m.sqlite3"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as c:
        c.execute(
            sa.text(
                "INSERT INTO org_unit (id, level, code, name, path) "
                "VALUES (1, 'branch', 'B', 'B', '/1/')"
            )
        )
        for mid, cats in ((1, ["elderly", "migrant_worker"]), (2, ["trader"])):
            c.execute(
                sa.text(
                    "INSERT INTO member (id, branch_id, name_folded, name_sort, gender, "
                    "categories, is_core, status, joined_approx, residence, birth_approx, "
                    "created_at) VALUES (:id, 1, '', '', 'female', :c, 0, 'active', 0, "
                    "'permanent', 0, '2026-01-01 00:00:00')"
                ),
                {"id": mid, "c": json.dumps(cats)},
            )
    db.upgrade(url)
    with engine.begin() as c:
        got = dict(c.execute(sa.text("SELECT id, categories FROM member")).all())
    assert {k: json.loads(v) for k, v in got.items()} == {1: ["elderly", "worker"], 2: ["trader"]}
    db.downgrade(url, "0006_trustpii")
    with engine.begin() as c:
        back = c.execute(sa.text("SELECT categories FROM member WHERE id = 1")).scalar()
    assert json.loads(back) == ["elderly", "migrant_worker"]
    engine.dispose()
