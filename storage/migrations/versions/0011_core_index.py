"""partial indexes for core members per branch and per tổ

Revision ID: 0011_core_index
Revises: 0010_dues
Create Date: 2026-12-03

Issue 20: a province's dues report counted core members by reading every member of its
2,800 branches (1.5 s of 4.8 s); core members are a few per branch.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_core_index"
down_revision: str | None = "0010_dues"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PG, _SQLITE = "is_core", "is_core = 1"


def upgrade() -> None:
    for name, column in (
        ("ix_member_core_branch", "branch_id"),
        ("ix_member_core_group", "group_id"),
    ):
        op.create_index(
            name,
            "member",
            [column, "status"],
            postgresql_where=sa.text(_PG),
            sqlite_where=sa.text(_SQLITE),
        )


def downgrade() -> None:
    op.drop_index("ix_member_core_group", table_name="member")
    op.drop_index("ix_member_core_branch", table_name="member")
