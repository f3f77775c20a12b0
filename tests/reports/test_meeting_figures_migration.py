"""Migration 0012 on both backends: meetings already there get their figures built, with
their unit's members at the end of their day, and stated roster totals."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from storage import db
from tests.meetings.test_form_migration import _execute
from tests.support import databases
from tests.unit.test_migrations import _scratch_url

NOW = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)
D = dt.date


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_existing_meetings_get_their_figures(kind: str, tmp_path: Path) -> None:
    url, admin = _scratch_url(kind, tmp_path)
    try:
        databases.in_thread(lambda: db.upgrade(url, "0011_core_index"))
        _execute(
            url,
            "INSERT INTO org_unit (id, level, code, name, path) "
            "VALUES (1, 'branch', 'B1', 'Chi hội Một', '/1/')",
        )
        for mid in range(1, 5):
            _execute(
                url,
                "INSERT INTO member (id, branch_id, name_folded, name_sort, birth_approx, gender, "
                "categories, is_core, status, created_at) "
                "VALUES (:id, 1, '', '', false, 'female', '[]', false, 'active', :now)",
                id=mid,
                now=NOW,
            )
        # joins on 1/1, 1/1, 5/1, 9/1; the 4th leaves on 9/1
        for mid, kind_, day in [
            (1, "joined", D(2026, 1, 1)),
            (2, "joined", D(2026, 1, 1)),
            (3, "joined", D(2026, 1, 5)),
            (4, "joined", D(2026, 1, 9)),
            (4, "left", D(2026, 1, 9)),
        ]:
            _execute(
                url,
                "INSERT INTO member_event (member_id, kind, occurred_on, unit_id, detail, "
                "recorded_at) VALUES (:m, :k, :d, 1, '{}', :now)",
                m=mid,
                k=kind_,
                d=day,
                now=NOW,
            )
        _execute(
            url,
            "INSERT INTO roster_total (unit_id, as_of, total, entered_at) VALUES (1, :d, 10, :now)",
            d=D(2026, 1, 6),
            now=NOW,
        )
        for mid, day, meeting_kind, leader in [
            (1, D(2026, 1, 4), "regular", False),  # 2 members, nothing stated yet
            (2, D(2026, 1, 6), "regular", False),  # 3 members, 10 stated that day
            (3, D(2026, 1, 9), "themed", True),  # a leader's visit: 3 members
            (4, D(2026, 1, 9), "themed", False),  # neither: no figure
        ]:
            _execute(
                url,
                "INSERT INTO meeting (id, unit_id, held_on, kind, present_count, "
                "leader_present, logged_at) VALUES (:id, 1, :day, :kind, 2, :leader, :now)",
                id=mid,
                day=day,
                kind=meeting_kind,
                leader=leader,
                now=NOW,
            )
        databases.in_thread(lambda: db.upgrade(url))
        rows = _execute(
            url,
            "SELECT meeting_id, counted, visited, present, entered, stated "
            "FROM meeting_figure ORDER BY meeting_id",
        )
        assert rows == [(1, 1, 0, 2, 2, 0), (2, 1, 0, 2, 3, 10), (3, 0, 1, 2, 3, 10)]
        assert _execute(url, "SELECT count(*) FROM figure_rebuild") == [(0,)]
    finally:
        if admin is not None:
            databases.run(lambda: databases.drop_pg_database(admin, url))
